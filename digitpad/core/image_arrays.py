"""Any image as float pixels in [0, 1]: a PIL image of any mode or a numpy array of any dtype
(16-bit, bool, float, palette, CMYK…) read as grey or RGB plus its alpha, huge ones
box-averaged down first, and alpha flattened onto a background (what preprocess and the
canvas's opened images both start from)."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

MAX_SIDE = 2048  # larger inputs are box-averaged down first
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601, as PIL's "L"


def as_float(image: np.ndarray | Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """(H, W) grey or (H, W, 3) RGB float32 in [0, 1], plus alpha (H, W) or None."""
    if isinstance(image, Image.Image):
        a = _pil_native(image)
    elif isinstance(image, np.ndarray):
        a = image[:, :, 0] if image.ndim == 3 and image.shape[2] == 1 else image
    else:
        raise TypeError(f"Expected a numpy array or PIL image, got {type(image).__name__}.")
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (2, 3, 4)) or a.size == 0:
        raise ValueError(f"Expected an image array (H, W), (H, W, 3) or (H, W, 4), not {a.shape}.")
    divisor = _divisor(a)
    if max(a.shape[:2]) > MAX_SIDE:
        a = _box_reduce(a, math.ceil(max(a.shape[:2]) / MAX_SIDE))
    if a.dtype == np.uint8:
        v = a.astype(np.float32) * np.float32(1 / 255)
    else:
        v = np.clip(np.nan_to_num(a.astype(np.float32)) / np.float32(divisor), 0.0, 1.0)
    if v.ndim == 3 and v.shape[2] in (2, 4):
        return v[:, :, :-1] if v.shape[2] == 4 else v[:, :, 0], v[:, :, -1]
    return v, None


def _pil_native(im: Image.Image) -> np.ndarray:
    """A PIL image of any mode as an array of L, LA, RGB, RGBA, bool, int or float values."""
    if im.mode in ("P", "PA"):
        im = im.convert("RGBA" if im.mode == "PA" or "transparency" in im.info else "RGB")
    elif im.mode in ("RGBa", "La"):
        im = im.convert(im.mode.upper())
    elif im.mode not in ("1", "L", "LA", "RGB", "RGBA", "I", "F") and not im.mode.startswith("I;"):
        im = im.convert("RGB")  # CMYK, YCbCr, LAB, HSV
    return np.asarray(im)


def _divisor(a: np.ndarray) -> float:
    """What the array's values are divided by to land in [0, 1]."""
    if a.dtype == np.uint8:
        return 255.0
    if a.dtype == np.bool_:
        return 1.0
    peak = float(np.nan_to_num(a.max()))
    if np.issubdtype(a.dtype, np.floating) and peak <= 1.0:
        return 1.0
    return max(peak, 255.0)  # 16-bit and other integers: by the actual maximum


def _box_reduce(a: np.ndarray, k: int) -> np.ndarray:
    """Average k x k blocks (cheap, antialiased downscale of a huge input)."""
    ky, kx = min(k, a.shape[0]), min(k, a.shape[1])
    h, w = a.shape[0] // ky, a.shape[1] // kx
    blocks = a[: h * ky, : w * kx].reshape(h, ky, w, kx, *a.shape[2:])
    return blocks.mean(axis=(1, 3), dtype=np.float64)


def luminance(color: np.ndarray) -> np.ndarray:
    """Grey (H, W) as is; RGB (H, W, 3) weighted as PIL's "L" does."""
    return color if color.ndim == 2 else color @ _LUMA


def composite(
    color: np.ndarray, alpha: np.ndarray | None, background: float | None = None
) -> np.ndarray | None:
    """Flatten alpha onto `background`, or onto a shade contrasting with the opaque pixels.

    None when the image is fully transparent.
    """
    if alpha is None or alpha.min() >= 1.0:
        return color
    weight = float(alpha.sum())
    if weight * 255 < 1:
        return None
    if background is None:
        level = float((luminance(color) * alpha).sum()) / weight
        background = 1.0 if level < 0.5 else 0.0
    a = alpha if color.ndim == 2 else alpha[:, :, None]
    return color * a + np.float32(background) * (1 - a)
