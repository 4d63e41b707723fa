"""The model a latency or start-up benchmark uses: the one asked for, else the bundled default,
else (a fresh checkout has no bundled model yet) a small digitnet trained on the spot.

Only the architecture matters for timing, so the stand-in trains one epoch on a few thousand
MNIST images (a few seconds) into a temporary folder the caller owns.
"""

from __future__ import annotations

import os
from pathlib import Path

from digitpad.core.errors import DigitpadError

STAND_IN_IMAGES = 3000


def benchmark_model(model: str | None, data_dir: str | os.PathLike | None,
                    scratch: Path) -> tuple[Path, str]:
    """(model file, how it was chosen). `scratch` is where a stand-in model is saved."""
    from digitpad.core.model_library import DEFAULT_MODEL, bundled_model_path, resolve_model

    if model is not None:
        path = resolve_model(model)
        if not path.is_file():
            raise DigitpadError(f"The model file {path} does not exist.")
        return path, str(path)
    if bundled_model_path(DEFAULT_MODEL).is_file():
        return resolve_model(None), f"the bundled {DEFAULT_MODEL!r} model"
    return train_stand_in(data_dir, scratch), (
        f"no bundled model: a digitnet trained for 1 epoch on {STAND_IN_IMAGES:,} MNIST images")


def train_stand_in(data_dir: str | os.PathLike | None, scratch: Path) -> Path:
    """Train a digitnet for one epoch on a few MNIST images; returns the saved file."""
    import torch

    from digitpad.core.config import TrainConfig
    from digitpad.core.records import Finished
    from digitpad.core.training import train

    config = TrainConfig(dataset="mnist", model="digitnet", epochs=1, limit=STAND_IN_IMAGES,
                         device="cpu", threads=1,
                         data_dir=None if data_dir is None else str(data_dir))
    threads = torch.get_num_threads()
    try:  # one thread: quick and steady even on a busy machine
        finished = next(r for r in train(config) if isinstance(r, Finished))
    finally:
        torch.set_num_threads(threads)  # the benchmark itself runs with the default
    if finished.model is None:
        raise DigitpadError(f"Training a stand-in model failed: {finished.message}")
    return Path(finished.save(str(scratch / "digitnet-stand-in.pt")))
