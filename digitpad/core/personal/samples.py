"""The person's handwriting samples on disk: an image folder `<root>/<digit>/<stamp>.png` (the
ImageFolder layout `digitpad train --dataset` and fine-tuning read), never half-written.

Every file is written whole to a temporary file in its digit folder (.sample.PID.XXXX.tmp),
flushed and synced, and only then given its name: the name is reserved with O_CREAT|O_EXCL (so
two writers never take the same one; a taken name gets "-2", "-3"…) and the temporary file is
moved over the reservation with os.replace. A crash therefore leaves at worst a hidden temporary
file or an empty reservation, both of which the listing ignores, never a torn PNG. Time stamps in
names are UTC, so a sample's `created` does not depend on the time zone it is read in.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from PIL import Image

from digitpad.core import paths
from digitpad.core.atomic_save import mode_for, remove_dead_temporaries
from digitpad.core.errors import DigitpadError
from digitpad.core.images import flattened_gray, open_image
from digitpad.core.safe_text import printable

DIGITS = tuple("0123456789")
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
TEMP_NAME = "sample"  # temporary files are .sample.PID.XXXX.tmp (atomic_save's convention)
_STAMPED = re.compile(r"^(\d{8}-\d{6}-\d{6})(?:-\d+)*\.png$")  # "-2": a name that was taken


class SampleStoreError(DigitpadError):
    """The handwriting folder cannot be written or read (full disk, a file where a folder
    should be, a sample that is gone)."""


@dataclass(frozen=True)
class Sample:
    """One stored drawing: its file, its digit and when it was made (POSIX seconds)."""

    path: Path
    digit: str
    created: float


@dataclass(frozen=True)
class NewFile:
    """A file for SampleStore.add_files: PNG bytes, the name wanted (kept unless taken) and the
    modification time to give it (None: now)."""

    digit: str
    name: str
    data: bytes
    mtime: float | None = None


def check_digit(digit: object) -> str:
    """`digit` when it is one of DIGITS; ValueError otherwise."""
    if not isinstance(digit, str) or digit not in DIGITS:
        raise ValueError(f"A sample's digit must be one of 0 … 9, not {printable(repr(digit))}.")
    return digit


def stamp_name(when: float | None = None) -> str:
    """The file name a sample made at `when` (POSIX seconds, default now) gets."""
    moment = datetime.fromtimestamp(_now() if when is None else when, tz=timezone.utc)
    return moment.strftime(STAMP_FORMAT) + ".png"


def _now() -> float:
    return datetime.now(timezone.utc).timestamp()


def created_from(name: str, mtime: float) -> float:
    """A sample's time: from its file name's time stamp, else the file's modification time."""
    match = _STAMPED.match(name)
    if match:
        try:
            moment = datetime.strptime(match.group(1), STAMP_FORMAT)
            return moment.replace(tzinfo=timezone.utc).timestamp()
        except ValueError:  # digits that are no date (month 13)
            pass
    return mtime


def encode_png(image: np.ndarray) -> bytes:
    """A uint8 (H, W) grey image as PNG bytes; ValueError for anything else."""
    array = np.asarray(image)
    if array.dtype != np.uint8 or array.ndim != 2 or 0 in array.shape:
        raise ValueError("A sample must be a non-empty uint8 (H, W) grey image, not "
                         f"{array.dtype} with shape {array.shape}.")
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(array)).save(out, format="PNG")
    return out.getvalue()


class SampleStore:
    """The samples under `root` (None: paths.handwriting_dir()); nothing is created until the
    first sample is written."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else paths.handwriting_dir()

    # --- reading ------------------------------------------------------------------------------
    def samples(self, digit: str | None = None) -> list[Sample]:
        """The samples (of one digit, or all), oldest first. Only non-empty *.png regular files
        directly in the ten digit folders count; other entries, links and temporaries do not."""
        digits = DIGITS if digit is None else (check_digit(digit),)
        found = [s for d in digits for s in self._listed(d)]
        return sorted(found, key=lambda s: (s.created, s.path.name, s.digit))

    def _listed(self, digit: str) -> list[Sample]:
        folder = self.root / digit
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return []
            entries = list(os.scandir(folder))
        except OSError:
            return []
        out = []
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.lower().endswith(".png"):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_size > 0:
                out.append(Sample(Path(entry.path), digit, created_from(entry.name,
                                                                        info.st_mtime)))
        return out

    def counts(self) -> dict[str, int]:
        """The number of samples of each digit (all ten, 0 where none)."""
        return {d: len(self._listed(d)) for d in DIGITS}

    def total(self) -> int:
        return sum(self.counts().values())

    def image(self, sample: Sample) -> np.ndarray:
        """The sample as uint8 (H, W) grey, read by images.open_image (ImageError, one line,
        for a file that is no image or too large)."""
        with open_image(sample.path) as im:
            if im.mode == "L":
                return np.array(im, dtype=np.uint8)
            return flattened_gray(np.asarray(im.convert("RGBA")))

    # --- writing ------------------------------------------------------------------------------
    def add(self, digit: str, image: np.ndarray) -> Sample:
        """Store a drawing (uint8 (H, W) grey, as the canvas holds it) as a new sample."""
        check_digit(digit)
        return self.add_files([NewFile(digit, stamp_name(), encode_png(image))])[0]

    def add_files(self, files: Iterable[NewFile]) -> list[Sample]:
        """Write several files, all or none: each is written whole to a temporary file first;
        only when all are on disk are they given their names. Any failure removes what this
        call wrote and raises SampleStoreError (ValueError for a bad digit or name)."""
        files = list(files)
        for new in files:
            check_digit(new.digit)
            if not _plain_png_name(new.name):
                raise ValueError(f"{printable(new.name)!r} is not a plain *.png file name.")
        staged: list[tuple[NewFile, str]] = []
        done: list[Sample] = []
        try:
            for new in files:
                staged.append((new, self._stage(new)))
            for new, tmp in staged:
                path = self._publish(tmp, self.root / new.digit, new.name)
                mtime = os.stat(path).st_mtime
                done.append(Sample(path, new.digit, created_from(path.name, mtime)))
        except BaseException as exc:
            for _, tmp in staged:
                Path(tmp).unlink(missing_ok=True)
            for sample in done:
                sample.path.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise self._error("save the sample", exc) from None
            raise
        return done

    def delete(self, sample: Sample) -> None:
        """Remove a sample's file (nothing happens when it is already gone)."""
        try:
            self._own(sample).unlink(missing_ok=True)
        except OSError as exc:
            raise self._error("delete the sample", exc) from None

    def relabel(self, sample: Sample, digit: str) -> Sample:
        """Move a sample to another digit's folder, keeping its name unless that is taken."""
        check_digit(digit)
        source = self._own(sample)
        if digit == sample.digit:
            return sample
        try:
            _ensure_folder(self.root / digit)
            path = self._publish(str(source), self.root / digit, source.name)
        except FileNotFoundError:
            raise SampleStoreError(f"The sample {printable(source.name)} is gone (deleted "
                                   "elsewhere?).") from None
        except OSError as exc:
            raise self._error("move the sample", exc) from None
        return Sample(path, digit, sample.created)

    # --- the atomic steps ---------------------------------------------------------------------
    def _stage(self, new: NewFile) -> str:
        """`new.data` written whole, flushed and synced to a temporary file in its folder."""
        folder = self.root / new.digit
        _ensure_folder(folder)
        remove_dead_temporaries(folder, TEMP_NAME)
        fd, tmp = tempfile.mkstemp(prefix=f".{TEMP_NAME}.{os.getpid()}.", suffix=".tmp",
                                   dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(new.data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode_for(folder / new.name))  # mkstemp makes 0600 files
            if new.mtime is not None:
                os.utime(tmp, (new.mtime, new.mtime))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return tmp

    def _publish(self, source: str, folder: Path, name: str) -> Path:
        """Move `source` to `folder/name` (or name-2.png, …: never over an existing file)."""
        target = _reserve(folder, name)
        try:
            os.replace(source, target)
        except BaseException:
            target.unlink(missing_ok=True)  # the empty reservation
            raise
        _sync_folder(folder)
        return target

    def _own(self, sample: Sample) -> Path:
        """The sample's path, when it is a file of this store; ValueError otherwise."""
        path = Path(sample.path)
        if sample.digit not in DIGITS or path.parent != self.root / sample.digit \
                or not _plain_png_name(path.name):
            raise ValueError(f"{printable(path)} is not a sample of {printable(self.root)}.")
        return path

    def _error(self, doing: str, exc: OSError) -> SampleStoreError:
        reason = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
        where = printable(exc.filename if exc.filename else self.root)
        return SampleStoreError(f"Cannot {doing} in {printable(self.root)}: {reason} "
                                f"({where}).")


def _plain_png_name(name: str) -> bool:
    return (bool(name) and name == os.path.basename(name) and "\\" not in name
            and not name.startswith(".") and name.lower().endswith(".png") and len(name) <= 200)


def _ensure_folder(folder: Path) -> None:
    """Make the folder; a file or a link where it should be is an error, not followed."""
    folder.mkdir(parents=True, exist_ok=True)
    if not stat.S_ISDIR(os.lstat(folder).st_mode):
        raise NotADirectoryError(20, "not a real folder", str(folder))


def _reserve(folder: Path, name: str) -> Path:
    """Create an empty, new `folder/name` (or STEM-2.png, STEM-3.png…) and return it."""
    stem = name[: -len(".png")]
    candidates = itertools.chain([name], (f"{stem}-{n}.png" for n in range(2, 100_000)))
    for candidate in candidates:
        path = folder / candidate
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return path
        except FileExistsError:
            continue
    raise FileExistsError(17, "every name is taken", str(folder / name))


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX); best effort where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
