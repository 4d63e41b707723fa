"""Digits as a person draws them with a mouse: strokes of densely sampled points in a unit box.

Each digit has a few variants (a 1 as a bare bar or with flag and base, an open or closed 4, a 7
with or without a crossbar...). Coordinates are (x, y) in [0, 1], y pointing down, in the order
the pointer moves; a variant is a list of strokes (button down ... button up). Curves are arcs and
cubic Béziers sampled about every 1% of the box, as a mouse reports a drag.
"""

from __future__ import annotations

import math

Point = tuple[float, float]
Stroke = list[Point]
STEP = 0.01  # sampling distance along a stroke, as a fraction of the box


def _count(length: float) -> int:
    return max(2, math.ceil(length / STEP) + 1)


def line(*points: Point) -> Stroke:
    """A polyline through `points`, sampled every STEP."""
    out: Stroke = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        n = _count(math.hypot(x1 - x0, y1 - y0))
        out += [(x0 + (x1 - x0) * i / (n - 1), y0 + (y1 - y0) * i / (n - 1)) for i in range(1, n)]
    return out


def arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float) -> Stroke:
    """An elliptical arc from angle `start` to `end` (degrees; 0 = right, 90 = bottom, so growing
    angles turn clockwise on screen, shrinking ones anticlockwise)."""
    n = _count(math.radians(abs(end - start)) * max(rx, ry))
    angles = [math.radians(start + (end - start) * i / (n - 1)) for i in range(n)]
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


def bezier(p0: Point, p1: Point, p2: Point, p3: Point) -> Stroke:
    """A cubic Bézier curve from p0 to p3."""
    rough = math.dist(p0, p1) + math.dist(p1, p2) + math.dist(p2, p3)
    n = _count(rough)
    out: Stroke = []
    for i in range(n):
        t = i / (n - 1)
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def join(*parts: Stroke) -> Stroke:
    """One stroke through several pieces (the pen stays down between them)."""
    out: Stroke = []
    for part in parts:
        out += part[1:] if out and math.dist(out[-1], part[0]) < 1e-9 else part
    return out


def figure_eight(top: float, waist: float, upper: float, lower: float) -> Stroke:
    """One-stroke 8: starts at the top, S down through the waist, back up the other side."""
    out: Stroke = []
    n = 160
    for i in range(n + 1):
        t = 2 * math.pi * i / n
        s = math.sin(2 * t)
        y_frac = (1 - math.cos(t)) / 2  # 0 at the top, 1 at the bottom
        if y_frac <= 0.5:
            y, amp = top + (waist - top) * 2 * y_frac, upper
        else:
            y, amp = waist + (1 - waist) * (2 * y_frac - 1), lower
        out.append((0.5 - amp * s, y))
    return out


def _templates() -> dict[str, list[tuple[str, list[Stroke]]]]:
    two_top = arc(0.5, 0.3, 0.34, 0.25, 195, 385)
    three_upper = arc(0.48, 0.27, 0.3, 0.22, 200, 450)
    six_loop = arc(0.5, 0.7, 0.31, 0.27, 180, -185)
    nine_loop = arc(0.44, 0.3, 0.3, 0.25, 5, -355)
    return {
        "0": [
            ("oval", [arc(0.5, 0.5, 0.3, 0.47, -80, -440)]),
            ("round", [arc(0.5, 0.5, 0.45, 0.47, -100, -455)]),
            ("gap", [arc(0.5, 0.5, 0.33, 0.47, -60, -385)]),
        ],
        "1": [
            ("bar", [line((0.5, 0.02), (0.5, 0.98))]),
            ("flag", [line((0.3, 0.22), (0.56, 0.02), (0.56, 0.98))]),
            ("flag-base", [line((0.3, 0.22), (0.55, 0.02), (0.55, 0.97)),
                           line((0.25, 0.97), (0.85, 0.97))]),
        ],
        "2": [
            ("flat-base", [join(two_top, line(two_top[-1], (0.13, 0.96), (0.9, 0.96)))]),
            ("curved", [join(two_top, bezier(two_top[-1], (0.7, 0.7), (0.3, 0.8), (0.12, 0.96)),
                             bezier((0.12, 0.96), (0.4, 0.9), (0.7, 0.9), (0.9, 0.98)))]),
            ("loop", [join(two_top, bezier(two_top[-1], (0.6, 0.7), (0.3, 0.85), (0.25, 0.93)),
                           bezier((0.25, 0.93), (0.1, 1.06), (0.05, 0.72), (0.42, 0.9)),
                           line((0.42, 0.9), (0.92, 0.96)))]),
        ],
        "3": [
            ("round", [join(three_upper, arc(0.48, 0.72, 0.35, 0.26, -90, 155))]),
            ("flat-top", [join(line((0.15, 0.04), (0.82, 0.04), (0.42, 0.42)),
                               arc(0.47, 0.7, 0.36, 0.28, -100, 150))]),
            ("cusp", [join(arc(0.5, 0.26, 0.3, 0.22, 200, 440),
                           line((0.45, 0.48), (0.32, 0.48), (0.5, 0.48)),
                           arc(0.5, 0.73, 0.35, 0.25, -95, 150))]),
        ],
        "4": [
            ("open", [line((0.28, 0.02), (0.14, 0.62), (0.9, 0.62)),
                      line((0.68, 0.12), (0.68, 0.98))]),
            ("closed", [line((0.62, 0.02), (0.1, 0.65), (0.9, 0.65)),
                        line((0.64, 0.02), (0.64, 0.98))]),
            ("one-stroke", [line((0.62, 0.98), (0.62, 0.02), (0.1, 0.66), (0.9, 0.66))]),
        ],
        "5": [
            ("two-strokes", [join(line((0.25, 0.03), (0.21, 0.45)),
                                  bezier((0.21, 0.45), (0.6, 0.25), (1.0, 0.45), (0.85, 0.75)),
                                  bezier((0.85, 0.75), (0.72, 1.02), (0.3, 1.0), (0.12, 0.87))),
                             line((0.25, 0.03), (0.85, 0.03))]),
            ("one-stroke", [join(line((0.85, 0.03), (0.25, 0.03), (0.21, 0.45)),
                                 arc(0.5, 0.68, 0.33, 0.3, -150, 150))]),
            ("round-belly", [join(line((0.82, 0.03), (0.3, 0.03), (0.22, 0.5)),
                                  arc(0.5, 0.7, 0.32, 0.28, -160, 165))]),
        ],
        "6": [
            ("curved", [join(bezier((0.75, 0.02), (0.45, 0.08), (0.19, 0.4), (0.19, 0.7)),
                             six_loop)]),
            ("straight", [join(line((0.62, 0.02), (0.21, 0.66)),
                               arc(0.5, 0.73, 0.3, 0.25, 195, -160))]),
            ("small-loop", [join(bezier((0.7, 0.02), (0.3, 0.15), (0.2, 0.6), (0.3, 0.85)),
                                 arc(0.5, 0.78, 0.22, 0.18, 160, -195))]),
        ],
        "7": [
            ("plain", [line((0.12, 0.06), (0.88, 0.06), (0.42, 0.97))]),
            ("crossbar", [line((0.12, 0.06), (0.88, 0.06), (0.45, 0.97)),
                          line((0.42, 0.5), (0.85, 0.5))]),
            ("curved", [join(line((0.1, 0.2), (0.12, 0.05), (0.88, 0.06)),
                             bezier((0.88, 0.06), (0.65, 0.35), (0.5, 0.6), (0.48, 0.97)))]),
        ],
        "8": [
            ("one-stroke", [figure_eight(0.02, 0.48, 0.26, 0.33)]),
            ("small-top", [figure_eight(0.04, 0.42, 0.2, 0.34)]),
            ("two-loops", [arc(0.5, 0.24, 0.26, 0.22, -90, -450),
                           arc(0.5, 0.7, 0.33, 0.27, -90, 270)]),
        ],
        "9": [
            ("straight", [join(nine_loop, line(nine_loop[-1], (0.72, 0.98)))]),
            ("curved", [join(nine_loop, bezier(nine_loop[-1], (0.78, 0.65), (0.65, 1.0),
                                               (0.3, 0.93)))]),
            ("two-strokes", [arc(0.44, 0.3, 0.3, 0.26, 0, -370), line((0.75, 0.1), (0.7, 0.98))]),
        ],
    }


TEMPLATES: dict[str, list[tuple[str, list[Stroke]]]] = _templates()
DIGITS = tuple(TEMPLATES)
