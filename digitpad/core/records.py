"""The small frozen records `train()` yields: plain Python values and numpy arrays, safe to hand
across threads as they are (the GUI's worker emits these very objects; widgets dispatch on their
type). No Qt and no torch here, except `Finished.model`, which the caller saves."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

from digitpad.core.explain.records import FirstLayer, LayerActivation


class Unit(Enum):
    """What a DataProgress counts."""

    BYTES = "bytes"  # a download
    IMAGES = "images"  # image files being decoded


@dataclass(frozen=True)
class DataProgress:
    """Loading or downloading a data set: `done` of `total` (None: not known) `unit`s."""

    what: str  # a file name or "loading images"
    done: int
    total: int | None
    unit: Unit


@dataclass(frozen=True)
class Notice:
    """Something the user should know (device fallback, weights not found, phase changes)."""

    message: str


@dataclass(frozen=True)
class Started:
    """The data is loaded and the model built: the first step comes next."""

    class_names: tuple[str, ...]
    train_size: int
    val_size: int  # the images each epoch is scored on
    test_size: int  # 0 without a test split
    scored_on: str  # "validation", or "test" when there is no validation split
    dataset: str  # the data set's description
    model: str  # the architecture's name
    parameters: int
    device: str
    threads: int
    epochs: int
    steps_per_epoch: int
    total_steps: int
    precision: str = "float32"  # how the steps compute (core.precision), e.g. "bfloat16 mixed"
    # Watch it learn (core.explain.watch), before the first step: the first layer's images,
    # and the fixed validation image (uint8, read-only; None without one), its class and its
    # activations; each EpochEnd then brings the same two for the end of its epoch
    first_layer: FirstLayer | None = None
    probe: list[LayerActivation] = field(default_factory=list)
    probe_image: np.ndarray | None = None
    probe_label: str = ""


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
    eta: float  # seconds still to go, estimated (training.time_left; the CLI shows the same)
    threads: int = 0  # CPU threads this step ran on (0: not the CPU's choice to make)


@dataclass(frozen=True)
class Steps:
    """Several Steps at once, in order: how the GUI's worker sends them (at most ~20 times a
    second; one signal per batch stalls the window), so that every loss still arrives."""

    steps: tuple[Step, ...]

    @property
    def latest(self) -> Step:
        """The last of them: where the run is now."""
        return self.steps[-1]


@dataclass(frozen=True)
class Paused:
    """The loop took a pause request and now waits before its next batch (Step `global_step`
    was the last one done)."""

    epoch: int
    global_step: int
    total_steps: int


@dataclass(frozen=True)
class Misclassified:
    """A validation image the model got wrong: its uint8 pixels and what it thought."""

    image: np.ndarray  # uint8 (H, W) or (H, W, 3), read-only, owns its memory
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
    misclassified: list[Misclassified] = field(default_factory=list)  # the most confident few
    # Watch it learn (core.explain.watch): the first layer's images after this epoch, and the
    # activations of the run's fixed validation image (Started.probe_image) through the layers
    first_layer: FirstLayer | None = None
    probe: list[LayerActivation] = field(default_factory=list)

    @property
    def mistakes(self) -> int:
        """How many scored images the model got wrong, all of them (off the confusion matrix's
        diagonal), where `misclassified` keeps only the most confident few."""
        counts = np.asarray(self.confusion, dtype=np.int64)
        return int(counts.sum() - np.trace(counts)) if counts.ndim == 2 else 0


@dataclass(frozen=True)
class Finished:
    """The end of a run. `model`/`meta` hold the best weights, ready for checkpoint.save.

    `saved`/`save_problem` are filled in by whoever saves the run (the GUI's worker sends a copy
    with them set, and without the model): where it went, and why not where it was asked."""

    reason: str  # "completed", "stopped" or "diverged"
    message: str
    best_epoch: int
    metrics: dict[str, Any]
    elapsed: float
    model: Any = None  # torch.nn.Module on the CPU (None when nothing worth saving exists)
    meta: dict[str, Any] = field(default_factory=dict)
    saved: str = ""
    save_problem: str = ""
    resume: Any = None  # resume_state.ResumeState: the last epoch's snapshot, saved with it

    def save(self, path: str) -> str:
        """Save the best weights and metadata atomically; returns the path."""
        from digitpad.core.checkpoint import save_checkpoint

        if self.model is None:
            raise ValueError("This run produced no weights to save.")
        return str(save_checkpoint(path, self.model, self.meta, self.resume))


Record = DataProgress | Notice | Started | Step | Steps | Paused | EpochEnd | Finished
