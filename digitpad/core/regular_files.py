"""Open only regular files, and never block while finding out what a path is.

open() on a FIFO waits for a writer, forever when none comes; a device can stream without end.
os.stat() never blocks and follows symlinks, so it tells what a path really leads to before
anything is opened. The open itself adds O_NONBLOCK and the opened file is checked again with
fstat, so a path swapped for a FIFO between the two checks is refused instead of hanging.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import IO

from digitpad.core.errors import DigitpadError
from digitpad.core.safe_text import printable

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words ("a named pipe (FIFO)", "a folder"…)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def check_regular(
    path: str | os.PathLike, error: type[DigitpadError], what: str, shown: str | None = None
) -> os.stat_result:
    """The stat of `path` when it leads to a regular file; else `error` with one clear line.

    `what` names the file in messages ("model file", "image file"); `shown` is how the path is
    shown (default: the path itself), made printable here.
    """
    p = Path(path)
    shown = printable(p if shown is None else shown)
    try:
        info = os.stat(p)
    except FileNotFoundError:
        target = _link_target(p)
        if target is None:
            raise error(f"{what.capitalize()} {shown} does not exist.") from None
        raise error(
            f"{shown} is a symbolic link to {printable(target)}, which does not exist."
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise error(f"{shown} is a symbolic link loop: it never leads to a file.") from None
        raise error(f"Cannot read {what} {shown}: {_reason(exc)}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise error(not_regular_message(shown, info.st_mode, what))
    return info


def not_regular_message(shown: str, mode: int, what: str) -> str:
    """The one line for a path that is a folder, a FIFO, a device or a socket."""
    kind = kind_of(mode)
    if kind == "a folder":
        return f"{shown} is a folder, not {_article(what)}."
    return f"{shown} is {kind}, not {_article(what)}: only regular files are opened."


def nonblocking_opener(path: str | os.PathLike, flags: int) -> int:
    """An `opener` for open() that never waits on a FIFO (use with `ensure_regular`)."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))


def ensure_regular(handle: IO[bytes], error: type[DigitpadError], what: str, shown: str) -> int:
    """Check an opened file really is a regular file (it may have been swapped since it was
    stat'ed); returns its size."""
    info = os.fstat(handle.fileno())
    if not stat.S_ISREG(info.st_mode):
        raise error(not_regular_message(printable(shown), info.st_mode, what))
    return info.st_size


def _link_target(p: Path) -> str | None:
    try:
        return os.readlink(p) if p.is_symlink() else None
    except OSError:
        return None


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")


def _article(what: str) -> str:
    return f"an {what}" if what[:1] in "aeiou" else f"a {what}"
