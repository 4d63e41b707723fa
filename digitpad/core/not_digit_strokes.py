"""Pen-stroke templates of letters and symbols that are not digit shapes (issue 14).

Each template is a list of polylines in a unit box (x right, y down, 0..1). Shapes that ARE
digit-like (O/0, l/1, S/5, Z/2, B/8, G/6, q/9, a plain circle) are left out on purpose: a
"not a digit" example that looks like a digit would teach the model to decline real digits.
Hand-written here because no package on this machine ships single-stroke glyph outlines.
"""

from __future__ import annotations

import math

Polyline = list[tuple[float, float]]


def _arc(cx: float, cy: float, r: float, a0: float, a1: float, n: int = 16) -> Polyline:
    """Points on a circular arc, angles in degrees (0 = right, 90 = down)."""
    return [(cx + r * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
             cy + r * math.sin(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]


def _star() -> Polyline:
    pts = [(0.5 + 0.5 * math.cos(math.radians(-90 + 144 * i)),
            0.5 + 0.5 * math.sin(math.radians(-90 + 144 * i))) for i in range(6)]
    return pts


def _spiral() -> Polyline:
    return [(0.5 + 0.05 * t * math.cos(t), 0.5 + 0.05 * t * math.sin(t))
            for t in (i * 0.3 for i in range(34))]


TEMPLATES: dict[str, list[Polyline]] = {
    "A": [[(0.0, 1.0), (0.5, 0.0), (1.0, 1.0)], [(0.25, 0.55), (0.75, 0.55)]],
    "W": [[(0.0, 0.0), (0.25, 1.0), (0.5, 0.35), (0.75, 1.0), (1.0, 0.0)]],
    "X": [[(0.0, 0.0), (1.0, 1.0)], [(1.0, 0.0), (0.0, 1.0)]],
    "M": [[(0.0, 1.0), (0.0, 0.0), (0.5, 0.6), (1.0, 0.0), (1.0, 1.0)]],
    "K": [[(0.1, 0.0), (0.1, 1.0)], [(0.9, 0.0), (0.1, 0.55)], [(0.35, 0.4), (0.9, 1.0)]],
    "H": [[(0.0, 0.0), (0.0, 1.0)], [(1.0, 0.0), (1.0, 1.0)], [(0.0, 0.5), (1.0, 0.5)]],
    "N": [[(0.0, 1.0), (0.0, 0.0), (1.0, 1.0), (1.0, 0.0)]],
    "E": [[(1.0, 0.0), (0.0, 0.0), (0.0, 1.0), (1.0, 1.0)], [(0.0, 0.5), (0.7, 0.5)]],
    "F": [[(1.0, 0.0), (0.0, 0.0), (0.0, 1.0)], [(0.0, 0.5), (0.7, 0.5)]],
    "R": [[(0.0, 1.0), (0.0, 0.0)] + _arc(0.35, 0.27, 0.27, -90, 90)[1:] + [(0.0, 0.54)],
          [(0.3, 0.54), (0.85, 1.0)]],
    "Y": [[(0.0, 0.0), (0.5, 0.5), (1.0, 0.0)], [(0.5, 0.5), (0.5, 1.0)]],
    "V": [[(0.0, 0.0), (0.5, 1.0), (1.0, 0.0)]],
    "U": [[(0.0, 0.0), (0.0, 0.6)] + _arc(0.5, 0.6, 0.5, 180, 0)[1:] + [(1.0, 0.0)]],
    "#": [[(0.35, 0.0), (0.25, 1.0)], [(0.75, 0.0), (0.65, 1.0)],
          [(0.0, 0.33), (1.0, 0.33)], [(0.0, 0.67), (1.0, 0.67)]],
    "@": [_arc(0.5, 0.5, 0.18, 0, 360), [(0.68, 0.35), (0.68, 0.65), (0.85, 0.7)]
          + _arc(0.5, 0.5, 0.48, 20, -320, 28)[1:]],
    "&": [[(0.95, 1.0), (0.25, 0.4)] + _arc(0.4, 0.22, 0.2, 135, -135)[1:]
          + [(0.15, 0.65)] + _arc(0.35, 0.78, 0.22, 180, 45)[1:] + [(0.9, 0.5)]],
    "*": [[(0.5, 0.0), (0.5, 1.0)], [(0.07, 0.25), (0.93, 0.75)], [(0.07, 0.75), (0.93, 0.25)]],
    "+": [[(0.5, 0.0), (0.5, 1.0)], [(0.0, 0.5), (1.0, 0.5)]],
    "%": [[(0.9, 0.0), (0.1, 1.0)], _arc(0.2, 0.2, 0.15, 0, 360), _arc(0.8, 0.8, 0.15, 0, 360)],
    "smiley": [_arc(0.5, 0.5, 0.5, 0, 360, 32), _arc(0.5, 0.5, 0.3, 30, 150),
               [(0.33, 0.32), (0.35, 0.38)], [(0.67, 0.32), (0.65, 0.38)]],
    "star": [_star()],
    "arrow": [[(0.0, 0.5), (1.0, 0.5)], [(0.65, 0.15), (1.0, 0.5), (0.65, 0.85)]],
    "square": [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]],
    "triangle": [[(0.5, 0.0), (1.0, 1.0), (0.0, 1.0), (0.5, 0.0)]],
    "grid": [[(0.0, y), (1.0, y)] for y in (0.0, 0.5, 1.0)]
    + [[(x, 0.0), (x, 1.0)] for x in (0.0, 0.5, 1.0)],
    "spiral": [_spiral()],
    "check": [[(0.0, 0.55), (0.35, 1.0), (1.0, 0.0)]],
    "heart": [[(0.5, 1.0)] + _arc(0.27, 0.3, 0.25, 140, 360) + _arc(0.73, 0.3, 0.25, 180, 400)
              + [(0.5, 1.0)]],
}
LETTERS = ("A", "W", "X", "M", "K", "H", "N", "E", "F", "R", "Y", "V", "U")
SYMBOLS = ("#", "@", "&", "*", "+", "%", "smiley", "star", "arrow", "check", "heart")
SHAPES = ("square", "triangle", "grid", "spiral")
