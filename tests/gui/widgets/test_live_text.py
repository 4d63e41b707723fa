"""LiveText: a progress line that changes ~20 times a second repaints itself only, never
re-lays-out the tab around it; long text is elided, whole in the tooltip, shown as plain text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from digitpad.gui.widgets.live_text import LiveText


class _LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def _page(qtbot, line: QWidget) -> tuple[QWidget, _LayoutRequests]:  # noqa: ANN001
    page = QWidget()
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    layout.addWidget(QPushButton("Start"))
    layout.addWidget(line)
    page.resize(400, 200)
    page.show()
    qtbot.waitExposed(page)
    requests = _LayoutRequests()
    page.installEventFilter(requests)
    qtbot.wait(20)  # what showing it asked for is done
    requests.count = 0
    return page, requests


def _update_many_times(qtbot, line: QWidget) -> None:  # noqa: ANN001
    for step in range(1, 30):
        line.setText(f"Epoch 1 of 2 · step {step} of 347 · {2000 + 37 * step:,} images/s")
        qtbot.wait(1)  # the event loop runs, as between two batch reports


def test_a_new_text_asks_no_relayout_where_a_label_did(qtbot):
    label = QLabel()
    label.setWordWrap(True)
    _page_label, label_requests = _page(qtbot, label)
    _update_many_times(qtbot, label)
    assert label_requests.count > 0  # what the progress line was, and why it was replaced

    line = LiveText(2)
    _page_line, line_requests = _page(qtbot, line)
    _update_many_times(qtbot, line)
    assert line_requests.count == 0
    assert line.text().startswith("Epoch 1 of 2 · step 29 of 347")


def test_long_text_is_elided_in_its_lines_with_the_whole_in_the_tooltip(qtbot):
    line = LiveText(2, hint="What the run is doing")
    page, _requests = _page(qtbot, line)
    height = line.height()
    assert line.toolTip() == "What the run is doing" and not line.is_elided()
    text = "<b>dataset</b> " + "a rather long name of a folder " * 20
    line.setText(text)
    assert line.text() == text and line.is_elided()
    assert line.shown_text().endswith("…") and line.shown_text().count("\n") <= 1
    assert "<b>" in line.shown_text()  # drawn as written, never as markup
    assert "&lt;b&gt;" in line.toolTip()  # the tooltip shows the tags literally too
    assert line.height() == height  # a long text does not grow it
    line.setText("short")
    assert not line.is_elided() and line.toolTip() == "What the run is doing"
    page.resize(800, 200)
