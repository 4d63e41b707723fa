"""Hostile image folders (issue 11, item 8): symlink loops, links out of the data set folder,
FIFOs, dangling links; every skipped entry is listed (capped) in the data set's description.

Each load runs on a daemon thread joined with a timeout, so a walk that loops fails the test
instead of hanging it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import torch
from PIL import Image

from digitpad.core.datasets import Dataset, load_dataset
from digitpad.core.errors import DatasetError

LOAD_TIMEOUT = 30  # seconds; a correct load of these folders takes well under one


def load_within(source: Path, seconds: float = LOAD_TIMEOUT, **kwargs: object) -> Dataset:
    """load_dataset(source) on a thread; fails if it has not finished within `seconds`."""
    result: dict[str, object] = {}

    def target() -> None:
        try:
            result["dataset"] = load_dataset(str(source), image_size=8, **kwargs)
        except BaseException as exc:  # handed to the test below
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"loading {source} did not finish within {seconds} s (a loop?)"
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["dataset"]  # type: ignore[return-value]


def tiny_set(root: Path, classes: int = 3, per_class: int = 30) -> Path:
    """`classes` folders c0, c1… of `per_class` 8x8 grey PNGs each, class c lit at grey 80*c."""
    for c in range(classes):
        (root / f"c{c}").mkdir(parents=True)
        for i in range(per_class):
            Image.new("L", (8, 8), 80 * c + i % 3).save(root / f"c{c}" / f"{i}.png")
    return root


def counts(ds: Dataset) -> list[int]:
    labels = torch.cat([ds.train.labels, ds.val.labels])
    return torch.bincount(labels, minlength=len(ds.class_names)).tolist()


def reasons(ds: Dataset) -> dict[str, str]:
    return dict(entry.split(": ", 1) for entry in ds.skipped)


def test_two_links_to_the_same_folder_are_not_followed(tmp_path: Path) -> None:
    root = tiny_set(tmp_path / "ds")
    os.symlink(".", root / "c0" / "a")  # ln -s . ds/c0/a; ln -s . ds/c0/b: used to hang
    os.symlink(".", root / "c0" / "b")
    ds = load_within(root)
    assert counts(ds) == [30, 30, 30]
    assert sorted(reasons(ds)) == ["c0/a", "c0/b"]
    assert "class folder 'c0'" in reasons(ds)["c0/a"] and "not followed" in reasons(ds)["c0/a"]
    assert "; 2 files skipped: c0/a: a link to class folder 'c0'" in ds.description


def test_a_link_to_the_parent_does_not_relabel_other_classes(tmp_path: Path) -> None:
    root = tiny_set(tmp_path / "ds")
    os.symlink("..", root / "c0" / "up")  # used to make 90 images into 3,690
    ds = load_within(root)
    assert counts(ds) == [30, 30, 30] and ds.class_names == ["c0", "c1", "c2"]
    assert "the data set folder" in reasons(ds)["c0/up"]
    for c in range(3):  # every image still carries its own class's grey level
        images = torch.cat([ds.train.images, ds.val.images])
        labels = torch.cat([ds.train.labels, ds.val.labels])
        assert (images[labels == c].float().mean() - 80 * c).abs() < 3


def test_a_class_folder_linked_to_the_file_system_root_is_skipped(tmp_path: Path) -> None:
    root = tiny_set(tmp_path / "ds")
    os.symlink("/", root / "c3")  # used to walk the whole disk
    ds = load_within(root)
    assert ds.class_names == ["c0", "c1", "c2"] and counts(ds) == [30, 30, 30]
    assert reasons(ds)["c3"] == "a link to /, outside the data set folder, not followed"
    assert "c3: a link to /, outside the data set folder" in ds.description


def test_links_that_would_read_a_folder_twice_or_leave_the_set(tmp_path: Path) -> None:
    root = tiny_set(tmp_path / "ds")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    Image.new("L", (8, 8), 7).save(outside / "x.png")
    os.symlink("../c0", root / "c1" / "other")  # another class's folder: would relabel it
    os.symlink("c0", root / "c9")  # a second class that is the same real folder as c0
    os.symlink(outside, root / "c2" / "away")  # a folder outside the data set
    os.symlink(outside / "x.png", root / "c2" / "away.png")  # a file outside it
    os.symlink("0.png", root / "c2" / "again.png")  # a link inside the set: still read
    ds = load_within(root)
    assert ds.class_names == ["c0", "c1", "c2"] and counts(ds) == [30, 30, 31]
    why = reasons(ds)
    assert sorted(why) == ["c1/other", "c2/away", "c2/away.png", "c9"]
    assert why["c9"] == "the same folder as class folder 'c0', not read twice"
    assert "class folder 'c0'" in why["c1/other"]
    assert why["c2/away.png"].endswith("outside the data set folder, not followed")


def test_links_inside_the_set_to_unread_folders_are_followed_once(tmp_path: Path) -> None:
    root = tmp_path / "set"
    tiny_set(root / "train", per_class=4)
    tiny_set(root / "val", per_class=2)
    tiny_set(root / "pool", classes=1, per_class=5)  # not a class: reachable through links
    os.symlink("../../pool/c0", root / "train" / "c1" / "more")
    os.symlink("../../pool/c0", root / "train" / "c2" / "more")  # the second link is skipped
    os.symlink("../../val", root / "train" / "c0" / "v")  # the validation folder: never
    ds = load_within(root)
    assert sorted(reasons(ds)) == ["train/c0/v", "train/c2/more"]
    assert torch.bincount(ds.train.labels).tolist() == [4, 9, 4]
    assert torch.bincount(ds.val.labels).tolist() == [2, 2, 2]
    assert "the validation folder" in reasons(ds)["train/c0/v"]


def test_fifos_dangling_and_looping_links_are_skipped_without_blocking(tmp_path: Path) -> None:
    root = tiny_set(tmp_path / "ds", classes=2, per_class=3)
    os.mkfifo(root / "c0" / "pipe.png")  # opening it would block forever
    os.symlink("missing.png", root / "c0" / "dangling.png")
    os.symlink("loop.png", root / "c1" / "loop.png")
    os.symlink("nowhere", root / "c7")  # a dangling "class folder"
    ds = load_within(root)
    assert counts(ds) == [3, 3] and ds.class_names == ["c0", "c1"]
    why = reasons(ds)
    assert why["c0/pipe.png"].startswith("not a regular file")
    assert why["c0/dangling.png"] == "a link to nothing (its target is missing)"
    assert why["c1/loop.png"] == "a link that loops back on itself"
    assert "c7" in why


def test_a_class_of_only_skipped_entries_says_why(tmp_path: Path) -> None:
    root = tiny_set(tmp_path / "ds", classes=2, per_class=3)
    (root / "c2").mkdir()
    os.symlink("/", root / "c2" / "everything")
    with pytest.raises(DatasetError, match=r"c2 has no images \(c2/everything: a link to /"):
        load_within(root)


def test_skipped_files_are_listed_capped_and_printable(tmp_path: Path) -> None:
    root = tiny_set(tmp_path / "ds", classes=2, per_class=3)
    for i in range(14):
        (root / "c1" / f"note{i:02}.txt").write_text("not an image")
    (root / "c1" / "evil\x1b[31m.txt").write_text("a terminal escape in a name")
    ds = load_within(root)
    assert len(ds.skipped) == 15
    note = ds.description.split(" from ", 1)[1]
    assert "15 files skipped: c1/evil\\x1b[31m.txt: not an image file; c1/note00.txt" in note
    assert "c1/note08.txt: not an image file; and 5 more" in note
    assert "note09" not in note and "\x1b" not in ds.description
    one = tiny_set(tmp_path / "one", classes=2, per_class=3)
    (one / "c0" / "readme.md").write_text("x")
    assert load_within(one).description.endswith("; 1 file skipped: c0/readme.md: "
                                                 "not an image file")


@pytest.mark.parametrize("target", ["/", "../elsewhere", "train"])
def test_a_train_or_val_folder_linked_out_or_twice_is_refused(tmp_path: Path, target: str
                                                             ) -> None:
    root = tmp_path / "set"
    tiny_set(root / "train", classes=2, per_class=3)
    tiny_set(tmp_path / "elsewhere", classes=2, per_class=3)
    os.symlink(target, root / "val")  # "/" used to make every top-level folder a class
    with pytest.raises(DatasetError, match=r"cannot be used: val: (a link to .*outside the data"
                                           r" set folder|the same folder as the training)"):
        load_within(root)


def test_unreadable_images_are_listed_before_mere_non_images(tmp_path: Path) -> None:
    root = tiny_set(tmp_path / "ds", classes=2, per_class=3)
    for i in range(12):
        (root / "c0" / f"a{i:02}.txt").write_text("notes sorted before the broken image")
    (root / "c1" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    os.symlink(".", root / "c1" / "loop")
    ds = load_within(root)
    listed = ds.description.split("14 files skipped: ", 1)[1].split("; ")
    assert listed[0].startswith("c1/broken.png: ") and listed[1].startswith("c1/loop: ")
    assert listed[2] == "c0/a00.txt: not an image file" and listed[-1] == "and 4 more"
