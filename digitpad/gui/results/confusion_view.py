"""ConfusionMatrixView: a QPainter heat map of a confusion matrix (no torch here).

Rows are the true class, columns the predicted class. A header names what it shows ("Confusion
matrix — validation, epoch 1 (best, saved): 2,000 images"; during a run the latest epoch, at its
end the one whose weights were kept: shown_epoch) and holds "Errors only". The cells fill the
widget (as wide and as tall as the room allows, within ASPECT of square); each is coloured by its
share of the row (so the diagonal shows per-class recall), with its count written in a font
sized to fit. Hovering a cell explains it in a tooltip. How cells look, and the one-image path
for many classes, are in confusion_cells; the names and captions around them in confusion_labels.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QCheckBox, QLabel, QSizePolicy, QToolTip, QWidget

from digitpad.gui.results.confusion_cells import (
    COUNTS_MAX_CLASSES,
    cell_colours,
    colour_map,
    heat_image,
    paint_cells,
)
from digitpad.gui.results.confusion_labels import (
    LABEL_MAX_PX,
    MARGIN,
    MIN_CELL,
    paint_captions,
    paint_names,
)
from digitpad.gui.results.shown_epoch import EpochChooser
from digitpad.gui.widgets.plain_text import tooltip

__all__ = ["COUNTS_MAX_CLASSES", "ConfusionMatrixView", "colour_map"]

EMPTY_TEXT = "The confusion matrix appears after the first epoch"
HELP_TEXT = ("Rows: the true class; columns: the class the model predicted. Colour: the share of "
             "each true class given to each prediction (the diagonal is the per-class accuracy). "
             "Errors only: the diagonal greyed, the colours spread over the mistakes. "
             "Hover a cell for details.")
MANY_TEXT = (" With this many classes only some are named, and where a pixel covers several "
             "cells it shows the largest share among them.")
ROTATED_MAX_SHARE = 0.25  # rotated column names take at most this share of the height
ASPECT = 3.0  # a cell is at most this many times wider than tall, or taller than wide


class ConfusionMatrixView(QWidget):
    """Heat map of an N×N count matrix (rows true, columns predicted), 2 to thousands of classes
    (counts in the cells up to COUNTS_MAX_CLASSES), under a title and an "Errors only" box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: np.ndarray | None = None
        self._names: list[str] = []
        self._epochs = EpochChooser()  # which epoch of the run it shows
        self._fractions = np.zeros((0, 0))
        self._colours = np.zeros((0, 0, 3), dtype=np.uint8)
        self._widest_name = 0.0
        self._images: dict[tuple[int, bool], QImage] = {}  # (block, errors only) -> heat map
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # class names never reach it, still
        self._titles: tuple[str, ...] = ("Confusion matrix",)  # longest first
        self.errors_box = QCheckBox("Errors only", self)
        self.errors_box.setToolTip("Grey out the diagonal (the images classified right) and "
                                   "spread the colours over the mistakes, the largest brightest")
        self.errors_box.toggled.connect(self._errors_toggled)
        self.setToolTip(HELP_TEXT)
        self.setMouseTracking(True)
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._place_header()

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for a 10-class matrix with readable counts."""
        return QSize(420, 420)

    # --- data -----------------------------------------------------------------------------
    def show_record(self, record: object) -> None:
        """Take a training record: Started names the classes and the split scored, EpochEnd
        brings its matrix, Finished brings back the best epoch's (the weights kept)."""
        shown = self._epochs.take(record)
        run = self._epochs.run
        if shown is not None and run is not None:
            self.set_matrix(shown.record.confusion, list(run.class_names), shown.split,
                            f"epoch {shown.record.epoch} ({shown.which})")

    def set_matrix(self, matrix: list[list[int]], class_names: list[str],
                   split: str = "validation", epoch: str = "") -> None:
        """Show `matrix` (rows: true class, columns: predicted) with the classes' names; `split`
        ("validation" or "test") is the images it counts and `epoch` the epoch they were counted
        after ('epoch 1 (best, saved)'), both named in the title."""
        counts = np.asarray(matrix, dtype=np.int64)
        if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
            raise ValueError(f"a confusion matrix must be square, not {counts.shape}")
        n = counts.shape[0]
        names = [str(name) for name in class_names][:n]
        names += [str(i) for i in range(len(names), n)]
        self._matrix, self._names = counts, names
        totals = counts.sum(axis=1, keepdims=True)
        self._fractions = counts / np.maximum(totals, 1)
        self._images = {}
        self._recolour()
        metrics = QFontMetricsF(self.font())
        self._widest_name = max((metrics.horizontalAdvance(name) for name in names), default=0.0)
        total = int(counts.sum())
        which = "test" if split == "test" else "validation"
        images = f"{total:,} image{'' if total == 1 else 's'}"
        if epoch:
            self._titles = (f"Confusion matrix — {which}, {epoch}: {images}",
                            f"{which.capitalize()}, {epoch}: {images}",
                            f"{which.capitalize()}: {images}")
        else:
            self._titles = (f"Confusion matrix — {which} ({images})",
                            f"{which.capitalize()}: {images}")
        self._place_header()
        self.update()

    def clear(self) -> None:
        """Back to the empty state."""
        self._matrix, self._names, self._images = None, [], {}
        self._titles = ("Confusion matrix",)
        self._place_header()
        self.update()

    def matrix(self) -> np.ndarray | None:
        """The counts shown (a copy), or None before the first epoch."""
        return None if self._matrix is None else self._matrix.copy()

    def errors_only(self) -> bool:
        """Whether the diagonal is muted and the colours show the mistakes only."""
        return self.errors_box.isChecked()

    def _errors_toggled(self, _checked: bool) -> None:
        self._recolour()
        self.update()

    def _recolour(self) -> None:
        # per-cell colours only where cells are painted one by one; the image is made on paint
        if self._matrix is not None and len(self._matrix) <= COUNTS_MAX_CLASSES:
            self._colours = cell_colours(self._fractions, self.errors_only())

    # --- geometry -------------------------------------------------------------------------
    def _header_height(self) -> float:
        return MARGIN / 2 + max(self.title.sizeHint().height(), self.errors_box.sizeHint().height())

    def title_text(self) -> str:
        """The title in full: 'Confusion matrix — validation (2,000 images)'."""
        return self._titles[0]

    def _place_header(self) -> None:
        """The title at the left (in bold, else plain, else short, else elided: the count
        stays readable in a narrow pane) and "Errors only" at the right."""
        box = self.errors_box.sizeHint()
        height = int(self._header_height() - MARGIN / 2)
        top, margin = int(MARGIN / 2), int(MARGIN)
        self.errors_box.setGeometry(self.width() - margin - box.width(), top, box.width(), height)
        room = max(0, self.width() - box.width() - 3 * margin)
        self.title.setGeometry(margin, top, room, height)
        font = QFont(self.font())
        for bold, text in [(True, self._titles[0])] + [(False, t) for t in self._titles]:
            font.setBold(bold)
            if QFontMetricsF(font).horizontalAdvance(text) <= room:
                break
        self.title.setFont(font)
        self.title.setText(QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight,
                                                          room))
        self.title.setToolTip(self._titles[0])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Keep the title at the left and "Errors only" at the right of the header."""
        super().resizeEvent(event)
        self._place_header()

    def _layout(self) -> tuple[QRectF, float, float, float]:
        """(grid rectangle, cell width, cell height, height of the rotated column names, 0
        when they are not rotated) for the current size."""
        n = max(1, 0 if self._matrix is None else len(self._matrix))
        line = QFontMetricsF(self.font()).height()
        widest = self._widest_name  # measured once per matrix: thousands of names add up
        label_w = min(widest, LABEL_MAX_PX) + MARGIN
        left = MARGIN + line + MARGIN + label_w  # "true" caption, then row labels
        top = self._header_height() + MARGIN
        available_w = self.width() - left - MARGIN
        room_h = self.height() - top - MARGIN - line - MARGIN  # less the "predicted" caption
        rotated_h = min(label_w, max(2 * line, ROTATED_MAX_SHARE * room_h))

        def cells(names_h: float) -> tuple[float, float]:
            width = max(MIN_CELL, available_w / n)
            height = max(MIN_CELL, (room_h - names_h) / n)
            return min(width, ASPECT * height), min(height, ASPECT * width)

        cell_w, cell_h = cells(line + MARGIN)
        names_h = 0.0
        if widest + 4 > cell_w:
            names_h = rotated_h
            cell_w, cell_h = cells(names_h)
        x = left + max(0.0, (available_w - cell_w * n) / 2)
        return QRectF(x, top, cell_w * n, cell_h * n), cell_w, cell_h, names_h

    def cell_rect(self, row: int, col: int) -> QRectF:
        """The widget rectangle of cell (row, col)."""
        grid, cell_w, cell_h, _ = self._layout()
        return QRectF(grid.left() + col * cell_w, grid.top() + row * cell_h, cell_w, cell_h)

    def grid_rect(self) -> QRectF:
        """The widget rectangle all the cells together take."""
        return self._layout()[0]

    def cell_at(self, pos: QPoint | QPointF) -> tuple[int, int] | None:
        """(row, column) under a widget position, or None outside the matrix."""
        if self._matrix is None:
            return None
        grid, cell_w, cell_h, _ = self._layout()
        point = QPointF(pos)
        if not grid.contains(point):
            return None
        n = len(self._matrix)
        row = min(n - 1, int((point.y() - grid.top()) / cell_h))
        col = min(n - 1, int((point.x() - grid.left()) / cell_w))
        return row, col

    def describe_cell(self, row: int, col: int) -> str:
        """'true 4 → predicted 9: 12 images (3.1% of 4s)'."""
        assert self._matrix is not None
        count = int(self._matrix[row, col])
        true, predicted = self._names[row], self._names[col]
        images = "image" if count == 1 else "images"
        share = 100.0 * self._fractions[row, col]
        return f"true {true} → predicted {predicted}: {count} {images} ({share:.1f}% of {true}s)"

    # --- events ---------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        """Tooltips name the hovered cell; elsewhere they explain the chart."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(event.pos())
            if cell is None:
                many = self._matrix is not None and len(self._matrix) > COUNTS_MAX_CLASSES
                QToolTip.showText(event.globalPos(), HELP_TEXT + (MANY_TEXT if many else ""), self)
            else:
                rect = self.cell_rect(*cell).toAlignedRect()
                text = tooltip(self.describe_cell(*cell))  # class names are plain text
                QToolTip.showText(event.globalPos(), text, self, rect)
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw the empty state, or the cells, counts, class names and captions."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        if self._matrix is None:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, EMPTY_TEXT)
            painter.end()
            return
        grid, cell_w, cell_h, names_h = self._layout()
        if len(self._matrix) > COUNTS_MAX_CLASSES:
            self._paint_image(painter, grid, cell_w, cell_h)
        else:
            paint_cells(painter, grid, cell_w, cell_h, self._matrix, self._colours, self.font())
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawRect(grid)
        painter.setPen(text_colour)
        paint_names(painter, self._names, self.font(), grid, (cell_w, cell_h), names_h)
        paint_captions(painter, self.font(), grid, self.height())
        painter.end()

    def _paint_image(self, painter: QPainter, grid: QRectF, cell_w: float,
                     cell_h: float) -> None:
        """All cells in one drawImage call (nearest neighbour: sharp cell edges)."""
        n = len(self._fractions)
        pixels = max(1, int(min(grid.width(), grid.height()) * self.devicePixelRatioF()))
        block = max(1, -(-n // pixels))  # classes per image pixel, rounded up
        key = (block, self.errors_only())
        image = self._images.get(key)
        if image is None:
            image = self._images[key] = heat_image(self._fractions, block, key[1])
        side = image.width() * block  # the last block may overhang the grid: clip it
        painter.save()
        painter.setClipRect(grid)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(QRectF(grid.left(), grid.top(), side * cell_w, side * cell_h), image)
        painter.restore()
