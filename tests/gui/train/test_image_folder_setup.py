"""Issue 12 item 15 (part): choosing an image folder on the Train tab. The picker names the
folder, the MNIST-only Data folder row goes, the save name is the folder's, and a name the
person typed is never replaced when the dataset changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog


def test_choosing_an_image_folder(tab, qtbot, tmp_path, monkeypatch):
    leaves = tmp_path / "leaves"
    leaves.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(leaves))
    form = tab.form
    form.model.setCurrentIndex(form.model.findData("mlp"))
    form.dataset.setFocus()
    qtbot.keyClick(form.dataset, Qt.Key.Key_End)  # the last entry: Image folder…
    assert form.dataset.currentText() == "Image folder: leaves"
    assert not form.data_dir.isVisible()
    assert form.save_name.text() == "mlp-leaves"
    qtbot.keyClick(form.dataset, Qt.Key.Key_Home)  # back to MNIST
    assert form.data_dir.isVisible() and form.save_name.text() == "mlp-mnist"
    form.save_name.clear()
    qtbot.keyClicks(form.save_name, "my digits")
    qtbot.keyClick(form.dataset, Qt.Key.Key_Down)  # Fashion-MNIST
    assert form.dataset.currentData() == "fashion-mnist"
    assert form.save_name.text() == "my digits"
