"""Real PNGs and real zips, good and hand-crafted hostile ones, for the handwriting tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def drawing(seed: int, size: int = 28) -> np.ndarray:
    """A small uint8 grey 'drawing': white paper with a dark stroke that differs per seed."""
    image = np.full((size, size), 255, dtype=np.uint8)
    rng = np.random.default_rng(seed)
    rows = rng.integers(2, size - 2, 6)
    image[rows, rng.integers(2, size - 2, 6)] = 0
    image[size // 4 : 3 * size // 4, seed % (size - 4) + 2] = 0
    return image


def png(seed: int = 0, size: int = 28) -> bytes:
    out = io.BytesIO()
    Image.fromarray(drawing(seed, size)).save(out, format="PNG")
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height grey pixels, with almost no data (a bomb's
    header: decoding it would need width*height bytes)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width + 1))  # one row of a much taller image
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def make_zip(path: Path, members: dict[str, bytes], *, mode: int | None = None,
             compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip holding `members` (name -> bytes) exactly as named (no sanitising)."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 2, 3, 4, 5))
            info.compress_type = compression
            if mode is not None:
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return path


def patch_central(path: Path, offset: int, fmt: str, value: int) -> None:
    """Overwrite a field of the first central directory record (offset from its signature)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    struct.pack_into(fmt, data, at + offset, value)
    path.write_bytes(bytes(data))


def files_under(root: Path) -> list[str]:
    """Every file (and link) under root, relative, sorted: what an import or export left."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())
