"""The Draw tab's window-level actions: which shortcuts act only there, and the list of
keyboard shortcuts that Help ▸ Keyboard Shortcuts shows."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTabWidget, QWidget


def only_on_tab(actions: Iterable[QAction], tabs: QTabWidget, page: QWidget) -> None:
    """Enable `actions` (and so their shortcuts) only while `page` is the tab shown.

    Single keys such as E, Delete and [ would otherwise change the drawing unseen while
    another tab shows. Enabling by tab rather than a widget shortcut context keeps them
    working wherever the focus is on the page (or on the tab bar), and their menu items say
    by being greyed out that they belong to the Draw tab."""
    actions = list(actions)

    def follow(_index: int = 0) -> None:
        on = tabs.currentWidget() is page
        for action in actions:
            action.setEnabled(on)

    tabs.currentChanged.connect(follow)
    follow()
