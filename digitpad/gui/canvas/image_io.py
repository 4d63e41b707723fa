"""Turning image files and numpy arrays into QImages for the canvas (no torch here).

Files are opened with the core's safe loader (EXIF rotation, first frame, size limits, clear
errors), so the Draw tab and `digitpad predict` accept and refuse exactly the same images.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from digitpad.core.images import open_image


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
