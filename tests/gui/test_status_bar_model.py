"""Issue 12 (trial finding): the status bar's "Model: digits (digitnet, mnist)" was a temporary
message, gone after the first stroke; the model in use now stays in sight, in a permanent
status-bar widget that follows the model the Draw tab uses."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from tests.gui.helpers import draw_digit, shown_label


def _model_shown(window) -> list[str]:  # noqa: ANN001
    bar = window.statusBar()
    texts = [label.text() for label in bar.findChildren(QLabel) if label.isVisible()]
    return [text for text in texts + [bar.currentMessage()] if text.startswith("Model: ")]


@pytest.mark.usefixtures("train_tab_ready")  # no background listing outlives the test
def test_the_model_in_use_stays_in_the_status_bar(window, qtbot):
    assert "Model: digits (digitnet, mnist)" in _model_shown(window)
    draw_digit(window.draw_tab.canvas, "1")  # the first stroke, with the mouse
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)
    window.statusBar().clearMessage()  # as any temporary message goes after its time
    assert _model_shown(window) == ["Model: digits (digitnet, mnist)"]


@pytest.mark.usefixtures("train_tab_ready")
def test_it_follows_a_model_opened_from_a_file(window, qtbot, tmp_path):
    import shutil

    bundled = window.draw_tab.model_path
    copy = tmp_path / "my copy.pt"
    shutil.copy(bundled, copy)
    with qtbot.waitSignal(window.service.modelLoaded, timeout=30_000):
        window.draw_tab.use_model(str(copy))
    window.statusBar().clearMessage()
    assert _model_shown(window) == ["Model: my copy (digitnet, mnist)"]
