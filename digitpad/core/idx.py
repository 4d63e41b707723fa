"""Read and write IDX files (the MNIST file format), gzip-compressed or raw.

Own code because torchvision's reader (`read_sn3_pascalvincent_tensor`) reads only
uncompressed files, and its errors on a bad file are not ones a user can act on.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from digitpad.core.errors import DatasetError

IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions (N, rows, cols)
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension (N,)
_UBYTE = 0x08  # the only IDX data type read here; the magic numbers above include it
_CHUNK = 1 << 20
IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")  # MNIST's four files


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file of unsigned bytes (.gz or raw) into a uint8 array.

    Images (magic 2051) come back as (N, rows, cols), labels (magic 2049) as (N,).
    """
    p = Path(path)
    if not p.is_file():
        raise DatasetError(f"IDX file {p} does not exist; check the data folder.")
    try:
        with _open(p) as fh:
            dims = _read_header(fh, p)
            expected = math.prod(dims)
            data = _read_exactly(fh, expected, p)
    except DatasetError:
        raise
    except (OSError, EOFError, zlib.error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise DatasetError(
            f"IDX file {p} cannot be read ({reason}); download it again."
        ) from None
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


def find_idx(folder: Path, base: str) -> Path | None:
    """The file `base` in `folder`, raw or .gz, also under Kaggle's "train-images.idx3-ubyte"."""
    for stem in (base, base.replace("-idx", ".idx")):
        for name in (stem, stem + ".gz"):
            try:
                if (folder / name).is_file():
                    return folder / name
            except OSError:  # a folder that cannot be searched holds nothing usable
                return None
    return None



def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write a uint8 array of shape (N,) or (N, rows, cols) as IDX, gzipped if the name ends .gz."""
    arr = np.ascontiguousarray(array)
    if arr.dtype != np.uint8 or arr.ndim not in (1, 3):
        raise ValueError(f"write_idx needs a uint8 array of 1 or 3 dimensions, got {arr.dtype} "
                         f"with shape {arr.shape}")
    header = struct.pack(">BBBB", 0, 0, _UBYTE, arr.ndim) + struct.pack(
        f">{arr.ndim}I", *arr.shape
    )
    p = Path(path)
    if p.name.endswith(".gz"):
        with gzip.GzipFile(p, "wb", mtime=0) as fh:  # mtime=0: identical bytes every time
            fh.write(header + arr.tobytes())
    else:
        p.write_bytes(header + arr.tobytes())


def _open(p: Path) -> BinaryIO:
    """Open a raw or gzip-compressed file (decided by its first bytes, not its name)."""
    with open(p, "rb") as fh:
        is_gzip = fh.read(2) == b"\x1f\x8b"
    return gzip.open(p, "rb") if is_gzip else open(p, "rb")  # type: ignore[return-value]


def _read_header(fh: BinaryIO, p: Path) -> tuple[int, ...]:
    """Validate the magic number and return the dimensions."""
    head = fh.read(4)
    if len(head) < 4:
        raise DatasetError(f"IDX file {p} is empty or truncated; download it again.")
    ndim = head[3]
    magic = struct.unpack(">I", head)[0]
    if magic not in (IMAGES_MAGIC, LABELS_MAGIC):
        raise DatasetError(
            f"{p} is not an IDX file of byte images or labels (magic number {magic}, expected "
            f"{IMAGES_MAGIC} or {LABELS_MAGIC}); use the original MNIST-format files."
        )
    raw = fh.read(4 * ndim)
    if len(raw) < 4 * ndim:
        raise DatasetError(f"IDX file {p} is truncated in its header; download it again.")
    return struct.unpack(f">{ndim}I", raw)


def _read_exactly(fh: BinaryIO, expected: int, p: Path) -> bytearray:
    """Read exactly `expected` bytes and check nothing follows (chunked: bad headers may lie)."""
    data = bytearray()
    while len(data) <= expected:
        chunk = fh.read(min(_CHUNK, expected + 1 - len(data)))
        if not chunk:
            break
        data += chunk
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "longer than its header says"
        raise DatasetError(
            f"IDX file {p} is {what} ({len(data):,} data bytes where the header declares "
            f"{expected:,}); download it again."
        )
    return data
