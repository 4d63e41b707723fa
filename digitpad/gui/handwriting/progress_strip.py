"""ProgressStrip: ten cells, one per digit, each filling as its samples are accepted.

The digit being asked for is outlined; a digit the model already reads right (in "only the
ones it misreads") shows a tick. Painted by hand: ten QProgressBars would not show the digit
large, the outline or the tick, and would take ten times the room.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.gui.handwriting.collect_session import CollectSession

GAP = 6


@dataclass(frozen=True)
class Cell:
    """What one digit's cell shows."""

    digit: str
    accepted: int = 0
    wanted: int = 0  # 0: no session
    skipped: int = 0
    read_right: bool = False

    @property
    def caption(self) -> str:
        """The small line under the digit: "2/5", a tick, or nothing."""
        if self.read_right:
            return "✓"
        return f"{self.accepted}/{self.wanted}" if self.wanted else ""

    @property
    def fill(self) -> float:
        """How full the cell is, 0..1 (a settled digit is full)."""
        if self.read_right:
            return 1.0
        return min(1.0, (self.accepted + self.skipped) / self.wanted) if self.wanted else 0.0

    def describe(self) -> str:
        """The cell in words (its tooltip)."""
        if not self.wanted:
            return f"Your {self.digit}s"
        words = f"{self.accepted} of {self.wanted} {self.digit}s drawn"
        if self.skipped:
            words += f", {self.skipped} skipped"
        if self.read_right:
            words += f" — it reads your {self.digit}s right, no more needed"
        return words


class ProgressStrip(QWidget):
    """One cell per digit; `show_session` updates them all."""

    def __init__(self, digits: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cells = [Cell(d) for d in digits]
        self._current: str | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Samples drawn per digit")
        self.setMouseTracking(True)

    def cells(self) -> list[Cell]:
        """The cells as shown, in digit order."""
        return list(self._cells)

    def current(self) -> str | None:
        """The digit outlined (asked for now), or None."""
        return self._current

    def show_session(self, session: CollectSession | None) -> None:
        """Show `session`'s progress (None: empty cells, nothing outlined)."""
        if session is None:
            self._cells = [Cell(c.digit) for c in self._cells]
            self._current = None
        else:
            self._cells = [Cell(d, session.accepted_count(d), session.per_digit,
                                session.progress[d].skipped, session.read_right(d))
                           for d in (c.digit for c in self._cells)]
            self._current = session.current
        current = next((c for c in self._cells if c.digit == self._current), None)
        self.setAccessibleDescription(current.describe() if current else "")
        self.update()

    # --- geometry and painting -------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(10 * 52, self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(10 * 30, self._height())

    def _height(self) -> int:
        return self.fontMetrics().height() * 3 + 12

    def _cell_rect(self, index: int) -> QRectF:
        n = max(1, len(self._cells))
        width = (self.width() - GAP * (n - 1)) / n
        return QRectF(index * (width + GAP), 1, width, self.height() - 2)

    def event(self, event) -> bool:  # noqa: ANN001 - tooltips per cell
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QToolTip

        if event.type() == QEvent.Type.ToolTip:
            for index, cell in enumerate(self._cells):
                if self._cell_rect(index).contains(event.position()):
                    QToolTip.showText(event.globalPos(), cell.describe(), self)
                    return True
            QToolTip.hideText()
            return True
        return super().event(event)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        palette = self.palette()
        base, mid = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Mid)
        accent = palette.color(QPalette.ColorRole.Highlight)
        filled = accent.lighter(170) if accent.lightness() < 160 else accent
        text = palette.color(QPalette.ColorRole.Text)
        big, small = QFont(self.font()), QFont(self.font())
        big.setPointSizeF(max(9.0, self.font().pointSizeF() * 1.5))
        big.setBold(True)
        with QPainter(self) as painter:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for index, cell in enumerate(self._cells):
                rect = self._cell_rect(index).adjusted(1, 1, -1, -1)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(base)
                painter.drawRoundedRect(rect, 5, 5)
                if cell.fill > 0:
                    height = rect.height() * cell.fill
                    part = QRectF(rect.left(), rect.bottom() - height, rect.width(), height)
                    painter.setBrush(filled)
                    painter.drawRoundedRect(part, 5, 5)
                current = cell.digit == self._current
                painter.setPen(QPen(accent if current else mid, 3 if current else 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect, 5, 5)
                painter.setPen(text)
                top, bottom = rect.adjusted(0, 2, 0, -rect.height() * 0.4), rect.adjusted(
                    0, rect.height() * 0.6, 0, -2)
                painter.setFont(big)
                painter.drawText(top, Qt.AlignmentFlag.AlignCenter, cell.digit)
                painter.setFont(small)
                painter.drawText(bottom, Qt.AlignmentFlag.AlignCenter, cell.caption)
