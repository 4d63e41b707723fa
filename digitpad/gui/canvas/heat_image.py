"""A heat map in [0, 1] as a translucent QImage to paint over the drawing (numpy only, no torch).

The colour map runs from transparent (no evidence) through orange to red (the strongest
evidence), and the alpha grows with the heat, so the drawing stays readable underneath and cold
paper stays untouched. Built once per result with numpy (a 560×560 map takes a few ms) and
handed to PaperView.set_overlay already in the premultiplied format that paints fastest.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

LOW = np.array([255.0, 170.0, 0.0])  # orange, for weak evidence
HIGH = np.array([220.0, 0.0, 0.0])  # red, for the strongest
MAX_ALPHA = 200.0  # the hottest pixel still lets the ink show through a little
FLOOR = 0.05  # heat below this is not painted at all (Integrated Gradients' faint noise)


def heat_rgba(heat: np.ndarray) -> np.ndarray:
    """(H, W) float heat in [0, 1] → (H, W, 4) uint8 premultiplied RGBA: orange→red, alpha
    rising with the heat, fully transparent below FLOOR."""
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
    """The colour map from no evidence (left) to the most (right), over white paper, for the
    caption beside the toggles."""
    ramp = np.tile(np.linspace(0.0, 1.0, max(2, width), dtype=np.float32), (max(1, height), 1))
    rgba = heat_rgba(ramp).astype(np.float32)
    alpha = rgba[..., 3:] / 255.0
    over_white = rgba[..., :3] + 255.0 * (1.0 - alpha)  # premultiplied "over" white
    rgb = np.ascontiguousarray(over_white.round().clip(0, 255).astype(np.uint8))
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
