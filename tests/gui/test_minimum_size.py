"""Issue 12 item 18: the window cannot shrink to where buttons read "E…r" and the Draw tab's bars
for 6-9 vanish; at its minimum size every button shows its whole text and every bar is there."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton

pytestmark = pytest.mark.usefixtures("train_tab_ready")  # `window` (conftest), Start enabled


def _cut_buttons(tab) -> list[str]:  # noqa: ANN001
    return [b.text() for b in tab.findChildren(QAbstractButton)
            if b.isVisible() and b.text() and b.width() < b.sizeHint().width()]


def test_the_window_stops_at_a_usable_minimum_size(window, qtbot):
    window.resize(500, 400)  # as far as a person dragged the corner
    qtbot.waitUntil(lambda: window.width() < 1000)
    assert window.width() >= 880 and window.height() >= 640
    window.tabs.setCurrentWidget(window.train_tab)
    qtbot.waitUntil(window.train_tab.start_button.isVisible)
    assert _cut_buttons(window.train_tab) == []
    window.tabs.setCurrentWidget(window.draw_tab)
    qtbot.waitUntil(window.draw_tab.bars.isVisible)
    bars = window.draw_tab.bars
    assert bars.height() >= bars.sizeHint().height()  # all ten rows, none squeezed out
    assert _cut_buttons(window.draw_tab) == []
