"""The guided session on the My handwriting tab, as a person uses it: Start, draw with the
mouse, Enter keeps the drawing in <digit>/ of the handwriting folder and moves the strip on, Esc
skips, Ctrl+Z undoes a stroke and then, on an empty canvas, the sample kept last (its file
goes). Real clicks and key presses in the main window."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

from digitpad.core.images import open_image
from tests.gui.handwriting.conftest import draw, files

CTRL = Qt.KeyboardModifier.ControlModifier


def press(window, qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    qtbot.keyClick(window.handwriting_tab.collect.canvas, key, modifiers)


def test_enter_keeps_the_drawing_as_drawn_and_the_strip_moves_on(hw_window, qtbot, store_dir):
    collect = hw_window.handwriting_tab.collect
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    assert collect.prompt.text() == "Draw a 0" and collect.strip.current() == "0"
    draw(collect.canvas, "0")
    drawn = collect.canvas.to_array()
    press(hw_window, qtbot, Qt.Key.Key_Return)
    saved = files(store_dir, "0")
    assert len(saved) == 1
    with open_image(saved[0]) as image:
        assert np.array_equal(np.asarray(image.convert("L")), drawn)  # the canvas pixels
    assert collect.canvas.is_blank()
    assert collect.prompt.text() == "Draw a 1" and collect.strip.current() == "1"
    cells = {c.digit: c for c in collect.strip.cells()}
    assert cells["0"].caption == "1/5" and cells["0"].fill == 0.2 and cells["1"].caption == "0/5"
    draw(collect.canvas, "1")
    press(hw_window, qtbot, Qt.Key.Key_Enter)  # the keypad's Enter too
    assert len(files(store_dir, "1")) == 1
    grid = hw_window.handwriting_tab.grid
    qtbot.waitUntil(lambda: grid.count() == 2, timeout=10_000)  # the review follows
    assert grid.cell_of(saved[0]) == (0, 0)


def test_enter_on_an_empty_canvas_keeps_nothing_and_says_so(hw_window, qtbot, store_dir):
    collect = hw_window.handwriting_tab.collect
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    press(hw_window, qtbot, Qt.Key.Key_Return)
    assert not store_dir.exists() or not any(store_dir.rglob("*.png"))
    assert collect.prompt.text() == "Draw a 0"
    assert "Draw a 0 first" in collect.notes.text()


def test_esc_skips_the_prompt_without_keeping_anything(hw_window, qtbot, store_dir):
    collect = hw_window.handwriting_tab.collect
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    draw(collect.canvas, "7")  # not a 0 after all
    press(hw_window, qtbot, Qt.Key.Key_Escape)
    assert collect.prompt.text() == "Draw a 1" and collect.canvas.is_blank()
    assert not any(store_dir.rglob("*.png")) if store_dir.exists() else True
    assert "skipped" in {c.digit: c for c in collect.strip.cells()}["0"].describe()


def test_ctrl_z_undoes_the_stroke_then_the_last_sample_kept(hw_window, qtbot, store_dir):
    collect = hw_window.handwriting_tab.collect
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    draw(collect.canvas, "0")
    press(hw_window, qtbot, Qt.Key.Key_Return)
    kept = files(store_dir, "0")
    draw(collect.canvas, "1")
    press(hw_window, qtbot, Qt.Key.Key_Z, CTRL)  # the 1's stroke
    assert collect.canvas.is_blank() and len(kept) == 1 and files(store_dir, "0") == kept
    assert collect.prompt.text() == "Draw a 1"
    press(hw_window, qtbot, Qt.Key.Key_Z, CTRL)  # empty canvas: the 0 kept
    assert files(store_dir, "0") == []
    assert collect.prompt.text() == "Draw a 0" and collect.strip.current() == "0"
    assert {c.digit: c for c in collect.strip.cells()}["0"].caption == "0/5"
    assert not collect.canvas.is_blank()  # its drawing is back, to redo or keep
    assert "Took back the last 0" in collect.notes.text()
    press(hw_window, qtbot, Qt.Key.Key_Return)  # kept after all
    assert len(files(store_dir, "0")) == 1


def test_a_whole_session_ends_with_the_count_and_the_next_step(hw_window, qtbot, store_dir):
    collect = hw_window.handwriting_tab.collect
    collect.per_digit.setValue(1)
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    assert not collect.per_digit.isEnabled() and collect.stop_button.isEnabled()
    for digit in "0123456789":
        assert collect.prompt.text() == f"Draw a {digit}"
        draw(collect.canvas, digit)
        press(hw_window, qtbot, Qt.Key.Key_Return)
    assert collect.prompt.text() == ("Done: 10 samples. Fine-tune to teach it your "
                                     "handwriting.")
    assert all(len(files(store_dir, d)) == 1 for d in "0123456789")
    assert collect.start_button.isEnabled() and not collect.stop_button.isEnabled()
    draw(collect.canvas, "3")
    press(hw_window, qtbot, Qt.Key.Key_Return)  # the session is over: Enter keeps nothing
    assert len(files(store_dir, "3")) == 1
    grid = hw_window.handwriting_tab.grid
    qtbot.waitUntil(lambda: grid.count() == 10, timeout=10_000)
    assert hw_window.handwriting_tab.review_title.text() == "Your samples (10)"
    qtbot.keyClick(collect.canvas, Qt.Key.Key_Z, CTRL)  # the 3 drawn after the end
    press(hw_window, qtbot, Qt.Key.Key_Z, CTRL)  # empty canvas: the 9 kept last comes back
    assert files(store_dir, "9") == [] and collect.prompt.text() == "Draw a 9"
    press(hw_window, qtbot, Qt.Key.Key_Return)
    assert len(files(store_dir, "9")) == 1 and collect.prompt.text().startswith("Done: 10")


def test_stop_ends_the_session_and_keeps_what_was_kept(hw_window, qtbot, store_dir):
    collect = hw_window.handwriting_tab.collect
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    draw(collect.canvas, "0")
    press(hw_window, qtbot, Qt.Key.Key_Return)
    qtbot.mouseClick(collect.stop_button, Qt.MouseButton.LeftButton)
    assert collect.prompt.text() == "Draw your own digits" and collect.strip.current() is None
    assert "1 sample kept" in collect.notes.text()
    assert len(files(store_dir, "0")) == 1


def test_the_keys_do_nothing_on_the_draw_tab(hw_window, qtbot, store_dir):
    collect = hw_window.handwriting_tab.collect
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    draw(collect.canvas, "0")
    qtbot.keyClick(hw_window, Qt.Key.Key_1, CTRL)  # the Draw tab
    canvas = hw_window.draw_tab.canvas
    draw(canvas, "7")
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert not store_dir.exists() or not any(store_dir.rglob("*.png"))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)  # the Draw tab's own Esc: Clear Canvas
    assert canvas.is_blank()
    assert collect.prompt.text() == "Draw a 0"  # not skipped
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)  # the Draw tab's own undo: the 7 is back
    assert not canvas.is_blank()
    assert not collect.canvas.is_blank()  # the session's drawing untouched


def test_enter_in_a_dialog_belongs_to_the_dialog(hw_window, qtbot, store_dir):
    collect = hw_window.handwriting_tab.collect
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    draw(collect.canvas, "0")
    dialog = QDialog(hw_window)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    QVBoxLayout(dialog).addWidget(buttons)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow(), timeout=5000)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.Key.Key_Return)
    assert not store_dir.exists() or not any(store_dir.rglob("*.png"))
    assert collect.prompt.text() == "Draw a 0" and not collect.canvas.is_blank()
