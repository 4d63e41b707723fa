"""Pictures of a heat map for files (`digitpad explain`): the image with the heat painted over it
translucently, and the bare heat map in grey. numpy and PIL only.

The colours are the Draw tab's (gui/canvas/heat_image.py): transparent where there is no
evidence, orange for weak evidence to red for the strongest, the opacity growing with the heat
so the drawing stays readable underneath.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

LOW = np.array([255.0, 170.0, 0.0], dtype=np.float32)  # orange, for weak evidence
HIGH = np.array([220.0, 0.0, 0.0], dtype=np.float32)  # red, for the strongest
MAX_ALPHA = 200 / 255  # the hottest pixel still lets the ink show through a little
FLOOR = 0.05  # heat below this is not painted at all (Integrated Gradients' faint noise)


def overlay_image(image: Image.Image, heat: np.ndarray) -> Image.Image:
    """`image` (any mode; transparency shown over white paper) as RGB with `heat` (H, W) in
    [0, 1], of the image's own size, painted over it."""
    h = _checked(heat, image)
    base = np.asarray(_on_white(image), dtype=np.float32)
    alpha = np.where(h < FLOOR, 0.0, MAX_ALPHA * np.sqrt(h))[..., None]  # sqrt: weak shows too
    colour = LOW + (HIGH - LOW) * h[..., None]
    out = base * (1 - alpha) + colour * alpha
    return Image.fromarray(np.clip(np.rint(out), 0, 255).astype(np.uint8), "RGB")


def heat_map_image(heat: np.ndarray) -> Image.Image:
    """The bare heat map as an 8-bit grey image: black is no evidence, white the most."""
    h = np.clip(np.nan_to_num(np.asarray(heat, dtype=np.float32)), 0.0, 1.0)
    return Image.fromarray(np.rint(h * 255).astype(np.uint8), "L")


def _checked(heat: np.ndarray, image: Image.Image) -> np.ndarray:
    h = np.clip(np.nan_to_num(np.asarray(heat, dtype=np.float32)), 0.0, 1.0)
    if h.shape != (image.height, image.width):
        raise ValueError(f"the heat map is {h.shape[1]}x{h.shape[0]}, the image "
                         f"{image.width}x{image.height}")
    return h


def _on_white(image: Image.Image) -> Image.Image:
    """RGB, with any transparency composited over white (as the app shows a loaded image)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("RGB")
    if image.mode in ("I", "I;16", "F"):  # 16-bit and float greys: scaled to 8 bits first
        a = np.asarray(image, dtype=np.float64)
        top = a.max() if a.max() > 255 else 255.0
        grey = Image.fromarray(np.clip(a / top * 255, 0, 255).astype(np.uint8), "L")
        return grey.convert("RGB")
    return image.convert("RGB")
