"""The small records the training generator yields: plain Python values, safe across threads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Notice:
    """Something the user should know (device fallback, weights not found, phase changes)."""

    message: str


@dataclass(frozen=True)
class Step:
    """One optimisation step."""

    epoch: int  # 1-based
    step: int  # 1-based within the epoch
    steps_per_epoch: int
    global_step: int
    total_steps: int
    loss: float
    lr: float
    images_per_s: float  # over the epoch so far, training time only


@dataclass(frozen=True)
class Misclassified:
    """A validation image the model got wrong: raw uint8 pixels and what it thought."""

    pixels: bytes  # uint8, row-major, shape below
    shape: tuple[int, ...]  # (H, W) or (H, W, 3)
    true: int
    predicted: int
    confidence: float


@dataclass(frozen=True)
class EpochEnd:
    """Metrics at the end of an epoch (validation on the held-out split)."""

    epoch: int
    epochs: int
    global_step: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    confusion: list[list[int]]
    elapsed: float  # seconds since training started (including evaluation)
    eta: float  # seconds still to go, estimated
    images_per_s: float
    is_best: bool
    misclassified: list[Misclassified] = field(default_factory=list)


@dataclass(frozen=True)
class Finished:
    """The end of a run. `model`/`meta` hold the best weights, ready for checkpoint.save."""

    reason: str  # "completed", "stopped" or "diverged"
    message: str
    best_epoch: int
    metrics: dict[str, Any]
    elapsed: float
    model: Any = None  # torch.nn.Module on the CPU (None when nothing worth saving exists)
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str) -> str:
        """Save the best weights and metadata atomically; returns the path."""
        from digitpad.core.checkpoint import save_checkpoint

        if self.model is None:
            raise ValueError("This run produced no weights to save.")
        return str(save_checkpoint(path, self.model, self.meta))
