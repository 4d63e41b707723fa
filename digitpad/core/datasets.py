"""In-memory data sets: MNIST, Fashion-MNIST, folders of IDX files and folders of images.

Everything is loaded once into uint8 tensors; training batches are sliced from them, which is
far faster for these small images than a per-sample torch DataLoader. Folders of images are
loaded by image_folder.py; the Dataset and Split types live in splits.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torchvision.datasets import MNIST, FashionMNIST
from torchvision.datasets.utils import check_integrity

from digitpad.core import paths
from digitpad.core.download import DownloadError, download_file, folder_problem
from digitpad.core.errors import DatasetError
from digitpad.core.idx import IDX_NAMES, find_idx, read_idx
from digitpad.core.image_folder import VAL_FOLDER_NAMES, load_image_folder, skipped_note
from digitpad.core.records import DataProgress, Unit
from digitpad.core.splits import (
    MAX_SIDE,
    MIN_SIDE,
    Dataset,
    Progress,
    Split,
    make_dataset,
    split_train_val,
    subset,
    take,
)

__all__ = ["DIGIT_CLASSES", "FASHION_CLASSES", "IDX_NAMES", "KNOWN", "VAL_FOLDER_NAMES",
           "Dataset", "Split", "load_dataset", "skipped_note"]

DIGIT_CLASSES = [str(i) for i in range(10)]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
DOWNLOAD_TIMEOUT = 30.0  # seconds per connection attempt and per read


@dataclass(frozen=True)
class _Known:
    """A named data set: where to look for it and how to download it."""

    title: str
    folder: str  # the layout of ../shared/data: <data_dir>/<folder>/
    torchvision: type  # torchvision's class: <data_dir>/<its name>/raw/, mirrors and md5s
    class_names: list[str]
    fashion: bool


KNOWN = {
    "mnist": _Known("MNIST", "mnist", MNIST, DIGIT_CLASSES, False),
    "fashion-mnist": _Known("Fashion-MNIST", "fashion-mnist", FashionMNIST, FASHION_CLASSES, True),
}


def load_dataset(
    source: str,
    *,
    data_dir: str | os.PathLike | None = None,
    val_split: float = 0.1,
    seed: int = 0,
    channels: int = 1,
    image_size: int = 28,
    download: bool = True,
    progress: Progress | None = None,
    limit: int | None = None,
) -> Dataset:
    """Load "mnist", "fashion-mnist", a folder of IDX files or a class-per-folder image set."""
    _check_options(val_split, limit)
    key = str(source).strip().lower().replace("_", "-")
    try:
        where = paths.data_dir(data_dir) if key in KNOWN else paths.expand_user(
            source, "The data set folder")
    except paths.PathError as exc:  # a DatasetError, so the app offers to choose a folder
        raise DatasetError(str(exc)) from None
    try:
        if key in KNOWN:
            return _load_known(key, where.absolute(), val_split, seed, download, progress, limit)
        return _load_folder(where.absolute(), source, val_split, seed, channels, image_size,
                            limit, progress)
    except OSError as exc:  # a folder without search permission, a name too long: is_dir()
        advice = "check its permissions" if isinstance(exc, PermissionError) else "check the path"
        raise DatasetError(f"Cannot read {where} ({exc.strerror or exc}); {advice}.") from None


def _load_known(key: str, root: Path, val_split: float, seed: int, download: bool,
                progress: Progress | None, limit: int | None) -> Dataset:
    """MNIST or Fashion-MNIST from under `root` (the data folder), downloaded if needed."""
    known = KNOWN[key]
    if root.exists() and not root.is_dir():
        raise DatasetError(f"The data folder {root} is a file, not a folder; pass --data-dir "
                           "a folder (or set DIGITPAD_DATA_DIR to one).")
    folder = _locate(known, root, download, progress)
    return _idx_dataset(key, known.title, folder, known.class_names, known.fashion,
                        val_split, seed, limit)


def _load_folder(path: Path, source: str, val_split: float, seed: int, channels: int,
                 image_size: int, limit: int | None, progress: Progress | None) -> Dataset:
    """A folder of IDX files or of class folders of images (load_dataset's path branch)."""
    if path.is_dir():
        if find_idx(path, IDX_NAMES[0]) is not None:
            fashion = "fashion" in path.name.lower()
            names = FASHION_CLASSES if fashion else DIGIT_CLASSES
            return _idx_dataset(path.name, path.name, path, names, fashion,
                                val_split, seed, limit)
        return load_image_folder(path, val_split, seed, channels, image_size, limit, progress)
    if path.exists():
        raise DatasetError(f"{path} is a file; pass a data set name or a folder of images.")
    if any(sep in str(source) for sep in ("/", "\\", "~")) or str(source).startswith("."):
        raise DatasetError(f"The folder {path} does not exist; check the path.")
    raise DatasetError(
        f"Unknown data set '{source}': use {' or '.join(KNOWN)}, or the path of an existing "
        "folder of images or IDX files."
    )


def _check_options(val_split: float, limit: int | None) -> None:
    """Reject option values that cannot work, before reading anything."""
    if not 0 <= val_split < 1:
        raise DatasetError(f"The validation fraction must be at least 0 and below 1, "
                           f"not {val_split}.")
    if limit is not None and limit < 1:
        raise DatasetError(f"The image limit must be at least 1, not {limit}.")


# --- IDX data (MNIST, Fashion-MNIST) ------------------------------------------------------------


def _complete(folder: Path) -> bool:
    """Whether `folder` holds all four MNIST-style files."""
    return all(find_idx(folder, base) is not None for base in IDX_NAMES)


def _locate(known: _Known, root: Path, download: bool, progress: Progress | None) -> Path:
    """The folder holding a named data set's files, downloading them if allowed and needed."""
    ours, theirs = root / known.folder, root / known.torchvision.__name__ / "raw"
    for folder in (ours, theirs):
        if _complete(folder):
            return folder
    if not download:
        reason = "downloading is turned off"
    elif problem := folder_problem(theirs):  # before any network: e.g. a read-only --data-dir
        reason = problem
    else:
        try:
            _download(known, theirs, progress)
            return theirs
        except DownloadError as exc:
            reason = exc.reason
            for folder in (theirs, theirs.parent):  # the download's folders, if left empty
                try:
                    folder.rmdir()
                except OSError:
                    break  # not empty (or not there): leave it
    files = ", ".join(name + ".gz" for name in IDX_NAMES[:-1]) + f" and {IDX_NAMES[-1]}.gz"
    raise DatasetError(
        f"{known.title} was not found in {ours} or {theirs} and could not be downloaded "
        f"({reason}); put {files} in {ours} or pass --data-dir."
    )


def _download(known: _Known, folder: Path, progress: Progress | None) -> None:
    """Fetch the missing files with torchvision's mirror and md5 lists, trying each mirror."""
    for filename, md5 in known.torchvision.resources:
        base = filename.removesuffix(".gz")
        if (folder / base).is_file() or check_integrity(folder / filename, md5):
            continue
        report = None if progress is None else (
            lambda done, total, f=filename: progress(DataProgress(f, done, total, Unit.BYTES)))
        first_error: DownloadError | None = None
        for mirror in known.torchvision.mirrors:
            try:
                download_file(mirror + filename, folder / filename, md5=md5, progress=report,
                              timeout=DOWNLOAD_TIMEOUT)
                break
            except DownloadError as exc:
                first_error = first_error or exc
        else:
            raise first_error or DownloadError(f"No mirror for {filename}.", "no mirror")


def _idx_dataset(name: str, title: str, folder: Path, class_names: list[str], fashion: bool,
                 val_split: float, seed: int, limit: int | None) -> Dataset:
    """Build a Dataset from a folder of IDX files (test files optional for custom folders)."""
    found = [find_idx(folder, base) for base in IDX_NAMES]
    if found[1] is None:
        raise DatasetError(f"{folder} has {found[0].name} but no {IDX_NAMES[1]}[.gz]; "
                           "add the labels file.")
    arrays = [None if f is None else read_idx(f) for f in found]
    full = _idx_split(arrays[0], arrays[1], found[0], found[1], len(class_names))
    test = None
    if arrays[2] is not None and arrays[3] is not None:
        test = _idx_split(arrays[2], arrays[3], found[2], found[3], len(class_names))
        if test.images.shape[1:] != full.images.shape[1:]:
            raise DatasetError(f"The test images in {folder} are {tuple(test.images.shape[2:])} "
                               f"pixels but the training images {tuple(full.images.shape[2:])}.")
        if limit is not None and len(test) > limit:
            test = take(test, subset(len(test), limit, seed))
    if val_split == 0 and test is None:
        raise DatasetError(f"{folder} has no test files to validate on; use a validation "
                           "fraction above 0.")
    train, val = split_train_val(full, val_split, seed, limit, folder)
    if val_split == 0:
        val = test
    n_test = 0 if test is None else len(test)
    if val_split == 0:
        counts = f"{len(train):,} training / {n_test:,} test images (test doubles as validation)"
    else:
        counts = f"{len(train):,} training / {len(val):,} validation / {n_test:,} test images"
    return make_dataset(
        name, f"{title}: {counts} from {folder}", class_names, train, val, test,
        mode="plain" if fashion else "digit", channels=1, dark_background=fashion,
        augment_style="fashion" if fashion else "digit",
    )


def _idx_split(images: np.ndarray, labels: np.ndarray, ipath: Path, lpath: Path,
               n_classes: int) -> Split:
    """Check an images/labels pair of IDX arrays and wrap them as a Split (no copy)."""
    if images.ndim != 3:
        raise DatasetError(f"{ipath} holds labels, not images; check the file names.")
    rows, cols = images.shape[1:]
    if rows != cols or not MIN_SIDE <= rows <= MAX_SIDE:
        raise DatasetError(f"The images in {ipath} are {rows}x{cols} pixels; digitpad needs "
                           f"square images of {MIN_SIDE} to {MAX_SIDE} pixels a side.")
    if labels.ndim != 1:
        raise DatasetError(f"{lpath} holds images, not labels; check the file names.")
    if len(images) != len(labels):
        raise DatasetError(f"{ipath} has {len(images):,} images but {lpath} has "
                           f"{len(labels):,} labels; use matching files.")
    if len(labels) and int(labels.max()) >= n_classes:
        raise DatasetError(f"{lpath} has label {int(labels.max())} but the data set has only "
                           f"{n_classes} classes; use the matching labels file.")
    return Split(torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels).long())
