"""Issue 12 (trial finding): file dialogs opened in the folder the app was started from. Each
now opens in the folder last used for that purpose, else the home folder; a remembered folder
that is gone (or a hostile value) falls back to home. Real dialogs, answered as a person would."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QToolButton

from digitpad.gui.settings_store import start_folder
from tests.gui.helpers import menu_action


@pytest.fixture
def home(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """A home folder of its own, and the app started from another folder."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    started = tmp_path / "started here"
    started.mkdir()
    monkeypatch.chdir(started)
    return folder


def _answer(qtbot, open_it, choose: str | None) -> str:  # noqa: ANN001
    """Open a dialog with `open_it`, note the folder it shows, choose `choose` (None: cancel)."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(str(Path(dialog.directory().absolutePath()).resolve()))
        if choose is None:
            dialog.reject()
            return
        dialog.selectFile(choose)
        dialog.accept()

    QTimer.singleShot(0, answer)
    open_it()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    return seen[0]


def test_open_image_starts_at_home_then_in_the_last_folder(train_tab_ready, qtbot, home, tmp_path):
    window = train_tab_ready  # its background listing done: none outlives the test
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    image = pictures / "seven.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(image)
    opener = menu_action(window, "File", "Open Image")
    assert _answer(qtbot, opener.trigger, str(image)) == str(home.resolve())
    qtbot.waitUntil(lambda: not window.draw_tab.canvas.is_blank(), timeout=10_000)
    assert _answer(qtbot, opener.trigger, None) == str(pictures.resolve())
    shutil.rmtree(pictures)  # the folder is gone: home again
    assert _answer(qtbot, opener.trigger, None) == str(home.resolve())


def test_open_model_and_save_drawing_remember_their_own_folders(train_tab_ready, qtbot, home,
                                                               tmp_path):
    window = train_tab_ready
    models = tmp_path / "models elsewhere"
    models.mkdir()
    copy = models / "mine.pt"
    shutil.copy(window.draw_tab.model_path, copy)
    model_opener = menu_action(window, "Model", "Open Model File")
    with qtbot.waitSignal(window.service.modelLoaded, timeout=30_000):
        assert _answer(qtbot, model_opener.trigger, str(copy)) == str(home.resolve())
    drawings = tmp_path / "drawings"
    drawings.mkdir()
    saver = menu_action(window, "File", "Save Drawing")
    assert _answer(qtbot, saver.trigger, str(drawings / "one.png")) == str(home.resolve())
    assert (drawings / "one.png").is_file()
    assert _answer(qtbot, saver.trigger, None) == str(drawings.resolve())
    assert _answer(qtbot, model_opener.trigger, None) == str(models.resolve())


def test_the_train_tab_folder_dialogs_remember_their_folders(tab, qtbot, home, tmp_path):
    data = tmp_path / "datasets" / "data"
    data.mkdir(parents=True)
    browse = next(b for b in tab.findChildren(QToolButton) if b.text() == "…")
    click = lambda: qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)  # noqa: E731
    assert _answer(qtbot, click, str(data)) == str(home.resolve())
    assert tab.form.data_dir.text() == str(data)
    assert _answer(qtbot, click, None) == str(data.parent.resolve())
    # the image folder's dialog has its own, so it starts at home
    tab.form.dataset.setFocus()
    keys = lambda: qtbot.keyClick(tab.form.dataset, Qt.Key.Key_End)  # noqa: E731
    assert _answer(qtbot, keys, None) == str(home.resolve())


@pytest.mark.parametrize("stored", ["relative/folder", 42, "x" * 5000, "/no/such/folder", ""])
def test_a_bad_remembered_folder_falls_back_to_home(home, stored):
    settings = QSettings()
    settings.setValue("folders/image", stored)
    assert Path(start_folder("image", settings)).resolve() == home.resolve()
