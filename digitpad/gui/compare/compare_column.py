"""CompareColumn: one model of the comparison: which model (a combo box), its answer in large
type with how sure it is, and its bars (the Draw tab's ProbabilityBars).

The combo box offers "Model in use" (whatever the Draw tab uses), every usable model the app
knows (bundled, library, just trained) and, for the columns after the first two, "None".
Model and class names come from files, so they are shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QSizePolicy, QVBoxLayout, QWidget

from digitpad.gui.compare.verdict import NO_INK, answer_words
from digitpad.gui.draw.probability_bars import ProbabilityBars
from digitpad.gui.widgets.plain_text import plain_label, tooltip

if TYPE_CHECKING:
    from digitpad.core.model_library import ModelEntry
    from digitpad.gui.compare.compare_service import ColumnAnswer

IN_USE = ":in-use"  # the combo's data for "Model in use"; a model's is its path
NONE = ":none"
NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # an item's model name, as the banner says it
DIFFERS = "#c62828"  # an answer unlike the others': red, readable on light and dark themes
MAX_NAME = 40


class CompareColumn(QWidget):
    """A model picker over that model's answer and bars."""

    picked = Signal()  # the person chose another model here

    def __init__(self, can_be_empty: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._can_be_empty = can_be_empty
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.setToolTip("The model shown in this column")
        self.answer = plain_label()  # class names come from the model file
        self.detail = plain_label()
        for label in (self.answer, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.bars = ProbabilityBars(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.combo)
        layout.addWidget(self.answer)
        layout.addWidget(self.detail)
        layout.addWidget(self.bars)
        layout.addStretch(1)  # a tall dock's spare height goes below the bars
        self._differs = False
        self.set_entries([], "")
        self.combo.activated.connect(lambda _index: self.picked.emit())  # the person's choice
        self.show_message("")

    # --- which model ----------------------------------------------------------------------
    def set_entries(self, entries: Sequence[ModelEntry], keep: str) -> None:
        """Offer these models (the unusable ones left out), keeping the choice `keep` (a path,
        IN_USE or NONE) when it is still there, else "Model in use" or, if allowed, "None"."""
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem("Model in use", IN_USE)
        self.combo.setItemData(0, "The model the Draw tab uses", Qt.ItemDataRole.ToolTipRole)
        for entry in entries:
            if entry.problem:
                continue
            self.combo.addItem(_short(entry.label), str(entry.path))
            self.combo.setItemData(self.combo.count() - 1, entry.name, NAME_ROLE)
            self.combo.setItemData(self.combo.count() - 1, tooltip(f"{entry.label}\n{entry.path}"),
                                   Qt.ItemDataRole.ToolTipRole)
        if self._can_be_empty:
            self.combo.addItem("None", NONE)
        index = self.combo.findData(keep)
        self.combo.setCurrentIndex(index if index >= 0 else self.combo.count() - 1
                                   if self._can_be_empty else 0)
        self.combo.blockSignals(False)

    def set_in_use_name(self, name: str) -> None:
        """Say which model "Model in use" is now ("Model in use (digits)")."""
        self.combo.setItemText(0, f"Model in use ({_short(name)})" if name else "Model in use")

    def choice(self) -> str:
        """IN_USE, NONE or a model file's path."""
        return str(self.combo.currentData())

    def model_name(self, in_use: str) -> str:
        """The chosen model's name as the banner calls it ("digits", "mlp-small"); `in_use`
        is the name of the model in use."""
        if self.choice() == IN_USE:
            return in_use
        return str(self.combo.currentData(NAME_ROLE) or self.combo.currentText())

    # --- what it shows --------------------------------------------------------------------
    def show_answer(self, answer: ColumnAnswer) -> str | None:
        """Show a column's answer; returns it as compared ("7", "not a digit", "no ink"), or
        None when the model gave none (its error is shown instead)."""
        prediction = answer.prediction
        if prediction is None:
            self.show_message(answer.error or "No answer", error=True)
            return None
        words = answer_words(prediction.label, prediction.not_a_digit, prediction.no_ink)
        if list(self.bars.class_names()) != list(prediction.class_names):
            self.bars.set_classes(prediction.class_names)
        if prediction.no_ink:
            self.bars.clear_probabilities()
            self._big(NO_INK, 1.4)
            self.detail.setText("nothing drawn")
            return words
        best = str(prediction.best_guess)
        if prediction.not_a_digit:
            self.bars.set_probabilities(prediction.probabilities,
                                        muted_tip=prediction.decline_reason or "Declined")
            self._big(words, 1.4)
            self.detail.setText(f"best guess {_short(best)}, {100 * prediction.confidence:.1f}%")
        else:
            self.bars.set_probabilities(prediction.probabilities)
            self._big(_short(words), 3.0 if len(words) <= 3 else 1.6)
            self.detail.setText(f"{100 * prediction.confidence:.1f}% sure"
                                + (f" · {answer.architecture}" if answer.architecture else ""))
        return words

    def show_waiting(self) -> None:
        """A newer drawing is being compared: the answer shown is out of date."""
        self.detail.setText("comparing…")

    def show_message(self, text: str, error: bool = False) -> None:
        """No answer: a short message ("Pick a model", a load error) instead."""
        self.bars.clear_probabilities()
        self._big("–" if not error else "!", 1.4)
        self.detail.setText(text)
        self.detail.setWordWrap(True)
        self.detail.setToolTip(tooltip(text) if error else "")

    def set_differs(self, differs: bool) -> None:
        """Colour the answer when it is unlike the others'."""
        self._differs = differs
        self.answer.setStyleSheet(f"color: {DIFFERS};" if differs else "")
        self.answer.setAccessibleDescription("differs from the other models" if differs else "")

    def differs(self) -> bool:
        """Whether the answer is coloured as unlike the others'."""
        return self._differs

    def _big(self, text: str, scale: float) -> None:
        font = QFont(self.font())
        font.setPointSizeF(self.font().pointSizeF() * scale)
        font.setBold(True)
        self.answer.setFont(font)
        self.answer.setText(text)


def _short(text: str) -> str:
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"
