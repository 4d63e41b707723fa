"""Alt+letter mnemonics: unique among everything Alt can reach at once (issue 12: Alt+S was both
"Schedule" and "Start", so Start never got it). The scope is the window: the menu bar, the tab
bars and every visible button, label (with a buddy), check box and tab of the tab shown; and
each menu on its own. Alt+S then presses Start, with a real key press."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenu, QTabBar, QWidget

pytestmark = pytest.mark.usefixtures("train_tab_ready")  # `window` (conftest), Start enabled

_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ("S&top" → "t"), lower-cased; None without one."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def window_scope(window: QWidget) -> dict[str, list[str]]:
    """letter → the texts that claim it, for everything Alt+letter reaches right now."""
    claims: dict[str, list[str]] = defaultdict(list)

    def claim(text: str) -> None:
        letter = mnemonic(text)
        if letter:
            claims[letter].append(text)

    for action in window.menuBar().actions():
        claim(action.text())
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if isinstance(widget, QTabBar):
            for index in range(widget.count()):
                claim(widget.tabText(index))
        elif isinstance(widget, QAbstractButton):
            claim(widget.text())
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            claim(widget.text())
    return claims


def menu_scopes(window: QWidget) -> dict[str, dict[str, list[str]]]:
    scopes = {}
    for top in window.menuBar().actions():
        menu: QMenu = top.menu()
        claims: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            letter = mnemonic(action.text())
            if letter:
                claims[letter].append(action.text())
        scopes[top.text()] = claims
    return scopes


def clashes(claims: dict[str, list[str]]) -> dict[str, list[str]]:
    return {letter: texts for letter, texts in claims.items() if len(texts) > 1}


def test_every_mnemonic_on_the_train_tab_is_unique(window, qtbot):
    window.tabs.setCurrentWidget(window.train_tab)
    for index in range(window.train_tab.details.count()):  # each details page in turn
        window.train_tab.details.setCurrentIndex(index)
        qtbot.waitUntil(window.train_tab.details.currentWidget().isVisible)
        assert clashes(window_scope(window)) == {}
    window.train_tab.pause_button.setText("&Resume")  # the text it takes while paused
    assert clashes(window_scope(window)) == {}


def test_every_mnemonic_on_the_draw_tab_is_unique(window):
    window.tabs.setCurrentWidget(window.draw_tab)
    assert clashes(window_scope(window)) == {}


def test_every_menu_has_unique_mnemonics(window):
    for name, claims in menu_scopes(window).items():
        assert clashes(claims) == {}, name


def test_alt_s_presses_start_on_the_train_tab(window, qtbot):
    window.tabs.setCurrentWidget(window.train_tab)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    pressed = []
    window.train_tab.start_button.clicked.disconnect()  # the press, not a training run
    window.train_tab.start_button.clicked.connect(lambda: pressed.append(True))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: pressed == [True], timeout=2_000)  # a mnemonic animates the click
