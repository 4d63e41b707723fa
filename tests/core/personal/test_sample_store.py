"""SampleStore: the handwriting folder on disk, written atomically, listed strictly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitpad.core import paths
from digitpad.core.errors import DigitpadError, ImageError
from digitpad.core.personal import samples as samples_module
from digitpad.core.personal.samples import (
    DIGITS,
    NewFile,
    Sample,
    SampleStore,
    SampleStoreError,
    created_from,
)
from tests.core.personal.zips import drawing, files_under, png


def test_add_writes_a_png_named_by_its_time_that_reads_back_the_same(tmp_path: Path) -> None:
    store = SampleStore(tmp_path / "hw")
    image = drawing(3, size=280)
    sample = store.add("3", image)
    assert sample.digit == "3" and sample.path.parent == tmp_path / "hw" / "3"
    assert sample.path.name.endswith(".png") and len(sample.path.name) == len(
        "20260102-030405-123456.png")
    with Image.open(sample.path) as im:
        assert im.format == "PNG" and im.mode == "L"
        assert np.array_equal(np.asarray(im), image)
    assert np.array_equal(store.image(sample), image)
    assert abs(sample.created - sample.path.stat().st_mtime) < 5  # the stamp is now, in UTC
    assert files_under(tmp_path / "hw") == [f"3/{sample.path.name}"]  # no temporary left


def test_nothing_is_created_until_a_sample_is_written(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.HANDWRITING_DIR_ENV, str(tmp_path / "mine"))
    assert paths.handwriting_dir() == tmp_path / "mine"
    store = SampleStore()
    assert store.root == tmp_path / "mine"
    assert store.samples() == [] and store.total() == 0
    assert store.counts() == dict.fromkeys(DIGITS, 0)
    assert not (tmp_path / "mine").exists()
    monkeypatch.delenv(paths.HANDWRITING_DIR_ENV)
    assert paths.handwriting_dir().name == "handwriting"


def test_bad_digits_and_images_are_value_errors(tmp_path: Path) -> None:
    store = SampleStore(tmp_path)
    for digit in ("10", "a", "", 3, None):
        with pytest.raises(ValueError):
            store.add(digit, drawing(0))  # type: ignore[arg-type]
    for image in (np.zeros((4, 4), np.float32), np.zeros((4, 4, 3), np.uint8),
                  np.zeros((0, 4), np.uint8)):
        with pytest.raises(ValueError):
            store.add("1", image)
    assert files_under(tmp_path) == []


def test_listing_is_oldest_first_and_ignores_everything_but_sample_files(tmp_path: Path) -> None:
    store = SampleStore(tmp_path)
    later = store.add("7", drawing(1))
    earlier = Sample(tmp_path / "7" / "20200101-000000-000000.png", "7", 0.0)
    earlier.path.write_bytes(png(2))
    (tmp_path / "1").mkdir()
    by_hand = tmp_path / "1" / "my one.PNG"  # no time stamp: its mtime
    by_hand.write_bytes(png(3))
    os.utime(by_hand, (1_600_000_000, 1_600_000_000))
    # what must not count
    (tmp_path / "7" / "notes.txt").write_text("x")
    (tmp_path / "7" / ".sample.123.abcd.tmp").write_bytes(png(4))
    (tmp_path / "7" / ".hidden.png").write_bytes(png(5))
    (tmp_path / "7" / "20260101-000000-000000.png").write_bytes(b"")  # an empty reservation
    (tmp_path / "7" / "folder.png").mkdir()
    (tmp_path / "7" / "link.png").symlink_to(by_hand)
    (tmp_path / "7" / "sub").mkdir()
    (tmp_path / "7" / "sub" / "deep.png").write_bytes(png(6))
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "stray.png").write_bytes(png(7))
    (tmp_path / "2").symlink_to(tmp_path / "1")  # a digit folder that is a link
    (tmp_path / "3").write_text("a file where a folder should be")

    listed = store.samples()
    assert [s.path for s in listed] == [earlier.path, by_hand, later.path]
    assert listed[0].created == created_from(earlier.path.name, 0) == 1577836800.0
    assert listed[1].created == 1_600_000_000 and listed[1].digit == "1"
    assert [s.path for s in store.samples("7")] == [earlier.path, later.path]
    assert store.counts() == {**dict.fromkeys(DIGITS, 0), "1": 1, "7": 2}
    assert store.total() == 3
    with pytest.raises(ValueError):
        store.samples("seven")


def test_two_samples_in_the_same_microsecond_get_different_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(samples_module, "_now", lambda: 1_700_000_000.5)
    store = SampleStore(tmp_path)
    first, second = store.add("4", drawing(1)), store.add("4", drawing(2))
    assert first.path.name == "20231114-221320-500000.png"
    assert second.path.name == "20231114-221320-500000-2.png"
    assert first.created == second.created == 1_700_000_000.5  # the suffix keeps the stamp
    assert np.array_equal(store.image(second), drawing(2))


def test_delete_and_relabel(tmp_path: Path) -> None:
    store = SampleStore(tmp_path)
    one = store.add("1", drawing(1))
    other = store.add("1", drawing(2))
    moved = store.relabel(one, "7")
    assert moved.path == tmp_path / "7" / one.path.name and moved.created == one.created
    assert not one.path.exists() and np.array_equal(store.image(moved), drawing(1))
    assert store.relabel(moved, "7") == moved
    # a name taken in the other folder is kept there; the moved one gets a suffix
    clash = tmp_path / "7" / other.path.name
    clash.write_bytes(png(9))
    moved2 = store.relabel(other, "7")
    assert moved2.path.name == other.path.name[:-4] + "-2.png"
    assert clash.read_bytes() == png(9)
    store.delete(moved)
    store.delete(moved)  # already gone: nothing happens
    assert store.counts()["7"] == 2 and store.counts()["1"] == 0
    with pytest.raises(SampleStoreError, match="is gone"):
        store.relabel(moved, "3")
    assert files_under(tmp_path / "3") == []  # no empty reservation left behind


def test_a_path_outside_the_store_is_never_deleted_or_moved(tmp_path: Path) -> None:
    store = SampleStore(tmp_path / "hw")
    outside = tmp_path / "precious.png"
    outside.write_bytes(png(1))
    for sample in (Sample(outside, "1", 0.0), Sample(tmp_path / "hw" / "1" / ".." / ".." /
                                                     "precious.png", "1", 0.0)):
        with pytest.raises(ValueError):
            store.delete(sample)
        with pytest.raises(ValueError):
            store.relabel(sample, "2")
    assert outside.read_bytes() == png(1)


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_a_failed_write_leaves_no_file_and_says_so_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    store = SampleStore(tmp_path)
    kept = store.add("5", drawing(1))

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "write":  # the PNG bytes are written, then the disk fills up
        monkeypatch.setattr(samples_module.os, "fdopen", lambda fd, mode: _FullDisk(fd))
    else:
        monkeypatch.setattr(samples_module.os, failing, no_space)
    with pytest.raises(SampleStoreError) as caught:
        store.add("5", drawing(2))
    message = str(caught.value)
    assert "No space left on device" in message and "\n" not in message
    monkeypatch.undo()
    assert files_under(tmp_path) == [f"5/{kept.path.name}"]
    assert store.samples() == [kept]


class _FullDisk:
    """A file object that writes half of what it is given and then fails like a full disk."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> int:
        os.write(self.fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")


def test_add_files_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SampleStore(tmp_path)
    real_replace = os.replace
    calls = []

    def third_fails(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(samples_module.os, "replace", third_fails)
    files = [NewFile(d, f"s{i}.png", png(i)) for i, d in enumerate("1234")]
    with pytest.raises(SampleStoreError, match="Input/output error"):
        store.add_files(files)
    assert len(calls) == 3  # two were in place when the third failed: both are gone again
    assert files_under(tmp_path) == []
    monkeypatch.undo()
    written = store.add_files(files)
    assert [s.path.name for s in written] == ["s0.png", "s1.png", "s2.png", "s3.png"]
    with pytest.raises(ValueError):
        store.add_files([NewFile("1", "../escape.png", png(0))])


def test_a_file_where_the_folder_should_be_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "hw").write_text("not a folder")
    with pytest.raises(SampleStoreError) as caught:
        SampleStore(tmp_path / "hw").add("1", drawing(0))
    assert isinstance(caught.value, DigitpadError) and "\n" not in str(caught.value)
    (tmp_path / "real").mkdir()
    (tmp_path / "hw2").mkdir()
    (tmp_path / "hw2" / "1").symlink_to(tmp_path / "real")
    with pytest.raises(SampleStoreError):
        SampleStore(tmp_path / "hw2").add("1", drawing(0))
    assert files_under(tmp_path / "real") == []


def test_image_of_a_text_file_named_png_is_an_image_error(tmp_path: Path) -> None:
    store = SampleStore(tmp_path)
    (tmp_path / "2").mkdir()
    (tmp_path / "2" / "fake.png").write_text("hello")
    (sample,) = store.samples()
    with pytest.raises(ImageError):
        store.image(sample)
    rgba = tmp_path / "2" / "colour.png"
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(rgba)  # transparent: white paper
    assert store.image(Sample(rgba, "2", 0.0)).min() == 255


def test_the_storage_modules_import_neither_torch_nor_qt() -> None:
    code = ("import sys, digitpad.core.personal.samples, digitpad.core.personal.sample_zip; "
            "bad = [m for m in ('torch', 'torchvision', 'PySide6') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
