"""The housekeeping around an atomic save (a temporary file in the target's folder, then
os.replace): what the temporary file's permissions should be, and removing the temporaries of
earlier saves whose process was killed mid-write. checkpoint.save_checkpoint does the writing."""

from __future__ import annotations

import glob
import os
import time
from pathlib import Path


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
