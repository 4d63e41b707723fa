"""Digits drawn with Pillow from bench's stroke templates, as a person's samples folder: a
"writer" whose 1 has a long flag (the bundled model reads most of them as 7)."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw

from digitpad.bench.digit_strokes import TEMPLATES, line

LONG_FLAG_ONE = [line((0.12, 0.45), (0.62, 0.02), (0.62, 0.98))]


def draw(strokes: list, seed: int, side: int = 280) -> Image.Image:
    """The strokes on white paper, placed, sized and slanted a little differently per seed."""
    rng = random.Random(seed)
    size, pen = rng.uniform(0.45, 0.8) * side, rng.choice((14, 18, 24))
    left, top = rng.uniform(0.1, 0.9) * (side - size), rng.uniform(0.1, 0.9) * (side - size)
    slant = rng.uniform(-0.15, 0.15)
    image = Image.new("L", (side, side), 255)
    pen_draw = ImageDraw.Draw(image)
    for stroke in strokes:
        points = [(left + size * (x - slant * (y - 0.5)), top + size * y) for x, y in stroke]
        pen_draw.line(points, fill=0, width=pen, joint="curve")
    return image


def strokes_of(digit: str, k: int) -> list:
    if digit == "1":
        return LONG_FLAG_ONE
    variants = TEMPLATES[digit]
    return variants[k % len(variants)][1]


def write_samples(folder: Path, per_digit: int, seed: int = 0) -> Path:
    """`per_digit` drawings of every digit in `folder/<digit>/<n>.png`."""
    for digit in TEMPLATES:
        (folder / digit).mkdir(parents=True, exist_ok=True)
        for k in range(per_digit):
            draw(strokes_of(digit, k), seed * 1000 + int(digit) * 50 + k).save(
                folder / digit / f"{k}.png")
    return folder
