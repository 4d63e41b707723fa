"""UnitBars: one thin vertical bar per unit of a linear layer (or the model's output).

Values are scaled by the layer's largest |value|: when all are ≥ 0 (after a ReLU) the bars
rise from the bottom; when some are negative (raw scores, a tanh) they go up and down from a
middle line. With labels (the output's class names) each bar is named underneath and the
largest is drawn in the highlight colour, so the winning class stands out. Hovering a bar
shows its number (or label) and value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.gui.widgets.plain_text import tooltip

BAR_HEIGHT = 56  # px for the bars themselves


class UnitBars(QWidget):
    """Painted, not built from widgets: an MLP's 128 units cost one paint call."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values = np.zeros(0, np.float32)
        self._labels: list[str] = []
        self._signed = False
        self._top = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_units(self, values: np.ndarray | None, labels: Sequence[str] = ()) -> None:
        """Show `values` (float (N,); None: nothing) with a label per bar, or none."""
        array = np.zeros(0, np.float32) if values is None else np.asarray(values, np.float32)
        self._values = np.nan_to_num(array.ravel(), nan=0.0, posinf=0.0, neginf=0.0)
        self._labels = [str(t) for t in labels] if len(labels) == self._values.size else []
        self._signed = bool((self._values < 0).any())
        top = float(np.abs(self._values).max()) if self._values.size else 0.0
        self._top = top if top > 0 else 1.0
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def count(self) -> int:
        """How many bars it shows."""
        return int(self._values.size)

    def _label_height(self) -> int:
        return QFontMetrics(self.font()).height() if self._labels else 0

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(max(80, 4 * self.count()), BAR_HEIGHT + self._label_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(40, self.sizeHint().height())

    def _slot(self) -> float:
        return self.width() / max(1, self.count())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        count = self.count()
        if not count:
            return
        painter = QPainter(self)
        palette = self.palette()
        normal = palette.color(QPalette.ColorRole.Mid)
        best = palette.color(QPalette.ColorRole.Highlight)
        slot = self._slot()
        gap = 1.0 if slot >= 4 else 0.0
        base = BAR_HEIGHT / 2 if self._signed else float(BAR_HEIGHT)
        reach = BAR_HEIGHT / 2 if self._signed else float(BAR_HEIGHT)
        winner = int(np.argmax(self._values)) if self._labels else -1
        axis = QColor(palette.color(QPalette.ColorRole.WindowText))
        axis.setAlpha(90)
        painter.fillRect(QRectF(0, base - 0.5, self.width(), 1), axis)
        for i, value in enumerate(self._values.tolist()):
            length = reach * value / self._top
            top, height = (base - length, length) if length >= 0 else (base, -length)
            painter.fillRect(QRectF(i * slot + gap / 2, top, max(1.0, slot - gap), height),
                             best if i == winner else normal)
        if self._labels:
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            metrics = QFontMetrics(self.font())
            for i, label in enumerate(self._labels):
                text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(slot))
                painter.drawText(QRectF(i * slot, BAR_HEIGHT, slot, self._label_height()),
                                 int(Qt.AlignmentFlag.AlignCenter), text)
        painter.end()

    def event(self, event: QEvent) -> bool:
        """A tooltip naming the bar under the mouse and its value."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            i = int(event.pos().x() // self._slot()) if self.count() else -1
            if 0 <= i < self.count():
                name = self._labels[i] if self._labels else f"unit {i + 1}"
                QToolTip.showText(event.globalPos(), tooltip(f"{name}: {self._values[i]:.3g}"),
                                  self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
