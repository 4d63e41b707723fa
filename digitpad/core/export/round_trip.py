"""The round-trip check of an export: the ONNX file run in onnxruntime on real images, against
the PyTorch model on the same tensors. It must agree on the top class of every image and no
probability may differ by more than 1e-4, else the export is refused (onnx_export).

Which images: a seeded few hundred of the MNIST or Fashion-MNIST test set when the model was
trained on one of them and the data folder has it (never downloaded); else the validation split
of the model's own image folder when it can still be read; else seeded generated images, and
the check says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from digitpad.core.decline import answer, reject_index

MAX_PROBABILITY_DIFFERENCE = 1e-4
BATCH = 100


@dataclass(frozen=True)
class RoundTrip:
    """What the check found: on `images` inputs from `source`."""

    images: int
    source: str  # "MNIST test images", "generated images (...)"...
    agreement: float  # share of images with the same top class
    max_difference: float  # largest absolute probability difference

    @property
    def passed(self) -> bool:
        return self.agreement == 1.0 and self.max_difference <= MAX_PROBABILITY_DIFFERENCE

    def describe(self) -> str:
        """'300 MNIST test images, top-1 agreement 100%, max probability difference 3.2e-07'."""
        agree = "100%" if self.agreement == 1.0 else f"{self.agreement:.2%}"
        return (f"{self.images} {self.source}, top-1 agreement {agree}, "
                f"max probability difference {self.max_difference:.1e}")


def reference_inputs(meta: dict[str, Any], data_dir: str | os.PathLike | None,
                     n: int = 300, seed: int = 0) -> tuple[torch.Tensor, str]:
    """`n` normalised model inputs (float32 N x C x H x W) and what they are."""
    images, source = _real_images(meta, data_dir, n, seed)
    c, size = meta["in_channels"], meta["image_size"]
    if images is None:
        g = torch.Generator().manual_seed(seed)
        images = (torch.rand(n, c, size, size, generator=g) * 255).round().to(torch.uint8)
    x = images.float() / 255
    if x.shape[1] != c:
        x = x.mean(1, keepdim=True) if c == 1 else x.expand(-1, c, -1, -1)
    if x.shape[-2:] != (size, size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True)
        source += f", resized to {size}x{size}"
    mean = torch.tensor(meta["mean"], dtype=torch.float32).view(1, -1, 1, 1)
    std = torch.tensor(meta["std"], dtype=torch.float32).view(1, -1, 1, 1)
    return ((x - mean) / std).contiguous(), source


def _real_images(meta: dict[str, Any], data_dir: str | os.PathLike | None, n: int,
                 seed: int) -> tuple[torch.Tensor | None, str]:
    from digitpad.core.datasets import KNOWN, load_dataset
    from digitpad.core.errors import DigitpadError
    from digitpad.core.splits import subset

    dataset = str(meta.get("dataset") or "")
    key = dataset.strip().lower().replace("_", "-")
    config = meta.get("config") or {}
    try:
        if key in KNOWN:
            data = load_dataset(key, data_dir=data_dir, download=False, limit=1000)
            split, what = data.test, f"{KNOWN[key].title} test images"
        elif dataset and os.path.isdir(dataset):
            data = load_dataset(dataset, val_split=float(config.get("val_split", 0.1)),
                                seed=int(config.get("seed", 0)), channels=meta["in_channels"],
                                image_size=meta["image_size"], download=False,
                                limit=config.get("limit"))
            split, what = data.val, "validation images of its own data set"
        else:
            return None, "generated images (random pixels: the model's data set is not at hand)"
    except (DigitpadError, OSError, ValueError) as exc:
        return None, f"generated images (random pixels: its data set cannot be read: {exc})"
    if split is None or len(split) == 0:
        return None, "generated images (random pixels: its data set has no test images)"
    index = subset(len(split), min(n, len(split)), seed)
    return split.images[index], what


def run_round_trip(model: torch.nn.Module, meta: dict[str, Any], session: Any,
                   inputs: torch.Tensor, source: str) -> RoundTrip:
    """Compare the PyTorch model and an onnxruntime session on `inputs`, as probabilities
    computed the one way digitpad computes them (decline.answer: temperature, extra output)."""
    temperature, reject = meta.get("temperature"), reject_index(meta)
    name = session.get_inputs()[0].name
    agree, worst = 0, 0.0
    for start in range(0, len(inputs), BATCH):
        x = inputs[start:start + BATCH]
        with torch.inference_mode():
            expected = answer(model(x).float(), temperature, reject, None).probs
        got_raw = torch.from_numpy(np.asarray(session.run(None, {name: x.numpy()})[0]))
        got = answer(got_raw.float(), temperature, reject, None).probs
        agree += int((expected.argmax(1) == got.argmax(1)).sum())
        worst = max(worst, float((expected - got).abs().max()))
    return RoundTrip(len(inputs), source, agree / len(inputs), worst)
