"""Why this digit: the Draw tab's attribution overlay, its toggles and its caption.

The Draw tab asks for an explanation with each finished drawing (DrawTab.request_prediction
passes explain=True when a stroke ends, an image is loaded, on undo / redo / clear; never for the
moves of a stroke under way). While one of the toggles is on, this asks the PredictionService
for the attribution (set_explain), and paints `Explanation.attribution.source_heat` (or
`runner_up`'s, for "Why not N?") onto the canvas: the ink glows red → orange → yellow where the
evidence is (canvas/heat_image.py). The overlay goes the moment the drawing changes and comes
back with the new result; results for any request but the latest one the Draw tab made are
ignored (older drawings, and the My handwriting tab's readings, which use the same service).

Toggles: the checkable QAction `action` (View ▸ Why This Digit, key H; the window adds it to
its menu) and the button "Why this digit?" beside what the model sees are one switch; "Why not N?"
shows the runner-up's evidence instead (checking one unchecks the other). Where there is no
ink or no model, there is no overlay, only a caption saying so; the toggles still work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from digitpad.gui.canvas import paper
from digitpad.gui.canvas.heat_image import heat_image, legend_image
from digitpad.gui.canvas.paper_view import PaperView
from digitpad.gui.workers.prediction_service import LoadedModel, PredictionService

if TYPE_CHECKING:  # the core's records, named for readers; importing them would import torch
    from digitpad.core.explain.records import Attribution, Explanation
    from digitpad.core.predictor import Prediction

KEY = "H"  # for heat
IDLE = "Press H or “Why this digit?” to see which strokes made the answer."
WORKING = "Working out why…"
DRAWING = "The heat map comes back when the stroke ends."
NO_INK = "Nothing drawn yet: nothing to explain."
NO_MODEL = "No model yet: nothing to explain."
NO_RUNNER_UP = "This model has no runner-up to explain."
FAILED = "No prediction, so nothing to explain."


def named(target: str) -> str:
    """A class name as a sentence uses it: "a 4", "an 8", or the name in quotes."""
    if target.isdigit() and len(target) == 1:
        return f"an {target}" if target == "8" else f"a {target}"
    return f"“{target}”"


def legend_text(part: Attribution, runner_up: bool, declined: bool = False) -> str:
    """The caption for a heat map shown: what the colours mean, and how they were worked out
    (`declined`: the model said it is not a digit, so its best guess is only what it looked
    most like)."""
    if runner_up:
        meaning = f"Glowing: the strokes that pointed to {named(part.target)} instead"
    elif declined:
        meaning = f"Glowing: the strokes that looked most like {named(part.target)}"
    else:
        meaning = f"Glowing: the strokes that made it {named(part.target)}"
    # short enough for two lines beside an open dock; the method in full is the tooltip
    method = part.method.split(" (")[0]
    return f"{meaning} (yellow: the most).\n{method}, {part.seconds:.2f} s"


class WhyThisDigit(QObject):
    """The overlay's switch, its "why not" twin, the caption, and what they show on `canvas`."""

    def __init__(self, service: PredictionService, canvas: PaperView,
                 ask: Callable[[], int], parent: QWidget) -> None:
        """`ask` requests an explained prediction of the drawing as it is (the Draw tab's
        request_prediction with explain=True); it is called when a toggle turns on."""
        super().__init__(parent)
        self.service, self.canvas, self._ask = service, canvas, ask
        self._latest = 0  # the number of the Draw tab's newest request (0: none, no model)
        self._no_ink = False  # its prediction said there was nothing to recognise
        self._declined = False  # its prediction declined the drawing (not a digit)
        self._explanation: Explanation | None = None  # the newest one, for that request
        self.action = QAction("&Why This Digit", parent)
        self.action.setCheckable(True)
        self.action.setShortcut(KEY)
        self.action.setStatusTip("Show which strokes made the model's answer, as a heat map")
        self.action.setToolTip(self.action.statusTip())
        self.why = QPushButton("Why this digit?", parent)
        self.why.setCheckable(True)
        self.why.setToolTip(f"{self.action.statusTip()} ({KEY})")
        self.why_not = QPushButton(self._why_not_text(""), parent)
        self.why_not.setCheckable(True)
        self.why_not.setToolTip("Show which strokes pointed to the runner-up instead")
        self.legend = QLabel(parent)
        self.legend.setPixmap(QPixmap.fromImage(legend_image(48, 12)))
        self.legend.setToolTip("On the ink: no evidence (black) → some (red, orange) → "
                               "the most (yellow)")
        self.caption = QLabel(IDLE, parent)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lines = self.caption.fontMetrics().lineSpacing()
        self.caption.setFixedHeight(2 * lines + 4)  # a fixed room: changing text moves nothing
        self.action.toggled.connect(self.why.setChecked)
        self.why.toggled.connect(self.action.setChecked)
        self.why.toggled.connect(lambda on: self._switched(on, runner_up=False))
        self.why_not.toggled.connect(lambda on: self._switched(on, runner_up=True))
        service.modelLoaded.connect(self._model_loaded)
        service.predicted.connect(self._predicted)
        service.predictionFailed.connect(self._failed)
        service.explained.connect(self._explained)

    def beside(self, view: QWidget, teach: QWidget) -> QHBoxLayout:
        """A row of `view` (the picture of what the model sees) and, at its right, the two
        toggles over `teach` (the Teach it button): there they cost the bars no height even in
        the smallest window."""
        column = QVBoxLayout()
        column.addWidget(self.why)
        column.addWidget(self.why_not)
        column.addWidget(teach, 1)
        row = QHBoxLayout()
        row.addWidget(view, 1)
        row.addLayout(column)
        return row

    def caption_row(self) -> QHBoxLayout:
        """The legend (the colour ramp) and the caption, for under the canvas."""
        row = QHBoxLayout()
        row.addWidget(self.legend, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.caption, 1)
        return row

    @property
    def on(self) -> bool:
        """Whether a heat map is wanted (either toggle)."""
        return self.why.isChecked() or self.why_not.isChecked()

    @property
    def runner_up(self) -> bool:
        """Whether the runner-up's evidence is wanted rather than the best guess's."""
        return self.why_not.isChecked()

    def shown(self) -> bool:
        """Whether a heat map is painted over the canvas now."""
        return self.canvas.overlay() is not None

    # --- the switches -------------------------------------------------------------------
    def _switched(self, checked: bool, runner_up: bool) -> None:
        other = self.why if runner_up else self.why_not
        if checked and other.isChecked():
            other.setChecked(False)  # its own toggled follows, then this goes on as asked
        self.service.set_explain(attribution=self.on, runner_up=self.runner_up)
        if not self.on:
            self.canvas.set_overlay(None)
            self.caption.setText(IDLE)
        elif checked and not self._show():  # nothing to show yet for this drawing: ask
            self._ask()

    def _model_loaded(self, model: LoadedModel) -> None:
        """Room on "Why not N?" for the longest class name: its width never jumps."""
        shown, widest = self.why_not.text(), 0
        for name in ["", *model.class_names]:
            self.why_not.setText(self._why_not_text(name))
            widest = max(widest, self.why_not.sizeHint().width())
        self.why_not.setText(shown)
        self.why_not.setMinimumWidth(widest)

    # --- requests and results -------------------------------------------------------------
    def requested(self, number: int, explain: bool) -> None:
        """The Draw tab asked for prediction `number` (0: there is no model), explained or
        not: the overlay of the drawing before goes; only this request's results count."""
        self._latest = number
        self._no_ink = self._declined = False
        self._explanation = None
        self.canvas.set_overlay(None)
        if self.on:
            self.caption.setText(WORKING if explain and number else
                                 DRAWING if number else NO_MODEL)

    def _predicted(self, number: int, prediction: Prediction) -> None:
        if number != self._latest:
            return  # an older drawing, or another tab's reading
        ranked = prediction.top(2) if not prediction.no_ink else []
        self.why_not.setText(self._why_not_text(ranked[1][0] if len(ranked) > 1 else ""))
        self._no_ink, self._declined = prediction.no_ink, prediction.not_a_digit
        if self.on and self._no_ink:
            self.caption.setText(NO_INK)  # explain() has nothing to say about no ink

    def _failed(self, number: int, _message: str) -> None:
        if number == self._latest and self.on:
            self.caption.setText(FAILED)  # the Draw tab's message bar says why

    def _explained(self, number: int, explanation: Explanation) -> None:
        if number != self._latest:
            return
        self._explanation = explanation
        if self.on and explanation.problem:
            self.caption.setText(f"Could not work out why ({explanation.problem}).")
        elif self.on:
            self._show()

    def _show(self) -> bool:
        """Paint what the newest explanation holds for the toggle that is on; False when it
        holds nothing for it (not asked for when that explanation was made)."""
        if self._no_ink or not self._latest:
            self.caption.setText(NO_INK if self._latest else NO_MODEL)
            return True  # nothing to ask for
        explanation = self._explanation
        if explanation is None or explanation.attribution is None:
            return False
        part = explanation.runner_up if self.runner_up else explanation.attribution
        if part is None:
            if self.runner_up and self.why_not.text() == self._why_not_text(""):
                self.caption.setText(NO_RUNNER_UP)
                return True
            return False
        self.canvas.set_overlay(heat_image(part.source_heat, paper.SIZE))
        self.caption.setText(legend_text(part, self.runner_up, self._declined))
        self.caption.setToolTip(part.method)
        return True

    @staticmethod
    def _why_not_text(runner_up: str) -> str:
        return f"Why not {runner_up}?" if runner_up else "Why not…?"
