"""A heat map in [0, 1] as a translucent QImage to paint over the drawing (numpy only, no torch).

PaperView paints it in Screen mode, so it shows on the ink and leaves the white paper white:
the strokes glow where the evidence is, from black ink (none) through red and orange to yellow
(the strongest), the "hot" ramp. (Painted plainly over black ink, orange turns a muddy brown
that is hard to read.) The alpha grows with the heat and the faintest heat is left out. Built
once per result with numpy (~15 ms for 560×560 on the shared machine) and handed over in the
premultiplied format that paints fastest.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

LOW = np.array([210.0, 0.0, 0.0])  # red, for weak evidence
HIGH = np.array([255.0, 225.0, 0.0])  # yellow, for the strongest (orange between)
MAX_ALPHA = 255.0
FLOOR = 0.05  # heat below this is not painted at all (Integrated Gradients' faint noise)


def heat_rgba(heat: np.ndarray) -> np.ndarray:
    """(H, W) float heat in [0, 1] → (H, W, 4) uint8 premultiplied RGBA: red→orange→yellow,
    alpha rising with the heat, fully transparent below FLOOR."""
    h = np.clip(np.nan_to_num(np.asarray(heat, dtype=np.float32)), 0.0, 1.0)
    alpha = np.where(h < FLOOR, 0.0, MAX_ALPHA * np.sqrt(h))  # sqrt: weak evidence still shows
    colour = LOW + (HIGH - LOW) * h[..., None]
    rgba = np.empty(h.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = (colour * (alpha[..., None] / 255.0)).round().astype(np.uint8)
    rgba[..., 3] = alpha.round().astype(np.uint8)
    return rgba


def heat_image(heat: np.ndarray, size: int | None = None) -> QImage:
    """A premultiplied ARGB32 QImage of `heat` (see heat_rgba), scaled smoothly to
    size×size when `size` is given and differs."""
    rgba = np.ascontiguousarray(heat_rgba(heat))
    height, width = rgba.shape[:2]
    image = QImage(rgba.data, width, height, 4 * width,
                   QImage.Format.Format_RGBA8888_Premultiplied)
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)  # a copy: owns it
    if size is not None and (width, height) != (size, size):
        image = image.scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image


def legend_image(width: int, height: int) -> QImage:
    """The colour map from no evidence (left) to the most (right) as it shows on black ink
    (Screen over black leaves the premultiplied colour), for the caption under the canvas."""
    ramp = np.tile(np.linspace(0.0, 1.0, max(2, width), dtype=np.float32), (max(1, height), 1))
    rgb = np.ascontiguousarray(heat_rgba(ramp)[..., :3])
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
