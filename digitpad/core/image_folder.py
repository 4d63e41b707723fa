"""Folders of images (torchvision's ImageFolder layout) loaded into memory as one Dataset.

The folders are walked by folder_walk (each real folder once, never outside the data set
folder); unreadable files are skipped, and the description names the first few of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torch
import torchvision.transforms.functional as TF
from PIL import Image

from digitpad.core.errors import DatasetError, ImageError
from digitpad.core.folder_walk import NOT_AN_IMAGE, FolderWalk
from digitpad.core.idx import IDX_NAMES, find_idx
from digitpad.core.images import open_image
from digitpad.core.records import DataProgress, Unit
from digitpad.core.safe_text import printable
from digitpad.core.splits import (
    MAX_SIDE,
    MIN_SIDE,
    Dataset,
    Progress,
    Split,
    make_dataset,
    split_train_val,
    subset,
)

VAL_FOLDER_NAMES = ("val", "valid", "validation")
SKIPPED_SHOWN = 10  # skipped files named in a data set's description; the rest are counted
SKIPPED_CHARS = 100  # characters of one skipped entry shown


def load_image_folder(root: Path, val_split: float, seed: int, channels: int, size: int,
                      limit: int | None, progress: Progress | None) -> Dataset:
    """Load a torchvision ImageFolder layout (or root/train + root/val) into memory."""
    if channels not in (1, 3):
        raise DatasetError(f"Images must have 1 (grey) or 3 (RGB) channels, not {channels}.")
    if not MIN_SIDE <= size <= MAX_SIDE:
        raise DatasetError(f"The image size must be between {MIN_SIDE} and {MAX_SIDE} pixels, "
                           f"not {size}.")
    train_root, val_dir = _layout(root)
    two_folders = val_dir is not None
    walk = FolderWalk(root)
    if two_folders:
        layout = {train_root: "the training folder", val_dir: "the validation folder"}
        for folder, owner in layout.items():
            problem = walk.enter(folder, owner)
            if problem:
                raise DatasetError(f"{root} cannot be used: {problem}; make train/ and "
                                   f"{folder.name}/ real folders inside it.")
    classes = _classes(walk, train_root)
    val_classes = _classes(walk, val_dir, need_two=False) if two_folders else []
    files = _list_images(walk, train_root, classes)
    val_files: list[tuple[Path, int]] = []
    if two_folders:
        extra = sorted(set(val_classes) - set(classes))
        if extra:
            raise DatasetError(f"{val_dir} has class folder '{extra[0]}' that {train_root} "
                               "lacks; give both folders the same classes.")
        val_files = _list_images(walk, val_dir, [c if c in val_classes else "" for c in classes],
                                 every_class=False)
        if not val_files:
            raise DatasetError(f"{val_dir} has no images; put images in its class folders.")
        if limit is not None and len(val_files) > limit:
            val_files = [val_files[i] for i in subset(len(val_files), limit, seed)]
    elif val_split == 0:
        raise DatasetError(f"{root} has no test images to validate on; use a validation "
                           "fraction above 0 or add a val/ folder.")
    if limit is not None and len(files) > limit:
        files = [files[i] for i in subset(len(files), limit, seed)]
    _check_memory(len(files) + len(val_files), channels, size, root)
    full, usable, bad = _decode(files + val_files, channels, size, root, progress)
    notes = [s for s in walk.skipped if s.endswith(NOT_AN_IMAGE)]  # the least telling: last
    skipped = bad + [s for s in walk.skipped if not s.endswith(NOT_AN_IMAGE)] + notes
    n_train = sum(usable[: len(files)])
    if limit is None:
        present = set(full.labels[:n_train].tolist())
        missing = [c for i, c in enumerate(classes) if i not in present]
        if missing:
            raise DatasetError(f"Class '{missing[0]}' in {train_root} has no usable images; "
                               "add images or remove the folder.")
    if two_folders:
        train = Split(full.images[:n_train], full.labels[:n_train])
        val = Split(full.images[n_train:], full.labels[n_train:])
        if not len(val):
            raise DatasetError(f"{val_dir} has no usable images; add readable images.")
    else:
        train, val = split_train_val(full, val_split, seed, None, root)
    kind = "grey" if channels == 1 else "RGB"
    description = (f"{root.name}: {len(train):,} training / {len(val):,} validation images of "
                   f"{len(classes)} classes ({size}x{size} {kind}) from {root}"
                   f"{skipped_note(skipped)}")
    return make_dataset(root.name, description, classes, train, val, None, mode="plain",
                        channels=channels, dark_background=False, augment_style="photo",
                        skipped=skipped)


def _layout(root: Path) -> tuple[Path, Path | None]:
    """(training folder, validation folder): root/train and root/val when both exist (the
    validation folder under any of VAL_FOLDER_NAMES), else (root, None)."""
    val_dir = next((root / v for v in VAL_FOLDER_NAMES if (root / v).is_dir()), None)
    if (root / "train").is_dir() and val_dir is not None:
        return root / "train", val_dir
    return root, None


@dataclass(frozen=True)
class FolderPreview:
    """What an image folder holds, counted without decoding an image (the Train tab shows it
    as soon as the folder is chosen). Counts are image files as load_image_folder lists them."""

    classes: tuple[tuple[str, int], ...] = ()  # (class folder, image files), in label order
    val_images: int = 0  # images in its val/ folder (the train/ + val/ layout), else 0
    idx: bool = False  # a folder of IDX files (MNIST layout), not of class folders
    problem: str = ""  # why it cannot be trained on as it is ("" when it looks usable)

    @property
    def train_images(self) -> int:
        """Images in the class folders (of train/, in the train/ + val/ layout)."""
        return sum(count for _name, count in self.classes)


def preview_image_folder(root: Path) -> FolderPreview:
    """The classes and image counts of `root`, walked as load_image_folder walks it."""
    try:
        if not root.is_dir():
            return FolderPreview(problem=f"{root} is not a folder.")
        if find_idx(root, IDX_NAMES[0]) is not None:
            return FolderPreview(idx=True)
        train_root, val_dir = _layout(root)
        walk = FolderWalk(root)
        try:
            classes = _classes(walk, train_root)
        except DatasetError as exc:
            return FolderPreview(problem=str(exc))
        counts = tuple((name, len(walk.images(train_root / name))) for name in classes)
        val_images = 0
        if val_dir is not None:
            val_images = sum(len(walk.images(val_dir / name))
                             for name in _classes(walk, val_dir, need_two=False))
        empty = [name for name, count in counts if not count]
        problem = (f"Class folder '{empty[0]}' has no images; add images or remove the folder."
                   if empty else "")
        return FolderPreview(counts, val_images, problem=problem)
    except (OSError, DatasetError) as exc:
        return FolderPreview(problem=str(exc))


def skipped_note(skipped: list[str], shown: int = SKIPPED_SHOWN) -> str:
    """'; 12 files skipped: a.txt: not an image file; …; and 2 more' (empty if none), one
    line, each entry made printable and cut short (names come from the user's files)."""
    if not skipped:
        return ""
    listed = "; ".join(printable(s.rstrip("."), SKIPPED_CHARS) for s in skipped[:shown])
    more = f"; and {len(skipped) - shown:,} more" if len(skipped) > shown else ""
    return f"; {len(skipped):,} file{'s' if len(skipped) != 1 else ''} skipped: {listed}{more}"


def _classes(walk: FolderWalk, folder: Path, need_two: bool = True) -> list[str]:
    """The class folder names in `folder`, claimed for `walk` (hidden folders left out)."""
    before = len(walk.skipped)
    classes = walk.classes(folder)
    left_out = walk.skipped[before:]
    why = f" ({left_out[0]})" if left_out else ""
    if not classes:
        raise DatasetError(f"{folder} has no class subfolders{why}; put each class's images in "
                           "a subfolder named after the class.")
    if need_two and len(classes) == 1:
        raise DatasetError(f"{folder} has only one class folder ('{classes[0]}'){why}; a "
                           "classifier needs at least two.")
    return classes


def _list_images(walk: FolderWalk, folder: Path, classes: list[str], every_class: bool = True
                 ) -> list[tuple[Path, int]]:
    """(file, class index) for the image files under each class folder ("" for a class that
    a val/ folder lacks); what is left out goes to walk.skipped."""
    files: list[tuple[Path, int]] = []
    for index, name in enumerate(classes):
        if not name:
            continue
        class_dir = folder / name
        before = len(walk.skipped)
        found = walk.images(class_dir)
        files += [(path, index) for path in found]
        if every_class and not found:
            if find_idx(class_dir, IDX_NAMES[0]) is not None:
                raise DatasetError(f"{class_dir} holds IDX files, not a class of images; pass "
                                   "that folder itself.")
            left_out = walk.skipped[before:]
            why = "" if not left_out else (
                f" ({len(left_out)} skipped, first {left_out[0]})" if len(left_out) > 1
                else f" ({left_out[0]})")
            raise DatasetError(f"Class folder {class_dir} has no images{why}; add images or "
                               "remove the folder.")
    return files


def _check_memory(n: int, channels: int, size: int, root: Path) -> None:
    """Refuse a data set whose images would take more than a quarter of the memory."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not available (Windows): no check
        return
    need = n * channels * size * size
    if need > ram // 4:
        raise DatasetError(
            f"The {n:,} images in {root} would need {need / 2**30:.1f} GiB at {size}x{size} "
            f"pixels, more than a quarter of this computer's memory; use a smaller image size."
        )


def _decode(files: list[tuple[Path, int]], channels: int, size: int, root: Path,
            progress: Progress | None) -> tuple[Split, list[bool], list[str]]:
    """Decode every file once into a uint8 tensor, skipping unreadable ones."""
    images = torch.empty((len(files), channels, size, size), dtype=torch.uint8)
    labels = torch.empty(len(files), dtype=torch.int64)
    usable: list[bool] = []
    skipped: list[str] = []
    k = 0
    for i, (path, label) in enumerate(files):
        if progress is not None:
            progress(DataProgress("loading images", i, len(files), Unit.IMAGES))
        try:
            images[k] = _load_image(path, channels, size)
        except (ImageError, OSError, ValueError) as exc:
            skipped.append(f"{path.relative_to(root)}: {exc}")
            usable.append(False)
            continue
        labels[k] = label
        usable.append(True)
        k += 1
    if progress is not None:
        progress(DataProgress("loading images", len(files), len(files), Unit.IMAGES))
    if not k:
        raise DatasetError(f"None of the images in {root} could be read; check the files.")
    return Split(images[:k], labels[:k]), usable, skipped


def _load_image(path: Path, channels: int, size: int) -> torch.Tensor:
    """One image as uint8 (C, size, size): shorter side resized, then centre-cropped."""
    im = open_image(path)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        back = Image.new("RGBA", im.size, (255, 255, 255, 255))  # transparent -> white paper
        back.alpha_composite(im.convert("RGBA"))
        im = back
    im = im.convert("L" if channels == 1 else "RGB")
    im = TF.center_crop(TF.resize(im, size, antialias=True), [size, size])
    return TF.pil_to_tensor(im)


