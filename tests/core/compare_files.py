"""Model files and images for comparing models (issue 16, models side by side).

`always_model` saves a real softmax-regression digit model (core.checkpoint, loadable by the
app and the command line like any trained one) whose weights are zero and whose bias favours one
class: it answers that class for every drawing, so a pair with the bundled model disagrees on
every other digit and agrees on that one, whichever model is bundled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from digitpad.core.checkpoint import save_checkpoint
from digitpad.core.config import TrainConfig
from digitpad.core.idx import read_idx
from digitpad.core.models.registry import build_model

DIGITS = [str(d) for d in range(10)]


def always_model(path: Path, digit: str, margin: float = 4.0) -> Path:
    """A softmax model answering `digit` (about 1 - 9·e^-margin sure: 86% for 4) to anything."""
    model = build_model("softmax", 10).eval()
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            tensor.zero_()
            if name.endswith("bias"):
                tensor[int(digit)] = margin
    config = TrainConfig(model="softmax", epochs=1).resolved()
    meta = {
        "architecture": "softmax", "model_options": dict(config.model_options),
        "class_names": DIGITS, "in_channels": 1, "image_size": 28,
        "preprocess": {"mode": "digit", "size": 28, "channels": 1, "dark_background": False},
        "mean": [0.1307], "std": [0.3081], "config": config.to_dict(), "metrics": {},
        "dataset": "mnist",
    }
    return save_checkpoint(path, model, meta)


def mnist_digit(mnist_dir: Path, digit: str, index: int = 0) -> np.ndarray:
    """The `index`-th MNIST test image of `digit`, black ink on white paper, 280×280 (as a paint
    program would save it)."""
    images = read_idx(mnist_dir / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(mnist_dir / "t10k-labels-idx1-ubyte.gz")
    ink = images[np.flatnonzero(labels == int(digit))[index]]
    return np.asarray(Image.fromarray(255 - ink).resize((280, 280)))


def save_png(path: Path, pixels: np.ndarray) -> Path:
    Image.fromarray(pixels).save(path)
    return path
