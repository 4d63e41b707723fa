"""In-memory data sets: MNIST, Fashion-MNIST, folders of IDX files and folders of images.

Everything is loaded once into uint8 tensors; training batches are sliced from them, which is
far faster for these small images than a per-sample torch DataLoader.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torchvision.transforms.functional as TF
from PIL import Image
from torchvision.datasets import MNIST, FashionMNIST
from torchvision.datasets.folder import IMG_EXTENSIONS, find_classes, has_file_allowed_extension
from torchvision.datasets.utils import check_integrity

from digitpad.core import paths
from digitpad.core.download import DownloadError, download_file
from digitpad.core.errors import DatasetError, ImageError
from digitpad.core.idx import read_idx
from digitpad.core.images import open_image

Progress = Callable[[str, int, int | None], None]

DIGIT_CLASSES = [str(i) for i in range(10)]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
VAL_FOLDER_NAMES = ("val", "valid", "validation")
DOWNLOAD_TIMEOUT = 30.0  # seconds per connection attempt and per read


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
    if key in KNOWN:
        known = KNOWN[key]
        folder = _locate(known, paths.data_dir(data_dir).absolute(), download, progress)
        return _idx_dataset(key, known.title, folder, known.class_names, known.fashion,
                            val_split, seed, limit)
    path = Path(source).expanduser().absolute()
    if path.is_dir():
        if _find_idx(path, IDX_NAMES[0]) is not None:
            fashion = "fashion" in path.name.lower()
            names = FASHION_CLASSES if fashion else DIGIT_CLASSES
            return _idx_dataset(path.name, path.name, path, names, fashion,
                                val_split, seed, limit)
        return _image_folder(path, val_split, seed, channels, image_size, limit, progress)
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

def _find_idx(folder: Path, base: str) -> Path | None:
    """The file `base` in `folder`, raw or .gz, also under Kaggle's "train-images.idx3-ubyte"."""
    for stem in (base, base.replace("-idx", ".idx")):
        for name in (stem, stem + ".gz"):
            if (folder / name).is_file():
                return folder / name
    return None


def _complete(folder: Path) -> bool:
    """Whether `folder` holds all four MNIST-style files."""
    return all(_find_idx(folder, base) is not None for base in IDX_NAMES)


def _locate(known: _Known, root: Path, download: bool, progress: Progress | None) -> Path:
    """The folder holding a named data set's files, downloading them if allowed and needed."""
    ours, theirs = root / known.folder, root / known.torchvision.__name__ / "raw"
    for folder in (ours, theirs):
        if _complete(folder):
            return folder
    if download:
        try:
            _download(known, theirs, progress)
            return theirs
        except DownloadError as exc:
            reason = exc.reason
    else:
        reason = "downloading is turned off"
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
            lambda done, total, f=filename: progress(f, done, total))
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
    found = [_find_idx(folder, base) for base in IDX_NAMES]
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
            test = _take(test, _subset(len(test), limit, seed))
    if val_split == 0 and test is None:
        raise DatasetError(f"{folder} has no test files to validate on; use a validation "
                           "fraction above 0.")
    train, val = _split(full, val_split, seed, limit, folder)
    if val_split == 0:
        val = test
    size = int(full.images.shape[-1])
    n_test = 0 if test is None else len(test)
    if val_split == 0:
        counts = f"{len(train):,} training / {n_test:,} test images (test doubles as validation)"
    else:
        counts = f"{len(train):,} training / {len(val):,} validation / {n_test:,} test images"
    mean, std = _mean_std(train.images)
    return Dataset(
        name=name, description=f"{title}: {counts} from {folder}", class_names=list(class_names),
        train=train, val=val, test=test, mean=mean, std=std,
        preprocess={"mode": "plain" if fashion else "digit", "size": size, "channels": 1,
                    "dark_background": fashion},
        augment_style="fashion" if fashion else "digit",
    )


def _idx_split(images: np.ndarray, labels: np.ndarray, ipath: Path, lpath: Path,
               n_classes: int) -> Split:
    """Check an images/labels pair of IDX arrays and wrap them as a Split (no copy)."""
    if images.ndim != 3:
        raise DatasetError(f"{ipath} holds labels, not images; check the file names.")
    if labels.ndim != 1:
        raise DatasetError(f"{lpath} holds images, not labels; check the file names.")
    if len(images) != len(labels):
        raise DatasetError(f"{ipath} has {len(images):,} images but {lpath} has "
                           f"{len(labels):,} labels; use matching files.")
    if len(labels) and int(labels.max()) >= n_classes:
        raise DatasetError(f"{lpath} has label {int(labels.max())} but the data set has only "
                           f"{n_classes} classes; use the matching labels file.")
    return Split(torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels).long())


# --- folders of images ------------------------------------------------------------------------

def _image_folder(root: Path, val_split: float, seed: int, channels: int, size: int,
                  limit: int | None, progress: Progress | None) -> Dataset:
    """Load a torchvision ImageFolder layout (or root/train + root/val) into memory."""
    if channels not in (1, 3):
        raise DatasetError(f"Images must have 1 (grey) or 3 (RGB) channels, not {channels}.")
    if not 8 <= size <= 1024:
        raise DatasetError(f"The image size must be between 8 and 1024 pixels, not {size}.")
    val_dir = next((root / v for v in VAL_FOLDER_NAMES if (root / v).is_dir()), None)
    two_folders = (root / "train").is_dir() and val_dir is not None
    train_root = root / "train" if two_folders else root
    classes = _classes(train_root)
    files, skipped = _list_images(train_root, classes, root)
    val_files: list[tuple[Path, int]] = []
    if two_folders:
        extra = sorted(set(_classes(val_dir, need_two=False)) - set(classes))
        if extra:
            raise DatasetError(f"{val_dir} has class folder '{extra[0]}' that {train_root} "
                               "lacks; give both folders the same classes.")
        val_files, val_skipped = _list_images(val_dir, classes, root, every_class=False)
        skipped += val_skipped
        if not val_files:
            raise DatasetError(f"{val_dir} has no images; put images in its class folders.")
        if limit is not None and len(val_files) > limit:
            val_files = [val_files[i] for i in _subset(len(val_files), limit, seed)]
    elif val_split == 0:
        raise DatasetError(f"{root} has no test images to validate on; use a validation "
                           "fraction above 0 or add a val/ folder.")
    if limit is not None and len(files) > limit:
        files = [files[i] for i in _subset(len(files), limit, seed)]
    _check_memory(len(files) + len(val_files), channels, size, root)
    full, usable, bad = _decode(files + val_files, channels, size, root, progress)
    skipped += bad
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
        train, val = _split(full, val_split, seed, None, root)
    mean, std = _mean_std(train.images)
    kind = "grey" if channels == 1 else "RGB"
    note = f"; {len(skipped)} files skipped" if skipped else ""
    return Dataset(
        name=root.name,
        description=(f"{root.name}: {len(train):,} training / {len(val):,} validation images of "
                     f"{len(classes)} classes ({size}x{size} {kind}) from {root}{note}"),
        class_names=classes, train=train, val=val, test=None, mean=mean, std=std,
        preprocess={"mode": "plain", "size": size, "channels": channels,
                    "dark_background": False},
        augment_style="photo", skipped=skipped,
    )


def _visible(name: str) -> bool:
    """False for hidden files and folders and macOS archive debris."""
    return not name.startswith(".") and name != "__MACOSX"


def _classes(folder: Path, need_two: bool = True) -> list[str]:
    """The class folder names (torchvision's find_classes, without hidden folders)."""
    if not folder.is_dir():
        raise DatasetError(f"The folder {folder} does not exist; check the path.")
    try:
        found, _ = find_classes(folder)
    except FileNotFoundError:
        found = []
    classes = [c for c in found if _visible(c)]
    if not classes:
        raise DatasetError(f"{folder} has no class subfolders; put each class's images in a "
                           "subfolder named after the class.")
    if need_two and len(classes) == 1:
        raise DatasetError(f"{folder} has only one class folder ('{classes[0]}'); a classifier "
                           "needs at least two.")
    return classes


def _list_images(folder: Path, classes: list[str], root: Path, every_class: bool = True
                 ) -> tuple[list[tuple[Path, int]], list[str]]:
    """Image files per class (walked recursively like ImageFolder) and the non-images skipped."""
    files: list[tuple[Path, int]] = []
    skipped: list[str] = []
    for index, name in enumerate(classes):
        class_dir = folder / name
        if not class_dir.is_dir():
            continue  # a class missing from a val/ folder
        for dirpath, dirnames, filenames in os.walk(class_dir, followlinks=True):
            dirnames[:] = sorted(d for d in dirnames if _visible(d))  # prunes and orders the walk
            for fname in sorted(f for f in filenames if _visible(f)):
                path = Path(dirpath) / fname
                if has_file_allowed_extension(fname, IMG_EXTENSIONS):
                    files.append((path, index))
                else:
                    skipped.append(f"{path.relative_to(root)}: not an image file")
        if every_class and not any(i == index for _, i in files):
            if _find_idx(class_dir, IDX_NAMES[0]) is not None:
                raise DatasetError(f"{class_dir} holds IDX files, not a class of images; pass "
                                   "that folder itself.")
            raise DatasetError(f"Class folder {class_dir} has no images; add images or "
                               "remove the folder.")
    return files, skipped


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
            progress("loading images", i, len(files))
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
        progress("loading images", len(files), len(files))
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


# --- shared helpers ---------------------------------------------------------------------------

def _subset(n: int, limit: int, seed: int) -> torch.Tensor:
    """A seeded random choice of `limit` of `n` indices, in ascending order."""
    g = torch.Generator().manual_seed(seed)
    return torch.randperm(n, generator=g)[:limit].sort().values


def _take(split: Split, index: torch.Tensor) -> Split:
    """The images and labels at `index`."""
    return Split(split.images[index], split.labels[index])


def _split(full: Split, val_split: float, seed: int, limit: int | None,
           where: Path) -> tuple[Split, Split]:
    """Seeded train/validation split, after keeping at most `limit` images."""
    perm = torch.randperm(len(full), generator=torch.Generator().manual_seed(seed))
    if limit is not None:
        perm = perm[:limit]
    n_val = max(1, round(len(perm) * val_split)) if val_split > 0 else 0
    if len(perm) - n_val < 1:
        raise DatasetError(f"{where} has too few images ({len(perm)}) to keep some for "
                           "training after the validation split; add images.")
    return (_take(full, perm[n_val:].sort().values), _take(full, perm[:n_val].sort().values))


def _mean_std(images: torch.Tensor) -> tuple[tuple[float, ...], tuple[float, ...]]:
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
