"""'Only the ones it misreads': the model in use (the bundled digits model) reads each sample
kept, in the background, and a digit it read right on its first samples is not asked for
again. The Draw tab's bars are left showing its own drawing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from digitpad.gui.handwriting.collect_session import CHECK_FIRST
from tests.gui.handwriting.conftest import draw, files
from tests.gui.helpers import shown_label


def test_digits_it_reads_right_are_not_asked_for_again(hw_window, qtbot, store_dir):
    tab = hw_window.handwriting_tab
    collect = tab.collect
    qtbot.mouseClick(collect.misread_only, Qt.MouseButton.LeftButton)
    collect.per_digit.setValue(3)
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    for _ in range(CHECK_FIRST):
        for digit in "0123456789":
            assert collect.prompt.text() == f"Draw a {digit}"
            # 1s drawn where 5s are asked for: those it misreads
            draw(collect.canvas, "1" if digit == "5" else digit)
            qtbot.keyClick(collect.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not collect.reader.busy(), timeout=30_000)
    session = collect.session
    assert "5" not in session.settled() and "0" in session.settled()
    assert session.current != "0" and session.needs("5")
    assert collect.strip.cells()[0].caption == "✓"
    while collect.active:  # the rest: what it still asks for
        digit = session.current
        assert digit not in session.settled()
        draw(collect.canvas, digit)
        qtbot.keyClick(collect.canvas, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not collect.reader.busy(), timeout=30_000)
    assert len(files(store_dir, "5")) == 3 and len(files(store_dir, "0")) == CHECK_FIRST
    assert collect.prompt.text().endswith("samples. Fine-tune to teach it your handwriting.")
    assert collect.detail.text().startswith("It already reads your 0, ")


def test_the_draw_tab_still_shows_its_own_drawing(hw_window, qtbot, store_dir):
    draw_tab = hw_window.draw_tab
    qtbot.keyClick(hw_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    draw(draw_tab.canvas, "7")
    qtbot.waitUntil(lambda: shown_label(hw_window) == "7", timeout=30_000)
    qtbot.keyClick(hw_window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    collect = hw_window.handwriting_tab.collect
    qtbot.mouseClick(collect.misread_only, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(collect.start_button, Qt.MouseButton.LeftButton)
    draw(collect.canvas, "0")
    qtbot.keyClick(collect.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not collect.reader.busy(), timeout=30_000)
    assert collect.session.progress["0"].readings  # the 0 was read
    # its answer reached the Draw tab's bars too; the Draw tab asks again for its own 7
    qtbot.waitUntil(lambda: shown_label(hw_window) == "7", timeout=30_000)
