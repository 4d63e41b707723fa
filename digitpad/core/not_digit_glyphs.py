"""Single-stroke letters and symbols from the Hershey fonts, for the "not a digit" generator.

The Hershey fonts (A. V. Hershey, 1967; the `Hershey-Fonts` package ships them as data) draw
every glyph as pen strokes, not outlines, so a glyph redrawn with a round pen and some jitter
looks like a letter drawn with a mouse, in many more hands than the hand-made templates of
`not_digit_strokes`: upright sans, roman, italic, two scripts and Greek.

Left out, as in the templates, whatever a person could fairly read as a digit: O o D Q C c
(0), I i l J j T t (1 or 7), S s (5), Z z (2), B (8 or 3), G b (6), q g a d (9), and the
symbols ! ? / | $ that scale down to a 1, 2, 7 or 5.
"""

from __future__ import annotations

from functools import lru_cache

from digitpad.core.not_digit_strokes import Polyline

# Why a package rather than more templates drawn by hand: ~600 glyphs in many hands, checked
# by decades of plotter use, for the cost of one small pure-Python dependency (MIT licence).
FACES = ("futural", "rowmans", "timesi", "scripts", "cursive", "greek")
LETTERS = "AEFHKLMNPRUVWXYehkmnpruvwxy"
SYMBOLS = "#%&*+=<>@~^"
SYMBOL_FACES = ("futural", "timesi")
# The "markers" face: square, triangle, diamond, star, crosses, filled shapes (its first
# glyph, a circle, is a 0).
MARKERS = "BCDEFGHIJKLMNO"


def _unit_box(strokes: list[list[tuple[float, float]]]) -> list[Polyline]:
    """Strokes scaled so the longer side spans 0..1, centred in the unit box (y down)."""
    points = [p for s in strokes for p in s]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [[(0.5 + (x - cx) / span, 0.5 + (y - cy) / span) for x, y in s] for s in strokes]


@lru_cache(maxsize=1)
def glyphs() -> tuple[tuple[str, tuple[Polyline, ...]], ...]:
    """(name, strokes in the unit box) for every glyph used, in a fixed order. ImportError
    when the Hershey-Fonts package is not installed."""
    from HersheyFonts import HersheyFonts

    font = HersheyFonts()
    wanted = [(face, LETTERS) for face in FACES]
    wanted += [(face, SYMBOLS) for face in SYMBOL_FACES] + [("markers", MARKERS)]
    out: list[tuple[str, tuple[Polyline, ...]]] = []
    for face, chars in wanted:
        font.load_default_font(face)
        for ch in chars:
            strokes = [list(s) for s in font.strokes_for_text(ch)]
            strokes = [s for s in strokes if len(s) >= 2]
            points = [p for s in strokes for p in s]
            if not points:
                continue
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            if max(max(xs) - min(xs), max(ys) - min(ys)) <= 0:
                continue
            out.append((f"{face}:{ch}", tuple(_unit_box(strokes))))
    return tuple(out)
