"""Issue 12 item 15 (rest): choosing an image folder on the Train tab shows its classes and image
counts at once (counted off the GUI thread, names as plain text, long lists cut short), the
model list counts parameters for its classes, and a recipe that gives too few training steps
on so few images says what to change before Start."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from digitpad.core.image_folder import preview_image_folder

HOSTILE = "<b>bold<img src=x>\x1b[31mred"  # markup and a terminal escape in a folder name


def make_folder(root: Path, counts: dict[str, int]) -> Path:
    for index, (name, count) in enumerate(counts.items()):
        (root / name).mkdir(parents=True)
        for i in range(count):
            pixels = np.full((12, 12), (index * 70 + i) % 256, dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    (root / "cat" / "notes.txt").write_text("not an image")  # not counted
    return root


def choose(tab, qtbot, monkeypatch, folder: Path) -> None:  # noqa: ANN001
    """Pick Image folder… with the keyboard, as a person does, and answer the dialog."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    form = tab.form
    form.model.setCurrentIndex(form.model.findData("mlp"))
    form.dataset.setFocus()
    qtbot.keyClick(form.dataset, Qt.Key.Key_End)  # the last entry: Image folder…


def test_the_core_counts_a_folder_as_training_will_read_it(tmp_path):
    folder = make_folder(tmp_path / "pets", {"bird": 15, "cat": 40, "dog": 35})
    preview = preview_image_folder(folder)
    assert preview.classes == (("bird", 15), ("cat", 40), ("dog", 35))
    assert preview.train_images == 90 and preview.problem == ""
    (folder / "empty").mkdir()
    assert "empty" in preview_image_folder(folder).problem
    assert "not a folder" in preview_image_folder(folder / "cat" / "0.png").problem


def test_choosing_a_folder_shows_its_classes_and_counts(tab, qtbot, tmp_path, monkeypatch):
    from digitpad.core.training_choices import parameter_counts

    folder = make_folder(tmp_path / "pets", {"bird": 15, "cat": 40, "dog": 35})
    form = tab.form
    ten = form.model.itemText(form.model.findData("mlp"))
    choose(tab, qtbot, monkeypatch, folder)
    qtbot.waitUntil(lambda: "3 classes" in form.folder_preview.text(), timeout=30_000)
    assert form.folder_preview.isVisible()
    assert form.folder_preview.text() == "3 classes, 90 images: cat 40, dog 35, bird 15"
    expected = f"mlp — {parameter_counts(3)['mlp']:,} parameters"
    assert form.model.itemText(form.model.findData("mlp")) == expected != ten
    tip = form.model.itemData(form.model.findData("mlp"), Qt.ItemDataRole.ToolTipRole)
    assert "for 3 classes" in tip
    # mlp's recipe (15 epochs of batch 64) on 81 training images: 30 steps, and the way out
    hint = form.hint
    assert hint.isVisible() and hint.text().startswith("Only 30 training steps")
    assert "batch size of 8 and 19 epochs" in hint.text()
    for box, value in ((form.batch_size, "8"), (form.epochs, "19")):
        box.setFocus()
        box.selectAll()
        qtbot.keyClicks(box, value)
    assert hint.text() == "" and not hint.isVisible()
    # back to MNIST: ten classes again, no folder preview
    qtbot.keyClick(form.dataset, Qt.Key.Key_Home)
    assert form.model.itemText(form.model.findData("mlp")) == ten
    assert not form.folder_preview.isVisible()


def test_hostile_and_many_class_names_are_shown_plainly_and_cut_short(tab, qtbot, tmp_path,
                                                                       monkeypatch):
    counts = {HOSTILE: 3, "cat": 2, **{f"class{i:02d}": 1 for i in range(30)}}
    folder = make_folder(tmp_path / "many", counts)
    choose(tab, qtbot, monkeypatch, folder)
    label = tab.form.folder_preview
    qtbot.waitUntil(lambda: "32 classes" in label.text(), timeout=30_000)
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>bold<img src=x>\\x1b[31mred 3" in label.text()  # as written, escape visible
    assert "\x1b" not in label.text()
    assert label.text().endswith("and 24 more")  # 8 named, largest first
    assert label.text().split(": ", 1)[1].startswith("<b>bold")  # the largest class first


@pytest.mark.parametrize("layout", ["one class", "no classes"])
def test_a_folder_that_cannot_be_trained_on_says_why_before_start(tab, qtbot, tmp_path,
                                                                  monkeypatch, layout):
    folder = tmp_path / "bad"
    if layout == "one class":
        make_folder(folder, {"cat": 3})
    else:
        folder.mkdir()
    choose(tab, qtbot, monkeypatch, folder)
    label = tab.form.folder_preview
    qtbot.waitUntil(lambda: "Counting" not in label.text(), timeout=30_000)
    assert ("only one class folder" if layout == "one class" else "no class subfolders") in (
        label.text())
