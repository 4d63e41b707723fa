"""Open user image files (or pasted bytes) safely: clear errors, bounded memory."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import IO

import numpy as np
from PIL import Image, ImageOps

from digitpad.core.errors import ImageError
from digitpad.core.image_arrays import as_float, composite, luminance
from digitpad.core.preprocess import _dark_ink, _ink, _ring
from digitpad.core.regular_files import check_regular, ensure_regular, nonblocking_opener
from digitpad.core.safe_text import printable

MAX_PIXELS = 64_000_000  # refuse images declaring more pixels than this (decompression bombs)
MAX_SIDE = 2048  # images are downscaled so that their longest side is at most this


def open_image(path: str | os.PathLike) -> Image.Image:
    """Open an image file: first frame, EXIF orientation applied, longest side <= MAX_SIDE."""
    p = Path(path)
    name = p.name or str(p)
    shown = f"'{printable(name)}'"
    # only a regular file is opened, checked without blocking (a FIFO would hang the open)
    check_regular(p, ImageError, "image file", shown)
    try:
        with open(p, "rb", opener=nonblocking_opener) as fh:
            if ensure_regular(fh, ImageError, "image file", shown) == 0:
                raise ImageError(f"Image file {shown} is empty (0 bytes).")
            return _read(fh, name)
    except PermissionError:
        raise ImageError(f"Cannot read image file {shown}: permission denied.") from None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ImageError(f"Cannot read image file {shown}: {reason}.") from None


def image_from_bytes(data: bytes, name: str = "image") -> Image.Image:
    """Decode image bytes (pasted or dropped data) with the same checks as open_image."""
    if not data:
        raise ImageError(f"Image '{name}' is empty (0 bytes).")
    return _read(io.BytesIO(data), name)


def _read(fh: IO[bytes], name: str) -> Image.Image:
    """Decode an open binary stream into a loaded, upright, size-limited image."""
    name = printable(name)  # quoted in messages a terminal shows
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(fh) as im:
                check_size(*im.size, name)
                im.seek(0)
                if im.format == "JPEG" and im.mode in ("L", "RGB"):
                    im.draft(im.mode, (MAX_SIDE, MAX_SIDE))
                im.load()
                return _finish(im)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _bomb(name) from None
        except Image.UnidentifiedImageError:
            raise ImageError(
                f"'{name}' is not an image file, or its format is not supported."
            ) from None
        except PermissionError:
            raise  # reported by the caller, which knows it is a file
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ImageError(
                f"Image '{name}' cannot be decoded: it is truncated, corrupt "
                "or uses an unsupported encoding."
            ) from None


def check_size(width: int, height: int, name: str) -> None:
    """Refuse images whose declared size is absurd, before decoding any pixel (also used for
    images that arrive decoded, pasted or dropped from another program)."""
    if width <= 0 or height <= 0:
        raise ImageError(f"Image '{name}' declares an empty size ({width}x{height}).")
    if width * height > MAX_PIXELS:
        raise _bomb(name, f" ({width}x{height})")


def _bomb(name: str, detail: str = "") -> ImageError:
    return ImageError(
        f"Image '{name}' is too large{detail} to open safely (limit {MAX_PIXELS:,} pixels)."
    )


def _finish(im: Image.Image) -> Image.Image:
    """Apply EXIF orientation and downscale; always returns a new image, detached from the file."""
    try:
        out = ImageOps.exif_transpose(im)
    except Exception:  # malformed EXIF must not block an otherwise good image
        out = im.copy()
    if max(out.size) > MAX_SIDE:
        if out.mode == "1":
            out = out.convert("L")
        elif out.mode == "P":
            has_alpha = "transparency" in out.info
            out = out.convert("RGBA" if has_alpha else "RGB")
        out.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return out


# --- polarity, as the preprocessing reads it --------------------------------------------------
# For the canvas, which shows every image as dark ink on light paper (so that a stroke drawn on
# an opened image adds ink). The test is the digit preprocessing's own (preprocess._dark_ink on
# its border ring), not a second guess, so the canvas and `digitpad predict` agree on which
# pixels are ink.


def light_ink_on_dark(gray: np.ndarray) -> bool:
    """Whether the digit preprocessing reads a grey (H, W) image (uint8, or float in [0, 1])
    as light ink on a dark background (its negative reads the same); False when it finds no
    ink at all (a plain dark picture stays as it is)."""
    g = np.asarray(gray, dtype=np.float32)
    if np.asarray(gray).dtype == np.uint8:
        g *= np.float32(1 / 255)
    return not _dark_ink(g, float(np.median(_ring(g)))) and _ink(g) is not None


def reads_negatives_alike(mode: str, dark_background: bool) -> bool:
    """Whether a model's preprocessing gives an image and its negative the same input: digit
    mode and plain mode on a dark background find the background themselves and make it black;
    plain photo preprocessing (dark_background False) takes the pixels as they are."""
    return mode == "digit" or bool(dark_background)


def flattened_gray(rgba: np.ndarray) -> np.ndarray:
    """An (H, W, 4) uint8 RGBA image as the uint8 grey the preprocessing reads: its alpha
    flattened onto the shade the preprocessing picks (white under dark ink, black under light
    ink; white when nothing is opaque), so that a white digit on a transparent background stays
    visible."""
    color, alpha = as_float(rgba)
    gray = composite(luminance(color), alpha)
    if gray is None:
        return np.full(color.shape[:2], 255, dtype=np.uint8)
    return np.rint(np.clip(gray, 0.0, 1.0) * 255).astype(np.uint8)
