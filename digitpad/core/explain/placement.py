"""Where the model's input came from in the person's image, so a map over the input (a heat
map) can be drawn over the image itself.

Every preprocessing mode (core.preprocess) is the same three steps per axis: cut a box out of
the source, resize it (PIL, pixel centres mapped onto pixel centres) and put it at an offset in
the model's square field. In "digit" mode the box is the ink's bounding box, the resized glyph is
at most 20 px and the offset is its centre-of-mass placement; in "plain" mode the box is the
whole image (resize + centre crop: a negative offset) or the content's box (fit on black).
Numbers only, no torch: the GUI may hold one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Placement:
    """The crop box in the source, the size it was resized to, and where that landed."""

    source_height: int
    source_width: int
    top: int  # the crop box in the source: rows top:bottom, columns left:right
    left: int
    bottom: int
    right: int
    glyph_height: int  # the box's size after resizing
    glyph_width: int
    offset_y: float  # where the resized box's pixel (0, 0) lies in the field (may be < 0)
    offset_x: float
    size: int  # the field's side (the model input is size x size)

    def to_source(self, heat: np.ndarray) -> np.ndarray:
        """`heat` (size, size), over the model input, as a float32 (source_height,
        source_width) map over the source image: each source pixel in the crop box takes the
        bilinearly interpolated heat of the field point it was resized onto; source pixels
        outside the box, or resized outside the field (a centre crop's cut sides), get 0."""
        heat = np.asarray(heat, dtype=np.float32)
        if heat.shape != (self.size, self.size):
            raise ValueError(f"heat must be {self.size}x{self.size}, not {heat.shape}")
        rows = _weights(self.bottom - self.top, self.glyph_height, self.offset_y, self.size)
        cols = _weights(self.right - self.left, self.glyph_width, self.offset_x, self.size)
        out = np.zeros((self.source_height, self.source_width), dtype=np.float32)
        out[self.top : self.bottom, self.left : self.right] = rows @ heat @ cols.T
        return out


def _weights(source: int, resized: int, offset: float, size: int) -> np.ndarray:
    """(source, size) bilinear weights: source pixel i's centre resized onto field coordinate
    (i + 0.5) * resized / source - 0.5 + offset (PIL's centre-to-centre mapping, then the
    offset), interpolated between the two nearest field pixels; all 0 outside the field."""
    pos = (np.arange(source) + 0.5) * (resized / source) - 0.5 + offset
    inside = (pos >= -0.5) & (pos <= size - 0.5)
    pos = np.clip(pos, 0.0, size - 1.0)
    low = np.minimum(np.floor(pos).astype(np.int64), max(size - 2, 0))
    frac = (pos - low).astype(np.float32)
    weights = np.zeros((source, size), dtype=np.float32)
    index = np.arange(source)
    weights[index, low] = 1 - frac
    if size > 1:
        weights[index, low + 1] += frac
    weights[~inside] = 0
    return weights
