"""Predictor: a saved model turned into a function from a user's image to class probabilities."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from digitpad.core.checkpoint import load_model
from digitpad.core.preprocess import preprocess


@dataclass(frozen=True)
class Prediction:
    """What the model thinks of one image. `no_ink` means there was nothing to recognise."""

    class_names: list[str]
    probabilities: list[float] = field(default_factory=list)  # empty when no_ink
    view: np.ndarray | None = None  # uint8 image of exactly what the model saw

    @property
    def no_ink(self) -> bool:
        """True when the image was blank, so there is no prediction."""
        return not self.probabilities

    @property
    def label(self) -> str | None:
        """The most likely class name, or None for no ink."""
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
        self.class_names: list[str] = list(meta["class_names"])
        self._prep = dict(meta["preprocess"])
        self._mean = torch.tensor(meta["mean"], dtype=torch.float32).view(-1, 1, 1)
        self._std = torch.tensor(meta["std"], dtype=torch.float32).view(-1, 1, 1)
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> Predictor:
        """Load a model file safely (weights only); raises CheckpointError with the reason."""
        model, meta = load_model(path)
        return cls(model, meta, Path(path))

    def predict(self, image: np.ndarray | Image.Image) -> Prediction:
        """Preprocess as the model was trained and return class probabilities (or no ink)."""
        prep = preprocess(
            image,
            self._prep.get("mode", "digit"),
            size=int(self._prep.get("size", 28)),
            channels=int(self._prep.get("channels", 1)),
            dark_background=bool(self._prep.get("dark_background", False)),
        )
        if prep is None:
            return Prediction(self.class_names)
        x = (torch.from_numpy(prep.pixels) - self._mean) / self._std
        with self._lock, torch.inference_mode():
            probs = torch.softmax(self.model(x.unsqueeze(0)).float(), dim=1)[0]
        return Prediction(self.class_names, probs.tolist(), prep.view)
