"""Turning image files, pasted or dropped image data and numpy arrays into QImages for the
canvas (no torch here).

Files are opened with the core's safe loader (EXIF rotation, first frame, size limits, clear
errors), so the Draw tab and `digitpad predict` accept and refuse exactly the same images.
Pasted and dropped images go through the same loader: the encoded bytes another program offers
(PNG, JPEG…) are decoded by it, never by Qt, and an image that arrives already decoded gets the
same size limit (same message) and downscaling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QImage

from digitpad.core.images import MAX_SIDE, check_size, image_from_bytes, open_image

# encoded formats tried first, best first; then any other image/* a source offers (not SVG:
# the core's loader reads no vector formats)
PREFERRED_FORMATS = ("image/png", "image/bmp", "image/jpeg", "image/gif", "image/tiff",
                     "image/webp")


@dataclass(frozen=True)
class ImageData:
    """An image from the clipboard or a drop, as it came and not decoded yet: the encoded bytes
    another program offers, or an image Qt hands over already decoded (from this process, or a
    platform clipboard that carries pixels). `name` is how messages call it."""

    name: str
    encoded: bytes = b""
    decoded: QImage | None = None


def image_data(mime: QMimeData | None, name: str) -> ImageData | None:
    """The image `mime` carries (read on the GUI thread, decoded later), or None."""
    if mime is None:
        return None
    offered = [f for f in mime.formats() if f.startswith("image/") and "svg" not in f]
    for fmt in sorted(offered, key=lambda f: PREFERRED_FORMATS.index(f)
                      if f in PREFERRED_FORMATS else len(PREFERRED_FORMATS)):
        data = bytes(mime.data(fmt).data())
        if data:
            return ImageData(name, encoded=data)
    if mime.hasImage():
        image = mime.imageData()
        return ImageData(name, decoded=image if isinstance(image, QImage) else QImage())
    return None


def load_image_data(data: ImageData) -> QImage:
    """Pasted or dropped image data as a QImage (any thread); ImageError as for a file."""
    if data.decoded is None:
        return _to_qimage(image_from_bytes(data.encoded, data.name))
    image = data.decoded
    check_size(image.width(), image.height(), data.name)
    if max(image.width(), image.height()) > MAX_SIDE:
        image = image.scaled(MAX_SIDE, MAX_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


def _to_qimage(pil_image: object) -> QImage:
    from PIL import Image

    image: Image.Image = pil_image  # type: ignore[assignment]
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image, dtype=np.float64)
        peak = max(float(array.max()), 255.0)
        image = Image.fromarray((array * (255.0 / peak)).astype(np.uint8))
    rgba = np.ascontiguousarray(np.asarray(image.convert("RGBA")))
    height, width = rgba.shape[:2]
    return QImage(rgba.data, width, height, width * 4, QImage.Format.Format_RGBA8888).copy()


def load_image_file(path: str) -> QImage:
    """A file as a QImage; raises ImageError (one clear sentence) for anything unusable."""
    return _to_qimage(open_image(path))


def array_to_qimage(array: np.ndarray) -> QImage:
    """A uint8 (H, W) or (H, W, 3) numpy image as a QImage (copied, so it owns its pixels)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    height, width = array.shape[:2]
    if array.ndim == 2:
        fmt, stride = QImage.Format.Format_Grayscale8, width
    else:
        fmt, stride = QImage.Format.Format_RGB888, width * 3
    return QImage(array.data, width, height, stride, fmt).copy()
