"""Predictor: a saved model turned into a function from a user's image to class probabilities."""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from digitpad.core.checkpoint import load_model
from digitpad.core.checkpoint_archive import short
from digitpad.core.decline import DeclineRule, answer, reject_index, rule_from_meta
from digitpad.core.errors import CheckpointError
from digitpad.core.preprocess import Preprocessed, preprocess
from digitpad.core.safe_text import printable

# One image is fastest on one torch thread, and stays fast when the computer is busy: measured
# with `digitpad bench latency --no-gui --calls 300` on 2 cores (OMP_NUM_THREADS=1 / 2), p95
# 1.65 / 1.67 ms quiet, but 1.67 / 81 ms beside one busy process (the second thread waits at
# every barrier for a core that is running something else).
PREDICTION_THREADS = 1


def one_image_threads() -> None:
    """Run this thread's torch work on PREDICTION_THREADS threads. torch keeps the count per
    thread (OpenMP's and MKL's), so a training thread's own count is not changed."""
    if torch.get_num_threads() != PREDICTION_THREADS:
        torch.set_num_threads(PREDICTION_THREADS)


@dataclass(frozen=True)
class Prediction:
    """What the model thinks of one image. `no_ink` means there was nothing to recognise;
    `not_a_digit` that there was, but the model declines to call it any class (core.decline)."""

    class_names: list[str]
    probabilities: list[float] = field(default_factory=list)  # empty when no_ink
    view: np.ndarray | None = None  # uint8 image of exactly what the model saw
    not_a_digit: bool = False
    decline_score: float | None = None  # the score the decline rule used (None: no rule)
    decline_reason: str = ""  # why it was declined, one sentence ("" when not declined)

    @property
    def no_ink(self) -> bool:
        """True when the image was blank, so there is no prediction."""
        return not self.probabilities

    @property
    def label(self) -> str | None:
        """The answer: the most likely class name, or None for no ink or not a digit."""
        return None if self.not_a_digit else self.best_guess

    @property
    def best_guess(self) -> str | None:
        """The most likely class name even when declined (None for no ink)."""
        return self.top(1)[0][0] if self.probabilities else None

    @property
    def confidence(self) -> float:
        """The most likely class's probability (0 for no ink)."""
        return max(self.probabilities, default=0.0)

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        """The k most likely (class name, probability) pairs, best first."""
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(self.class_names[i], self.probabilities[i]) for i in order]


class Predictor:
    """A loaded model plus its preprocessing. Safe to call from any one thread at a time per
    call (calls are serialised by a lock), e.g. a worker thread while the GUI reads results."""

    def __init__(self, model: torch.nn.Module, meta: dict[str, Any], path: Path | None = None):
        self.model = model.eval()
        self.meta = meta
        self.path = path
        self._reject = reject_index(meta)  # the extra "not a digit" output, if it has one
        names = list(meta["class_names"])
        self.class_names: list[str] = (
            names if self._reject is None else names[: self._reject] + names[self._reject + 1 :])
        self._prep = dict(meta["preprocess"])
        self.temperature: float | None = meta.get("temperature")  # None: uncalibrated
        self.own_rule: DeclineRule | None = rule_from_meta(meta)  # None: it never declines
        self.rule: DeclineRule | None = self.own_rule  # what predict() applies
        self._mean = torch.tensor(meta["mean"], dtype=torch.float32).view(-1, 1, 1)
        self._std = torch.tensor(meta["std"], dtype=torch.float32).view(-1, 1, 1)
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> Predictor:
        """Load a model file safely (weights only); raises CheckpointError with the reason.

        The model must also make one real prediction, so that a file which would fail on
        every drawing is refused when it is opened, not accepted and then failing forever.
        """
        model, meta = load_model(path)
        predictor = cls(model, meta, Path(path))
        predictor._try_once(printable(Path(path).name))
        return predictor

    def _try_once(self, name: str) -> None:
        """Predict on a drawn stroke (load_model has validated everything this relies on; this
        proves it end to end): one finite probability per class, or CheckpointError."""
        stroke = np.full((112, 112), 255, np.uint8)
        stroke[20:92, 50:62] = 0  # a dark "1" on white paper
        try:
            prediction = self.predict(stroke)
        except Exception as exc:  # noqa: BLE001 - any failure here would recur on every image
            raise CheckpointError(
                f"{name} cannot be used: a test prediction failed ({short(exc)})."
            ) from None
        probs = prediction.probabilities
        if prediction.no_ink or len(probs) != len(self.class_names) or not all(
            math.isfinite(p) for p in probs
        ):
            raise CheckpointError(
                f"{name} cannot be used: a test prediction gave no usable probabilities."
            )

    @property
    def can_decline(self) -> bool:
        """True when the model was trained to tell non-digits (it has its own rule)."""
        return self.own_rule is not None

    def set_decline(self, enabled: bool = True, below: float | None = None) -> None:
        """Choose the rule predict() applies: off, a max-probability threshold `below` (0..1, for
        any model), or the model's own rule (the default; none for models without one)."""
        if not enabled:
            self.rule = None
        elif below is not None:
            if not 0 < below < 1:
                raise ValueError("a decline threshold is a probability between 0 and 1")
            self.rule = DeclineRule("max_probability", float(below), source="user")
        else:
            self.rule = self.own_rule

    def prepare(self, image: np.ndarray | Image.Image) -> tuple[torch.Tensor, Preprocessed] | None:
        """The model's input for `image`: a normalised (1, C, H, W) tensor and the preprocessed
        picture it came from (what the model sees, and where it came from); None for no ink."""
        prep = preprocess(  # values checked on load (core.model_meta)
            image,
            self._prep["mode"],
            size=self._prep["size"],
            channels=self._prep["channels"],
            dark_background=self._prep.get("dark_background", False),
        )
        if prep is None:
            return None
        return ((torch.from_numpy(prep.pixels) - self._mean) / self._std).unsqueeze(0), prep

    def output_index(self, class_name: str) -> int:
        """The model output (logit) index of a class name (the "not a digit" output, if the
        model has one, sits after the real classes); ValueError for an unknown name."""
        return list(self.meta["class_names"]).index(class_name)

    @property
    def lock(self) -> threading.Lock:
        """Held while the model runs: take it to run the model yourself (e.g. attribution)."""
        return self._lock

    def predict(self, image: np.ndarray | Image.Image) -> Prediction:
        """Preprocess as the model was trained and return class probabilities (or no ink)."""
        prepared = self.prepare(image)
        if prepared is None:
            return Prediction(self.class_names)
        x, prep = prepared
        with self._lock, torch.inference_mode():
            one_image_threads()
            outputs = self.model(x).float()
            rule = self.rule
            answers = answer(outputs, self.temperature, self._reject, rule)
        probs = answers.probs[0].tolist()
        if rule is None or answers.scores is None:  # the model's rule, or none
            return Prediction(self.class_names, probs, prep.view)
        value, declined = float(answers.scores[0]), bool(answers.declined[0])
        return Prediction(self.class_names, probs, prep.view, declined, value,
                          rule.describe(value) if declined else "")
