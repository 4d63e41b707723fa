"""The brightness of the paper under the ink, for photos with uneven lighting.

A phone photo of a digit on paper is brighter on one side than the other; measured against one
background level, half the paper looks like ink (or the ink like paper). This estimates the paper
at every pixel so the ink can be measured against what is right around it: the image shrunk to
~32 px on its shorter side (strokes become thin), a 5x5 maximum (for dark ink; minimum for light
ink) that wipes the strokes out, a 3x3 mean to smooth, then scaled back up. Own numpy code
because Pillow's rank filters do not take float images.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

SMALL_SIDE = 32  # the shorter side of the coarse image the paper is estimated on


def paper_brightness(gray: np.ndarray, dark_ink: bool) -> np.ndarray:
    """Per-pixel paper brightness of a float (H, W) image in [0, 1], the same shape."""
    h, w = gray.shape
    k = max(1, min(h, w) // SMALL_SIDE)
    hs, ws = max(1, h // k), max(1, w // k)
    small = gray[: hs * k, : ws * k].reshape(hs, k, ws, k).mean(axis=(1, 3), dtype=np.float32)
    paper = _filter(small, 5, np.max if dark_ink else np.min, "edge")
    paper = _filter(paper, 3, np.mean, "edge")
    big = Image.fromarray(np.ascontiguousarray(paper, dtype=np.float32)).resize(
        (w, h), Image.Resampling.BILINEAR)
    return np.asarray(big, dtype=np.float32)


def _filter(a: np.ndarray, size: int, op, mode: str) -> np.ndarray:  # noqa: ANN001
    """size x size sliding-window `op` (max, min, mean) with edge padding; same shape."""
    pad = size // 2
    windows = sliding_window_view(np.pad(a, pad, mode=mode), (size, size))
    return op(windows, axis=(-2, -1)).astype(np.float32)
