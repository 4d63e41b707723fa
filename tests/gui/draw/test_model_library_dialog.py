"""Model ▸ Manage Model Library…: renaming and deleting saved models, as a person would."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from digitpad.gui.draw.model_library_dialog import ModelLibraryDialog
from tests.gui.helpers import open_main_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from digitpad.core.model_library import bundled_model_path

    library = tmp_path / "library"
    library.mkdir()
    for name in ("older", "newer"):
        shutil.copy(bundled_model_path("digits"), library / f"{name}.pt")
    win = open_main_window(qtbot, library, monkeypatch)
    qtbot.waitUntil(lambda: win.draw_tab.picker.findData(str(library / "newer.pt")) >= 0,
                    timeout=10_000)
    yield win
    win.close()


def _manage(win):  # noqa: ANN001, ANN202
    for top in win.menuBar().actions():
        for action in top.menu().actions():
            if action.text().replace("&", "").startswith("Manage Model Library"):
                action.trigger()
                return win.findChild(ModelLibraryDialog)
    raise AssertionError("no Model ▸ Manage Model Library…")


def _names(win) -> list[str]:  # noqa: ANN001
    picker = win.draw_tab.picker
    return [picker.itemText(i).split(" (")[0] for i in range(picker.count())
            if picker.itemData(i)]


def test_rename_then_delete_a_saved_model(window, qtbot, tmp_path, monkeypatch):
    library = tmp_path / "library"
    dialog = _manage(window)
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    assert dialog.list.count() == 2  # the bundled models are not offered
    dialog.list.setCurrentRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("my best", True))
    with qtbot.waitSignal(window.service.modelsListed, timeout=10_000):
        qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    renamed = [p.name for p in library.iterdir()]
    assert "my-best.pt" in renamed and len(renamed) == 2
    assert "my-best" in _names(window)
    # renaming to a name that is taken: one line, both files kept
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("older", True))
    dialog.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert "already a model called older" in dialog.message.text()
    assert sorted(p.name for p in library.iterdir()) == ["my-best.pt", "older.pt"]
    # delete, after saying yes
    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.StandardButton.Yes)
    row = [dialog.list.item(i).text().split(" (")[0] for i in range(2)].index("older")
    dialog.list.setCurrentRow(row)
    with qtbot.waitSignal(window.service.modelsListed, timeout=10_000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert [p.name for p in library.iterdir()] == ["my-best.pt"]
    assert "older" not in _names(window) and dialog.list.count() == 1


def test_deleting_the_model_in_use_switches_to_the_bundled_one(window, qtbot, tmp_path,
                                                               monkeypatch):
    library = tmp_path / "library"
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        window.draw_tab.use_model(str(library / "newer.pt"))
    dialog = _manage(window)
    row = [dialog.list.item(i).text().split(" (")[0]
           for i in range(dialog.list.count())].index("newer")
    dialog.list.setCurrentRow(row)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        dialog.delete_button.click()
    assert window.draw_tab.model_path.endswith("digits.pt")
    assert window.draw_tab.picker.currentData() == window.draw_tab.model_path


def test_the_library_helpers_refuse_files_outside_the_library(tmp_path):
    from digitpad.core.errors import DigitpadError
    from digitpad.core.model_library import bundled_model_path, delete_model, rename_model

    with pytest.raises(DigitpadError, match="not a model in the library"):
        delete_model(bundled_model_path("digits"), tmp_path)
    assert bundled_model_path("digits").is_file()
    (tmp_path / "a.pt").write_bytes(b"x")
    with pytest.raises(DigitpadError, match="cannot be a model's name"):
        rename_model(tmp_path / "a.pt", "digits", tmp_path)
    assert rename_model(tmp_path / "a.pt", "b c", tmp_path) == tmp_path / "b-c.pt"
    assert (tmp_path / "b-c.pt").read_bytes() == b"x"
