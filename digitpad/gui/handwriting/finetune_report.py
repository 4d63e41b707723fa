"""The Fine-tune panel's result: the before/after table (core.personal.report's rows), the note
saying how its figures were measured, and where the new model went."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.personal.report import FineTuneReport
from digitpad.gui.widgets.plain_text import plain_label


class FineTuneResult(QWidget):
    """What a finished fine-tune made: `table` (what / before / after), `note`, `saved`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["", "Before", "After"])
        self.table.setToolTip("How often it reads these right, before and after the fine-tune")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(False)  # one line a row: the rows' height never follows a wrap
        for policy in (self.table.setVerticalScrollBarPolicy,
                       self.table.setHorizontalScrollBarPolicy):
            policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        columns = self.table.horizontalHeader()
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        figure = self.table.fontMetrics().horizontalAdvance("100.00%") + 24  # room either side
        for column in (1, 2):
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, figure)
        self.note = plain_label()
        self.note.setWordWrap(True)
        self.note.setEnabled(False)  # greyed: how the figures were made
        self.saved = plain_label()  # quotes the model's file name: plain text
        self.saved.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.table, self.note, self.saved):
            layout.addWidget(widget)

    def show_report(self, report: FineTuneReport, saved: str) -> None:
        """Fill in the table and the note from `report`; `saved`: the line saying where the
        model went ('' for none)."""
        rows = report.rows()
        self.table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)  # an item shows its text as plain text
                item.setToolTip(value)  # a row cut short in a narrow window reads whole here
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + len(rows) * self.table.verticalHeader().defaultSectionSize()
                                  + 2 * self.table.frameWidth())
        self.note.setText(report.note())
        self.saved.setText(saved)
        self.saved.setVisible(bool(saved))

    def rows(self) -> list[tuple[str, str, str]]:
        """The table as shown: (what, before, after) per row."""
        return [tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
                for r in range(self.table.rowCount())]
