"""Which epoch the results (confusion matrix, mistakes) describe, and how their titles say it.

During a run they show the latest epoch ("validation, epoch 3 (latest)"); at its end, the epoch
whose weights were kept ("validation, epoch 1 (best, saved)"): a run whose best epoch was 1 once
showed epoch 3's mistakes beside the epoch-1 model it had saved. No torch here.
"""

from __future__ import annotations

from dataclasses import dataclass

from digitpad.core.records import EpochEnd, Finished, Started


@dataclass(frozen=True)
class ShownEpoch:
    """An epoch's record to show, and what it is: 'validation, epoch 1 (best, saved)'."""

    record: EpochEnd
    split: str  # "validation" or "test": the images scored
    which: str  # "latest", "best, saved", "best" (kept, not saved) or "last"

    def describe(self) -> str:
        """'validation, epoch 1 (best, saved)'."""
        return f"{self.split}, epoch {self.record.epoch} ({self.which})"


class EpochChooser:
    """Takes a run's records and says, after each that changes it, which epoch to show."""

    def __init__(self) -> None:
        self.run: Started | None = None
        self._latest: EpochEnd | None = None
        self._best: EpochEnd | None = None

    def take(self, record: object) -> ShownEpoch | None:
        """The epoch to show now that `record` came, or None when nothing changes."""
        match record:
            case Started():
                self.run, self._latest, self._best = record, None, None
            case EpochEnd():
                self._latest = record
                if record.is_best:
                    self._best = record
                return self._shown(record, "latest")
            case Finished():
                return self._final(record)
        return None

    def _final(self, result: Finished) -> ShownEpoch | None:
        best = self._best
        if result.best_epoch and best is not None and best.epoch == result.best_epoch:
            return self._shown(best, "best, saved" if result.saved else "best")
        if self._latest is None:
            return None
        # no weights kept, or kept from an epoch before this view's records (a continued run)
        return self._shown(self._latest, "last")

    def _shown(self, record: EpochEnd, which: str) -> ShownEpoch:
        split = "test" if self.run is not None and self.run.scored_on == "test" else "validation"
        return ShownEpoch(record, split, which)
