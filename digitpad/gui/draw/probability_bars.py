"""ProbabilityBars: a bar per class with its name and percentage; the top one highlighted.

Up to MAX_ALL_ROWS classes every class has a row, in class order. A model with more (an image
folder can have 1000 classes) shows the TOP_ROWS most probable classes, most probable first,
and one line for the rest ("… and 988 more classes, 3.1% together"), so the widget stays a
dozen rows tall and each repaint stays cheap whatever the class count.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

MIN_ROW = 14
MIN_BAR = 40  # the bars keep at least this much width (px) before class names are shortened
MAX_ROW = 40  # a big window's rows stop growing here (the widget's maximum height follows)
MAX_ALL_ROWS = 40  # up to this many classes, one row each
TOP_ROWS = 12  # beyond that, rows for the most probable classes and a line for the rest
TIP = "How sure the model is of each class"


class ProbabilityBars(QWidget):
    """Custom painted so hundreds of updates a second cost next to nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._values: list[float] | None = None
        self._rows: list[int] = []  # the classes that have a row, top to bottom
        self._widest = ("", 0.0)  # (bold font key, widest class name in it)
        self._muted = False  # the model declined the image: its guesses shown greyed
        self._tip = TIP
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setToolTip(TIP)
        self.setAccessibleName("Class probabilities")
        self._fit_height()

    # --- data -------------------------------------------------------------------------------
    def set_classes(self, names: Sequence[str]) -> None:
        """The classes, one row each (clears the probabilities)."""
        self._names = [str(name) for name in names]
        self._values = None
        self._widest = ("", 0.0)
        self._rows = list(range(min(len(self._names), self._row_limit())))
        self._muted = False
        self._tip = (TIP if len(self._names) <= MAX_ALL_ROWS
                     else f"How sure the model is of its {TOP_ROWS} most likely classes")
        self.setToolTip(self._tip)
        self._fit_height()
        self.updateGeometry()
        self._changed()

    def _fit_height(self) -> None:
        """No taller than rows of MAX_ROW need (ten before any classes are known), so a big
        window's spare height is left to the widgets below instead of empty space in here."""
        lines = self._line_count() if self._names else 10
        self.setMaximumHeight(lines * MAX_ROW + 8)

    def set_probabilities(self, values: Sequence[float], muted_tip: str = "") -> None:
        """One probability (0..1) per class, in class order. With `muted_tip` (why the model
        declined the image) the bars are greyed and that is their tooltip."""
        if len(values) != len(self._names):
            raise ValueError(f"{len(values)} probabilities for {len(self._names)} classes")
        self._values = [float(v) for v in values]
        self._muted = bool(muted_tip)
        self.setToolTip(muted_tip or self._tip)
        if len(self._names) > MAX_ALL_ROWS:  # the most probable first (ties: class order)
            order = np.argsort(-np.nan_to_num(np.asarray(self._values)), kind="stable")
            self._rows = order[:TOP_ROWS].tolist()
        self._changed()

    def clear_probabilities(self) -> None:
        """No prediction: empty bars."""
        self._values = None
        self._muted = False
        self.setToolTip(self._tip)
        self._rows = list(range(min(len(self._names), self._row_limit())))
        self._changed()

    def is_muted(self) -> bool:
        """Whether the bars are greyed: the model declined to call the image any class."""
        return self._muted

    def probabilities(self) -> list[float] | None:
        """The probabilities shown, or None."""
        return None if self._values is None else list(self._values)

    def top_index(self) -> int | None:
        """Index of the highlighted (most probable) class, or None."""
        if not self._values:
            return None
        return max(range(len(self._values)), key=self._values.__getitem__)

    def class_names(self) -> list[str]:
        """The class names, in class order."""
        return list(self._names)

    def shown_rows(self) -> list[int]:
        """The indices of the classes that have a bar, top to bottom."""
        return list(self._rows)

    def more_text(self) -> str:
        """The line for the classes without a bar ('' when every class has one)."""
        hidden = len(self._names) - len(self._rows)
        if hidden <= 0:
            return ""
        text = f"… and {hidden:,} more classes"
        if self._values is not None:
            rest = max(0.0, 1.0 - sum(self._values[i] for i in self._rows))
            text += f", {rest:.1%} together"
        return text

    def _row_limit(self) -> int:
        return len(self._names) if len(self._names) <= MAX_ALL_ROWS else TOP_ROWS

    def _widest_name(self) -> float:
        """The widest class name in bold (the top row's font), measured once per class list and
        font: the bars stay put as the top classes change, and a paint measures no names."""
        bold = QFont(self.font())
        bold.setBold(True)
        if self._widest[0] != bold.key():
            metrics = QFontMetricsF(bold)
            widest = max((metrics.horizontalAdvance(name) for name in self._names), default=0.0)
            self._widest = (bold.key(), widest)
        return self._widest[1]

    def _columns(self) -> tuple[float, float, float]:
        """(name column, bar, percentage column) widths: the names get the room the widest
        needs, in bold, as long as a bar of MIN_BAR (or a quarter of the width) is left."""
        percent_width = QFontMetricsF(self.font()).horizontalAdvance("100.0%") + 8
        room = self.width() - percent_width - max(MIN_BAR, 0.25 * self.width())
        name_width = max(0.0, min(self._widest_name() + 12, room))
        return name_width, max(10.0, self.width() - name_width - percent_width), percent_width

    def shown_name(self, index: int) -> str:
        """Class `index`'s name as its row shows it (shortened with … only when there is no
        room for it: in bold for the top class)."""
        font = QFont(self.font())
        font.setBold(index == self.top_index())
        return self._elided(QFontMetricsF(font), index, self._columns()[0])

    def _elided(self, metrics: QFontMetricsF, index: int, name_width: float) -> str:
        return metrics.elidedText(self._names[index], Qt.TextElideMode.ElideRight, name_width - 6)

    def _line_count(self) -> int:
        return len(self._rows) + (1 if len(self._names) > len(self._rows) else 0)

    def _changed(self) -> None:
        top = self.top_index()
        self.setAccessibleDescription(
            "no prediction" if top is None
            else ("declined, best guess " if self._muted else "")
            + f"{self._names[top]}: {self._values[top]:.0%}"  # type: ignore[index]
        )
        self.update()

    # --- painting ---------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(260, max(1, self._line_count()) * 24 + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(160, max(1, self._line_count()) * MIN_ROW + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if not self._names:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        row = max(MIN_ROW, min(MAX_ROW, (self.height() - 8) / self._line_count()))
        name_width, bar_width, percent_width = self._columns()
        bar_left = name_width
        top_index = self.top_index()
        regular, bold = QFont(self.font()), QFont(self.font())
        bold.setBold(True)
        track = palette.color(QPalette.ColorRole.AlternateBase)
        muted = palette.color(QPalette.ColorRole.Mid)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        text = palette.color(QPalette.ColorRole.WindowText)
        if self._muted:  # declined: no class is the answer, so none stands out in colour
            highlight, text = muted, palette.color(QPalette.ColorRole.PlaceholderText)
            muted = palette.color(QPalette.ColorRole.Midlight)
        for line, i in enumerate(self._rows):
            y = 4 + line * row
            is_top = i == top_index
            painter.setFont(bold if is_top else regular)
            painter.setPen(text)
            painter.drawText(QRectF(0, y, name_width - 4, row),  # bold is wider: elided in it
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             self._elided(QFontMetricsF(painter.font()), i, name_width))
            bar = QRectF(bar_left, y + row * 0.18, bar_width, row * 0.64)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, 3, 3)
            value = None if self._values is None else self._values[i]
            if value is not None and value > 0:
                painter.setBrush(highlight if is_top else muted)
                painter.drawRoundedRect(QRectF(bar.x(), bar.y(), max(2.0, bar.width() * value),
                                               bar.height()), 3, 3)
            painter.setPen(text)
            percent = "–" if value is None else f"{100 * value:.1f}%"
            painter.drawText(QRectF(bar_left + bar_width + 4, y, percent_width - 4, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, percent)
        more = self.more_text()
        if more:
            painter.setFont(regular)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QRectF(0, 4 + len(self._rows) * row, self.width(), row),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                             painter.fontMetrics().elidedText(more, Qt.TextElideMode.ElideRight,
                                                              self.width()))
        painter.end()
