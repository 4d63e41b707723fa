"""MisclassifiedGallery: a scrollable grid of the validation images the model got wrong.

The most confident mistakes come first (they are the most telling: a wrong label in the data,
or a class the model confuses badly). No torch here: images arrive as uint8 numpy arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStackedLayout,
    QWidget,
)

from digitpad.core.records import EpochEnd, Misclassified, Started
from digitpad.gui.canvas.image_io import array_to_qimage
from digitpad.gui.widgets.plain_text import tooltip

MAX_SHOWN = 64
THUMB = 56  # thumbnails are 56×56 (28×28 digits scaled 2× with nearest neighbour)
WAITING_TEXT = "No mistakes to show yet"
NONE_TEXT = "No mistakes on the validation set"


def thumbnail(image: np.ndarray, side: int = THUMB) -> QPixmap:
    """A uint8 (H, W) or (H, W, 3) array as a pixmap fitting side×side, scaled without blur."""
    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = np.clip(array, 0, 255).astype(np.uint8)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    qimage = array_to_qimage(np.ascontiguousarray(array))
    return QPixmap.fromImage(qimage.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.FastTransformation))


def percent(confidence: float) -> str:
    """A confidence as the tiles and their tooltips both say it: '99.8%' (never a rounded
    '100%' beside a tooltip's 99.8%)."""
    return f"{100 * float(confidence):.1f}%"


def caption(item: Mistake, metrics: QFontMetrics | None = None, width: int = 0) -> str:
    """'true 4 → 9' and '97.3%' on two lines; with `metrics`, the names line is shortened
    (…) to `width` so that a long class name never pushes the percentage out of the tile."""
    names = f"true {item.true_name} → {item.predicted_name}"
    if metrics is not None:
        names = metrics.elidedText(names, Qt.TextElideMode.ElideMiddle, width)
    return f"{names}\n{percent(item.confidence)}"


@dataclass(frozen=True)
class Mistake:
    """A tile: a records.Misclassified with the names of its classes."""

    image: np.ndarray  # uint8 (H, W) or (H, W, 3)
    true: int
    predicted: int
    confidence: float
    true_name: str
    predicted_name: str

    @classmethod
    def named(cls, mistake: Misclassified, class_names: Sequence[str]) -> Mistake:
        """`mistake` with its classes' names (the index itself where a name is missing)."""
        def name(index: int) -> str:
            return str(class_names[index]) if 0 <= index < len(class_names) else str(index)

        return cls(mistake.image, mistake.true, mistake.predicted, mistake.confidence,
                   name(mistake.true), name(mistake.predicted))


class MisclassifiedGallery(QWidget):
    """Up to 64 misclassified images, most confident mistakes first, each with its caption."""

    imageActivated = Signal(object)  # a tile double-clicked: its image (uint8 numpy array)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images: list[np.ndarray] = []
        self._class_names: Sequence[str] = ()
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 52, THUMB + 3 * self.fontMetrics().height() + 12))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(False)  # two lines, each fitted: the % always shows
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.itemDoubleClicked.connect(self._activated)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setToolTip("Validation images the model got wrong, the most confident "
                             "mistakes first: the true class → the prediction, and its "
                             "confidence. Double-click one to open it on the Draw tab")
        self.empty = QLabel(WAITING_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setToolTip("Misclassified validation images appear here after each epoch")
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.list)
        self._stack.setCurrentWidget(self.empty)

    def show_record(self, record: object) -> None:
        """Take a training record: Started names the classes, EpochEnd brings its mistakes."""
        match record:
            case Started():
                self._class_names = record.class_names
            case EpochEnd():
                self.set_items([Mistake.named(m, self._class_names)
                                for m in record.misclassified])

    def set_items(self, items: Sequence[Mistake]) -> None:
        """Show the mistakes of an epoch, sorted by confidence (most confident first), at most
        MAX_SHOWN."""
        ordered = sorted(items, key=lambda item: float(item.confidence), reverse=True)
        self.list.setUpdatesEnabled(False)
        try:
            self.list.clear()
            self._images = [np.asarray(item.image) for item in ordered[:MAX_SHOWN]]
            metrics, width = self.list.fontMetrics(), self.list.gridSize().width() - 8
            for item in ordered[:MAX_SHOWN]:
                widget_item = QListWidgetItem(QIcon(thumbnail(item.image)),
                                              caption(item, metrics, width))
                widget_item.setData(Qt.ItemDataRole.UserRole, self.list.count())
                widget_item.setToolTip(tooltip(  # class names are plain text
                    f"True class: {item.true_name} ({item.true}); predicted: "
                    f"{item.predicted_name} ({item.predicted}) with "
                    f"{percent(item.confidence)} confidence"))
                widget_item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter
                                             | Qt.AlignmentFlag.AlignTop)
                self.list.addItem(widget_item)
        finally:
            self.list.setUpdatesEnabled(True)
        self.empty.setText(NONE_TEXT)
        self._stack.setCurrentWidget(self.list if self.list.count() else self.empty)

    def _activated(self, widget_item: QListWidgetItem) -> None:
        index = widget_item.data(Qt.ItemDataRole.UserRole)
        if isinstance(index, int) and 0 <= index < len(self._images):
            self.imageActivated.emit(self._images[index])

    def clear(self) -> None:
        """Back to the empty state (before the first epoch)."""
        self._images = []
        self.list.clear()
        self.empty.setText(WAITING_TEXT)
        self._stack.setCurrentWidget(self.empty)

    def count(self) -> int:
        """How many images are shown."""
        return self.list.count()

    def captions(self) -> list[str]:
        """The captions in display order ('true 4 → 9\\n97%')."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def empty_text(self) -> str:
        """The text shown when there is nothing to show."""
        return self.empty.text()
