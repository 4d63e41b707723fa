"""WatchItLearn: the Train tab's view of what the network is learning, epoch by epoch (issue 16).

On the left, the first layer's filters (CNNs) or weight images (softmax, MLP: each unit's 784
weights as a 28×28 picture), as they were before the first step and after every epoch: a
learner sees them go from noise to strokes. On the right, one fixed validation image (the same
every epoch) and what each layer makes of it: feature maps as small pictures, linear layers'
units as bars, the output's bars named by class.

Both arrive in the run's records (core.explain.watch fills Started and EpochEnd: numpy copies,
no torch here). The panel keeps the epochs' looks, so the slider steps back through them; it
follows the newest epoch while it is at its right end. A long run keeps at most MAX_MOMENTS of
them (an MLP's are ~0.4 MB each): past that it keeps every 2nd epoch, then every 4th…, with
the start and the newest, so the slider still spans the whole run evenly, in coarser steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.records import EpochEnd, Started
from digitpad.gui.inside.layer_section import LayerSection
from digitpad.gui.widgets.plain_text import plain_label

if TYPE_CHECKING:  # named for readers; the records hold numpy arrays only
    from digitpad.core.explain.records import FirstLayer, LayerActivation

NOT_A_DIGIT = "not a digit"  # the label of a model's extra output (core.decline.NOT_A_DIGIT)
WAITING = ("Press Start: the first layer's filters appear here before the first step and "
           "again after every epoch, with one validation image seen through every layer.")
NO_FIRST_LAYER = "This model has no convolution or linear layer that reads the whole image."
NO_PROBE = "This run has no validation image to follow through the layers."
MAX_MOMENTS = 41
FIRST_CELL = 32  # px a first-layer picture asks for: an MLP's 128 weight images fit in rows of 12


@dataclass(frozen=True)
class Moment:
    """What the model had learned at one point of the run: epoch 0 is before its first step."""

    epoch: int
    epochs: int
    first_layer: FirstLayer | None
    probe: list[LayerActivation]

    def describe(self) -> str:
        """'Before the first step' or 'After epoch 2 of 5'."""
        if self.epoch == 0:
            return "Before the first step"
        return f"After epoch {self.epoch} of {self.epochs}"


def _scroll(content: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setMinimumWidth(140)
    area.setAccessibleName(name)
    return area


class WatchItLearn(QWidget):
    """Takes a run's records (`show_record`, like the Train tab's other widgets)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.moments: list[Moment] = []  # the run's looks, in order (Started, then epochs)
        self._class_names: list[str] = []
        self._image: np.ndarray | None = None  # the fixed validation image, uint8
        self._label = ""
        self._structure: tuple = ()
        self.caption = plain_label(WAITING)
        self.caption.setWordWrap(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setEnabled(False)
        self.slider.setToolTip("Step through the epochs of this run (arrow keys, Home, End)")
        self.slider.setAccessibleName("Epoch shown")
        self.slider.valueChanged.connect(self._show)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.slider)
        self.first = LayerSection("maps", cell=FIRST_CELL)
        self.first_note = plain_label(NO_FIRST_LAYER)
        self.first_note.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 0, 4, 4)
        left_layout.addWidget(self.first)
        left_layout.addWidget(self.first_note)
        left_layout.addStretch(1)
        self.probe_note = plain_label(NO_PROBE)
        self.probe_note.setWordWrap(True)
        self.sections: list[LayerSection] = []  # the probe image, then one per layer
        right = QWidget()
        self._right = QVBoxLayout(right)
        self._right.setContentsMargins(4, 0, 4, 4)
        self._right.addWidget(self.probe_note)
        self._right.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(_scroll(left, "First layer"))
        split.addWidget(_scroll(right, "One validation image through the layers"))
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.clear()

    # --- the run's records ------------------------------------------------------------------
    def show_record(self, record: object) -> None:
        """Started begins a run's looks (before its first step), each EpochEnd adds one."""
        match record:
            case Started():
                self.clear()
                self._class_names = list(record.class_names)
                self._image, self._label = record.probe_image, record.probe_label
                self._add(Moment(0, record.epochs, record.first_layer, list(record.probe)))
            case EpochEnd():
                self._add(Moment(record.epoch, record.epochs, record.first_layer,
                                 list(record.probe)))

    def clear(self) -> None:
        """Back to the empty panel (a new run is starting)."""
        self.moments = []
        self._stride = 1  # the epochs kept are multiples of this (doubled as a run grows long)
        self._image, self._label, self._class_names = None, "", []
        self.slider.blockSignals(True)
        self.slider.setRange(0, 0)
        self.slider.blockSignals(False)
        self.slider.setEnabled(False)
        self.caption.setText(WAITING)
        self.first.hide()
        self.first_note.hide()
        self.probe_note.hide()
        for section in self.sections:
            section.hide()

    def shown(self) -> Moment | None:
        """The moment the panel shows (None before a run)."""
        return self.moments[self.slider.value()] if self.moments else None

    def _add(self, moment: Moment) -> None:
        following = not self.moments or self.slider.value() == self.slider.maximum()
        shown = self.shown()
        self.moments.append(moment)
        while True:  # every `_stride`-th epoch (0 is the start), and the newest
            kept = [m for m in self.moments[:-1] if m.epoch % self._stride == 0]
            self.moments = [*kept, self.moments[-1]]
            if len(self.moments) <= MAX_MOMENTS:
                break
            self._stride *= 2
        index = len(self.moments) - 1
        if not following and shown is not None:  # stay on the epoch shown, or the one before
            index = max(i for i, m in enumerate(self.moments) if m.epoch <= shown.epoch)
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(self.moments) - 1)
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        self.slider.setEnabled(len(self.moments) > 1)
        self._show(index)

    # --- showing one moment -------------------------------------------------------------------
    def _show(self, index: int) -> None:
        if not 0 <= index < len(self.moments):
            return
        moment = self.moments[index]
        latest = " (latest)" if index == len(self.moments) - 1 and index > 0 else ""
        self.caption.setText(f"{moment.describe()}{latest}")
        first = moment.first_layer
        if first is not None:
            self.first.show_values(f"First layer · {first.title}", first.images,
                                   list(first.labels), True, False)
        self.first.setVisible(first is not None)
        self.first_note.setVisible(first is None)
        self._show_probe(moment.probe)

    def _show_probe(self, probe: list[LayerActivation]) -> None:
        parts: list[tuple[str, str, np.ndarray, list[str], bool | None, bool]] = []
        if self._image is not None and probe:
            grey = self._image.mean(axis=2) if self._image.ndim == 3 else self._image
            side = "×".join(str(s) for s in grey.shape)
            parts.append(("maps", f"Validation image · {side} · class {self._label}",
                          grey.astype(np.float32) / 255.0, [], False, False))
        for layer in probe:
            parts.append((layer.kind, layer.title, layer.values, self._labels(layer), None,
                          True))
        structure = tuple((p[0], p[2].shape) for p in parts)
        if structure != self._structure:
            self._rebuild([p[0] for p in parts])
            self._structure = structure
        for section, (_kind, title, values, labels, signed, normalise) in zip(self.sections,
                                                                               parts):
            section.show_values(title, values, labels, signed, normalise)
            section.show()
        self.probe_note.setVisible(not parts)

    def _rebuild(self, kinds: list[str]) -> None:
        for section in self.sections:
            self._right.removeWidget(section)
            section.deleteLater()
        self.sections = [LayerSection(kind) for kind in kinds]
        for i, section in enumerate(self.sections):
            self._right.insertWidget(1 + i, section)  # after the note, before the stretch

    def _labels(self, layer: LayerActivation) -> list[str]:
        """Class names for the output's bars (and "not a digit" for a model's extra output)."""
        if not layer.title.startswith("Output"):
            return []
        names = list(self._class_names)
        count = layer.values.shape[0]
        if count == len(names) + 1:
            names.append(NOT_A_DIGIT)
        return names if count == len(names) else []
