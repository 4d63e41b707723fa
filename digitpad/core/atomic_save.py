"""Atomic saves: atomic_write writes a temporary file in the target's folder, syncs it and
renames it over the target (os.replace), so a crash or a full disk never leaves a half-written
file. Around it: what the temporary file's permissions should be (mode_for), and removing the
temporaries of earlier saves whose process was killed mid-write (remove_dead_temporaries).
Model files (checkpoint), ONNX exports and explain's PNGs are written with atomic_write."""

from __future__ import annotations

import glob
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write `path` atomically: `write` fills a temporary file .NAME.PID.XXXX.tmp in its folder
    (after earlier saves' dead temporaries are removed), which is flushed, synced, given the
    permissions a plain open() would (mode_for: mkstemp makes 0600 files), then renamed over
    `path`. On any failure, an exception from `write` included, the temporary file is deleted
    and the exception propagates unchanged (an OSError as such: callers word the message)."""
    folder = path.parent if str(path.parent) else Path(".")
    remove_dead_temporaries(folder, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_dead_temporaries(folder: Path, name: str) -> None:
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


def mode_for(path: Path) -> int:
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
