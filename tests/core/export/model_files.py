"""Small real model files for the export tests: an untrained model of any architecture, saved
as training saves one (core.checkpoint), so it loads like any other."""

from __future__ import annotations

from pathlib import Path

import torch

from digitpad.core.checkpoint import save_checkpoint
from digitpad.core.config import TrainConfig
from digitpad.core.models.registry import build_model

DIGITS = [str(d) for d in range(10)]


def untrained_model(path: Path, architecture: str, channels: int = 1, size: int = 28,
                    dataset: str = "mnist", seed: int = 0) -> Path:
    """An untrained `architecture` over ten digit classes, seeded, saved to `path`."""
    config = TrainConfig(model=architecture, epochs=1).resolved()
    options = dict(config.model_options)
    if architecture == "resnet18":
        options["pretrained"] = False
    torch.manual_seed(seed)
    model = build_model(architecture, 10, channels, size, options).eval()
    meta = {
        "architecture": architecture, "model_options": options, "class_names": DIGITS,
        "in_channels": channels, "image_size": size,
        "preprocess": {"mode": "digit" if size == 28 and channels == 1 else "plain",
                       "size": size, "channels": channels, "dark_background": False},
        "mean": [0.1307] * channels, "std": [0.3081] * channels,
        "config": config.to_dict(), "metrics": {}, "dataset": dataset,
    }
    return save_checkpoint(path, model, meta)
