"""Download one file atomically, with a progress callback and an optional md5 check.

Own code because torchvision's downloader reports progress only through tqdm, while the GUI
needs a callback; the md5 check itself is torchvision's.
"""

from __future__ import annotations

import http.client
import os
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from torchvision.datasets.utils import check_integrity

from digitpad.core.errors import DatasetError

_CHUNK = 1 << 16
_USER_AGENT = "digitpad"


class DownloadError(DatasetError):
    """A download that failed; `reason` is a short phrase such as 'HTTP Error 404: Not Found'."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def download_file(
    url: str,
    dest: Path,
    *,
    md5: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    timeout: float = 30,
) -> None:
    """Download `url` to `dest` through `dest.part`, so `dest` is never left half-written.

    `timeout` bounds the connection and every read, so a stalled server cannot hang forever.
    `progress(bytes_done, bytes_total)` is called after each chunk (total None if unknown).
    """
    dest = Path(dest)
    part = dest.with_suffix(dest.suffix + ".part")
    problem = folder_problem(dest.parent)
    if problem:
        raise DownloadError(f"Cannot download {url} into {dest.parent}: {problem}.", problem)
    try:
        _fetch(url, part, progress, timeout)
        if md5 is not None and not check_integrity(part, md5):
            raise DownloadError(
                f"The file downloaded from {url} is corrupt (md5 mismatch); try again later.",
                "md5 mismatch",
            )
        os.replace(part, dest)
    except DownloadError:
        part.unlink(missing_ok=True)
        raise
    except (OSError, ValueError, http.client.HTTPException) as exc:  # URLError, timeouts: OSError
        part.unlink(missing_ok=True)
        reason = _reason(exc)
        raise DownloadError(f"Could not download {url} ({reason}).", reason) from None
    except BaseException:  # Ctrl+C or a cancelling callback: still no half-written file
        part.unlink(missing_ok=True)
        raise


def _fetch(
    url: str, part: Path, progress: Callable[[int, int | None], None] | None, timeout: float
) -> None:
    """Stream the response body into `part`."""
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    # the file first: a folder that cannot hold it fails before any network traffic
    with open(part, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        done = 0
        if progress is not None:
            progress(done, total)
        while chunk := response.read(_CHUNK):
            out.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    if total is not None and done != total:
        raise OSError(f"connection closed after {done:,} of {total:,} bytes")


def folder_problem(folder: str | os.PathLike) -> str | None:
    """None when `folder` exists or can be created and a file can be written in it; else why
    not, as a short phrase ('/data is a file, not a folder', 'cannot create /proc/x (…)')."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        for above in (folder, *folder.parents):
            try:
                if above.exists() and not above.is_dir():
                    return f"{above} is a file, not a folder"
            except OSError:
                break
        return f"{folder} is not a folder"
    except OSError as exc:
        return f"cannot create {folder} ({exc.strerror or _reason(exc)})"
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"cannot write in {folder} ({exc.strerror or _reason(exc)})"
    return None


def _reason(exc: BaseException) -> str:
    """A short, readable phrase for a download failure."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP Error {exc.code}: {exc.reason}"
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, socket.gaierror):
        return "no network: the download server could not be found"  # not "[Errno -2] …"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__
