"""LiveText: a line of plain text that changes many times a second without a re-layout.

QLabel.setText always calls updateGeometry(), so the layout of everything around the label is
recomputed and repainted at each change. For the Train tab's progress line, updated with every
batch report (~20 a second), that was 5–8 ms of GUI-thread time per update on a 2-core
machine (timed with the tab shown, offscreen platform), time taken from the training threads.
LiveText keeps a fixed height (`lines` lines), asks for no width beyond a few characters, and a
new text only repaints the widget itself. The text is wrapped at word boundaries and the last
line elided (widgets.elided_label.elide_lines); the tooltip then holds the whole of it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.gui.widgets.elided_label import elide_lines
from digitpad.gui.widgets.plain_text import tooltip


class LiveText(QWidget):
    """Plain text in at most `lines` lines; `text()` is the whole text, `shown_text()` the
    lines drawn, `is_elided()` whether some of it is cut. `hint` is the tooltip while nothing is
    cut (the whole text is the tooltip otherwise)."""

    def __init__(self, lines: int, text: str = "", hint: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines = max(1, lines)
        self._full, self._shown, self._cut, self._hint = "", "", False, hint
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - the QLabel name, for drop-in use
        if text == self._full:
            return
        self._full = text
        self.setAccessibleName(text)  # what a screen reader reads, as it would a QLabel's
        self._fit()

    def text(self) -> str:
        """The whole text, however much of it is shown."""
        return self._full

    def shown_text(self) -> str:
        """The lines drawn (the text, or its start ending in "…")."""
        return self._shown

    def is_elided(self) -> bool:
        return self._cut

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().averageCharWidth() * 40, self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().averageCharWidth() * 4, self._height())

    def _height(self) -> int:
        margins = self.contentsMargins()
        return self._lines * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown, cut = elide_lines(self._full, self.font(), self.contentsRect().width(),
                                 self._lines)
        self._cut = cut
        tip = tooltip(self._full) if cut else self._hint
        if tip != self.toolTip():
            self.setToolTip(tip)
        if shown != self._shown:
            self._shown = shown
            self.update()  # this widget only: its size does not depend on the text

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                         self._shown)
