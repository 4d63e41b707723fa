"""The My handwriting tab in the window: Ctrl+3 shows it, its tab says what it is for, its
Alt+letters are unique in the window (test_mnemonics' rule) and Alt+S presses Start."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.test_mnemonics import clashes, window_scope


def test_ctrl_3_shows_the_tab_and_its_tooltip_says_so(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.handwriting_tab
    index = window.tabs.indexOf(window.handwriting_tab)
    assert window.tabs.tabText(index).replace("&", "") == "My handwriting"
    assert "(Ctrl+3)" in window.tabs.tabToolTip(index)


def test_every_mnemonic_on_the_handwriting_tab_is_unique(window, qtbot):
    window.tabs.setCurrentWidget(window.handwriting_tab)
    qtbot.waitUntil(window.handwriting_tab.isVisible)
    assert clashes(window_scope(window)) == {}
    window.handwriting_tab.collect.start()  # Stop enabled, the rest greyed: same letters
    assert clashes(window_scope(window)) == {}


def test_alt_s_starts_a_session(window, qtbot):
    window.tabs.setCurrentWidget(window.handwriting_tab)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    collect = window.handwriting_tab.collect
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: collect.active, timeout=2_000)  # a mnemonic animates the click
    assert collect.prompt.text() == "Draw a 0"


def test_samples_are_drawn_with_the_draw_tabs_brush(window, qtbot):
    window.activateWindow()
    canvas = window.draw_tab.canvas
    before = canvas.brush_size
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)  # Edit ▸ Larger Brush, on the Draw tab
    assert canvas.brush_size > before
    assert window.handwriting_tab.collect.canvas.brush_size == canvas.brush_size
