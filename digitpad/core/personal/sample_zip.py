"""Moving the handwriting samples as one .zip: export writes it atomically; import checks every
member before it writes anything, and then writes all of it or nothing (SampleStore.add_files).

A zip from elsewhere is untrusted. stdlib zipfile is used to read it, but zipfile's own
extract() only sanitises paths, so every check is made here, on the central directory first
(names, kinds, declared sizes) and again while reading (a directory can lie about sizes; reads
are capped and zipfile checks each member's CRC): absolute paths, drive letters, backslashes,
'..', symbolic links and other non-files, encrypted members, too many members, too large a
member or total, and members that are no decodable PNG (images.py's bomb checks) are refused,
each with one line naming the member. Only `<digit>/<name>.png` members are imported, inside at
most one top folder (export writes `handwriting/<digit>/<name>.png`); macOS and Windows debris
(__MACOSX/, .DS_Store, Thumbs.db) is left out. Images already in the store (same bytes) are
skipped as duplicates; a name already taken gets "-2", "-3"…. Nothing is ever extracted by
path: a file is written as store/<digit>/<its name, when plain; else a time stamp>.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image

from digitpad.core.atomic_save import mode_for, remove_dead_temporaries
from digitpad.core.errors import DigitpadError, ImageError
from digitpad.core.images import MAX_PIXELS, check_size, image_from_bytes
from digitpad.core.personal.samples import (
    DIGITS,
    NewFile,
    Sample,
    SampleStore,
    SampleStoreError,
    stamp_name,
)
from digitpad.core.regular_files import check_regular, ensure_regular, nonblocking_opener
from digitpad.core.safe_text import printable

EXPORT_TOP = "handwriting"  # the one folder an exported zip's members are in
MAX_MEMBERS = 20_000  # entries in the zip (folders and debris count too)
MAX_MEMBER_BYTES = 8 * 2**20  # one image unpacked (a drawn sample is a few kilobytes)
MAX_TOTAL_BYTES = 64 * 2**20  # all images unpacked (they are held in memory until written)
MAX_ZIP_BYTES = 96 * 2**20  # the zip file itself (bounds its central directory too)
MAX_TOTAL_PIXELS = 2_000_000_000  # all images decoded, one after the other
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LAYOUT = "<digit>/<name>.png (the layout export writes, optionally inside one folder)"
_DEBRIS = ("thumbs.db", "desktop.ini")
_KEPT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}\.png$", re.IGNORECASE)


class SampleZipError(DigitpadError):
    """A handwriting zip that is refused or cannot be written, in one line."""


@dataclass(frozen=True)
class ImportResult:
    added: int  # samples written to the store
    duplicates: int  # images skipped: the same bytes were already in the store (or the zip)
    ignored: int = 0  # debris left out (__MACOSX/, .DS_Store, Thumbs.db), folders not counted


@dataclass(frozen=True)
class _Member:
    info: zipfile.ZipInfo
    digit: str
    name: str  # its file name


# --- export -----------------------------------------------------------------------------------
def export_zip(store: SampleStore, out: Path) -> int:
    """Write every sample to the zip `out` as handwriting/<digit>/<name>.png; return how many.
    The zip is written to a temporary file beside `out` and renamed over it when complete."""
    out = Path(out)
    samples = store.samples()
    if not samples:
        raise SampleZipError("There are no handwriting samples to export.")
    if out.is_dir():
        raise SampleZipError(f"{printable(out)} is a folder; give a file name for the zip.")
    folder = out.parent if str(out.parent) else Path(".")
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_dead_temporaries(folder, out.name)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".tmp",
                                   dir=folder)
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
                count = sum(_add_sample(archive, sample) for sample in samples)
            handle.flush()
            os.fsync(handle.fileno())
        if count == 0:
            raise SampleZipError("There are no handwriting samples to export.")
        os.chmod(tmp, mode_for(out))  # mkstemp makes 0600 files
        os.replace(tmp, out)
    except BaseException as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise SampleZipError(f"Cannot write {printable(out)}: {_reason(exc)}.") from None
        raise
    return count


def _add_sample(archive: zipfile.ZipFile, sample: Sample) -> int:
    """Add one sample's file (1), or nothing (0) when it is gone or would not import back."""
    try:
        with open(sample.path, "rb", opener=nonblocking_opener) as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MEMBER_BYTES:
                return 0
            data = fh.read(MAX_MEMBER_BYTES + 1)
    except FileNotFoundError:  # deleted since it was listed
        return 0
    if not data.startswith(PNG_SIGNATURE) or len(data) > MAX_MEMBER_BYTES:
        return 0
    moment = datetime.fromtimestamp(info.st_mtime).timetuple()[:6]
    entry = zipfile.ZipInfo(f"{EXPORT_TOP}/{sample.digit}/{sample.path.name}",
                            date_time=max(moment, (1980, 1, 1, 0, 0, 0)))
    entry.external_attr = (stat.S_IFREG | 0o644) << 16
    archive.writestr(entry, data)
    return 1


# --- import -----------------------------------------------------------------------------------
def import_zip(path: Path, store: SampleStore) -> ImportResult:
    """Add the samples of the zip `path` to `store`, after checking all of it; SampleZipError
    (one line) for a zip that is refused, with nothing written."""
    path = Path(path)
    shown = f"'{printable(path.name or path)}'"
    size = check_regular(path, SampleZipError, "zip file", shown).st_size
    if size > MAX_ZIP_BYTES:
        raise SampleZipError(f"Refused to import {shown}: it is {_human(size)}; a handwriting "
                             f"zip is at most {_human(MAX_ZIP_BYTES)}.")
    try:
        with open(path, "rb", opener=nonblocking_opener) as fh:
            ensure_regular(fh, SampleZipError, "zip file", shown)
            try:
                archive = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
                why = "" if "not a zip file" in str(exc) else f" ({_short(exc)})"
                raise SampleZipError(f"{shown} is not a zip file, or it is damaged or cut "
                                     f"short{why}.") from None
            with archive:
                members, ignored = _members(archive, shown)
                budget = _Budget()
                images = [(m, _read_image(archive, m, shown, budget))
                          for m in _limited(members, shown)]
    except OSError as exc:
        raise SampleZipError(f"Cannot read {shown}: {_reason(exc)}.") from None
    seen = _digests(store)
    new: list[NewFile] = []
    for member, data in images:
        digest = hashlib.sha256(data).digest()
        if digest in seen:
            continue
        seen.add(digest)
        name = member.name[:-4] + ".png" if _KEPT_NAME.match(member.name) else stamp_name()
        new.append(NewFile(member.digit, name, data, _zip_time(member.info)))
    try:
        store.add_files(new)
    except SampleStoreError as exc:  # all or nothing: add_files removed what it wrote
        raise SampleZipError(f"Nothing was imported from {shown}: {exc}") from None
    return ImportResult(added=len(new), duplicates=len(images) - len(new), ignored=ignored)


def _members(archive: zipfile.ZipFile, shown: str) -> tuple[list[_Member], int]:
    """The zip's image members, every entry's name and kind checked; (members, debris left)."""
    entries = archive.infolist()
    if len(entries) > MAX_MEMBERS:
        raise SampleZipError(f"Refused to import {shown}: it holds {len(entries):,} entries "
                             f"(limit {MAX_MEMBERS:,}).")
    members: list[_Member] = []
    tops: set[str | None] = set()
    ignored = 0
    for info in entries:
        parts = _checked_parts(info, shown)
        if info.is_dir():
            continue
        if "__MACOSX" in parts or parts[-1].startswith(".") or parts[-1].lower() in _DEBRIS:
            ignored += 1
            continue
        top = parts[0] if len(parts) == 3 else None
        if len(parts) not in (2, 3) or parts[-2] not in DIGITS \
                or not parts[-1].lower().endswith(".png"):
            raise _refused(shown, info, f"is not {LAYOUT}")
        tops.add(top)
        if len(tops) > 1:
            raise _refused(shown, info, "is not in the same top folder as the other images")
        members.append(_Member(info, parts[-2], parts[-1]))
    if not members:
        raise SampleZipError(f"{shown} holds no handwriting samples: expected {LAYOUT}.")
    return members, ignored


def _checked_parts(info: zipfile.ZipInfo, shown: str) -> list[str]:
    """The member's path parts, when its name and kind are safe; SampleZipError otherwise."""
    name = info.filename
    if "\x00" in info.orig_filename:  # zipfile cuts a name at a NUL without a word
        raise _refused(shown, info, "has a NUL character in its name")
    if info.flag_bits & 0x1:
        raise _refused(shown, info, "is encrypted; digitpad imports only unencrypted zips")
    if name.startswith("/"):
        raise _refused(shown, info, "has an absolute path")
    if re.match(r"^[A-Za-z]:", name):
        raise _refused(shown, info, "has a drive letter (an absolute Windows path)")
    if "\\" in name:
        raise _refused(shown, info, "has a backslash in its path (a Windows path)")
    parts = name.rstrip("/").split("/") if info.is_dir() else name.split("/")
    if ".." in parts:
        raise _refused(shown, info, "points outside the zip's folder ('..')")
    if any(part in ("", ".") for part in parts):
        raise _refused(shown, info, "has an empty or '.' part in its path")
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise _refused(shown, info, "is a symbolic link")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _refused(shown, info, "is not a regular file")
    return parts


def _limited(members: list[_Member], shown: str) -> list[_Member]:
    """`members`, when the sizes the zip's directory declares are within the limits."""
    total = 0
    for member in members:
        if member.info.file_size > MAX_MEMBER_BYTES:
            raise _refused(shown, member.info, f"would unpack to "
                           f"{_human(member.info.file_size)} (limit {_human(MAX_MEMBER_BYTES)} "
                           "per image)")
        total += member.info.file_size
    if total > MAX_TOTAL_BYTES:
        raise SampleZipError(f"Refused to import {shown}: its images would unpack to "
                             f"{_human(total)} (limit {_human(MAX_TOTAL_BYTES)}).")
    return members


class _Budget:
    """What the images read so far added up to (enforced while reading: headers can lie)."""

    def __init__(self) -> None:
        self.bytes = 0
        self.pixels = 0


def _read_image(archive: zipfile.ZipFile, member: _Member, shown: str, budget: _Budget) -> bytes:
    """The member's bytes, read with a cap, when they are one decodable PNG image."""
    info = member.info
    try:
        with archive.open(info) as fh:
            data = fh.read(MAX_MEMBER_BYTES + 1)
    except NotImplementedError:
        raise _refused(shown, info, "uses a compression method digitpad cannot read") from None
    except (zipfile.BadZipFile, EOFError, ValueError, RuntimeError, OSError) as exc:
        raise _refused(shown, info, f"is damaged ({_short(exc)})") from None
    if len(data) != info.file_size or len(data) > MAX_MEMBER_BYTES:
        raise _refused(shown, info, "is damaged (its size differs from the zip's directory)")
    budget.bytes += len(data)
    if budget.bytes > MAX_TOTAL_BYTES:
        raise SampleZipError(f"Refused to import {shown}: its images unpack to more than "
                             f"{_human(MAX_TOTAL_BYTES)}.")
    if not data.startswith(PNG_SIGNATURE):
        raise _refused(shown, info, "is not a PNG image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused(shown, info, "declares too many pixels to open safely (limit "
                       f"{MAX_PIXELS:,})") from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on a hostile header
        raise _refused(shown, info, "is not a decodable PNG image") from None
    try:
        check_size(width, height, info.filename)
        budget.pixels += width * height
        if budget.pixels > MAX_TOTAL_PIXELS:
            raise SampleZipError(f"Refused to import {shown}: its images hold more than "
                                 f"{MAX_TOTAL_PIXELS:,} pixels.")
        image_from_bytes(data, info.filename).close()  # decodes all of it, or ImageError
    except ImageError as exc:
        raise SampleZipError(f"Refused to import {shown}: {exc}") from None
    return data


def _digests(store: SampleStore) -> set[bytes]:
    """The SHA-256 of every sample file in the store (that an imported image can equal)."""
    found = set()
    for sample in store.samples():
        try:
            with open(sample.path, "rb", opener=nonblocking_opener) as fh:
                if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    data = fh.read(MAX_MEMBER_BYTES + 1)
                    if len(data) <= MAX_MEMBER_BYTES:
                        found.add(hashlib.sha256(data).digest())
        except OSError:  # gone or unreadable: it cannot be matched
            continue
    return found


def _zip_time(info: zipfile.ZipInfo) -> float | None:
    """The member's time stamp (zip times are local) as POSIX seconds; None when invalid."""
    try:
        return datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError, OSError):
        return None


def _refused(shown: str, info: zipfile.ZipInfo, why: str) -> SampleZipError:
    return SampleZipError(f"Refused to import {shown}: member "
                          f"'{printable(info.orig_filename, 120)}' {why}.")


def _human(n: float) -> str:
    """A byte count as 512 B, 3.4 MiB (checkpoint_archive.human, which imports torch)."""
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GiB"


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return printable(text.rstrip("."), 120)


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
