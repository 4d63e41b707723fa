"""InsidePanel: what each layer of the model sees for the current drawing, and what its first
layer has learned (issue 16, "What each layer sees").

The prediction service computes the layers on its own thread, after the bars, for drawings
asked with explain=True (a finished stroke), and only while someone wants them: the panel
calls service.set_explain(layers=True) when it is shown and layers=False when hidden, so a
closed panel costs nothing. It shows the newest `explained` result: a result for a request
older than the newest prediction shown is dropped (the drawing has changed since).

Top to bottom: the model's input (28×28), the first layer's filters or weight images, then
one section per layer with its title and shape (core.explain.activations): feature maps as a
grid of small pictures, linear layers' units as bars, the output's bars named by class.
Sections are rebuilt only when the model's layers change; a new drawing only repaints them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from digitpad.gui.inside.layer_section import LayerSection
from digitpad.gui.widgets.plain_text import plain_label

if TYPE_CHECKING:  # records named for readers; importing them here would import torch
    from digitpad.core.explain.records import Explanation, LayerActivation
    from digitpad.core.predictor import Prediction
    from digitpad.gui.workers.prediction_service import LoadedModel, PredictionService

NOT_A_DIGIT = "not a digit"  # the label of a model's extra output (core.decline.NOT_A_DIGIT)
NO_MODEL = "No model is loaded yet."
DRAW = "Draw on the Draw tab to see what each layer of the model sees."


class InsidePanel(QScrollArea):
    """Scrollable sections for the latest explained drawing. `model` is the model already in
    use, if any (later ones arrive as service.modelLoaded); `refresh` asks for an explained
    prediction of the current drawing and returns its request number (0: none), called when
    the panel is shown or the model changes, so it never waits for the next stroke."""

    def __init__(self, service: PredictionService, model: LoadedModel | None = None,
                 refresh: Callable[[], int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._refresh = refresh
        self._class_names: list[str] = list(model.class_names) if model else []
        self._newest = 0  # the newest request whose prediction arrived
        self._floor = 0  # explanations of requests before this one are stale
        self._view: tuple[int, np.ndarray | None] = (0, None)  # request number, model input
        self._structure: tuple = ()
        self._sections: list[LayerSection] = []
        content = QWidget()
        self._layout = QVBoxLayout(content)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self.hint = plain_label(DRAW if model else NO_MODEL)
        self.hint.setWordWrap(True)
        self._layout.addWidget(self.hint)
        self.timing = plain_label()
        self.timing.setEnabled(False)  # greyed: a footnote
        self.timing.setWordWrap(True)
        self._layout.addWidget(self.timing)
        self._layout.addStretch(1)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Inside the network")
        self.setMinimumWidth(220)
        service.predicted.connect(self._predicted)
        service.explained.connect(self._explained)
        service.modelLoaded.connect(self._model_loaded)

    # --- what is shown ------------------------------------------------------------------------
    def section_titles(self) -> list[str]:
        """The titles of the sections shown, top to bottom (none while the hint is shown)."""
        return [s.title.text() for s in self._sections if not s.isHidden()]

    def _clear(self, hint: str) -> None:
        for section in self._sections:
            section.hide()
        self.timing.clear()
        self.hint.setText(hint)
        self.hint.show()

    def _rebuild(self, kinds: list[str]) -> None:
        for section in self._sections:
            self._layout.removeWidget(section)
            section.deleteLater()
        self._sections = [LayerSection(kind) for kind in kinds]
        for i, section in enumerate(self._sections):
            self._layout.insertWidget(1 + i, section)  # after the hint, before the timing

    def show_explanation(self, explanation: Explanation, view: np.ndarray | None) -> None:
        """Show `explanation`'s layers (and first layer), with `view` (the model's uint8 input
        picture) on top when known."""
        parts: list[tuple[str, str, np.ndarray, list[str], bool | None, bool]] = []
        if view is not None:
            grey = view.mean(axis=2) if view.ndim == 3 else view
            side = "×".join(str(s) for s in grey.shape)
            parts.append(("maps", f"Input · {side} (what the model sees)",
                          grey.astype(np.float32) / 255.0, [], False, False))
        first = explanation.first_layer
        if first is not None:
            parts.append(("maps", f"First layer's weights · {first.title}", first.images,
                          list(first.labels), True, False))
        for layer in explanation.layers:
            parts.append((layer.kind, layer.title, layer.values, self._labels(layer), None, True))
        if not parts:
            return
        structure = tuple((p[0], p[2].shape) for p in parts)
        if structure != self._structure:
            self._rebuild([p[0] for p in parts])
            self._structure = structure
        for section, (_kind, title, values, labels, signed, normalise) in zip(self._sections,
                                                                               parts):
            section.show_values(title, values, labels, signed, normalise)
            section.show()
        self.hint.hide()
        ms = explanation.layers_seconds * 1000
        self.timing.setText(f"Layers computed in {ms:.0f} ms, after the bars.")

    def _labels(self, layer: LayerActivation) -> list[str]:
        """Class names for the output's bars (and "not a digit" for a model's extra output)."""
        if not layer.title.startswith("Output"):
            return []
        names = list(self._class_names)
        count = layer.values.shape[0]
        if count == len(names) + 1:
            names.append(NOT_A_DIGIT)
        return names if count == len(names) else []

    # --- the service's results ----------------------------------------------------------------
    @Slot(int, object)
    def _predicted(self, number: int, prediction: Prediction) -> None:
        if number < self._newest:
            return
        self._newest = number
        if prediction.no_ink:
            self._clear(DRAW)
        else:
            self._view = (number, prediction.view)

    @Slot(int, object)
    def _explained(self, number: int, explanation: Explanation) -> None:
        if number >= max(self._newest, self._floor) and explanation.problem:
            self._clear(f"Could not look inside the network ({explanation.problem}).")
            return
        if number < max(self._newest, self._floor) or not explanation.layers:
            return  # the drawing has changed since (or the layers were not asked for)
        view = self._view[1] if self._view[0] == number else None
        self.show_explanation(explanation, view)

    @Slot(object)
    def _model_loaded(self, model: LoadedModel) -> None:
        self._class_names = list(model.class_names)
        self._clear(DRAW)
        if self.isVisible():
            self._ask()

    def _ask(self) -> None:
        """Ask for the current drawing explained; what an older request brings is stale."""
        if self._refresh is not None:
            number = self._refresh()
            if number:
                self._floor = max(self._floor, number)

    # --- shown or hidden ----------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not event.spontaneous():
            self._service.set_explain(layers=True)
            self._ask()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        if not event.spontaneous():
            self._service.set_explain(layers=False)

