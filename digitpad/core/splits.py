"""What a loaded data set is (splits of uint8 tensors plus what a model needs to know) and the
helpers every kind of data set shares: seeded subsets and splits, exact mean and std."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

from digitpad.core.errors import DatasetError
from digitpad.core.records import DataProgress

Progress = Callable[[DataProgress], None]  # says what it counts (records.Unit)
MIN_SIDE, MAX_SIDE = 8, 1024  # image sizes every model can take (pixels a side)


@dataclass
class Split:
    """Images (uint8, N x C x H x W) and their labels (int64, N)."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)


@dataclass
class Dataset:
    """A loaded data set: splits, class names, statistics and how to prepare inputs."""

    name: str
    description: str
    class_names: list[str]
    train: Split
    val: Split
    test: Split | None
    mean: tuple[float, ...]
    std: tuple[float, ...]
    preprocess: dict
    augment_style: str
    skipped: list[str] = field(default_factory=list)


def subset(n: int, limit: int, seed: int) -> torch.Tensor:
    """A seeded random choice of `limit` of `n` indices, in ascending order."""
    g = torch.Generator().manual_seed(seed)
    return torch.randperm(n, generator=g)[:limit].sort().values


def take(split: Split, index: torch.Tensor) -> Split:
    """The images and labels at `index`."""
    return Split(split.images[index], split.labels[index])


def split_train_val(full: Split, val_split: float, seed: int, limit: int | None,
           where: Path) -> tuple[Split, Split]:
    """Seeded train/validation split, after keeping at most `limit` images."""
    perm = torch.randperm(len(full), generator=torch.Generator().manual_seed(seed))
    if limit is not None:
        perm = perm[:limit]
    n_val = max(1, round(len(perm) * val_split)) if val_split > 0 else 0
    if len(perm) - n_val < 1:
        raise DatasetError(f"{where} has too few images ({len(perm)}) to keep some for "
                           "training after the validation split; add images.")
    return (take(full, perm[n_val:].sort().values), take(full, perm[:n_val].sort().values))


def mean_std(images: torch.Tensor) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-channel mean and std in [0, 1] units, exact, from a histogram of the byte values."""
    values = torch.arange(256, dtype=torch.float64) / 255
    means: list[float] = []
    stds: list[float] = []
    for c in range(images.shape[1]):
        hist = torch.zeros(256, dtype=torch.float64)
        for start in range(0, len(images), 4096):  # chunks: no full-size copy of a channel
            hist += torch.bincount(images[start:start + 4096, c].reshape(-1), minlength=256)
        n = hist.sum()
        mean = float((hist * values).sum() / n)
        var = float((hist * values**2).sum() / n) - mean**2
        means.append(mean)
        stds.append(max(var, 0.0) ** 0.5 or 1.0)  # 1.0 for blank images: no division by 0
    return tuple(means), tuple(stds)


def make_dataset(name: str, description: str, class_names: list[str], train: Split, val: Split,
                 test: Split | None, *, mode: str, channels: int, dark_background: bool,
                 augment_style: str, skipped: list[str] | None = None) -> Dataset:
    """A Dataset of these splits: its mean and std measured on the training images, and the
    preprocessing a model trained on it records (the images' side, from the training split)."""
    mean, std = mean_std(train.images)
    return Dataset(
        name=name, description=description, class_names=list(class_names), train=train,
        val=val, test=test, mean=mean, std=std,
        preprocess={"mode": mode, "size": int(train.images.shape[-1]), "channels": channels,
                    "dark_background": dark_background},
        augment_style=augment_style, skipped=list(skipped or []),
    )
