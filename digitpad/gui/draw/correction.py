"""Teaching it on the Draw tab (issue 15, Correct): "Teach it: this is a…", beside the picture
of what the model sees, opens ten digit buttons; the one picked (a click, or typing the digit)
labels the drawing on the canvas, which joins the person's handwriting samples
(core.personal.samples.SampleStore) as it is, to be fine-tuned on in the My handwriting tab.

The words say what it does whether the answer was wrong (the usual reason: it says which digit
it really was) or right (another sample of a digit is welcome too). The shortcut T works while
the Draw tab shows and there is a drawing to label; the same drawing is kept once, not again on
a second press, until it changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.errors import DigitpadError
from digitpad.core.personal.samples import DIGITS, Sample, SampleStore
from digitpad.gui.draw.draw_messages import Topic
from digitpad.gui.widgets.plain_text import plain_label

if TYPE_CHECKING:
    from digitpad.gui.draw.draw_tab import DrawTab

SHORTCUT = "T"  # "Teach": E, [ and ] are the Draw tab's other single keys; C is nobody's yet
BUTTON_TEXT = "Teach it: this is a…"
TIP = (f"Say which digit you drew ({SHORTCUT}): the drawing joins your handwriting samples, "
       "and a fine-tune on the My handwriting tab learns from it. Right answers are welcome "
       "too: more samples of a digit help.")


class DigitPopup(QFrame):
    """A small popup of the ten digits: click one or type it; Esc (or a click outside) closes
    it with nothing picked."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("digit popup")
        self.question = plain_label("Which digit did you draw?")
        bold = QFont(self.question.font())
        bold.setBold(True)
        self.question.setFont(bold)
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        self.buttons: dict[str, QToolButton] = {}
        grid = QGridLayout()
        grid.setSpacing(4)
        for index, digit in enumerate(DIGITS[1:] + DIGITS[:1]):  # 1 … 9 then 0, as on a keypad
            button = QToolButton(self)
            button.setText(digit)
            button.setFont(big)
            button.setToolTip(f"It's a {digit} (type {digit})")
            button.setFixedSize(44, 40)
            button.clicked.connect(lambda _=False, d=digit: self.pick(d))
            self.buttons[digit] = button
            grid.addWidget(button, index // 5, index % 5)
        hint = plain_label("Type the digit, or Esc to cancel")
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.question)
        layout.addLayout(grid)
        layout.addWidget(hint)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        typed = event.text()
        if typed in DIGITS and len(typed) == 1:  # the number row and the keypad alike
            self.pick(typed)
        elif event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def pick(self, digit: str) -> None:
        self.close()
        self.picked.emit(digit)


class Correction(QWidget):
    """The Draw tab's "Teach it: this is a…" button and its popup; the drawings go into `store`
    (None: the user's own handwriting folder, opened at the first one). `sampleAdded(sample)`
    after each one is kept."""

    sampleAdded = Signal(object)  # core.personal.samples.Sample

    def __init__(self, tab: DrawTab, store: SampleStore | None = None) -> None:
        super().__init__(tab)
        self.tab, self.store = tab, store
        self.button = QPushButton(BUTTON_TEXT, self)
        self.button.setToolTip(TIP)
        # T is Edit ▸ Teach It's (main_window.py), a Draw-tab action like E: a shortcut of the
        # button itself never reached it while another widget (the model picker) had the focus
        self.button.clicked.connect(self.ask)
        self.popup = DigitPopup(self)
        self.popup.picked.connect(self.keep_as)
        self._kept: tuple[str, Sample] | None = None  # this drawing, already kept (digit, file)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.button)
        column.addStretch(1)
        tab.canvas.changed.connect(self._drawing_changed)
        tab.service.modelLoaded.connect(lambda _model: self._update())
        self._update()

    def beside(self, view: QWidget) -> QHBoxLayout:
        """A row of `view` (the picture of what the model sees) and this button at its right:
        beside the picture, the button costs the bars no height even in the smallest window."""
        row = QHBoxLayout()
        row.addWidget(view, 1)
        row.addWidget(self)
        return row

    def set_store(self, store: SampleStore | None) -> None:
        """Keep drawings in `store` (the My handwriting tab's) from now on."""
        self.store = store

    def can_teach(self) -> bool:
        """True when there is a drawing to label and the model in use reads the ten digits."""
        return (self.tab.class_names == list(DIGITS) and not self.tab.canvas.is_blank()
                and self._kept is None)

    def _drawing_changed(self) -> None:
        self._kept = None  # a new drawing (or this one changed): it may be kept again
        self._update()

    def _update(self) -> None:
        self.button.setEnabled(self.can_teach())
        if self._kept is not None:
            self.button.setToolTip(f"Kept as a {self._kept[0]} in your handwriting; draw "
                                   "another to teach it more")
        else:
            self.button.setToolTip(TIP)

    def ask(self) -> None:
        """Open the ten digits under the button (T)."""
        if not self.can_teach():
            return
        self.popup.adjustSize()
        below = self.button.mapToGlobal(QPoint(0, self.button.height()))
        x = below.x() + (self.button.width() - self.popup.width()) // 2
        screen = self.button.screen().availableGeometry()  # kept on the screen, whole
        x = max(screen.left(), min(x, screen.right() - self.popup.width()))
        y = below.y() if below.y() + self.popup.height() <= screen.bottom() else (
            below.y() - self.button.height() - self.popup.height())  # above it, at the bottom
        self.popup.move(x, max(screen.top(), y))
        self.popup.show()
        self.popup.setFocus(Qt.FocusReason.PopupFocusReason)

    def keep_as(self, digit: str) -> Sample | None:
        """Keep the drawing on the canvas as a sample of `digit` and say so in the status bar;
        a folder that cannot be written is said in the Draw tab's message bar (nothing lost:
        the drawing stays on the canvas)."""
        if not self.can_teach():
            return None
        try:
            if self.store is None:
                self.store = SampleStore()
            sample = self.store.add(digit, self.tab.canvas.to_array())
            total = self.store.total()
        except (DigitpadError, OSError, ValueError) as exc:
            self.tab.notes.show(Topic.SAVE, f"The drawing was not kept in your handwriting: "
                                f"{exc}", error=True)
            return None
        self._kept = (digit, sample)
        self._update()
        self.tab.notes.end(Topic.SAVE)
        self.tab.status.emit(f"Saved as a {digit} in your handwriting — {total} sample"
                             f"{'s' if total != 1 else ''}; fine-tune on the My handwriting tab")
        self.sampleAdded.emit(sample)
        return sample
