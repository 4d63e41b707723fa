"""Saving a finished run without losing it: the target is checked before training starts, a
library name is reserved atomically, and a failed save falls back to another folder.

A library name is reserved by creating `NAME.pt` with O_CREAT|O_EXCL, taking `NAME-2.pt`,
`NAME-3.pt`… when it exists, only when the run is saved: two runs saving at once can never get
the same file, and no empty file sits in the library while a run trains (the library listing
would show it as unusable). The empty file is then replaced atomically by save_checkpoint (a
temporary file and os.replace), or removed if that save fails.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from digitpad.core.errors import CheckpointError, DigitpadError
from digitpad.core.paths import APP_NAME, model_library_dir
from digitpad.core.safe_text import printable

# Bytes of a file name's stem: with "-NN.pt" and save_checkpoint's temporary-file decoration
# (".NAME.PID.XXXXXXXX.tmp") it stays well inside the 255 bytes most file systems allow.
MAX_STEM_BYTES = 160
KEPT_END_BYTES = 24  # of a name cut to that length


def safe_stem(name: str) -> str:
    """`name` as a file-name stem: runs of characters other than letters, digits, '.', '_' and
    '-' become '-', and it is cut to MAX_STEM_BYTES bytes of UTF-8 (whole characters)."""
    stem = re.sub(r"[^\w.-]+", "-", str(name).strip()).strip(".-")
    encoded = stem.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:  # keep the end too: it holds a time stamp or a number
        head = encoded[: MAX_STEM_BYTES - KEPT_END_BYTES - 1].decode("utf-8", "ignore")
        tail = encoded[-KEPT_END_BYTES:].decode("utf-8", "ignore")
        stem = f"{head.rstrip('.-')}-{tail.lstrip('.-')}"
    return stem or "model"


def reserve_in_library(name: str, folder: Path) -> Path:
    """Create an empty, new `folder/STEM.pt` (or STEM-2.pt, …) for the caller and return it."""
    stem = safe_stem(name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        n = 1
        while True:
            path = folder / (f"{stem}.pt" if n == 1 else f"{stem}-{n}.pt")
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                return path
            except FileExistsError:
                n += 1
    except OSError as exc:
        raise CheckpointError(
            f"Cannot save a model in {printable(folder)}: {_reason(exc, folder)}."
        ) from None


def release(path: str | os.PathLike) -> None:
    """Remove a reservation that was never filled (an empty file); a saved model is kept."""
    try:
        if os.stat(path).st_size == 0:
            os.unlink(path)
    except OSError:
        pass


def check_writable(path: str | os.PathLike, what: str = "the model") -> None:
    """Raise DigitpadError now when `path` could not be saved to at the end of training.

    Makes the folder (as the save would), then creates, writes, syncs and removes a probe file
    named as save_checkpoint names its temporary file, so a read-only or pseudo file system
    (/proc, /sys), a file where a folder should be, or a name too long all show up before any
    training time is spent. Root ignores permission bits, so only trying tells.
    """
    path = Path(path)
    if os.path.isdir(path):
        example = printable(path / "model.pt")
        raise DigitpadError(f"{printable(path)} is a folder; give a file name such as {example}.")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                     dir=folder)
        try:
            os.write(fd, b"digitpad checks it can save here")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise DigitpadError(
            f"Cannot save {what} to {printable(path)}: {_reason(exc, folder)}; "
            "choose another place before training."
        ) from None


@dataclass(frozen=True)
class SaveResult:
    """Where a run was saved, and why not where it was meant to go ("" when it was)."""

    path: str
    problem: str = ""


def save_run(finished: Any, target: Path | None, name: str,
             library: Path | None = None) -> SaveResult:
    """Save `finished` (a records.Finished with a model) to the file `target`, or under `name`
    in the library when target is None. When that fails, save under `name` in the first of the
    library, the per-user data folder and the temporary folder that works, and say why in
    SaveResult.problem. Raises CheckpointError only when no place at all takes it."""
    library = library or model_library_dir()
    try:
        if target is not None:
            return SaveResult(finished.save(str(target)))
        return SaveResult(_save_reserved(finished, name, library))
    except (DigitpadError, OSError) as exc:
        problem = str(exc) if isinstance(exc, DigitpadError) else _reason(exc, library)
    tried = []
    for folder in _fallback_folders(library):
        tried.append(printable(folder))
        try:
            return SaveResult(_save_reserved(finished, name, folder), problem)
        except (DigitpadError, OSError):
            continue
    raise CheckpointError(f"{problem} It could not be saved anywhere else either "
                          f"(tried {', '.join(tried)}).")


def _save_reserved(finished: Any, name: str, folder: Path) -> str:
    path = reserve_in_library(name, folder)
    try:
        return finished.save(str(path))
    except BaseException:
        release(path)
        raise


def _fallback_folders(library: Path) -> list[Path]:
    user = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folders: list[Path] = []
    for folder in (library, user / "models", user, Path(tempfile.gettempdir()) / APP_NAME):
        if folder not in folders:
            folders.append(folder)
    return folders


def _reason(exc: OSError, folder: Path) -> str:
    if exc.errno in (errno.EEXIST, errno.ENOTDIR) or (
        os.path.exists(folder) and not os.path.isdir(folder)
    ):
        return "a file is in the way where a folder is needed"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    return printable(exc.strerror or exc)
