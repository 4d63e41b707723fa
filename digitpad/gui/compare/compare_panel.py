"""ComparePanel: two or three models' answers and bars for the same drawing, side by side, with
a banner saying whether they agree ("The models disagree: digits says 4, mlp says 9") and the
answers unlike the others' coloured.

The first column is the model the Draw tab uses; the second starts on another model trained on
the same data set (when the app knows one), the third on "None"; the person picks others in
their combo boxes. The panel asks its CompareService and shows only the newest request's
answers, column by column as they arrive.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from digitpad.gui.compare.compare_column import IN_USE, NONE, CompareColumn
from digitpad.gui.compare.compare_service import ColumnAnswer, CompareService
from digitpad.gui.compare.verdict import verdict
from digitpad.gui.widgets.plain_text import plain_label

if TYPE_CHECKING:
    from digitpad.core.model_library import ModelEntry

COLUMNS = 3
DRAW_FIRST = "Draw on the Draw tab to compare the models"
PICK_ANOTHER = "Pick a second model to compare with"


class ComparePanel(QWidget):
    """The columns and the banner; `compare(image)` asks for a drawing's answers."""

    def __init__(self, service: CompareService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.banner = plain_label(DRAW_FIRST)  # model and class names come from files
        self.banner.setWordWrap(True)
        font = QFont(self.banner.font())
        font.setBold(True)
        self.banner.setFont(font)
        self.columns = [CompareColumn(can_be_empty=i > 0, parent=self) for i in range(COLUMNS)]
        row = QHBoxLayout()
        for column in self.columns:
            row.addWidget(column, 1)
            column.picked.connect(self._picked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(row, 1)
        self._entries: list[ModelEntry] = []
        self._in_use = ""  # the Draw tab's model's path
        self._chosen_by_person = [False] * COLUMNS
        self._image: np.ndarray | None = None  # the drawing last compared (None: blank)
        self._latest = 0  # the newest request's number; older answers are dropped
        self._answers: dict[int, str | None] = {}  # column -> its answer to the newest request
        self._asked: list[int] = []  # the columns the newest request asked
        self.columns[0].set_entries([], IN_USE)
        self._show_idle()
        service.answered.connect(self._answered)
        service.modelsListed.connect(self.set_entries)

    # --- the models ---------------------------------------------------------------------------
    def set_entries(self, entries: Sequence[ModelEntry]) -> None:
        """The models the person can pick (a new listing keeps each column's choice)."""
        self._entries = list(entries)
        for i, column in enumerate(self.columns):
            keep = column.choice() if self._chosen_by_person[i] else self._default(i)
            column.set_entries(self._entries, keep)
        self._name_in_use()
        self._recompare()

    def has_entries(self) -> bool:
        """Whether a listing of the models has arrived."""
        return bool(self._entries)

    def set_model_in_use(self, path: str) -> None:
        """The Draw tab took `path` into use: the first column (and any column left on "Model
        in use") follows it."""
        self._in_use = path
        for i, column in enumerate(self.columns):
            if not self._chosen_by_person[i]:
                column.set_entries(self._entries, self._default(i))
        self._name_in_use()
        self._recompare()

    def _name_in_use(self) -> None:
        in_use = self.name_in_use()
        for column in self.columns:
            column.set_in_use_name(in_use if self._in_use else "")

    def name_in_use(self) -> str:
        """The model in use's name: its library name, else its file's stem."""
        for entry in self._entries:
            if str(entry.path) == self._in_use:
                return entry.name
        return Path(self._in_use).stem if self._in_use else "the model in use"

    def _default(self, index: int) -> str:
        """Column 0: the model in use; column 1: the first other model of its data set."""
        if index == 0:
            return IN_USE
        if index > 1:
            return NONE
        datasets = {e.dataset for e in self._entries if str(e.path) == self._in_use}
        for entry in self._entries:
            if not entry.problem and str(entry.path) != self._in_use and entry.dataset in datasets:
                return str(entry.path)
        return NONE

    def _picked(self) -> None:
        column = self.sender()
        if column in self.columns:
            self._chosen_by_person[self.columns.index(column)] = True
        self._recompare()

    def paths(self) -> list[str]:
        """Each column's model file ('' for "None", and for "Model in use" before one loads)."""
        return [self._in_use if c.choice() == IN_USE else "" if c.choice() == NONE
                else c.choice() for c in self.columns]

    def names(self) -> list[str]:
        """Each column's model name, as the banner says it."""
        in_use = self.name_in_use()
        return [c.model_name(in_use) for c in self.columns]

    # --- comparing ----------------------------------------------------------------------------
    def compare(self, image: np.ndarray | None) -> int:
        """Compare the models on `image` (None: a blank canvas, nothing to compare); returns
        the request's number (0 when none was made)."""
        self._image = image
        return self._recompare()

    def recompare(self) -> int:
        """Compare the drawing last given again (the models or how they decline changed)."""
        return self._recompare()

    def cancel(self) -> None:
        """The drawing is changing: stop comparing the old one."""
        self.service.cancel()

    def _recompare(self) -> int:
        paths = self.paths()
        self._answers = {}
        self._asked = [i for i, p in enumerate(paths) if p]
        for i, column in enumerate(self.columns):
            if paths[i]:
                column.show_waiting()
            else:
                column.show_message("Pick a model above" if column.choice() == NONE
                                    else "Loading the model…")
                column.set_differs(False)
        if self._image is None or not self._asked:
            self.service.cancel()
            self._latest = -1  # any answer under way is out of date
            self._show_idle()
            return 0
        self._latest = self.service.request(self._image, paths)
        self.banner.setText("Comparing…")
        return self._latest

    def _show_idle(self) -> None:
        for i, column in enumerate(self.columns):
            column.set_differs(False)
            if i in self._asked:
                column.show_message("nothing drawn")
        self.banner.setText(DRAW_FIRST if len(self._asked) > 1 else PICK_ANOTHER)

    def _answered(self, answer: ColumnAnswer) -> None:
        if answer.number != self._latest or answer.column not in self._asked:
            return  # an older drawing's, or a column changed since
        self._answers[answer.column] = self.columns[answer.column].show_answer(answer)
        if len(self._answers) == len(self._asked):
            self._show_verdict()

    def _show_verdict(self) -> None:
        shown = [i for i in self._asked if self._answers.get(i) is not None]
        for column in self.columns:
            column.set_differs(False)
        if len(shown) < 2:
            self.banner.setText(PICK_ANOTHER if len(self._asked) < 2 else
                                "A model could not answer: see its column")
            return
        names = self.names()
        result = verdict([names[i] for i in shown], [str(self._answers[i]) for i in shown])
        for k in result.differing:
            self.columns[shown[k]].set_differs(True)
        self.banner.setText(result.text)

    def answers(self) -> dict[int, str | None]:
        """The newest request's answers so far, by column (None: that model gave none)."""
        return dict(self._answers)

    def shutdown(self) -> None:
        """Stop the compare thread (the window is closing)."""
        self.service.shutdown()
