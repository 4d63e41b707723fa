"""The Draw tab's Ctrl shortcuts act only there (issue 12 item 4): Ctrl+Z, Ctrl+Shift+Z and
Ctrl+V used to undo, redo and paste on the hidden canvas while the Train tab showed; a text field
on the Train tab keeps its own Ctrl+Z and Ctrl+V; File ▸ Quit is Ctrl+Q on every platform; the
Draw tab's Model label has a mnemonic of its own that focuses the picker. Real key presses."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

from tests.gui.helpers import draw_digit

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def pixels(canvas) -> np.ndarray:  # noqa: ANN001
    return canvas.to_array().copy()


def ink_picture() -> QImage:
    picture = QImage(60, 60, QImage.Format.Format_Grayscale8)
    picture.fill(0)  # all ink: unmistakable on the canvas
    return picture


def show_train_tab(window, qtbot) -> None:  # noqa: ANN001
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)  # View ▸ Train
    assert window.tabs.currentWidget() is window.train_tab


def test_undo_redo_and_paste_do_nothing_to_the_canvas_while_the_train_tab_shows(window, qtbot):
    canvas = window.draw_tab.canvas
    draw_digit(canvas, "1")
    draw_digit(canvas, "7")
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # undo the 7 on the Draw tab: there is a redo
    assert canvas.can_redo
    drawn = pixels(canvas)
    QGuiApplication.clipboard().setImage(ink_picture())
    show_train_tab(window, qtbot)
    window.train_tab.start_button.setFocus()  # the focus on a Train-tab button, not a text field
    edit = {a.text().replace("&", ""): a for a in window.menuBar().actions()[1].menu().actions()}
    for key, modifiers, name in ((Qt.Key.Key_Z, CTRL, "Undo Stroke"),
                                 (Qt.Key.Key_Z, CTRL | SHIFT, "Redo Stroke"),
                                 (Qt.Key.Key_V, CTRL, "Paste Image")):
        with qtbot.assertNotEmitted(edit[name].triggered):  # a paste would start right here
            qtbot.keyClick(window.train_tab.start_button, key, modifiers)
    assert np.array_equal(pixels(canvas), drawn)
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)  # back to the Draw tab: they work again
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert not canvas.can_redo  # the 7 is back
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert np.array_equal(pixels(canvas), drawn)
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=10_000) as pasted:
        qtbot.keyClick(window, Qt.Key.Key_V, CTRL)
    assert pasted.args[1] == ""
    assert int(canvas.to_array().min()) == 0 and not np.array_equal(pixels(canvas), drawn)


@pytest.mark.usefixtures("train_tab_ready")
def test_the_save_name_field_keeps_its_own_undo_and_paste(window, qtbot):
    canvas = window.draw_tab.canvas
    draw_digit(canvas, "1")
    drawn = pixels(canvas)
    show_train_tab(window, qtbot)
    field = window.train_tab.form.save_name
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "my-model")
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # the field's undo
    assert field.text() != "my-model"
    QGuiApplication.clipboard().setText("pasted-name")
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_V, CTRL)  # the field's paste
    assert field.text() == "pasted-name"
    assert np.array_equal(pixels(canvas), drawn) and canvas.can_undo


def test_file_quit_is_ctrl_q_and_ctrl_q_quits_from_the_train_tab(window, qtbot):
    quit_action = next(a for a in window.menuBar().actions()[0].menu().actions()
                       if a.text().replace("&", "") == "Quit")
    assert quit_action.shortcut().toString() == "Ctrl+Q"
    show_train_tab(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)


def test_alt_o_focuses_the_model_picker_on_the_draw_tab(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    window.draw_tab.canvas.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(window.draw_tab.picker.hasFocus, timeout=2_000)


def test_ctrl_o_on_the_train_tab_shows_the_image_on_the_draw_tab(window, qtbot, tmp_path,
                                                                 monkeypatch):
    from PIL import Image
    from PySide6.QtWidgets import QFileDialog

    path = tmp_path / "ink.png"
    Image.new("L", (40, 40), 0).save(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    show_train_tab(window, qtbot)
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=10_000) as opened:
        qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
    assert opened.args == [str(path), ""]
    assert window.tabs.currentWidget() is window.draw_tab  # not put on a hidden canvas
    assert not window.draw_tab.canvas.is_blank()
