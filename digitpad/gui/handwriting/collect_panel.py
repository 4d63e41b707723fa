"""CollectPanel: the guided session. "Draw a 3", a canvas of its own, a strip of progress per
digit; Enter keeps the drawing as a sample, Esc skips the prompt, Ctrl+Z undoes a stroke (or,
on an empty canvas, takes back the sample kept last).

The keys are shortcuts of this panel (Qt's window context): Qt matches them only while the
panel is visible, so they never act while another tab shows, and never in a dialog, which is a
window of its own. The session's plan is collect_session.CollectSession; reading the samples for
"only the ones it misreads" is sample_reader.SampleReader.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.errors import DigitpadError
from digitpad.core.personal.samples import DIGITS, SampleStore
from digitpad.gui.canvas.drawing_canvas import DrawingCanvas
from digitpad.gui.canvas.image_io import array_to_qimage
from digitpad.gui.handwriting.collect_session import CHECK_FIRST, CollectSession
from digitpad.gui.handwriting.progress_strip import ProgressStrip
from digitpad.gui.handwriting.sample_reader import SampleReader
from digitpad.gui.widgets.message_bar import MessageBar
from digitpad.gui.widgets.plain_text import plain_label
from digitpad.gui.workers.prediction_service import PredictionService

IDLE_PROMPT = "Draw your own digits"
KEYS_LINE = "Enter keeps it · Esc skips · Ctrl+Z undoes (on an empty canvas: the last one kept)"
MISREAD_TIP = (f"Each digit is asked for {CHECK_FIRST} times first, and the model in use reads "
               f"each one as you go. A digit it reads right all {CHECK_FIRST} times needs no "
               "more; the others are asked for up to the number above.")


class CollectPanel(QWidget):
    """The Collect half of the My handwriting tab."""

    samplesChanged = Signal()  # a sample was kept or taken back (the review grid follows)
    # the panel asked the Draw tab's prediction service to read a sample: the Draw tab should
    # ask again for its own drawing (its bars would otherwise show this sample's answer)
    readingsDone = Signal()
    finished = Signal(int)  # the session ended with every prompt done: samples kept

    def __init__(self, store: SampleStore | None, service: PredictionService | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session: CollectSession | None = None
        self.active = False  # a session is asking for drawings
        self.reader = SampleReader(service, self)
        self.reader.read.connect(self._read)
        self.reader.idle.connect(self.readingsDone)
        self._build()
        self._shortcuts()
        self._show_state()

    # --- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.prompt = plain_label(IDLE_PROMPT)
        self._prompt_font, self._done_font = QFont(self.font()), QFont(self.font())
        self._prompt_font.setPointSizeF(self._prompt_font.pointSizeF() * 2.2)
        self._done_font.setPointSizeF(self._done_font.pointSizeF() * 1.4)
        self._prompt_font.setBold(True)
        self._done_font.setBold(True)
        self.prompt.setFont(self._prompt_font)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setWordWrap(True)
        self.prompt.setAccessibleName("What to draw")
        self.detail = plain_label()
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.canvas = DrawingCanvas(self)
        self.canvas.setToolTip("Draw the digit asked for with the mouse or a pen")
        self.canvas.set_hint("Press Start to begin")
        self.strip = ProgressStrip(DIGITS, self)
        self.per_digit = QSpinBox()
        self.per_digit.setRange(1, 50)
        self.per_digit.setValue(5)
        self.per_digit.setToolTip("How many drawings of each digit to ask for")
        per_label = QLabel("S&amples per digit:")
        per_label.setBuddy(self.per_digit)
        self.all_digits = QRadioButton("A&ll digits")
        self.all_digits.setToolTip("Ask for every digit the same number of times")
        self.misread_only = QRadioButton("Only the ones it m&isreads")
        self.misread_only.setToolTip(MISREAD_TIP)
        self.all_digits.setChecked(True)
        self._mode = QButtonGroup(self)
        self._mode.addButton(self.all_digits)
        self._mode.addButton(self.misread_only)
        self.start_button = QPushButton("&Start")
        self.start_button.setToolTip("Start a guided session: it asks for each digit in turn")
        self.stop_button = QPushButton("Sto&p")
        self.stop_button.setToolTip("End the session; the samples kept so far stay")
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.mode_note = plain_label()
        self.mode_note.setWordWrap(True)
        self.mode_note.setEnabled(False)  # greyed: an explanation, not a control
        self.notes = MessageBar(self)
        self.notes.hide()
        self.all_digits.toggled.connect(self._show_mode_note)
        self._show_mode_note()

        settings = QHBoxLayout()
        settings.addWidget(per_label)
        settings.addWidget(self.per_digit)
        settings.addSpacing(12)
        settings.addWidget(self.all_digits)
        settings.addWidget(self.misread_only)
        settings.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.mode_note, 1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.prompt)
        layout.addWidget(self.detail)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.strip)
        layout.addWidget(self.notes)
        layout.addLayout(settings)
        layout.addLayout(buttons)

    def _shortcuts(self) -> None:
        def key(sequence: QKeySequence | str, slot) -> QShortcut:  # noqa: ANN001
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.activated.connect(slot)
            return shortcut

        self.accept_keys = [key(Qt.Key.Key_Return, self.accept), key(Qt.Key.Key_Enter,
                                                                       self.accept)]
        self.skip_key = key(Qt.Key.Key_Escape, self.skip)
        self.undo_key = key("Ctrl+Z", self.undo)

    def _show_mode_note(self) -> None:
        self.mode_note.setText(
            f"Each digit first {CHECK_FIRST}×; one it reads right both times is done."
            if self.misread_only.isChecked() else "Each digit in turn, 0 to 9, round again.")

    # --- the session ------------------------------------------------------------------------
    def start(self) -> None:
        """Begin a new session with the settings shown."""
        if self.store is None:
            return
        self.session = CollectSession(self.per_digit.value(), self.misread_only.isChecked())
        self.active = True
        self.reader.forget()
        self.canvas.clear()
        self.notes.clear()
        self._show_state()
        self.canvas.setFocus()

    def stop(self) -> None:
        """End the session; what was kept stays."""
        if not self.active:
            return
        self.active = False
        kept = self.session.accepted_count() if self.session else 0
        self.session = None
        self.reader.forget()
        self._show_state()
        self.notes.show_message(f"Stopped: {kept} sample{'s' * (kept != 1)} kept this time.",
                                timeout_ms=8000)

    def accept(self) -> None:
        """Enter: keep the drawing as a sample of the digit asked for; on to the next."""
        session = self.session
        if not self.active or session is None or session.current is None:
            return
        if self.canvas.is_blank():
            self.notes.show_message(f"Draw a {session.current} first (Esc skips it).",
                                    timeout_ms=4000)
            return
        digit, image = session.current, self.canvas.to_array()
        try:
            sample = self.store.add(digit, image)
        except (DigitpadError, OSError, ValueError) as exc:
            self.notes.show_message(f"The drawing was not kept: {exc}", error=True)
            return  # the drawing stays on the canvas
        session.accept(str(sample.path), digit)
        if session.only_misread and session.accepted_count(digit) <= session.check_first:
            self.reader.ask(str(sample.path), digit, image)
        self._next_drawing()
        self.samplesChanged.emit()

    def skip(self) -> None:
        """Esc: this prompt is not asked for; on to the next."""
        if not self.active or self.session is None:
            return
        self.session.skip()
        self._next_drawing()

    def undo(self) -> None:
        """Ctrl+Z: undo a stroke; on an empty canvas, take back the sample kept last (its file
        is deleted, and its drawing comes back onto the canvas to redo or keep again)."""
        if not self.canvas.is_blank() or self.session is None:
            self.canvas.undo()
            return
        last = self.session.last_accepted()
        if last is None:
            self.canvas.undo()
            return
        digit, key = last
        sample = next((s for s in self.store.samples(digit) if str(s.path) == key), None)
        image = None
        try:
            if sample is not None:
                try:
                    image = self.store.image(sample)
                except (DigitpadError, OSError):
                    image = None  # changed on disk meanwhile: taken back, not brought back
                self.store.delete(sample)
        except (DigitpadError, OSError, ValueError) as exc:
            self.notes.show_message(f"The last sample could not be taken back: {exc}",
                                    error=True)
            return
        self.session.undo_accept()
        self.active = True  # a finished session is open again
        self._show_state()
        if image is not None:
            self.canvas.load_image(array_to_qimage(image))
        self.notes.show_message(f"Took back the last {digit}: redraw it, or press Enter to keep "
                                "it after all.", timeout_ms=8000)
        self.samplesChanged.emit()

    def _next_drawing(self) -> None:
        self.canvas.clear()
        self._show_state()
        if self.session is not None and self.session.done:
            self.active = False
            kept = self.session.accepted_count()
            self._show_state()
            self.finished.emit(kept)

    def _read(self, key: str, right: bool) -> None:
        """The model's reading of a kept sample arrived (misread mode)."""
        session = self.session
        if session is None or not session.record_reading(key, right):
            return
        if self.active and self.canvas.is_blank() and session.move_on():
            self.canvas.clear()
        if self.active and session.done:
            self._next_drawing()
        else:
            self._show_state()

    # --- what shows -------------------------------------------------------------------------
    def _show_state(self) -> None:
        session, running = self.session, self.active
        for widget in (self.per_digit, self.all_digits, self.misread_only):
            widget.setEnabled(not running)
        self.start_button.setEnabled(not running and self.store is not None)
        self.stop_button.setEnabled(running)
        for shortcut in (*self.accept_keys, self.skip_key):
            shortcut.setEnabled(running)
        self.strip.show_session(session if running or (session and session.done) else None)
        done = session is not None and session.done
        self.prompt.setFont(self._done_font if done else self._prompt_font)
        if running and session is not None and session.current is not None:
            digit = session.current
            self.prompt.setText(f"Draw a {digit}")
            self.canvas.set_hint(f"Draw a {digit} here")
            number = session.accepted_count(digit) + session.progress[digit].skipped + 1
            self.detail.setText(f"Drawing {number} of {session.per_digit} of this digit\n"
                                f"{KEYS_LINE}")
        elif done:
            kept = session.accepted_count()
            self.prompt.setText(f"Done: {kept} sample{'s' * (kept != 1)}. Fine-tune to teach it "
                                "your handwriting.")
            self.canvas.set_hint("Start again to draw more")
            settled = session.settled()
            self.detail.setText((f"It already reads your {_listed(settled)}: they needed no "
                                 "more. " if settled else "")
                                + "Ctrl+Z takes back the last sample kept.")
        else:
            self.prompt.setText(IDLE_PROMPT)
            self.canvas.set_hint("Press Start to begin")
            self.detail.setText("Press Start: it asks for each digit in turn, and keeps your "
                                "drawings as they are, to teach the model your handwriting.")


def _listed(digits: list[str]) -> str:
    """'3', '3 and 5', '1, 3 and 5'."""
    return digits[0] if len(digits) == 1 else ", ".join(digits[:-1]) + " and " + digits[-1]
