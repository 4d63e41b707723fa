"""`digitpad eval`: accuracy, calibration and (for a model that declines) how often it says
"not a digit" on a dataset's test split.

The whole split goes through the model once (core.calibration.split_logits); the answers are
then worked out exactly as Predictor gives them: the real classes' probabilities (a "class"
model's extra "not a digit" output dropped and the rest renormalised, so the confusion matrix
is over the real classes only), and the decline rule Predictor would apply (the model's own,
none with --no-decline, or --decline-below's threshold). Every test image is a real digit, so
each decline counts as a wrong answer in "accuracy with declines counted as wrong".
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from typing import Any

import torch
from torch.nn import functional as F

from digitpad.core.errors import DigitpadError


@dataclass
class Scores:
    """What eval reports for one split."""

    loss: float  # cross-entropy of the raw outputs, as in training
    accuracy: float  # the best guess among the real classes, never declined
    confusion: list[list[int]]  # rows: true, columns: predicted (real classes only)
    ece: float  # of the (temperature-scaled) real-class probabilities, 15 bins
    declined: float  # share of the images declined (0 without a rule)
    accuracy_with_declines: float  # right and not declined
    per_class_declined: list[float]

    @property
    def per_class(self) -> list[float]:
        return [row[i] / max(1, sum(row)) for i, row in enumerate(self.confusion)]


def score_split(logits: torch.Tensor, labels: torch.Tensor, n_classes: int,
                temperature: float | None, reject: int | None, rule: Any) -> Scores:
    """Scores of raw outputs `logits` for true `labels`, answered as Predictor would."""
    from digitpad.core.calibration import expected_calibration_error
    from digitpad.core.decline import answer

    n = len(labels)
    logits, labels = logits.float(), labels.long()
    loss = F.cross_entropy(logits, labels, reduction="sum").item() / max(1, n) if n else 0.0
    probs, _, declined = answer(logits.double(), temperature, reject, rule)
    predicted = probs.argmax(dim=1)
    right = predicted == labels
    confusion = torch.bincount(labels * n_classes + predicted, minlength=n_classes * n_classes)
    per_class_declined = [
        float(declined[labels == c].double().mean()) if bool((labels == c).any()) else 0.0
        for c in range(n_classes)
    ]
    return Scores(
        loss, float(right.double().mean()) if n else 0.0,
        confusion.view(n_classes, n_classes).tolist(),
        expected_calibration_error(probs, labels),
        float(declined.double().mean()) if n else 0.0,
        float((right & ~declined).double().mean()) if n else 0.0,
        per_class_declined,
    )


def rule_words(rule: Any) -> str:
    """A decline rule in words: "the model's own rule: energy score below 1.70"."""
    if rule.score == "max_probability":
        what = f"best guess's probability below {rule.threshold:.0%}"
    elif rule.score == "class":
        what = f"its \"not a digit\" output above {1 - rule.threshold:.0%}"
    else:
        what = f"{rule.score} score below {rule.threshold:.3g}"
    who = "--decline-below" if rule.source == "user" else "the model's own rule"
    return f"{who}: {what}"


def run_eval(args: argparse.Namespace) -> int:
    """`digitpad eval`: accuracy, per-class accuracy, confusion, calibration and declines."""
    from digitpad.commands import download_progress
    from digitpad.core.calibration import split_logits
    from digitpad.core.checkpoint import load_model
    from digitpad.core.datasets import load_dataset
    from digitpad.core.decline import reject_index
    from digitpad.core.model_library import resolve_model
    from digitpad.core.predictor import Predictor
    from digitpad.core.safe_text import json_safe, printable
    from digitpad.predict_command import apply_decline_args

    path = resolve_model(args.model)
    model, meta = load_model(path)  # the metadata is validated: types and ranges hold
    predictor = Predictor(model, meta, path)  # its decline rule and real classes, as predict's
    apply_decline_args(predictor, args)
    config = meta.get("config") or {}
    val_split, seed = config.get("val_split"), config.get("seed")
    dataset = load_dataset(
        args.dataset, data_dir=args.data_dir, val_split=0.1 if val_split is None else val_split,
        seed=seed or 0, channels=meta["in_channels"], image_size=meta["image_size"],
        progress=download_progress(), limit=args.limit,
    )
    names = list(predictor.class_names)  # without a "class" model's "not a digit"
    model_name, data_name = printable(path.name), printable(dataset.name)
    if len(dataset.class_names) != len(names):
        raise DigitpadError(
            f"{model_name} knows {len(names)} classes but {data_name} has "
            f"{len(dataset.class_names)}; evaluate it on the kind of data it was trained on."
        )
    split = dataset.test if dataset.test is not None else dataset.val
    which = "test" if dataset.test is not None else "validation"
    start = time.perf_counter()
    logits, labels = split_logits(model, split, meta["mean"], meta["std"])
    temperature, rule = meta.get("temperature"), predictor.rule  # None: uncalibrated / never
    result = score_split(logits, labels, len(names), temperature, reject_index(meta), rule)
    if args.json:
        print(json.dumps(json_safe({
            "model": str(path), "dataset": dataset.name, "split": which, "images": len(split),
            "accuracy": result.accuracy, "loss": result.loss, "ece": result.ece,
            "temperature": temperature, "calibrated": temperature is not None,
            "per_class": dict(zip(names, result.per_class)), "confusion": result.confusion,
            "declines": rule is not None,
            "decline_rule": None if rule is None else {
                "score": rule.score, "threshold": rule.threshold, "source": rule.source},
            "declined": result.declined, "accuracy_with_declines": result.accuracy_with_declines,
            "per_class_declined": dict(zip(names, result.per_class_declined)),
        }), allow_nan=False))
        return 0
    print(f"{model_name} on {data_name} ({which} split, {len(split):,} images, "
          f"{time.perf_counter() - start:.1f}s): accuracy {result.accuracy:.2%}, "
          f"loss {result.loss:.4f}, ECE {result.ece:.2%} "
          f"({'uncalibrated' if temperature is None else f'temperature {temperature:.3g}'})")
    shown = [printable(n, 40) for n in names]  # class names come from the file
    if rule is not None:
        print(f"declined {result.declined:.2%} of the images ({printable(rule_words(rule))}); "
              f"accuracy with declines counted as wrong {result.accuracy_with_declines:.2%}")
    print("per class: " + "  ".join(f"{n}: {a:.1%}" for n, a in zip(shown, result.per_class)))
    if rule is not None:
        print("declined per class: " + "  ".join(
            f"{n}: {d:.1%}" for n, d in zip(shown, result.per_class_declined)))
    _print_confusion(shown, result.confusion)
    return 0


def _print_confusion(shown: list[str], confusion: list[list[int]]) -> None:
    width = max(len(n) for n in shown)
    print("confusion (rows: true, columns: predicted):")
    cell = max(5, max(len(str(v)) for row in confusion for v in row) + 1)
    print(" " * (width + 1) + "".join(f"{i:>{cell}}" for i in range(len(shown))))
    for name, row in zip(shown, confusion):
        print(f"{name:>{width}} " + "".join(f"{v:>{cell}}" for v in row))
