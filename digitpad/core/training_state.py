"""What the training loop carries from batch to batch and epoch to epoch, and the time left.

`TrainState` is the whole mutable state of a run in one place (a resumable checkpoint saves and
restores exactly this); `time_left` is the one ETA estimate, shown alike by `digitpad train` and
the Train tab.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from digitpad.core.records import EpochEnd


@dataclass
class TrainState:
    """Everything that changes while a run trains (the model's weights live in the model)."""

    optimizer: torch.optim.Optimizer
    scheduler: Any  # a torch LR scheduler, or None
    generator: torch.Generator  # shuffling and augmentation
    epoch: int = 0  # epochs finished
    global_step: int = 0
    best_state: dict[str, torch.Tensor] | None = None  # a copy of the best weights so far
    best_accuracy: float = -1.0
    best_epoch: int = 0
    train_time: float = 0.0  # seconds spent in training steps (no evaluation, no pauses)
    eval_time: float = 0.0  # seconds spent evaluating after epochs
    evaluations: int = 0  # how many evaluations eval_time covers
    history: list[EpochEnd] = field(default_factory=list)  # one record per epoch evaluated


@dataclass
class EpochTally:
    """One epoch's running sums, and how it ended early (if it did)."""

    seen: int = 0  # training images stepped on
    loss_sum: float = 0.0
    correct: int = 0
    train_time: float = 0.0  # this epoch's training steps only
    stopped: bool = False  # a stop request ended it before its last step
    diverged: str = ""  # why the loss stopped being a number, when it did

    def images_per_s(self) -> float:
        """Training speed over this epoch so far."""
        return self.seen / max(1e-9, self.train_time)


def time_left(state: TrainState, total_steps: int, evaluations_left: int) -> float:
    """Seconds still to go: the mean time of the steps done times the steps left, plus the mean
    time of an evaluation times the evaluations left (none counted before the first one)."""
    steps_left = max(0, total_steps - state.global_step)
    per_step = state.train_time / max(1, state.global_step)
    per_evaluation = state.eval_time / state.evaluations if state.evaluations else 0.0
    return per_step * steps_left + per_evaluation * max(0, evaluations_left)
