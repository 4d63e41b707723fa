"""Whether the columns' models agree on the drawing, and the sentence that says so.

Plain Python on the columns' answers (a class name, "not a digit" or "no ink"), so the rule is
the command line's (compare_table.answer_of): the same answer is agreement, whatever each
model's confidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

NOT_A_DIGIT = "not a digit"  # core.decline.NOT_A_DIGIT (importing core.decline imports torch)
NO_INK = "no ink"


@dataclass(frozen=True)
class Verdict:
    """What the banner says, and which columns (indices into the answers given) to colour."""

    agree: bool
    text: str
    differing: frozenset[int]


def answer_words(label: str | None, not_a_digit: bool, no_ink: bool) -> str:
    """A model's answer as the columns compare it."""
    if no_ink:
        return NO_INK
    return NOT_A_DIGIT if not_a_digit or label is None else label


def verdict(names: Sequence[str], answers: Sequence[str]) -> Verdict:
    """Agreement of two or more models: "Both models say 7" / "All 3 models say 7", or "The
    models disagree: digits says 4, mlp says 9". The columns coloured are those that differ from
    the answer most models give; when no answer has a majority, every column."""
    if len(set(answers)) == 1:
        said = answers[0]
        who = "Both models" if len(answers) == 2 else f"All {len(answers)} models"
        return Verdict(True, f"{who} say {said}" if said != NO_INK else "No ink to compare",
                       frozenset())
    counts = Counter(answers)
    top, n = counts.most_common(1)[0]
    majority = n > len(answers) / 2
    differing = frozenset(i for i, a in enumerate(answers) if not majority or a != top)
    parts = ", ".join(f"{name} says {answer}" for name, answer in zip(names, answers))
    return Verdict(False, f"The models disagree: {parts}", differing)
