"""Model files: state dict + metadata in one file, saved atomically, loaded with weights_only.

A checkpoint is a plain dict of tensors and JSON-like values, so `torch.load(weights_only=True)`
can read it without running any code from the file.
"""

from __future__ import annotations

import glob
import os
import pickle
import platform
import tempfile
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch
from torch import nn

from digitpad import __version__
from digitpad.core.errors import CheckpointError, DigitpadError
from digitpad.core.models.registry import build_model, get_spec

FORMAT = "digitpad-checkpoint"
FORMAT_VERSION = 1
REQUIRED_META = (
    "architecture", "model_options", "class_names", "in_channels", "image_size", "preprocess",
    "mean", "std",
)


def _installed_version(package: str) -> str:
    """A package's version without importing it (importing torchvision costs over a second)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    """Versions of the software that made a file (stored in every checkpoint)."""
    return {
        "digitpad": __version__, "torch": str(torch.__version__),
        "torchvision": _installed_version("torchvision"), "python": platform.python_version(),
    }


def now_iso() -> str:
    """The current time in ISO 8601 with a timezone, to the second."""
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def save_checkpoint(path: str | os.PathLike, model: nn.Module, meta: dict[str, Any]) -> Path:
    """Write the model's weights and metadata to `path` atomically; return the final path.

    The data goes to a temporary file in the same folder, is flushed to disk, then renamed over
    the target, so a crash or a full disk never leaves a half-written model behind.
    """
    path = Path(path)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    payload = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "meta": meta, "state_dict": state,
    }
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_dead_temporaries(folder, path.name)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                   dir=folder)
    except OSError as exc:
        raise CheckpointError(f"Cannot save the model to {path}: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            torch.save(payload, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600 files; a model should be shareable
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            reason = exc.strerror or exc
            raise CheckpointError(f"Cannot save the model to {path}: {reason}.") from None
        raise
    return path


def _remove_dead_temporaries(folder: Path, name: str) -> None:
    """Delete what earlier saves of `name` left behind when their process was killed mid-write
    (temporary files are named .NAME.PID.XXXX.tmp; a live process's are left alone)."""
    for tmp in folder.glob(f".{glob.escape(name)}.*.tmp"):
        pid = tmp.name[len(name) + 2 :].split(".")[0]
        if pid.isdigit() and not _process_alive(int(pid), tmp):
            tmp.unlink(missing_ok=True)


def _process_alive(pid: int, tmp: Path) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # no safe liveness check (os.kill would end it): go by age
        try:
            return time.time() - tmp.stat().st_mtime < 24 * 3600
        except OSError:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, owned by someone else
    return True


def _mode_for(path: Path) -> int:
    """The permissions a plain open() would give a new `path` (or those of the file replaced)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (os.umask is not
    thread-safe to query: it has to be set and set back)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_checkpoint(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """The state dict and metadata of a model file, or CheckpointError saying what is wrong."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"Model file {path} does not exist.")
    if path.is_dir():
        raise CheckpointError(f"{path} is a folder, not a model file.")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "Unsupported global" in str(exc) or "Unsupported class" in str(exc):
            raise CheckpointError(
                f"Refused to load {path.name}: it contains Python objects that could run code "
                "when loaded, which a digitpad model file never does."
            ) from None
        raise CheckpointError(f"{path.name} is not a readable model file (corrupt data).") from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, ValueError, OSError) as exc:
        reason = "the file is empty" if path.stat().st_size == 0 else _short(exc)
        raise CheckpointError(f"{path.name} is not a readable model file ({reason}).") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path.name} is not a digitpad model file.")
    version = payload.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise CheckpointError(
            f"{path.name} was made by a newer digitpad (file format {version}); "
            "update digitpad to use it."
        )
    meta, state = payload.get("meta"), payload.get("state_dict")
    if not isinstance(meta, dict) or not isinstance(state, dict):
        raise CheckpointError(f"{path.name} is damaged: its metadata or weights are missing.")
    missing = [key for key in REQUIRED_META if key not in meta]
    if missing:
        raise CheckpointError(f"{path.name} is damaged: metadata lacks {', '.join(missing)}.")
    return state, meta


def read_meta(path: str | os.PathLike) -> dict[str, Any]:
    """Just the metadata of a model file (still a safe weights-only load)."""
    return read_checkpoint(path)[1]


def load_model(path: str | os.PathLike) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild the architecture from the file's metadata alone and load its weights (CPU)."""
    state, meta = read_checkpoint(path)
    name = Path(path).name
    options = dict(meta["model_options"])
    if "pretrained" in options:
        options["pretrained"] = False  # the file holds the weights; never fetch ImageNet ones
    try:
        get_spec(meta["architecture"])
        model = build_model(
            meta["architecture"], len(meta["class_names"]), int(meta["in_channels"]),
            int(meta["image_size"]), options,
        )
    except DigitpadError as exc:
        raise CheckpointError(f"{name} cannot be used: {exc}") from None
    except (TypeError, ValueError, KeyError) as exc:
        raise CheckpointError(f"{name} has metadata this digitpad cannot use ({exc}).") from None
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise CheckpointError(
            f"{name} does not match the {meta['architecture']} architecture it names "
            f"({_short(exc)})."
        ) from None
    model.eval()
    return model, meta


def _short(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    if len(lines) > 1 and "size mismatch" in str(exc):
        text = next(line for line in lines if "size mismatch" in line)
    return text[:200].rstrip(".")
