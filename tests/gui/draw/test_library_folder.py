"""Model ▸ Show Model Library Folder: where no file manager opens, or the folder cannot be used,
the window says where the folder is (or why not) in a plain-text box, and nothing raises."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.gui.helpers import open_main_window


def _trigger_show_library(window) -> None:  # noqa: ANN001
    menu = next(a.menu() for a in window.menuBar().actions() if "Model" in a.text())
    action = next(a for a in menu.actions() if "Library Folder" in a.text())
    action.trigger()


def _open_box() -> QMessageBox:
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def test_without_a_file_manager_the_path_is_shown_and_copied(qtbot, library, monkeypatch):
    window = open_main_window(qtbot, library, monkeypatch)
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or False)
    _trigger_show_library(window)
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                                for w in QApplication.topLevelWidgets()))
    box = _open_box()
    assert opened == [str(library)]
    assert library.is_dir()
    assert str(library) in box.text()
    assert QGuiApplication.clipboard().text() == str(library)
    box.close()


def test_a_library_path_that_is_a_file_is_explained(qtbot, tmp_path, monkeypatch):
    library = tmp_path / "<b>not-a-folder"
    window = open_main_window(qtbot, tmp_path / "models", monkeypatch)
    library.write_text("a file where the library folder should be")
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(library))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    _trigger_show_library(window)
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                                for w in QApplication.topLevelWidgets()))
    box = _open_box()
    assert "cannot be used" in box.text() and "not-a-folder" in box.text()
    assert box.textFormat() == box.textFormat().PlainText
    assert Path(library).is_file()
    box.close()
