"""A person's own digits as a model reads them: an image folder (`<digit>/<image>`) prepared
exactly as the Draw tab prepares a drawing for the model, and split into the samples a fine-tune
learns from and those it keeps out to measure itself on."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from digitpad.core.errors import DatasetError, ImageError
from digitpad.core.folder_walk import FolderWalk
from digitpad.core.images import open_image
from digitpad.core.preprocess import preprocess
from digitpad.core.safe_text import printable

MAX_SAMPLES = 20_000  # a personal set is tens or hundreds of drawings: more is no personal set


@dataclass(frozen=True)
class PersonalSet:
    """Samples prepared for the model: uint8 (n, C, H, W) images and class indices."""

    images: torch.Tensor
    labels: torch.Tensor
    names: tuple[str, ...]  # each sample's path inside the folder, for messages
    skipped: tuple[str, ...] = ()  # "relative/name: reason" for what could not be used

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index: torch.Tensor) -> PersonalSet:
        return PersonalSet(self.images[index], self.labels[index],
                           tuple(self.names[i] for i in index.tolist()), self.skipped)

    def counts(self, classes: int) -> list[int]:
        return torch.bincount(self.labels, minlength=classes).tolist()


def load_samples(folder: str | os.PathLike, class_names: list[str],
                 prep: dict) -> PersonalSet:
    """Every readable image under the folders of `folder` named after one of `class_names`,
    prepared with the model's preprocessing `prep` (its metadata's "preprocess"). Other folders
    and unreadable files are skipped and listed; DatasetError (one line) when nothing is left."""
    root = Path(folder)
    if not root.is_dir():
        raise DatasetError(f"{printable(root)} is not a folder of samples; give a folder with "
                           "one subfolder per digit (0 … 9) holding its images.")
    walk = FolderWalk(root)
    found = walk.classes(root)
    known = [name for name in found if name in class_names]
    skipped = list(walk.skipped)
    skipped += [f"{name}/: not one of the model's classes" for name in found if name not in known]
    if not known:
        raise DatasetError(f"{printable(root)} has no folder named after a digit (0 … 9); put "
                           "each digit's images in a folder named after it.")
    before = len(walk.skipped)
    files = [(path, class_names.index(name)) for name in known for path in walk.images(root / name)]
    skipped += walk.skipped[before:]
    if len(files) > MAX_SAMPLES:
        raise DatasetError(f"{printable(root)} holds {len(files):,} images; a personal set of "
                           f"more than {MAX_SAMPLES:,} is a data set: train on it with "
                           "digitpad train --dataset.")
    images, labels, names = [], [], []
    for path, label in files:
        rel = printable(path.relative_to(root), 120)
        try:
            image = open_image(path)
        except (ImageError, OSError, ValueError) as exc:
            skipped.append(f"{rel}: {exc}")
            continue
        ready = preprocess(image, prep["mode"], size=prep["size"], channels=prep["channels"],
                           dark_background=prep.get("dark_background", False))
        if ready is None:
            skipped.append(f"{rel}: no ink")
            continue
        images.append(torch.from_numpy(np.rint(ready.pixels * 255).astype(np.uint8)))
        labels.append(label)
        names.append(rel)
    if not images:
        raise DatasetError(f"None of the images in {printable(root)} could be used"
                           f"{' (' + skipped[0] + ')' if skipped else ''}.")
    return PersonalSet(torch.stack(images), torch.tensor(labels, dtype=torch.int64),
                       tuple(names), tuple(dict.fromkeys(skipped)))


def split_held_out(data: PersonalSet, share: float, seed: int) -> tuple[PersonalSet, PersonalSet]:
    """(learn from, held out): `share` of each digit's samples held out, at least one of every
    digit that has two or more (none when `share` is 0), chosen at random from `seed`."""
    if not 0 <= share < 1:
        raise ValueError("the held-out share is at least 0 and less than 1")
    generator = torch.Generator().manual_seed(seed)
    held: list[int] = []
    for label in torch.unique(data.labels).tolist():
        index = torch.nonzero(data.labels == label).flatten()
        index = index[torch.randperm(len(index), generator=generator)]
        count = 0 if share == 0 or len(index) < 2 else max(1, round(share * len(index)))
        held += index[:count].tolist()
    held_set = set(held)
    kept = [i for i in range(len(data)) if i not in held_set]
    return (data.subset(torch.tensor(kept, dtype=torch.int64)),
            data.subset(torch.tensor(sorted(held), dtype=torch.int64)))
