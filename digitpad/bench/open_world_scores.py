"""The figures of `bench open-world` for one model: what it declined, AUROC, ECE (open_world).

A ModelScores collects the model's Predictions on the mouse-drawn cases as they are drawn, then
scores the generated non-digits and the MNIST test set in batches, straight from its outputs,
with the same calibration and decline rule its Predictor applies.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from digitpad.bench.digit_strokes import DIGITS
from digitpad.core.calibration import expected_calibration_error, split_logits
from digitpad.core.decline import answer, auroc, reject_index
from digitpad.core.errors import DatasetError, DigitpadError
from digitpad.core.not_digits import NotDigits
from digitpad.core.predictor import Prediction, Predictor
from digitpad.core.safe_text import printable
from digitpad.core.splits import Split


def check_digit_model(predictor: Predictor, path: Path) -> None:
    """DigitpadError unless the model reads the digits 0 to 9 (the benchmark draws digits)."""
    if predictor.class_names != list(DIGITS):
        shown = ", ".join(printable(n, 20) for n in predictor.class_names[:4])
        raise DigitpadError(f"{printable(path.name)} does not read the digits 0 to 9 (its "
                            f"classes begin {shown}); the open-world benchmark needs a digit "
                            "model.")


def mnist_test(data_dir: Path | None,
               predictors: list[Predictor]) -> tuple[dict[int, Split], str]:
    """The MNIST test split in each model's input form (keyed by id(predictor)), or {} and why
    the ECE is measured on the mouse digits instead. Never downloads."""
    from digitpad.core.datasets import load_dataset

    splits: dict[int, Split] = {}
    loaded: dict[tuple[int, int], Split] = {}
    for predictor in predictors:
        form = (predictor.meta["in_channels"], predictor.meta["image_size"])
        if form not in loaded:
            try:
                dataset = load_dataset("mnist", data_dir=data_dir, download=False,
                                       channels=form[0], image_size=form[1])
            except DatasetError:
                return {}, (f"no MNIST in {printable(data_dir)}: ECE measured on the mouse "
                            "digits, no MNIST test accuracy (pass --data-dir)")
            assert dataset.test is not None  # MNIST has a test split
            loaded[form] = dataset.test
        splits[id(predictor)] = loaded[form]
    return splits, ""


def _share(flags: list[bool]) -> float:
    return float(np.mean(flags)) if flags else float("nan")


def _file_part(text: str) -> str:
    """`text` for a file name: letters, digits and dashes ("#" becomes "number-sign")."""
    if len(text) == 1 and not text.isalnum():
        text = unicodedata.name(text, "symbol").lower()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "x"


class ModelScores:
    """Everything one model did on the benchmark, and the row it makes."""

    def __init__(self, predictor: Predictor):
        self.predictor = predictor
        self.name = predictor.path.name if predictor.path else "model"
        self.rule = predictor.rule
        self.reject = reject_index(predictor.meta)
        self.digit_ok: list[bool] = []
        self.digit_declined: list[bool] = []
        self.digit_probs: list[list[float]] = []
        self.digit_labels: list[int] = []
        self.inside: list[float] = []  # decline scores of digits
        self.outside: list[float] = []  # ... and of mouse non-digits
        self.declined: dict[str, list[bool]] = defaultdict(list)  # by set
        self.by_template: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
        self.failures: list[dict[str, Any]] = []  # declined digits, accepted non-digits

    def _score(self, prediction: Prediction) -> float | None:
        """The rule's score, or max probability for a model without a rule; None: no ink."""
        if prediction.no_ink:
            return None
        return prediction.decline_score if self.rule is not None else prediction.confidence

    def add(self, case: Any, prediction: Prediction) -> None:
        """One drawn case (a digit Case, or a non-digit whose `digit` is its set)."""
        score = self._score(prediction)
        declined = prediction.label is None  # declined, or (never here) no ink
        if case.digit in DIGITS:
            self.digit_ok.append(prediction.label == case.digit)
            self.digit_declined.append(declined)
            if not prediction.no_ink:
                self.digit_probs.append(prediction.probabilities)
                self.digit_labels.append(DIGITS.index(case.digit))
            if score is not None:
                self.inside.append(score)
            if declined:
                self._fail("digit", f"{case.digit}-{case.template}", prediction, "declined")
            return
        self.declined[case.digit].append(declined)
        self.by_template[case.digit][case.template].append(declined)
        if score is not None:
            self.outside.append(score)
        if not declined:
            self._fail(case.digit, case.template, prediction, f"as-{prediction.label}")

    def _fail(self, kind: str, what: str, prediction: Prediction, outcome: str,
              view: np.ndarray | None = None) -> None:
        self.failures.append({
            "kind": kind, "what": what, "label": prediction.label,
            "best_guess": prediction.best_guess, "confidence": prediction.confidence,
            "score": self._score(prediction),
            "view": prediction.view if view is None else view,
            "file": f"{_file_part(kind)}-{_file_part(what)}-{_file_part(outcome)}"})

    def _outputs(self, images: torch.Tensor) -> torch.Tensor:
        """Raw outputs for uint8 (n, 1, 28, 28) images in MNIST form, resized to the model's
        input if it differs."""
        meta = self.predictor.meta
        x = images.float().div(255)
        size, channels = meta["image_size"], meta["in_channels"]
        if x.shape[-1] != size:
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
        x = x.expand(-1, channels, -1, -1)
        logits, _ = split_logits(self.predictor.model, Split(x, torch.zeros(len(x))),
                                 meta["mean"], meta["std"])
        return logits

    def _declined(self, logits: torch.Tensor) -> torch.Tensor:
        return answer(logits, self.predictor.temperature, self.reject, self.rule).declined

    def add_generated(self, others: NotDigits) -> None:
        """The generated non-digits, scored as 28x28 images with the model's rule."""
        images = torch.from_numpy(others.images).unsqueeze(1)
        declined = self._declined(self._outputs(images)).tolist() if len(images) else []
        self.declined["generated"] = declined
        for i, (kind, flag) in enumerate(zip(others.kinds, declined)):
            self.by_template["generated"][kind].append(flag)
            if not flag:
                self.failures.append({"kind": "generated", "what": kind, "label": None,
                                      "view": others.images[i],
                                      "file": f"generated-{_file_part(kind)}-accepted"})

    def _mnist(self, split: Split) -> dict[str, Any]:
        logits = self._outputs_of_split(split)
        labels = split.labels.long()
        probs, _, declined = answer(logits.double(), self.predictor.temperature, self.reject,
                                    self.rule)
        right = (probs.argmax(1) == labels) & ~declined
        return {"mnist_test_accuracy": float(right.double().mean()),
                "mnist_test_declined": float(declined.double().mean()),
                "mnist_test_images": len(labels), "ece": expected_calibration_error(probs, labels),
                "ece_on": "MNIST test"}

    def _outputs_of_split(self, split: Split) -> torch.Tensor:
        meta = self.predictor.meta
        logits, _ = split_logits(self.predictor.model, split, meta["mean"], meta["std"])
        return logits

    def row(self, mnist: Split | None) -> dict[str, Any]:
        """The model's row of the table (shares 0..1; None where there is nothing to measure)."""
        mouse = self.declined["seen"] + self.declined["held-out"]
        row: dict[str, Any] = {
            "model": str(self.predictor.path), "name": self.name,
            "can_decline": self.predictor.can_decline,
            "decline_score": self.rule.score if self.rule else None,
            "threshold": self.rule.threshold if self.rule else None,
            "temperature": self.predictor.temperature,
            "digits": len(self.digit_ok), "digits_correct": _share(self.digit_ok),
            "digits_declined": _share(self.digit_declined),
            "not_digits_declined_seen": _share(self.declined["seen"]),
            "not_digits_declined_held_out": _share(self.declined["held-out"]),
            "not_digits_declined_mouse": _share(mouse),
            "not_digits_declined_generated": _share(self.declined["generated"]),
            "auroc": auroc(torch.tensor(self.inside, dtype=torch.float64),
                           torch.tensor(self.outside, dtype=torch.float64)),
            "mnist_test_accuracy": None, "mnist_test_declined": None, "mnist_test_images": None,
        }
        if mnist is not None:
            row.update(self._mnist(mnist))
        else:
            probs = torch.tensor(self.digit_probs, dtype=torch.float64).reshape(-1, len(DIGITS))
            row.update(ece=expected_calibration_error(probs, torch.tensor(self.digit_labels)),
                       ece_on="mouse digits")
        for kind in ("seen", "held-out", "generated"):
            row[f"{kind.replace('-', '_')}_by_template"] = {
                name: _share(flags) for name, flags in self.by_template[kind].items()}
        return row
