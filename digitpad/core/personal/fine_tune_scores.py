"""How a fine-tune is scored: the person's held-out samples and the MNIST test set, each read as
`digitpad predict` and the Draw tab answer (core.decline.answer: a declined digit is wrong), and
the fine-tuned model's metadata."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from digitpad.core.calibration import split_logits
from digitpad.core.checkpoint import now_iso, versions
from digitpad.core.datasets import Split
from digitpad.core.decline import answer, reject_index, rule_from_meta
from digitpad.core.personal.personal_data import PersonalSet


@dataclass(frozen=True)
class Check:
    """One look at a set of samples: loss and accuracy of the raw outputs, and the confusion."""

    loss: float
    accuracy: float
    confusion: list[list[int]]


@dataclass(frozen=True)
class Scores:
    """Accuracy as the app answers (declines count as wrong)."""

    personal: float | None  # None: no samples held out
    mnist: float
    mnist_best_guess: float  # the best digit, declines ignored
    mnist_declined: float


class Scorer:
    """Scores one model (as it is now) on the held-out samples and the MNIST test set."""

    def __init__(self, model: nn.Module, meta: dict[str, Any], test: Split,
                 held: PersonalSet, device: torch.device) -> None:
        self.model, self.test, self.held, self.device = model, test, held, device
        self.mean, self.std = meta["mean"], meta["std"]
        self.temperature = meta.get("temperature")
        self.reject, self.rule = reject_index(meta), rule_from_meta(meta)
        self.classes = len(meta["class_names"])

    def _answers(self, split: Split) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(right and not declined, best guess right, declined) per image."""
        logits, labels = split_logits(self.model, split, self.mean, self.std, device=self.device)
        answers = answer(logits, self.temperature, self.reject, self.rule)
        right = answers.probs.argmax(1) == labels
        return right & ~answers.declined, right, answers.declined

    def scores(self, recorded_mnist: float | None = None) -> Scores:
        """The scores now; `recorded_mnist` (recorded_mnist_score) stands in for scoring the
        MNIST test set again (then the best-guess and declined shares are not known: NaN)."""
        personal = None
        if len(self.held):
            personal = float(self._answers(Split(self.held.images, self.held.labels))[0]
                             .double().mean())
        if recorded_mnist is not None:
            return Scores(personal, recorded_mnist, math.nan, math.nan)
        kept, right, declined = self._answers(self.test)
        return Scores(personal, float(kept.double().mean()), float(right.double().mean()),
                      float(declined.double().mean()))

    def personal(self, samples: PersonalSet) -> Check:
        """The raw outputs' loss, accuracy and confusion on `samples` (the charts' figures)."""
        logits, labels = split_logits(self.model, Split(samples.images, samples.labels),
                                      self.mean, self.std, device=self.device)
        loss = float(F.cross_entropy(logits, labels)) if len(labels) else 0.0
        predicted = logits.argmax(1)
        confusion = torch.zeros(self.classes, self.classes, dtype=torch.int64)
        confusion.index_put_((labels, predicted), torch.ones_like(labels), accumulate=True)
        accuracy = float((predicted == labels).double().mean()) if len(labels) else 0.0
        return Check(loss, accuracy, confusion.tolist())


def recorded_mnist_score(meta: dict[str, Any], test_size: int) -> float | None:
    """The model's MNIST test accuracy as Scorer.scores measures it, when its file records
    that very figure (measured by digitpad on the whole official test set when it was trained
    or fine-tuned), so a fine-tune need not spend seconds measuring it again; else None."""
    metrics = meta.get("metrics") or {}
    config = meta.get("config") or {}
    if meta.get("dataset") != "mnist" or config.get("limit") is not None or test_size != 10_000:
        return None
    if rule_from_meta(meta) is not None:  # answers with declines counted wrong
        value = metrics.get("test_accuracy_with_declines")
    elif reject_index(meta) is None:  # plain best guesses
        value = metrics.get("test_accuracy")
    else:
        return None
    return float(value) if isinstance(value, float) and 0 <= value <= 1 else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fine_tuned_meta(meta: dict[str, Any], base: Path, config: Any, metrics: dict[str, Any],
                    after: Scores, samples: int) -> dict[str, Any]:
    """The base model's metadata for the fine-tuned weights: its preprocessing, temperature and
    decline rule kept, the metrics of the new weights, and how they were made."""
    new = dict(meta)
    new["metrics"] = {
        **metrics,
        "test_accuracy": after.mnist_best_guess,
        "test_declined": after.mnist_declined,
        "test_accuracy_with_declines": after.mnist,
        "val_accuracy": metrics["personal_after"],
    }
    if new["metrics"]["val_accuracy"] is None:
        del new["metrics"]["val_accuracy"]
    if not new.get("decline"):
        new["metrics"].pop("test_declined")
        new["metrics"].pop("test_accuracy_with_declines")
    new["dataset_description"] = f"{meta.get('dataset_description', 'MNIST')} + {samples} of " \
                                 "your own drawings"
    new["fine_tuned"] = {
        "base": base.name, "base_sha256": file_sha256(base), "samples": samples,
        "held_out": config.held_out, "steps": metrics["steps"], "batch_size": config.batch_size,
        "personal_share": config.personal_share, "lr": config.lr, "seed": config.seed,
        "replay": "mnist",
    }
    new["created"], new["versions"] = now_iso(), versions()
    return new
