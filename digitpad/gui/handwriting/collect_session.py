"""CollectSession: which digit the guided session asks for next (no widgets, no files here).

The session goes round the digits, one sample of each in turn (0, 1, … 9, 0, 1, …), rather
than five 3s in a row: people draw a digit the same way when they repeat it at once, and the
fine-tune learns more from the variety. Esc skips one prompt: that sample is not asked for
again, so a digit someone will not draw never holds the session up.

"Only the ones it misreads": each digit is first asked for CHECK_FIRST times; the model in use
reads each accepted sample in the background, and a digit it read right every one of those
times needs no more. A digit it misread (or declined, or could not be asked about) is asked for
until it has its full number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

CHECK_FIRST = 2  # samples of each digit the model reads before a digit may count as read right


@dataclass
class DigitProgress:
    """One digit's part of the session."""

    accepted: list[str] = field(default_factory=list)  # sample keys (file paths), in order
    skipped: int = 0
    readings: dict[str, bool] = field(default_factory=dict)  # key → the model read it right


class CollectSession:
    """The plan of one guided session: `per_digit` samples of each digit, in turns."""

    def __init__(self, per_digit: int, only_misread: bool = False,
                 digits: Sequence[str] = tuple("0123456789")) -> None:
        if per_digit < 1:
            raise ValueError("per_digit must be at least 1")
        self.per_digit = int(per_digit)
        self.only_misread = bool(only_misread)
        self.digits = tuple(digits)
        self.progress = {digit: DigitProgress() for digit in self.digits}
        self._history: list[str] = []  # digits accepted, in order (for undo)
        self._turn = 0  # index into digits of the prompt shown
        self.current: str | None = None
        self._advance(start=0)

    # --- what is asked for ------------------------------------------------------------------
    @property
    def check_first(self) -> int:
        """How many samples of a digit the model reads before the digit may be settled."""
        return min(CHECK_FIRST, self.per_digit)

    def read_right(self, digit: str) -> bool:
        """Whether, in 'only the ones it misreads', the model read this digit's first samples
        right, so it needs no more."""
        if not self.only_misread:
            return False
        part = self.progress[digit]
        first = part.accepted[: self.check_first]
        return len(first) == self.check_first and all(part.readings.get(k) for k in first)

    def needs(self, digit: str) -> bool:
        """Whether the session still asks for `digit`."""
        part = self.progress[digit]
        if len(part.accepted) + part.skipped >= self.per_digit:
            return False
        return not self.read_right(digit)

    @property
    def done(self) -> bool:
        """Nothing more to ask for."""
        return self.current is None

    def accepted_count(self, digit: str | None = None) -> int:
        """Samples accepted this session (of `digit`, or of all digits)."""
        if digit is not None:
            return len(self.progress[digit].accepted)
        return sum(len(part.accepted) for part in self.progress.values())

    def settled(self) -> list[str]:
        """The digits it read right on their first samples (none outside misread mode)."""
        return [digit for digit in self.digits if self.read_right(digit)]

    def _advance(self, start: int) -> None:
        """Make `current` the first digit from index `start` on (round the circle) that is
        still needed, or None when none is."""
        n = len(self.digits)
        for step in range(n):
            index = (start + step) % n
            if self.needs(self.digits[index]):
                self._turn, self.current = index, self.digits[index]
                return
        self.current = None

    # --- what the person does ---------------------------------------------------------------
    def accept(self, key: str, digit: str | None = None) -> None:
        """A sample of `digit` (the one shown, by default) was saved as `key`; on to the next
        prompt."""
        digit = self.current if digit is None else digit
        if digit is None:
            raise ValueError("the session is done")
        self.progress[digit].accepted.append(key)
        self._history.append(digit)
        self._advance(self.digits.index(digit) + 1)

    def skip(self) -> None:
        """Skip the prompt shown: that sample is not asked for."""
        if self.current is None:
            return
        self.progress[self.current].skipped += 1
        self._advance(self._turn + 1)

    def last_accepted(self) -> tuple[str, str] | None:
        """(digit, key) of the sample accepted last and not undone, or None."""
        if not self._history:
            return None
        digit = self._history[-1]
        return digit, self.progress[digit].accepted[-1]

    def undo_accept(self) -> tuple[str, str] | None:
        """Take back the last accepted sample: (digit, key), and that digit is asked for again;
        None when there is nothing to take back."""
        last = self.last_accepted()
        if last is None:
            return None
        digit, key = last
        self._history.pop()
        part = self.progress[digit]
        part.accepted.pop()
        part.readings.pop(key, None)
        self._turn, self.current = self.digits.index(digit), digit
        return last

    def record_reading(self, key: str, right: bool) -> bool:
        """What the model read for the sample saved as `key`; False when that sample was undone
        meanwhile (then it is ignored)."""
        for part in self.progress.values():
            if key in part.accepted:
                part.readings[key] = bool(right)
                return True
        return False

    def move_on(self) -> bool:
        """When the digit shown needs nothing more (its first samples were read right while it
        was shown), go to the next prompt; returns whether the prompt changed."""
        if self.current is None or self.needs(self.current):
            return False
        self._advance(self._turn + 1)
        return True
