"""Non-digits that training never sees: held-out stroke templates for `bench open-world`.

The generator that teaches a model to decline (core.not_digits) draws the templates of
core.not_digit_strokes (capitals A E F H K M N R U V W X Y, # @ & * + %, a smiley, a five-point
star, an arrow, a check mark, a heart, a square, a triangle, a grid, a spiral). These are other
letters, symbols, shapes and scribbles, so the benchmark measures whether declining carries over
to drawings the model was not trained against, not only whether it learnt its own templates.

Left out on purpose, because a person could fairly read them as a digit (declining them would
not be a success, reading them as the digit not a failure):
  O o D Q C c and a plain circle  an (open) 0
  I l i / | and a dash            a 1 (a dash is a 1 lying down, and hardly any ink)
  J j T ↑                         a 1 with a hook or a flag, or a 7 (T)
  S s $ and a lightning bolt      a 5 or a 2;  Z z and an hourglass (a Z plus a line): a 2
  B  a 3 or 8;  G b  a 6;  q g a d  a 9 (or a 0 with a stem)
  u v w x p                       near copies of the trained U V W X and of P (not held out)
  a music note, a clock           a 6 or 9, a 0 with hands
Kept although close: "!" (a 1, but with its dot below) and "∞" (an 8, but on its side: MNIST
8s stand upright and the benchmark turns drawings by 8° at most).

Coordinates as in digit_strokes: (x, y) in a unit box, y pointing down, sampled densely in the
order the pointer moves; a template is a list of strokes (button down ... button up).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from digitpad.bench.digit_strokes import Stroke, arc, bezier, line


def _dot(x: float, y: float) -> Stroke:
    """A dot as a person makes one with a mouse: a press and a tiny drag."""
    return line((x, y), (x + 0.02, y + 0.01))


def _circle(cx: float, cy: float, r: float) -> Stroke:
    return arc(cx, cy, r, r, -90, 270)


def _curve(f: Callable[[float], tuple[float, float]], n: int = 120) -> Stroke:
    """The points f(s) for s from 0 to 1."""
    return [f(i / n) for i in range(n + 1)]


def _six_point_star() -> list[Stroke]:
    def triangle(start: float) -> Stroke:
        corners = [(0.5 + 0.5 * math.cos(math.radians(start + 120 * i)),
                    0.5 + 0.5 * math.sin(math.radians(start + 120 * i))) for i in range(4)]
        return line(*corners)

    return [triangle(-90), triangle(90)]


def _sun() -> list[Stroke]:
    rays = []
    for i in range(8):
        a = math.radians(45 * i)
        rays.append(line((0.5 + 0.3 * math.cos(a), 0.5 + 0.3 * math.sin(a)),
                         (0.5 + 0.5 * math.cos(a), 0.5 + 0.5 * math.sin(a))))
    return [_circle(0.5, 0.5, 0.2), *rays]


TEMPLATES: dict[str, list[Stroke]] = {
    # letters (lowercase as handwritten, and capitals the training set lacks)
    "e": [line((0.1, 0.5), (0.9, 0.5)) + arc(0.5, 0.5, 0.4, 0.4, 0, -300)[1:]],
    "f": [bezier((0.85, 0.12), (0.7, -0.05), (0.45, 0.0), (0.45, 0.3))
          + line((0.45, 0.3), (0.45, 1.0))[1:], line((0.15, 0.42), (0.8, 0.42))],
    "h": [line((0.15, 0.0), (0.15, 1.0)),
          bezier((0.15, 0.62), (0.3, 0.3), (0.85, 0.3), (0.85, 0.65))
          + line((0.85, 0.65), (0.85, 1.0))[1:]],
    "k": [line((0.15, 0.0), (0.15, 1.0)), line((0.8, 0.38), (0.15, 0.72), (0.85, 1.0))],
    "m": [line((0.05, 0.3), (0.05, 1.0)),
          bezier((0.05, 0.55), (0.12, 0.25), (0.5, 0.25), (0.5, 0.55))
          + line((0.5, 0.55), (0.5, 1.0))[1:],
          bezier((0.5, 0.55), (0.58, 0.25), (0.95, 0.25), (0.95, 0.55))
          + line((0.95, 0.55), (0.95, 1.0))[1:]],
    "n": [line((0.15, 0.2), (0.15, 1.0)),
          bezier((0.15, 0.5), (0.3, 0.12), (0.85, 0.12), (0.85, 0.5))
          + line((0.85, 0.5), (0.85, 1.0))[1:]],
    "r": [line((0.2, 0.2), (0.2, 1.0)), bezier((0.2, 0.58), (0.35, 0.2), (0.65, 0.12),
                                                (0.88, 0.3))],
    "t": [line((0.45, 0.0), (0.45, 0.8)) + bezier((0.45, 0.8), (0.45, 1.02), (0.7, 1.02),
                                                   (0.88, 0.86))[1:],
          line((0.1, 0.3), (0.85, 0.3))],
    "y": [line((0.1, 0.0), (0.5, 0.5)), line((0.9, 0.0), (0.15, 1.0))],
    "L": [line((0.1, 0.0), (0.1, 1.0), (0.8, 1.0))],
    "P": [line((0.15, 1.0), (0.15, 0.0))
          + bezier((0.15, 0.0), (1.0, -0.05), (1.0, 0.58), (0.15, 0.52))[1:]],
    "lambda": [line((0.1, 0.0), (0.9, 1.0)), line((0.5, 0.48), (0.1, 1.0))],
    "pi": [line((0.0, 0.22), (1.0, 0.2)), line((0.3, 0.21), (0.25, 1.0)),
           line((0.7, 0.2), (0.8, 1.0))],
    "sigma": [line((0.9, 0.05), (0.9, 0.0), (0.1, 0.0), (0.55, 0.5), (0.1, 1.0), (0.9, 1.0),
                   (0.9, 0.95))],
    "infinity": [_curve(lambda s: (
        0.5 + 0.5 * math.cos(2 * math.pi * s) / (1 + math.sin(2 * math.pi * s) ** 2),
        0.5 + 0.5 * math.sin(2 * math.pi * s) * math.cos(2 * math.pi * s)
        / (1 + math.sin(2 * math.pi * s) ** 2)))],
    # symbols
    "equals": [line((0.0, 0.3), (1.0, 0.3)), line((0.0, 0.7), (1.0, 0.7))],
    "question mark": [bezier((0.15, 0.25), (0.15, -0.08), (0.85, -0.08), (0.85, 0.25))
                      + bezier((0.85, 0.25), (0.85, 0.45), (0.5, 0.4), (0.5, 0.7))[1:],
                      _dot(0.5, 0.93)],
    "exclamation mark": [line((0.5, 0.0), (0.5, 0.7)), _dot(0.5, 0.93)],
    "less than": [line((0.9, 0.0), (0.1, 0.5), (0.9, 1.0))],
    "divide": [line((0.0, 0.5), (1.0, 0.5)), _dot(0.49, 0.15), _dot(0.49, 0.85)],
    "double arrow": [line((0.0, 0.5), (1.0, 0.5)), line((0.22, 0.28), (0.0, 0.5), (0.22, 0.72)),
                     line((0.78, 0.28), (1.0, 0.5), (0.78, 0.72))],
    # shapes and doodles
    "house": [line((0.12, 0.45), (0.12, 1.0), (0.88, 1.0), (0.88, 0.45)),
              line((0.0, 0.52), (0.5, 0.0), (1.0, 0.52)), line((0.42, 1.0), (0.42, 0.72),
                                                               (0.58, 0.72), (0.58, 1.0))],
    "cross-hatch": [line((x, 0.0), (x + 0.4, 1.0)) for x in (0.0, 0.2, 0.4, 0.6)]
    + [line((x + 0.4, 0.0), (x, 1.0)) for x in (0.0, 0.2, 0.4, 0.6)],
    "curved tick": [line((0.0, 0.6), (0.3, 0.95))
                    + bezier((0.3, 0.95), (0.45, 0.55), (0.7, 0.2), (1.0, 0.05))[1:]],
    "wave": [_curve(lambda s: (s, 0.5 + 0.2 * math.sin(4 * math.pi * s)))],
    "zig-zag": [line((0.0, 0.8), (0.17, 0.2), (0.33, 0.8), (0.5, 0.2), (0.67, 0.8),
                     (0.83, 0.2), (1.0, 0.8))],
    "six-point star": _six_point_star(),
    "sad face": [_circle(0.5, 0.5, 0.5), _dot(0.33, 0.33), _dot(0.65, 0.33),
                 arc(0.5, 0.95, 0.28, 0.25, -145, -35)],
    "diamond": [line((0.5, 0.0), (1.0, 0.5), (0.5, 1.0), (0.0, 0.5), (0.5, 0.0))],
    "sun": _sun(),
    "envelope": [line((0.0, 0.2), (1.0, 0.2), (1.0, 0.8), (0.0, 0.8), (0.0, 0.2)),
                 line((0.0, 0.2), (0.5, 0.55), (1.0, 0.2))],
    "stick figure": [_circle(0.5, 0.13, 0.13), line((0.5, 0.26), (0.5, 0.65)),
                     line((0.15, 0.4), (0.85, 0.4)), line((0.2, 1.0), (0.5, 0.65), (0.8, 1.0))],
    "boxed X": [line((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)),
                line((0.0, 0.0), (1.0, 1.0)), line((1.0, 0.0), (0.0, 1.0))],
    "coil": [_curve(lambda s: (0.08 + 0.84 * s - 0.08 * math.cos(8 * math.pi * s),
                               0.5 - 0.3 * math.sin(8 * math.pi * s)), 200)],
    "crown": [line((0.0, 1.0), (0.0, 0.2), (0.25, 0.6), (0.5, 0.1), (0.75, 0.6), (1.0, 0.2),
                   (1.0, 1.0), (0.0, 1.0))],
}

SCRIBBLE = "mouse scribble"  # the name of the random scribbles below
SCRIBBLE_POINTS = (8, 14)  # fewer turns can make a 1, 2 or 7


def scribble(seed: int) -> list[Stroke]:
    """A random scribble as a hand makes one with a mouse: one smooth stroke through 8 to 14
    random points of the box (a Catmull-Rom curve), from `seed` (the same seed, the same one)."""
    rng = random.Random(seed)
    points = [(rng.random(), rng.random()) for _ in range(rng.randint(*SCRIBBLE_POINTS))]
    ends = [points[0], *points, points[-1]]
    out: Stroke = [points[0]]
    for p0, p1, p2, p3 in zip(ends, ends[1:], ends[2:], ends[3:]):
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        out += bezier(p1, c1, c2, p2)[1:]
    return [out]
