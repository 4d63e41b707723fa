"""What to tell the person about a run: before Start (too few training steps to learn from) and
after it (far worse than the model in use on the Draw tab). Plain functions of the numbers.

"Far worse" is a drop in accuracy of at least FAR_WORSE_POINTS percentage points against the
model in use, measured the same way (test accuracy against test accuracy, else validation
against validation), and only when both models tell the same classes apart: a Fashion-MNIST run
cannot be worse than a digits model, they answer different questions.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from digitpad.core.config import TrainConfig  # no torch
from digitpad.core.safe_text import printable
from digitpad.gui.train.train_progress import no_better_than_chance

if TYPE_CHECKING:
    from digitpad.gui.workers.prediction_service import LoadedModel

FAR_WORSE_POINTS = 15  # percentage points of accuracy below the model in use
MIN_STEPS = 200  # fewer optimisation steps than this rarely learn much from scratch
MIN_STEPS_PER_EPOCH = 10  # the smaller batch suggested gives at least this many steps an epoch
MIN_BATCH = 4


@dataclass(frozen=True)
class ModelInUse:
    """The model the Draw tab uses, as far as comparing a new run with it goes."""

    path: str
    class_names: tuple[str, ...]
    metrics: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def loaded(cls, model: LoadedModel) -> ModelInUse:
        """From PredictionService.modelLoaded's LoadedModel (path, class names, metrics)."""
        metrics = getattr(model, "metrics", None)  # the accuracy saved with it, if any
        return cls(model.path, tuple(model.class_names),
                   dict(metrics) if isinstance(metrics, Mapping) else {})

    @property
    def name(self) -> str:
        return printable(os.path.splitext(os.path.basename(self.path))[0], 60)


def _accuracy(metrics: Mapping[str, Any], key: str) -> float | None:
    value = metrics.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def far_worse(in_use: ModelInUse | None, class_names: Sequence[str],
              metrics: Mapping[str, Any]) -> str:
    """Why a finished run is far worse than the model in use ('' when it is not, or when the
    two cannot be compared: different classes, or no accuracy measured the same way)."""
    if in_use is None or tuple(class_names) != tuple(in_use.class_names):
        return ""
    for key, which in (("test_accuracy", "test"), ("val_accuracy", "validation")):
        ours, theirs = _accuracy(metrics, key), _accuracy(in_use.metrics, key)
        if ours is None or theirs is None:
            continue
        drop = round((theirs - ours) * 100, 1)
        if drop < FAR_WORSE_POINTS:
            return ""
        return (f"its {which} accuracy, {ours:.1%}, is {drop:.0f} points below the {theirs:.1%} "
                f"of “{in_use.name}”, the model in use on the same {len(class_names)} classes "
                f"({FAR_WORSE_POINTS} points or more counts as far worse)")
    return ""


def why_not_used(class_names: Sequence[str], metrics: Mapping[str, Any],
                 in_use: ModelInUse | None) -> str:
    """Why a finished run should not replace the model in use unasked ('' when it may): no
    better than chance, or far worse than the model in use."""
    accuracy = _accuracy(metrics, "test_accuracy")
    accuracy = _accuracy(metrics, "val_accuracy") if accuracy is None else accuracy
    classes = len(class_names)
    if accuracy is not None and no_better_than_chance(accuracy, classes):
        return f"{accuracy:.0%} is no better than guessing among {classes} classes"
    return far_worse(in_use, class_names, metrics)


def training_images(images: int, val_split: float, separate_val: bool,
                    limit: int | None) -> int:
    """How many of `images` are trained on: at most `limit`, less the validation share (the
    same arithmetic as core.splits.split_train_val)."""
    if limit:
        images = min(images, limit)
    if separate_val or val_split <= 0 or images < 1:
        return images
    return images - max(1, round(images * val_split))


def few_steps_hint(images: int, batch: int, epochs: int, max_epochs: int = 500) -> str:
    """A hint when `epochs` passes over `images` training images in batches of `batch` give
    fewer than MIN_STEPS optimisation steps ('' otherwise): what to change, with the numbers."""
    if images < 1 or batch < 1 or epochs < 1:
        return ""
    per_epoch = math.ceil(images / batch)
    steps = epochs * per_epoch
    if steps >= MIN_STEPS:
        return ""
    smaller = batch  # halve the batch until an epoch has enough steps
    while smaller > MIN_BATCH and math.ceil(images / smaller) < MIN_STEPS_PER_EPOCH:
        smaller = max(MIN_BATCH, smaller // 2)
    new_per_epoch = math.ceil(images / smaller)
    new_epochs = min(max_epochs, max(epochs, math.ceil(MIN_STEPS / new_per_epoch)))
    changes = []
    if smaller < batch:
        changes.append(f"a batch size of {smaller}")
    if new_epochs > epochs:
        changes.append(f"{new_epochs} epochs")
    batches = "batch" if per_epoch == 1 else "batches"
    text = (f"Only {steps:,} training steps ({epochs} epoch{'s' if epochs != 1 else ''} × "
            f"{per_epoch} {batches} of {batch} from {images:,} training images): usually too "
            "few to learn from.")
    if changes:
        text += (f" Try {' and '.join(changes)} ({new_epochs * new_per_epoch:,} steps).")
    return text


def steps_hint(preview: Any, is_folder: bool, limit: int, batch: int, epochs: int,  # noqa: ANN401
               max_epochs: int) -> str:
    """few_steps_hint for the Train form: the image folder's counted images (`preview`, a
    core.image_folder.FolderPreview, None until counted), or MNIST's `limit` (0: all of it,
    plenty). The validation share is TrainConfig's default, as the form uses it."""
    if preview is not None:
        images = training_images(preview.train_images, TrainConfig.val_split,
                                 bool(preview.val_images), limit or None)
    elif not is_folder and limit:
        images = training_images(limit, TrainConfig.val_split, False, limit)
    else:
        return ""
    return few_steps_hint(images, batch, epochs, max_epochs)
