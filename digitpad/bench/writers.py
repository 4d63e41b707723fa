"""Simulated writers for `digitpad bench personal`: a consistent personal style the bundled model
misreads.

A writer draws most digits with one of bench mouse's ordinary templates (digit_strokes; the same
one every time: their style) and one or two digits with a quirk of their own, drawn below in the
style of digit_strokes. Every quirk here is one the bundled model misreads most of the time when
drawn with real mouse events on the canvas (measured; `misread_as` says as what). A writer also
has a consistent hand — slant, aspect, size and pen range — that varies a little from drawing to
drawing (bench mouse's Case does the drawing: wobble, shift, rotation).

Everything is deterministic for a writer, a purpose ("train", "unseen") and a seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from digitpad.bench.digit_strokes import DIGITS, TEMPLATES, Stroke, arc, bezier, join, line
from digitpad.bench.mouse_drawn import MAX_PEN_RATIO, PAPER_UNITS, Case


@dataclass(frozen=True)
class Quirk:
    """A personal way of writing one digit."""

    digit: str
    name: str
    misread_as: str  # what the bundled model reads it as, most of the time (measured)
    strokes: list[Stroke] = field(repr=False)


def _quirks() -> dict[str, Quirk]:
    quirks = [
        # a continental 1: the flag reaches far down to the left, as long as a 7's bar
        Quirk("1", "long flag", "7", [line((0.08, 0.42), (0.6, 0.02), (0.6, 0.98))]),
        # a 2 written in one zigzag, its base a short tick
        Quirk("2", "short base", "7", [line((0.1, 0.08), (0.85, 0.05), (0.3, 0.95),
                                            (0.6, 0.95))]),
        # a 4 whose top is a closed round loop sitting on the bar, which crosses the stem
        Quirk("4", "round top", "9", [arc(0.45, 0.25, 0.3, 0.2, 0, -360),
                                      line((0.75, 0.25), (0.75, 0.98)),
                                      line((0.12, 0.45), (0.95, 0.45))]),
        # a 5 with no down-stroke: the belly starts at once under a floating top bar
        Quirk("5", "no stem", "3", [
            join(bezier((0.2, 0.3), (0.6, 0.2), (1.0, 0.45), (0.85, 0.75)),
                 bezier((0.85, 0.75), (0.72, 1.02), (0.3, 1.0), (0.12, 0.87))),
            line((0.2, 0.05), (0.85, 0.05))]),
        # a 6 that is nearly all loop, the stem a short hook on top
        Quirk("6", "big loop", "0", [
            join(bezier((0.6, 0.02), (0.4, 0.1), (0.12, 0.3), (0.12, 0.6)),
                 arc(0.5, 0.62, 0.38, 0.36, 180, -185))]),
        # a 7 whose stem curls into a foot to the right
        Quirk("7", "curled foot", "2", [
            join(line((0.12, 0.06), (0.88, 0.06)),
                 bezier((0.88, 0.06), (0.6, 0.4), (0.45, 0.75), (0.5, 0.9)),
                 bezier((0.5, 0.9), (0.55, 1.0), (0.75, 1.0), (0.85, 0.9)))]),
        # an 8 with a tiny top loop sitting on a big lower one
        Quirk("8", "tiny top", "0", [arc(0.5, 0.13, 0.12, 0.12, -90, -450),
                                     arc(0.5, 0.62, 0.34, 0.36, -90, 270)]),
        # a 9 whose loop is a flat, wide oval on a long stem
        Quirk("9", "flat loop", "7", [join(arc(0.45, 0.1, 0.25, 0.08, 5, -355),
                                           line((0.7, 0.1), (0.6, 0.98)))]),
        # (a 0 left open at the top was one until stop 25: the bundled model that learnt
        # widened digits reads it as a 0 two times in three, so "curly" now loops its 6s)
    ]
    return {f"{q.digit} {q.name}": q for q in quirks}


QUIRKS: dict[str, Quirk] = _quirks()  # "1 long flag" -> Quirk


@dataclass(frozen=True)
class Hand:
    """How a writer's drawings vary: a consistent centre, a little spread around it."""

    slant: float  # degrees, their usual lean (positive: the top to the right)
    aspect: float  # their usual width multiplier
    size: tuple[float, float]  # range of the digit's longer side, as a fraction of the canvas
    pens: tuple[int, ...]  # the brush sizes they use
    slant_spread: float = 3.0  # degrees, standard deviation around `slant`
    aspect_spread: float = 0.08  # log-uniform spread around `aspect`
    rotation: float = 4.0  # degrees either way
    wobble: float = 0.012  # most wobble, as a fraction of the digit
    shift: float = 0.7  # how far from the centre a drawing may sit (1: to the edge)


@dataclass(frozen=True)
class Writer:
    """A simulated person: their quirks, their ordinary templates, their hand."""

    name: str
    quirks: tuple[str, ...]  # keys of QUIRKS
    hand: Hand
    style: tuple[tuple[str, str], ...] = ()  # (digit, digit_strokes template) chosen on purpose

    def template(self, digit: str) -> tuple[str, list[Stroke]]:
        """(name, strokes) this writer draws `digit` with, every time."""
        for key in self.quirks:
            if QUIRKS[key].digit == digit:
                return key, QUIRKS[key].strokes
        chosen = dict(self.style).get(digit)
        variants = dict(TEMPLATES[digit])
        if chosen is None:  # their own habit, the same for every run
            chosen = random.Random(f"{self.name} {digit}").choice(sorted(variants))
        return chosen, variants[chosen]

    def quirky_digits(self) -> tuple[str, ...]:
        return tuple(QUIRKS[key].digit for key in self.quirks)

    def cases(self, per_digit: int, purpose: str, seed: int = 0) -> list[WriterCase]:
        """`per_digit` drawings of every digit in this hand; a purpose ("train", "unseen") and
        seed give other drawings of the same hand."""
        rng = random.Random(f"{self.name} {purpose} {seed}")
        out = []
        for digit in DIGITS:
            name, strokes = self.template(digit)
            out += [self._case(rng, digit, name, strokes) for _ in range(per_digit)]
        return out

    def _case(self, rng: random.Random, digit: str, name: str,
              strokes: list[Stroke]) -> WriterCase:
        hand = self.hand
        size = rng.uniform(*hand.size)
        widest = MAX_PEN_RATIO * size * PAPER_UNITS
        pens = [p for p in hand.pens if p <= widest] or [min(hand.pens)]
        spread = math.exp(rng.uniform(-hand.aspect_spread, hand.aspect_spread))
        return WriterCase(
            digit=digit, template=name, size=round(size, 3),
            shift_x=round(rng.uniform(-hand.shift, hand.shift), 3),
            shift_y=round(rng.uniform(-hand.shift, hand.shift), 3), pen=rng.choice(pens),
            slant=round(hand.slant + rng.gauss(0, hand.slant_spread), 1),
            rotation=round(rng.uniform(-hand.rotation, hand.rotation), 1),
            aspect=round(hand.aspect * spread, 3), wobble=round(rng.uniform(0, hand.wobble), 4),
            seed=rng.randrange(2**31), lines=tuple(tuple(s) for s in strokes))


@dataclass(frozen=True)
class WriterCase(Case):
    """One drawing by a writer: bench mouse's Case with the strokes carried along (a quirk is
    no digit_strokes template)."""

    lines: tuple[tuple[tuple[float, float], ...], ...] = field(default=(), repr=False)

    def template_strokes(self) -> list[Stroke]:
        return [list(stroke) for stroke in self.lines]


WRITERS: tuple[Writer, ...] = (
    Writer("continental", ("1 long flag",), Hand(slant=10, aspect=1.0, size=(0.5, 0.8),
                                                  pens=(14, 18, 24)),
           style=(("7", "crossbar"),)),
    Writer("round", ("4 round top", "6 big loop"), Hand(slant=0, aspect=1.15, size=(0.45, 0.75),
                                                        pens=(18, 24, 32))),
    Writer("hasty", ("5 no stem", "9 flat loop"), Hand(slant=16, aspect=0.9, size=(0.35, 0.6),
                                                       pens=(10, 14), wobble=0.018)),
    Writer("curly", ("7 curled foot", "6 big loop"), Hand(slant=4, aspect=1.05,
                                                          size=(0.5, 0.85), pens=(14, 18, 24))),
    Writer("leftie", ("2 short base", "8 tiny top"), Hand(slant=-10, aspect=0.95,
                                                          size=(0.4, 0.7), pens=(10, 14, 18))),
    Writer("tidy", ("1 long flag", "4 round top"), Hand(slant=-2, aspect=0.85, size=(0.55, 0.8),
                                                        pens=(18, 24), wobble=0.006)),
)
