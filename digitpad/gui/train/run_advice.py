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


# --- after a run: each fact said once ---------------------------------------------------------
# The banner says how good the run is and where it went; the progress line says how far it got
# and how long it took; the status bar says only that it ended. (They used to repeat the test
# accuracy and the time, and an image folder's run read "best validation accuracy 55.56%
# (epoch 2). Validation accuracy 55.56%.")
ENDED = {"completed": "Finished", "stopped": "Stopped", "diverged": "Stopped"}
STATUS = {"completed": "Training finished", "stopped": "Training stopped",
          "diverged": "Training stopped: the loss diverged"}
# train accuracy reads 20-30 points below validation in early epochs: the charts say why
TRAIN_NOTE = ("train: measured on the training images while the model learns them, with "
              "augmentation (when on) and dropout at work, and averaged over the epoch; "
              "validation is measured after the epoch on plain images, so early on train reads "
              "lower")


def saved_name(path: str) -> str:
    """A saved model's library name (its file name without .pt), printable."""
    return printable(os.path.splitext(os.path.basename(path))[0], 80)


def accuracy_sentence(metrics: Mapping[str, Any]) -> str:
    """'best validation accuracy 90.56% (epoch 2), test accuracy 90.81%' ('' without one)."""
    best, epoch = _accuracy(metrics, "val_accuracy"), metrics.get("best_epoch")
    if best is None:
        return ""
    which = "test" if metrics.get("selected_on_test") else "validation"
    text = f"best {which} accuracy {best:.2%}" + (f" (epoch {epoch})" if epoch else "")
    test = _accuracy(metrics, "test_accuracy")
    if test is not None and not metrics.get("selected_on_test"):
        text += f", test accuracy {test:.2%}"
    return text


def result_text(reason: str, message: str, metrics: Mapping[str, Any]) -> str:
    """The banner's first sentence for a finished run: 'Finished: best validation accuracy
    90.56% (epoch 2), test accuracy 90.81%.'; a diverged run's advice (`message`), then its best
    accuracy before that; a run with nothing to show, its `message`."""
    score = accuracy_sentence(metrics)
    if reason == "diverged":
        return message + (f" Before that: {score}." if score else "")
    if not score:
        return message
    return f"{ENDED.get(reason, 'Finished')}: {score}."


def progress_line(reason: str, epochs_done: int, epochs: int, took: str) -> str:
    """The progress line once a run ends: 'Finished 2 of 2 epochs in 1:33.' or 'Stopped after 1
    of 3 epochs, in 1:09.' (`took` is the formatted duration)."""
    verb = ENDED.get(reason, "Finished")
    if epochs_done <= 0:
        return f"{verb} before the first epoch ended, after {took}."
    count = f"{epochs_done} of {epochs} epoch{'s' if epochs != 1 else ''}"
    if reason == "completed":
        return f"{verb} {count} in {took}."
    return f"{verb} after {count}, in {took}."


def finished_text(result: Any, why_not: str = "", hint: str = "") -> str:  # noqa: ANN401
    """The banner for a core.records.Finished (`saved`/`save_problem` set): how good the run
    is and where its model went; `why_not` (why_not_used) when it is kept but not put on the
    Draw tab, with the steps `hint` if there is one."""
    text = result_text(result.reason, result.message, result.metrics)
    saved, problem = result.saved, result.save_problem
    if problem:  # the run ran: say so, and where its model went (if anywhere)
        text += f" {problem}"
    if why_not:
        return text + (f" Saved as “{saved_name(saved)}”, but not put on the Draw tab: "
                       f"{why_not}.") + (f" {hint}" if hint else "")
    if saved and problem:
        return text + f" Saved as {saved} instead, so the run is not lost."
    if saved:
        return text + (f" Saved as “{saved_name(saved)}” in your model library; it is ready "
                       "on the Draw tab.")
    return text
