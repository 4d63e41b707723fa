"""A model file's zip archive, checked before torch unpacks any of it, and torch.load's errors
turned into one line each.

torch.save writes a zip: ROOT/data.pkl (the pickled payload, tensors as references to storage
records), one ROOT/data/KEY record per tensor storage and a few small bookkeeping records.
torch.load unpacks each record it reads into a buffer of the size the zip *declares*, so a
4 MB file can make it allocate 4 GB (a zip bomb: a deflated record of zeros). Hence:

- every record other than data/KEY (the pickle and bookkeeping, read even for metadata) must
  declare a small total size;
- the data/KEY records are never read for metadata: `load_payload(..., map_location="meta")`
  runs torch's own weights-only unpickler (which never runs code from the file) but turns every
  storage into a "meta" tensor, with a shape and no bytes;
- before the weights are loaded, the caller compares `Archive.data_bytes`, what the data
  records declare, with what the tensors and the architecture need.
"""

from __future__ import annotations

import io
import pickle
import pickletools
import re
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import torch

from digitpad.core.errors import CheckpointError
from digitpad.core.safe_text import printable

MAX_META_BYTES = 64 * 2**20  # the pickle and bookkeeping records (a few KB in a real file)
MAX_RECORDS = 100_000  # resnet18 has ~120 records
_DATA_RECORD = re.compile(r"(^|/)data/\d+$", re.IGNORECASE)
_TORCH_OWN = ("torch.", "collections.OrderedDict")  # what torch.save itself writes


def unreadable(name: str, reason: str) -> CheckpointError:
    """A file that is no model digitpad can read: the technical `reason` in the message (the
    CLI prints it), a summary a person can act on for the GUI."""
    return CheckpointError(
        f"{name} is not a readable model file ({reason}).",
        summary=f"{name} is not a digitpad model file (it may be damaged, or another kind of "
                "file).")


@dataclass(frozen=True)
class Archive:
    """What a model file's zip declares."""

    data_bytes: int  # total unpacked size of the tensor storage records
    pickle_name: str


def inspect_archive(handle: IO[bytes], name: str) -> Archive:
    """Check the zip's directory (nothing is unpacked); CheckpointError when it is unusable."""
    handle.seek(0)
    if handle.read(4) != b"PK\x03\x04":
        # digitpad only writes zip files; torch's older format sizes its buffers from the file
        # itself, so it is not read at all
        raise unreadable(name, "not a zip archive")
    try:
        with zipfile.ZipFile(handle) as archive:
            records = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise unreadable(name, short(exc)) from None
    if len(records) > MAX_RECORDS:
        raise unreadable(name, f"{len(records):,} records")
    seen: set[str] = set()
    for record in records:  # torch finds records by name ignoring case: one of each
        key = record.filename.casefold()
        if key in seen:
            raise unreadable(name, f"two records named {printable(record.filename, 80)}")
        seen.add(key)
    data = sum(r.file_size for r in records if _DATA_RECORD.search(r.filename))
    other = sum(r.file_size for r in records if not _DATA_RECORD.search(r.filename))
    if other > MAX_META_BYTES:
        raise CheckpointError(
            f"Refused to load {name}: its metadata records would unpack to {human(other)} "
            f"(a real model's take a few kilobytes; limit {human(MAX_META_BYTES)})."
        )
    pickles = [r.filename for r in records if r.filename.rsplit("/", 1)[-1] == "data.pkl"]
    if len(pickles) != 1:
        raise unreadable(name, "no single data.pkl")
    return Archive(data, pickles[0])


def load_payload(handle: IO[bytes], name: str, archive: Archive, map_location: str) -> Any:
    """torch.load with weights_only=True (no code from the file ever runs); "meta" reads no
    weights at all. Every failure becomes a CheckpointError saying what is wrong."""
    handle.seek(0)
    try:
        with warnings.catch_warnings():  # a hostile file's oddities get one line, not warnings
            warnings.simplefilter("ignore")
            return torch.load(handle, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError:
        found = _foreign_globals(handle, archive)
        if found is not None:
            # a pickle that parses but that the weights-only unpickler would not build holds
            # objects it refuses: a payload, not damage
            detail = f" ({printable(', '.join(found[:3]), 120)})" if found else ""
            raise CheckpointError(
                f"Refused to load {name}: it contains Python objects that could run code when "
                f"loaded{detail}, which a digitpad model file never does."
            ) from None
        raise unreadable(name, "corrupt data") from None
    except Exception as exc:  # noqa: BLE001 - torch's reader raises many kinds on a bad archive
        raise unreadable(name, short(exc)) from None


def _foreign_globals(handle: IO[bytes], archive: Archive) -> list[str] | None:
    """The Python objects other than torch's that data.pkl names, or None when it does not
    even parse as a pickle (damage). pickletools only decodes opcodes: it builds nothing.
    (The pickle's size was checked by inspect_archive.)"""
    names: list[str] = []
    texts: list[str] = []  # the last strings pushed: STACK_GLOBAL takes module and name
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as zf:
            data = zf.read(archive.pickle_name)
        for opcode, arg, _ in pickletools.genops(io.BytesIO(data)):
            if opcode.name in ("GLOBAL", "INST"):
                names.append(str(arg).replace(" ", "."))
            elif opcode.name == "STACK_GLOBAL" and len(texts) >= 2:
                names.append(f"{texts[-2]}.{texts[-1]}")
            elif isinstance(arg, str):
                texts = [*texts[-1:], arg]
    except Exception:  # noqa: BLE001 - any failure to parse means damage
        return None
    return [n for n in dict.fromkeys(names) if not n.startswith(_TORCH_OWN)]


def human(n: float) -> str:
    """A byte count as 512 B, 3.4 MiB, 4.0 GiB."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GiB"


def short(exc: BaseException) -> str:
    """The first line of an error (the size-mismatch line, if any), cut to 200 characters."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    if len(lines) > 1 and "size mismatch" in str(exc):
        text = next(line for line in lines if "size mismatch" in line)
    return printable(text[:200].rstrip("."), 200)
