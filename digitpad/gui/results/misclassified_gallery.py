"""MisclassifiedGallery: a scrollable grid of the validation images the model got wrong.

The most confident mistakes come first (they are the most telling: a wrong label in the data,
or a class the model confuses badly). A header says which epoch they are from (the latest during
a run, the one whose weights were kept at its end: shown_epoch) and how many of all the mistakes
are shown. Each caption has two lines, "true: triangle" and "→ square 92.0%", each name elided
at its end only when it is too long for the tile (the % always shows; the tooltip has it all).
No torch here: images arrive as uint8 numpy arrays.
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
    QVBoxLayout,
    QWidget,
)

from digitpad.core.records import Misclassified
from digitpad.gui.canvas.image_io import array_to_qimage
from digitpad.gui.results.shown_epoch import EpochChooser, ShownEpoch
from digitpad.gui.widgets.plain_text import plain_label, tooltip

MAX_SHOWN = 64
THUMB = 56  # thumbnails are 56×56 (28×28 digits scaled 2× with nearest neighbour)
TILE_W = THUMB + 84  # the widest tile: "→ Ankle boot 99.8%" fits whole …
TILE_MIN_W = THUMB + 24  # … and the narrowest: digits' tiles stay compact
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
    """'true: triangle' and '→ square 92.0%' on two lines; with `metrics`, a name too long for
    `width` is cut at its end (…), never the percentage (the middle of 'true tr… square' once
    hid the true class)."""
    conf = percent(item.confidence)

    def fitted(prefix: str, name: str, suffix: str = "") -> str:
        if metrics is None:
            return f"{prefix}{name}{suffix}"
        room = width - metrics.horizontalAdvance(prefix + suffix)
        return prefix + metrics.elidedText(name, Qt.TextElideMode.ElideRight, room) + suffix

    return f"{fitted('true: ', item.true_name)}\n{fitted('→ ', item.predicted_name, ' ' + conf)}"


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
        self._epochs = EpochChooser()  # which epoch's mistakes to show, and its class names
        self.header = plain_label("")  # 'Validation, epoch 1 (best, saved): 32 of 233 …'
        self.header.setWordWrap(True)
        self.header.setContentsMargins(4, 2, 4, 2)
        self.header.setToolTip("Which epoch these mistakes are from, and how many there were")
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(TILE_W, THUMB + 3 * self.fontMetrics().height() + 12))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(False)  # two lines, each fitted: the % always shows
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)  # (fitted already)
        self.list.itemDoubleClicked.connect(self._activated)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setToolTip("Validation images the model got wrong, the most confident "
                             "mistakes first: the true class → the prediction, and its "
                             "confidence. Double-click one to open it on the Draw tab")
        self.empty = QLabel(WAITING_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setToolTip("Misclassified validation images appear here after each epoch")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.header)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.list)
        self._stack.setCurrentWidget(self.empty)
        outer.addLayout(self._stack, 1)
        self.header.hide()

    def show_record(self, record: object) -> None:
        """Take a training record: Started names the classes, EpochEnd brings its mistakes,
        Finished brings back the best epoch's (the weights kept)."""
        shown = self._epochs.take(record)
        if shown is not None:
            run = self._epochs.run
            names = run.class_names if run is not None else ()
            self.set_items([Mistake.named(m, names) for m in shown.record.misclassified])
            self.set_header(shown, len(shown.record.misclassified))

    def set_header(self, shown: ShownEpoch, kept: int) -> None:
        """'Validation, epoch 1 (best, saved): 32 of 233 mistakes, the most confident first'."""
        total, count = shown.record.mistakes, min(kept, MAX_SHOWN, shown.record.mistakes)
        where = shown.describe()
        where = where[0].upper() + where[1:]
        if total == 0:
            text = f"{where}: no mistakes"
        elif count == total:
            text = f"{where}: all {total:,} mistake{'s' if total > 1 else ''}"
        else:
            text = f"{where}: {count:,} of {total:,} mistakes, the most confident first"
        self.header.setText(text)
        self.header.show()

    def set_items(self, items: Sequence[Mistake]) -> None:
        """Show the mistakes of an epoch, sorted by confidence (most confident first), at most
        MAX_SHOWN."""
        ordered = sorted(items, key=lambda item: float(item.confidence), reverse=True)
        self.list.setUpdatesEnabled(False)
        try:
            self.list.clear()
            self._images = [np.asarray(item.image) for item in ordered[:MAX_SHOWN]]
            metrics = self.list.fontMetrics()
            widest = max((metrics.horizontalAdvance(line) for item in ordered[:MAX_SHOWN]
                          for line in caption(item).split("\n")), default=0)
            grid = self.list.gridSize()
            grid.setWidth(min(TILE_W, max(TILE_MIN_W, widest + 12)))  # as wide as the names
            self.list.setGridSize(grid)
            width = grid.width() - 8
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
        self.header.hide()
        self.header.setText("")
        self.empty.setText(WAITING_TEXT)
        self._stack.setCurrentWidget(self.empty)

    def count(self) -> int:
        """How many images are shown."""
        return self.list.count()

    def captions(self) -> list[str]:
        """The captions in display order ('true: 4\\n→ 9 97.0%')."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def empty_text(self) -> str:
        """The text shown when there is nothing to show."""
        return self.empty.text()
