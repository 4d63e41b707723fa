"""Seeded, reproducible "not a digit" training images in MNIST's form (issue 14, first step).

Every sample is drawn as dark ink on a white 280x280 canvas (the Draw tab's form), with random
affine jitter and a round pen like the canvas brush, then passed through `preprocess(...,
"digit")`, the very function that turns a canvas drawing into the model's 28x28 input. So the
samples look like what the model sees: light ink on black, centred by mass, scaled to 20 px.

Kinds (each a generator `(rng, context) -> PIL image`):
  strokes  letters and symbols from the hand-made templates in `not_digit_strokes`
  font     letters and symbols rendered from DejaVu Sans (system) or Pillow's bundled font
  hershey  letters and symbols of the single-stroke Hershey fonts (`not_digit_glyphs`), drawn
           with the pen and jitter of the templates (left out, with a notice, without the package)
  scribble random pen scribbles
  shapes   squares, triangles, grids, spirals (strokes) and filled blobs
  noise    scattered dots and short dashes
  fashion  Fashion-MNIST test images read from `data_dir` (left out, with a notice, without one)

`generate(n, seed)` is deterministic: the same seed and arguments give identical bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitpad.core.idx import find_idx, read_idx
from digitpad.core.not_digit_glyphs import glyphs
from digitpad.core.not_digit_strokes import LETTERS, SHAPES, SYMBOLS, TEMPLATES
from digitpad.core.preprocess import preprocess

VERSION = 3  # 3: + hershey; 2: strokes at the Draw tab's sizes and pens (1: 120-190 px, pen 10-26)
CANVAS = 280
PEN = (6, 40)  # round pen widths in canvas pixels, the Draw tab's brush range
MAX_PEN_RATIO = 0.25  # no pen wider than a quarter of the drawing's size (as bench mouse)
SIZE = (70, 200)  # a drawing's size in canvas pixels (a quarter to most of the canvas)
DEFAULT_KINDS = ("strokes", "font", "hershey", "scribble", "shapes", "noise", "fashion")
FONT_TEXT = "AWXMKHNEFRYVUhkmnwx#@&%*+="  # no digit look-alikes (O, l, I, !, ?, S, Z, B, G, q...)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class NotDigits:
    """The images, the kind of each, and a JSON-safe recipe for a model's metadata."""

    images: np.ndarray  # uint8 (n, 28, 28), light ink on black
    kinds: list[str]
    recipe: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Context:
    font_path: str | None
    fashion: np.ndarray | None
    glyphs: tuple = ()  # the Hershey glyphs' strokes


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("L", (CANVAS, CANVAS), 255)
    return img, ImageDraw.Draw(img)


def _affine(rng: np.random.Generator) -> np.ndarray:
    """A random 2x2 map: rotation +-25 deg, shear +-0.3, aspect 0.7..1.3."""
    a = math.radians(rng.uniform(-25, 25))
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    shear = np.array([[1.0, rng.uniform(-0.3, 0.3)], [0.0, 1.0]])
    aspect = np.diag([rng.uniform(0.7, 1.3), 1.0])
    return rot @ shear @ aspect


def _polylines(draw: ImageDraw.ImageDraw, lines: list, rng: np.random.Generator) -> None:
    m = _affine(rng)
    scale = rng.uniform(*SIZE)
    wobble = rng.uniform(0.0, 0.02)
    width = int(rng.integers(PEN[0], max(PEN[0], int(MAX_PEN_RATIO * scale)) + 1))
    for line in lines:
        pts = np.asarray(line, dtype=float) - 0.5
        pts = pts + rng.normal(0, wobble, pts.shape)
        xy = pts @ m.T * scale + CANVAS / 2
        flat = [(float(x), float(y)) for x, y in xy]
        draw.line(flat, fill=0, width=width, joint="curve")
        r = width / 2  # round pen ends, as the canvas draws them
        for x, y in (flat[0], flat[-1]):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=0)


def _strokes(rng: np.random.Generator, ctx: _Context) -> Image.Image:
    names = LETTERS + SYMBOLS
    img, draw = _canvas()
    _polylines(draw, TEMPLATES[names[int(rng.integers(len(names)))]], rng)
    return img


def _hershey(rng: np.random.Generator, ctx: _Context) -> Image.Image:
    img, draw = _canvas()
    _polylines(draw, list(ctx.glyphs[int(rng.integers(len(ctx.glyphs)))]), rng)
    return img


def _font(rng: np.random.Generator, ctx: _Context) -> Image.Image:
    size = int(rng.integers(150, 200))
    if ctx.font_path:
        font = ImageFont.truetype(ctx.font_path, size)
    else:
        font = ImageFont.load_default(size=size)
    img, draw = _canvas()
    ch = FONT_TEXT[int(rng.integers(len(FONT_TEXT)))]
    draw.text((CANVAS / 2, CANVAS / 2), ch, fill=0, font=font, anchor="mm",
              stroke_width=int(rng.integers(0, 6)), stroke_fill=0)
    angle = float(rng.uniform(-20, 20))
    return img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)


def _scribble(rng: np.random.Generator, ctx: _Context) -> Image.Image:
    img, draw = _canvas()
    n = int(rng.integers(8, 16))  # fewer turns can look like a 1, 2 or 7
    steps = np.cumsum(rng.normal(0, 0.35, (n, 2)), axis=0)
    for _ in range(10):  # a long thin scribble reads as a 1 or a 7: redraw it
        span = np.ptp(steps, axis=0)
        if span.min() >= 0.4 * span.max():
            break
        steps = np.cumsum(rng.normal(0, 0.35, (n, 2)), axis=0)
    steps = (steps - steps.min(0)) / max(float(np.ptp(steps, axis=0).max()), 1e-6)
    _polylines(draw, [[tuple(p) for p in steps]], rng)
    return img


def _shapes(rng: np.random.Generator, ctx: _Context) -> Image.Image:
    img, draw = _canvas()
    pick = int(rng.integers(len(SHAPES) + 1))
    if pick < len(SHAPES):
        _polylines(draw, TEMPLATES[SHAPES[pick]], rng)
        return img
    k = int(rng.integers(5, 9))  # a filled blob: a jittered polygon, solid ink
    ang = np.sort(rng.uniform(0, 2 * math.pi, k))
    rad = rng.uniform(50, 110, k)
    draw.polygon([(140 + r * math.cos(a), 140 + r * math.sin(a)) for a, r in zip(ang, rad)],
                 fill=0)
    return img


def _noise(rng: np.random.Generator, ctx: _Context) -> Image.Image:
    img, draw = _canvas()
    for _ in range(int(rng.integers(8, 30))):
        x, y = rng.uniform(20, 260, 2)
        r = rng.uniform(3, 12)
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=0)
        else:
            dx, dy = rng.normal(0, 20, 2)
            draw.line((x, y, x + dx, y + dy), fill=0, width=int(r))
    return img


def _fashion(rng: np.random.Generator, ctx: _Context) -> Image.Image:
    assert ctx.fashion is not None
    x = ctx.fashion[int(rng.integers(len(ctx.fashion)))]
    return Image.fromarray(255 - x).resize((CANVAS, CANVAS), Image.Resampling.BILINEAR)


GENERATORS: dict[str, Callable[[np.random.Generator, _Context], Image.Image]] = {
    "strokes": _strokes, "font": _font, "hershey": _hershey, "scribble": _scribble,
    "shapes": _shapes,
    "noise": _noise, "fashion": _fashion,
}


def _find_font() -> tuple[str | None, str]:
    if DEJAVU.is_file():
        try:
            ImageFont.truetype(str(DEJAVU), 20)
            return str(DEJAVU), f"DejaVu Sans ({DEJAVU})"
        except OSError as exc:
            return None, f"Pillow's bundled default font ({DEJAVU} unreadable: {exc})"
    return None, f"Pillow's bundled default font ({DEJAVU} not found)"


def _load_fashion(data_dir: str | Path | None) -> tuple[np.ndarray | None, str | None]:
    """Fashion-MNIST test images, or None and the reason they are left out."""
    if data_dir is None:
        return None, "kind 'fashion' left out: no data_dir given"
    root = Path(data_dir)
    for folder in (root / "fashion-mnist", root):
        path = find_idx(folder, "t10k-images-idx3-ubyte")
        if path is not None:
            return read_idx(path), None
    return None, f"kind 'fashion' left out: no Fashion-MNIST t10k images under {root}"


def generate(n: int, seed: int, kinds: tuple[str, ...] = DEFAULT_KINDS,
             data_dir: str | Path | None = None) -> NotDigits:
    """`n` not-a-digit images, kinds taking equal shares in round-robin order."""
    unknown = [k for k in kinds if k not in GENERATORS]
    if unknown:
        raise ValueError(
            f"Unknown not-a-digit kinds {unknown}; expected some of {list(GENERATORS)}")
    notices: list[str] = []
    fashion = None
    if "fashion" in kinds:
        fashion, notice = _load_fashion(data_dir)
        if notice:
            notices.append(notice)
    strokes: tuple = ()
    if "hershey" in kinds:
        try:
            strokes = tuple(s for _, s in glyphs())
        except ImportError:
            notices.append("kind 'hershey' left out: the Hershey-Fonts package is not installed")
    used = [k for k in kinds if (k != "fashion" or fashion is not None)
            and (k != "hershey" or strokes)]
    if not used:
        raise ValueError("No not-a-digit kinds left to generate.")
    font_path, font_name = _find_font()
    ctx = _Context(font_path, fashion, strokes)
    root = np.random.SeedSequence([VERSION, seed])
    rngs = {k: np.random.default_rng(s) for k, s in zip(used, root.spawn(len(used)))}
    images = np.zeros((n, 28, 28), np.uint8)
    labels: list[str] = []
    for i in range(n):
        kind = used[i % len(used)]
        rng = rngs[kind]
        for _ in range(20):  # a draw whose ink preprocessing rejects is redrawn
            out = preprocess(GENERATORS[kind](rng, ctx), "digit")
            if out is not None and out.view.max() > 0:
                images[i] = out.view
                break
        labels.append(kind)
    counts = {k: labels.count(k) for k in used}
    recipe = {
        "generator": "digitpad.core.not_digits", "version": VERSION, "seed": int(seed), "n": n,
        "kinds": used, "proportions": {k: counts[k] / n if n else 0.0 for k in used},
        "font": font_name, "notices": notices,
    }
    return NotDigits(images=images, kinds=labels, recipe=recipe)
