"""load_dataset: IDX data (found on disk or downloaded from a local server) and image folders."""

from __future__ import annotations

import functools
import hashlib
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision.datasets
from PIL import Image

from digitpad.core import datasets, paths
from digitpad.core.datasets import FASHION_CLASSES, load_dataset
from digitpad.core.download import download_file
from digitpad.core.errors import DatasetError
from digitpad.core.idx import write_idx

NAMES = datasets.IDX_NAMES


def write_mnist(folder: Path, n_train: int = 60, n_test: int = 20, gz: bool = True) -> None:
    """Small MNIST-style files whose images carry their index in the first two pixels."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    for prefix, n in ((NAMES[0], n_train), (NAMES[2], n_test)):
        images = np.zeros((n, 28, 28), dtype=np.uint8)
        images[:, 0, 0], images[:, 0, 1] = np.arange(n) % 256, np.arange(n) // 256
        images[:, 10:18, 13:15] = 255
        write_idx(folder / (prefix + suffix), images)
    for name, n in ((NAMES[1], n_train), (NAMES[3], n_test)):
        write_idx(folder / (name + suffix), (np.arange(n) % 10).astype(np.uint8))


def ids(split: datasets.Split) -> set[int]:
    return set((split.images[:, 0, 0, 0].long() + 256 * split.images[:, 0, 0, 1].long()).tolist())


# --- MNIST and Fashion-MNIST, found on disk -----------------------------------------------------

def test_real_mnist_in_shared_layout(shared_data: Path) -> None:
    ds = load_dataset("mnist", data_dir=shared_data)
    assert (len(ds.train), len(ds.val), len(ds.test)) == (22212, 2468, 10000)
    assert ds.train.images.shape == (22212, 1, 28, 28) and ds.train.images.dtype == torch.uint8
    assert ds.train.labels.dtype == torch.int64 and int(ds.train.labels.max()) == 9
    assert ds.class_names == [str(i) for i in range(10)] and ds.name == "mnist"
    assert ds.description.startswith("MNIST: 22,212 training / 2,468 validation / 10,000 test")
    assert str(shared_data.absolute() / "mnist") in ds.description
    assert ds.mean[0] == pytest.approx(0.1307, abs=0.003)
    assert ds.std[0] == pytest.approx(0.3081, abs=0.003)
    assert ds.preprocess == {"mode": "digit", "size": 28, "channels": 1, "dark_background": False}
    assert ds.augment_style == "digit" and ds.skipped == []


def test_real_fashion_as_a_path(shared_data: Path) -> None:
    ds = load_dataset(str(shared_data / "fashion-mnist"), limit=300, val_split=0.2)
    assert ds.class_names == FASHION_CLASSES
    assert (len(ds.train), len(ds.val), len(ds.test)) == (240, 60, 300)
    assert ds.preprocess["mode"] == "plain" and ds.preprocess["dark_background"] is True
    assert ds.augment_style == "fashion"


def test_torchvision_layout_is_found(tmp_path: Path) -> None:
    write_mnist(tmp_path / "FashionMNIST" / "raw", gz=False)
    ds = load_dataset("fashion-mnist", data_dir=tmp_path, download=False)
    assert (len(ds.train), len(ds.val), len(ds.test)) == (54, 6, 20)
    assert ds.class_names == FASHION_CLASSES and "FashionMNIST" in ds.description


def test_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_mnist(tmp_path / "mnist")
    monkeypatch.setenv("DIGITPAD_DATA_DIR", str(tmp_path))
    assert len(load_dataset("MNIST", download=False).test) == 20


def test_paths_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIGITPAD_DATA_DIR", raising=False)
    monkeypatch.delenv("DIGITPAD_MODEL_DIR", raising=False)
    assert paths.data_dir().parts[-2:] == ("digitpad", "data")
    assert paths.model_library_dir().parts[-2:] == ("digitpad", "models")
    monkeypatch.setenv("DIGITPAD_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(tmp_path / "models"))
    assert paths.data_dir() == tmp_path / "env" and paths.data_dir(tmp_path) == tmp_path
    assert paths.model_library_dir() == tmp_path / "models"
    assert not (tmp_path / "models").exists()


def test_missing_without_download_names_the_folders(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as info:
        load_dataset("mnist", data_dir=tmp_path, download=False)
    message = str(info.value)
    assert str(tmp_path / "mnist") in message and str(tmp_path / "MNIST" / "raw") in message
    assert "downloading is turned off" in message and "train-images-idx3-ubyte.gz" in message


def test_unknown_name_lists_valid_names() -> None:
    with pytest.raises(DatasetError, match="mnist or fashion-mnist"):
        load_dataset("cifar")
    with pytest.raises(DatasetError, match="does not exist"):
        load_dataset("./no/such/folder")


def test_mismatched_labels(tmp_path: Path) -> None:
    write_mnist(tmp_path)
    write_idx(tmp_path / (NAMES[1] + ".gz"), np.zeros(7, dtype=np.uint8))
    with pytest.raises(DatasetError, match="60 images but .* 7 labels"):
        load_dataset(str(tmp_path))


# --- splits ----------------------------------------------------------------------------------

def test_split_is_seeded_disjoint_and_complete(tmp_path: Path) -> None:
    write_mnist(tmp_path, n_train=300)
    a = load_dataset(str(tmp_path), seed=3, val_split=0.25)
    b = load_dataset(str(tmp_path), seed=3, val_split=0.25)
    c = load_dataset(str(tmp_path), seed=4, val_split=0.25)
    assert (len(a.train), len(a.val)) == (225, 75)
    assert ids(a.train).isdisjoint(ids(a.val)) and ids(a.train) | ids(a.val) == set(range(300))
    assert torch.equal(a.val.images, b.val.images) and torch.equal(a.train.labels, b.train.labels)
    assert ids(a.val) != ids(c.val)


def test_limit_and_tiny_validation(tmp_path: Path) -> None:
    write_mnist(tmp_path, n_train=300, n_test=50)
    ds = load_dataset(str(tmp_path), limit=40, val_split=0.001)
    assert (len(ds.train), len(ds.val), len(ds.test)) == (39, 1, 40)
    assert len(ids(ds.train) | ids(ds.val)) == 40


def test_zero_validation_uses_the_test_split(tmp_path: Path) -> None:
    write_mnist(tmp_path)
    ds = load_dataset(str(tmp_path), val_split=0)
    assert len(ds.train) == 60 and ds.val is ds.test
    assert "test doubles as validation" in ds.description


@pytest.mark.parametrize("kwargs", [{"val_split": 1.0}, {"val_split": -0.1}, {"limit": 0}])
def test_bad_options(tmp_path: Path, kwargs: dict) -> None:
    write_mnist(tmp_path)
    with pytest.raises(DatasetError):
        load_dataset(str(tmp_path), **kwargs)


# --- downloads from a local HTTP server ------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    """An HTTP server on 127.0.0.1 serving MNIST-style .gz files; yields (folder, url)."""
    root = tmp_path / "www"
    write_mnist(root)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _serve(monkeypatch: pytest.MonkeyPatch, root: Path, mirrors: list[str],
           bad_md5: bool = False) -> None:
    resources = [(n + ".gz", hashlib.md5((root / (n + ".gz")).read_bytes()).hexdigest())
                 for n in NAMES]
    if bad_md5:
        resources[1] = (resources[1][0], "0" * 32)
    monkeypatch.setattr(torchvision.datasets.MNIST, "mirrors", mirrors)
    monkeypatch.setattr(torchvision.datasets.MNIST, "resources", resources)


def test_download_into_torchvision_layout(server: tuple[Path, str], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root, url = server
    _serve(monkeypatch, root, [url + "nowhere/", url])  # the first mirror answers 404
    calls: list[tuple[str, int, int | None]] = []
    ds = load_dataset("mnist", data_dir=tmp_path / "data",  # downloads count bytes
                      progress=lambda p: calls.append((p.what, p.done, p.total, p.unit.value)))
    raw = tmp_path / "data" / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(n + ".gz" for n in NAMES)
    assert len(ds.train) + len(ds.val) == 60 and len(ds.test) == 20
    size = (root / (NAMES[0] + ".gz")).stat().st_size
    assert (NAMES[0] + ".gz", size, size, "bytes") in calls
    assert {c[0] for c in calls} == {n + ".gz" for n in NAMES}


@pytest.mark.parametrize("case", ["md5", "404"])
def test_failed_download_leaves_no_part_file(server: tuple[Path, str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    root, url = server
    _serve(monkeypatch, root, [url if case == "md5" else url + "missing/"], case == "md5")
    data = tmp_path / "data"
    with pytest.raises(DatasetError) as info:
        load_dataset("mnist", data_dir=data)
    assert ("md5 mismatch" if case == "md5" else "404") in str(info.value)
    assert str(data / "mnist") in str(info.value)
    assert not list(data.rglob("*.part"))
    assert not (data / "MNIST" / "raw" / (NAMES[1] + ".gz")).exists()


def test_stalled_server_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "*")
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with pytest.raises(DatasetError, match="timed out"):
            download_file(f"http://127.0.0.1:{port}/x.gz", tmp_path / "x.gz", timeout=0.3)
    assert list(tmp_path.iterdir()) == []


# --- image folders ---------------------------------------------------------------------------

def save_image(path: Path, seed: int, size: tuple[int, int] = (40, 30)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """3 classes (4 + 4 + 3 good images) plus junk that must be skipped or ignored."""
    root = tmp_path / "pets"
    for c, name in enumerate(["cat", "dog", "fish"]):
        for i in range(3 if name == "fish" else 4):
            save_image(root / name / f"{i}.{'jpg' if i == 1 else 'png'}", 10 * c + i)
    (root / "fish" / "notes.txt").write_text("not an image")
    (root / "fish" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    (root / "fish" / ".hidden.png").write_bytes(b"garbage")
    (root / "fish" / "junk").mkdir()
    (root / "fish" / "junk" / "readme.md").write_text("junk")
    (root / "fish" / ".ipynb_checkpoints").mkdir()
    (root / "fish" / ".ipynb_checkpoints" / "0-checkpoint.png").write_bytes(b"garbage")
    (root / ".cache").mkdir()
    (root / ".cache" / "x.png").write_bytes(b"garbage")
    return root


def test_image_folder(folder: Path) -> None:
    calls: list[tuple] = []
    ds = load_dataset(str(folder), channels=3, image_size=16, val_split=0.2, seed=1,
                      progress=lambda p: calls.append((p.what, p.done, p.total, p.unit.value)))
    assert ds.name == "pets" and ds.class_names == ["cat", "dog", "fish"]
    assert (len(ds.train), len(ds.val), ds.test) == (9, 2, None)
    assert ds.train.images.shape == (9, 3, 16, 16) and ds.train.images.dtype == torch.uint8
    labels = sorted(torch.cat([ds.train.labels, ds.val.labels]).tolist())
    assert labels == [0] * 4 + [1] * 4 + [2] * 3
    reasons = dict(s.split(": ", 1) for s in ds.skipped)
    assert sorted(reasons) == ["fish/broken.png", "fish/junk/readme.md", "fish/notes.txt"]
    assert reasons["fish/notes.txt"] == "not an image file" and "broken.png" in reasons[
        "fish/broken.png"]
    assert ds.preprocess == {"mode": "plain", "size": 16, "channels": 3, "dark_background": False}
    assert ds.augment_style == "photo" and len(ds.mean) == 3 and len(ds.std) == 3
    assert calls[-1] == ("loading images", 12, 12, "images") and "3 files skipped" in ds.description


def test_resize_then_centre_crop_and_transparency(tmp_path: Path) -> None:
    stripes = np.zeros((30, 120, 3), dtype=np.uint8)  # wide: red | green | blue thirds
    stripes[:, :40, 0], stripes[:, 40:80, 1], stripes[:, 80:, 2] = 255, 255, 255
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for i in range(2):
        Image.fromarray(stripes).save(tmp_path / "a" / f"{i}.png")
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(tmp_path / "b" / "clear.png")
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(tmp_path / "b" / "clear2.png")
    ds = load_dataset(str(tmp_path), channels=3, image_size=12, val_split=0.25, seed=0)
    images = torch.cat([ds.train.images, ds.val.images])
    labels = torch.cat([ds.train.labels, ds.val.labels])
    centre = images[labels == 0]
    assert (centre[:, 1] > 240).all() and (centre[:, [0, 2]] < 15).all()  # the green third only
    assert (images[labels == 1] == 255).all()  # transparent -> white
    grey = load_dataset(str(tmp_path), channels=1, image_size=12)
    assert grey.train.images.shape[1:] == (1, 12, 12)


def test_train_and_val_subfolders(tmp_path: Path) -> None:
    for split, n in (("train", 5), ("val", 2)):
        for c in ("ants", "bees"):
            for i in range(n):
                save_image(tmp_path / "hymenoptera" / split / c / f"{i}.jpg", i)
    ds = load_dataset(str(tmp_path / "hymenoptera"), channels=3, image_size=8, val_split=0.5)
    assert ds.class_names == ["ants", "bees"] and (len(ds.train), len(ds.val)) == (10, 4)
    assert ds.val.labels.tolist() == [0, 0, 1, 1] and ds.test is None


@pytest.mark.parametrize(
    "layout, words",
    [
        ({}, "no class subfolders"),
        ({"only": 2}, "only one class"),
        ({"a": 2, "empty": 0}, "empty has no images"),
        ({"a": 2, "bad": -1}, "Class 'bad'"),
    ],
)
def test_unusable_folders(tmp_path: Path, layout: dict, words: str) -> None:
    root = tmp_path / "set"
    root.mkdir()
    for name, n in layout.items():
        (root / name).mkdir()
        for i in range(n):
            save_image(root / name / f"{i}.png", i)
        if n < 0:
            (root / name / "corrupt.png").write_bytes(b"not a png")
        if n == 0:
            (root / name / "readme.txt").write_text("no images here")
    with pytest.raises(DatasetError, match=words):
        load_dataset(str(root))


def test_too_big_for_memory(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datasets.os, "sysconf", lambda name: 4096 if name == "SC_PAGE_SIZE" else 1)
    with pytest.raises(DatasetError, match="smaller image size"):
        load_dataset(str(folder), image_size=64)
