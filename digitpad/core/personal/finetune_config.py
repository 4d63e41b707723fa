"""The settings of a fine-tune on a person's handwriting (finetune.py runs it). No torch here:
the app's GUI thread builds these and hands them to the training thread."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from digitpad.core.errors import DigitpadError


@dataclass(frozen=True)
class FineTuneConfig:
    """What `fine_tune` does: which samples, from which model, for how long."""

    samples: str  # an image folder: <digit>/<image files> (SampleStore's root is one)
    base: str = "digits"  # a model name or file (core.model_library.resolve_model)
    data_dir: str | None = None  # where MNIST is (replay and the before/after test)
    held_out: float = 0.2  # share of each digit's samples kept out for the report
    steps: int = 100
    batch_size: int = 64
    personal_share: float = 0.2  # of each batch's digits: the rest is MNIST replay
    lr: float = 1e-3
    chunks: int = 5  # progress reports ("epochs" on the charts) over the run
    seed: int = 0
    threads: int | None = None
    device: str = "cpu"

    def check(self) -> None:
        """DigitpadError (one line) for settings that cannot work."""
        if not 0 <= self.held_out < 1:
            raise DigitpadError("The held-out share must be at least 0 and less than 1.")
        if self.steps < 1 or self.batch_size < 2 or self.chunks < 1:
            raise DigitpadError("A fine-tune needs at least 1 step, batches of 2 or more "
                                "and at least 1 progress report.")
        if not 0 < self.personal_share <= 1:
            raise DigitpadError("The share of your samples in a batch must be in (0, 1].")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise DigitpadError("The learning rate must be a positive number.")


def default_out(base: str | Path) -> str:
    """The library name of a fine-tuned model: the base's, "— yours" added once (here, not in
    finetune.py, so that the app's GUI thread can name the file without importing torch)."""
    stem = Path(str(base)).stem
    return stem if stem.endswith("yours") else f"{stem} — yours"
