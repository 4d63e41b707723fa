"""Reviewing the personal samples: one row per digit; click a thumbnail and press Delete (or the
Delete button, or the context menu), type the digit it really is (or pick "It's a…"), and the
files go or move between the <digit>/ folders. Files that are no image are left out with a
note, never a traceback. The tab on its own, with real clicks and key presses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from digitpad.core.personal.samples import SampleStore
from digitpad.gui.handwriting.handwriting_tab import HandwritingTab
from tests.gui.handwriting.conftest import files
from tests.gui.helpers import shown

LEFT = Qt.MouseButton.LeftButton


def drawing(seed: int) -> np.ndarray:
    image = np.full((560, 560), 255, np.uint8)
    image[100 + seed: 460, 260:300] = 20  # a bar, a little different each time
    return image


@pytest.fixture
def store(store_dir: Path) -> SampleStore:
    store = SampleStore()
    for n, digit in enumerate("1117"):
        store.add(digit, drawing(n))
    return store


@pytest.fixture
def tab(qtbot, store):  # noqa: ANN001, ANN201
    widget = shown(qtbot, HandwritingTab(), 1000, 680)
    qtbot.waitUntil(lambda: widget.grid.count() == 4, timeout=10_000)
    return widget


def click(qtbot, grid, path, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    row, column = grid.cell_of(path)
    rect = grid.visualRect(grid.model().index(row, column))
    qtbot.mouseClick(grid.viewport(), LEFT, modifier, rect.center())


def test_rows_per_digit_with_counts(tab, store_dir):
    grid = tab.grid
    assert grid.count("1") == 3 and grid.count("7") == 1 and grid.count("0") == 0
    assert grid.verticalHeaderItem(1).text() == "1  (3)"
    assert grid.cell_of(files(store_dir, "7")[0]) == (7, 0)
    assert tab.review_title.text() == "Your samples (4)"


def test_delete_key_deletes_the_selected_drawing_and_undo_brings_it_back(tab, qtbot, store_dir):
    grid = tab.grid
    target = files(store_dir, "1")[1]
    click(qtbot, grid, target)
    assert tab.delete_button.isEnabled()
    with qtbot.waitSignal(grid.refreshed, timeout=10_000):
        qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert not target.exists() and len(files(store_dir, "1")) == 2
    assert grid.count("1") == 2 and grid.cell_of(target) is None
    assert tab.notes.text() == "Deleted a 1."
    with qtbot.waitSignal(grid.refreshed, timeout=10_000):
        qtbot.mouseClick(tab.notes.action_button(), LEFT)  # Undo
    assert len(files(store_dir, "1")) == 3 and grid.count("1") == 3


def test_delete_button_deletes_every_selected_drawing(tab, qtbot, store_dir):
    grid = tab.grid
    ones = files(store_dir, "1")
    click(qtbot, grid, ones[0])
    click(qtbot, grid, files(store_dir, "7")[0], Qt.KeyboardModifier.ControlModifier)
    assert tab.delete_button.text() == "Delete 2"
    with qtbot.waitSignal(grid.refreshed, timeout=10_000):
        qtbot.mouseClick(tab.delete_button, LEFT)
    assert files(store_dir, "7") == [] and files(store_dir, "1") == ones[1:]


def test_typing_a_digit_moves_the_drawing_to_that_digit(tab, qtbot, store_dir):
    grid = tab.grid
    target = files(store_dir, "1")[2]
    click(qtbot, grid, target)
    with qtbot.waitSignal(grid.refreshed, timeout=10_000):
        qtbot.keyClick(grid, Qt.Key.Key_4)
    assert not target.exists()
    moved = files(store_dir, "4")
    assert [p.name for p in moved] == [target.name]
    assert grid.cell_of(moved[0]) == (4, 0) and grid.count("1") == 2
    assert tab.notes.text() == "Moved it to the 4s."
    assert grid.selected_samples()[0].path == moved[0]  # still selected: a 2 moves it on
    with qtbot.waitSignal(grid.refreshed, timeout=10_000):
        qtbot.keyClick(grid, Qt.Key.Key_2)
    assert files(store_dir, "4") == [] and len(files(store_dir, "2")) == 1


def open_context_menu(qtbot, grid, path) -> QMenu:  # noqa: ANN001
    row, column = grid.cell_of(path)
    centre = grid.visualRect(grid.model().index(row, column)).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre,
                              grid.viewport().mapToGlobal(centre))
    QApplication.sendEvent(grid.viewport(), event)
    menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
    assert len(menus) == 1
    return menus[0]


def test_the_context_menu_relabels_and_deletes(tab, qtbot, store_dir):
    grid = tab.grid
    seven = files(store_dir, "7")[0]
    menu = open_context_menu(qtbot, grid, seven)
    its = {a.text(): a for a in menu.actions()}
    relabel = {a.text(): a for a in its["It's a…"].menu().actions()}
    assert not relabel["7"].isEnabled() and relabel["1"].isEnabled()
    with qtbot.waitSignal(grid.refreshed, timeout=10_000):
        relabel["1"].trigger()
    menu.close()
    assert files(store_dir, "7") == [] and len(files(store_dir, "1")) == 4
    moved = store_dir / "1" / seven.name
    menu = open_context_menu(qtbot, grid, moved)
    delete = next(a for a in menu.actions() if a.text() == "Delete this drawing")
    with qtbot.waitSignal(grid.refreshed, timeout=10_000):
        delete.trigger()
    menu.close()
    assert not moved.exists() and grid.count() == 3


def test_files_that_are_no_image_are_left_out_with_a_note(qtbot, store, store_dir):
    (store_dir / "3").mkdir()
    (store_dir / "3" / "<b>not an image.png").write_text("hello")
    (store_dir / "1" / "truncated.png").write_bytes(files(store_dir, "1")[0].read_bytes()[:60])
    tab = shown(qtbot, HandwritingTab(), 1000, 680)
    qtbot.waitUntil(lambda: tab.grid_note.isVisible(), timeout=10_000)
    assert tab.grid.count() == 4  # the good ones all shown
    note = tab.grid_note.text()
    assert note.startswith("2 files in the samples folder are not a readable image")
    assert "<b>not an image.png" in note
    assert tab.grid_note.textFormat() == Qt.TextFormat.PlainText


def test_a_file_where_the_folder_should_be_is_one_line(qtbot, store_dir):
    store_dir.write_text("not a folder")
    tab = shown(qtbot, HandwritingTab(), 1000, 680)
    qtbot.waitUntil(lambda: tab.review_title.text().startswith("Your samples: none"),
                    timeout=10_000)
    collect = tab.collect
    qtbot.mouseClick(collect.start_button, LEFT)
    from tests.gui.handwriting.conftest import draw

    draw(collect.canvas, "0")
    qtbot.keyClick(collect.canvas, Qt.Key.Key_Return)
    assert collect.notes.text().startswith("The drawing was not kept: Cannot save the sample")
    assert not collect.canvas.is_blank() and collect.prompt.text() == "Draw a 0"


def test_samples_added_elsewhere_show_when_the_tab_shows_again(tab, qtbot, store):
    tab.hide()
    store.add("9", drawing(7))  # say, corrected on the Draw tab
    with qtbot.waitSignal(tab.grid.refreshed, timeout=10_000):
        tab.show()
    assert tab.grid.count("9") == 1
