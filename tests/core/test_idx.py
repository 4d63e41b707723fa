"""IDX reading and writing: round trips, bad files, and the real MNIST files."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from digitpad.core.errors import DatasetError
from digitpad.core.idx import read_idx, write_idx

README_COUNTS = [2438, 2808, 2417, 2562, 2413, 2208, 2436, 2564, 2359, 2475]


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_round_trip_images(tmp_path: Path, name: str) -> None:
    images = np.random.default_rng(0).integers(0, 256, (7, 28, 28), dtype=np.uint8)
    write_idx(tmp_path / name, images)
    back = read_idx(tmp_path / name)
    assert back.dtype == np.uint8 and back.shape == (7, 28, 28)
    np.testing.assert_array_equal(back, images)
    assert (tmp_path / name).read_bytes()[:2] == (b"\x1f\x8b" if name.endswith(".gz") else b"\0\0")


@pytest.mark.parametrize("name", ["labels-idx1-ubyte", "labels-idx1-ubyte.gz"])
def test_round_trip_labels(tmp_path: Path, name: str) -> None:
    labels = np.arange(25, dtype=np.uint8) % 10
    write_idx(tmp_path / name, labels)
    np.testing.assert_array_equal(read_idx(tmp_path / name), labels)


def test_write_rejects_wrong_arrays(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_idx(tmp_path / "x", np.zeros((2, 2), dtype=np.uint8))
    with pytest.raises(ValueError):
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.float32))


def _raw(magic: int, dims: tuple[int, ...], payload: bytes) -> bytes:
    return struct.pack(">I", magic) + struct.pack(f">{len(dims)}I", *dims) + payload


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "empty"),
        (_raw(2051, (2, 3, 3), bytes(17)), "truncated"),
        (_raw(2051, (2, 3, 3), bytes(19)), "longer"),
        (_raw(2049, (5,), bytes(4)), "truncated"),
        (_raw(1234, (5,), bytes(5)), "magic number 1234"),
        (_raw(0x0D01, (5,), bytes(20)), "magic number"),  # float data: not supported
        (struct.pack(">I", 2051) + b"\0\0", "truncated in its header"),
        (b"\x1f\x8b\x08\x00garbage", "cannot be read"),
        (gzip.compress(_raw(2051, (2, 3, 3), bytes(18)))[:-12], "cannot be read"),
        (b"PK\x03\x04 a zip file", "magic number"),
    ],
)
def test_bad_files_raise_dataset_error(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad-idx3-ubyte"
    path.write_bytes(content)
    with pytest.raises(DatasetError) as info:
        read_idx(path)
    message = str(info.value)
    assert words in message and str(path) in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="does not exist"):
        read_idx(tmp_path / "nope.gz")


def test_absurd_header_does_not_allocate(tmp_path: Path) -> None:
    path = tmp_path / "huge-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(_raw(2051, (2**31, 2**16, 2**16), bytes(100))))
    with pytest.raises(DatasetError, match="truncated"):
        read_idx(path)


def test_real_mnist_files(shared_data: Path) -> None:
    folder = shared_data / "mnist"
    train = read_idx(folder / "train-images-idx3-ubyte.gz")
    train_labels = read_idx(folder / "train-labels-idx1-ubyte.gz")
    test = read_idx(folder / "t10k-images-idx3-ubyte.gz")
    test_labels = read_idx(folder / "t10k-labels-idx1-ubyte.gz")
    assert train.shape == (24680, 28, 28) and test.shape == (10000, 28, 28)
    assert train_labels.shape == (24680,) and test_labels.shape == (10000,)
    assert train_labels.max() == 9 and test_labels.max() == 9
    assert np.bincount(train_labels).tolist() == README_COUNTS
    assert train.max() == 255 and train[:, 0, 0].max() == 0  # white ink on black background
