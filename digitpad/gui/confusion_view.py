"""ConfusionMatrixView: a QPainter heat map of a confusion matrix (no torch here).

Rows are the true class, columns the predicted class. Each cell is coloured by its share of the
row (viridis-like map, so the diagonal shows per-class recall), with the count written in it when
the cell is big enough. Hovering a cell explains it in a tooltip.

Up to COUNTS_MAX_CLASSES classes each cell is painted on its own. Beyond that (an image folder
can have 1000 classes: a million cells) the cells are one image, drawn scaled in a single call;
where the widget has fewer pixels than classes, each pixel shows the largest share among the
cells it covers (so an off-diagonal confusion never vanishes between pixels). A QImage in this
QPainter widget, rather than a pyqtgraph ImageItem, keeps the tooltips and geometry as they are.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.gui.image_io import array_to_qimage
from digitpad.gui.plain_text import tooltip

EMPTY_TEXT = "The confusion matrix appears after the first epoch"
HELP_TEXT = ("Rows: the true class; columns: the class the model predicted. Colour: the share of "
             "each true class given to each prediction (the diagonal is the per-class accuracy). "
             "Hover a cell for details.")
MANY_TEXT = (" With this many classes only some are named, and where a pixel covers several "
             "cells it shows the largest share among them.")
LABEL_MAX_PX = 90  # longer class names are elided
MARGIN = 6.0
COUNTS_MAX_CLASSES = 64  # above this the cells are drawn as one image, without counts
MIN_CELL = 0.01  # px: even 10,000 classes fit the widget

# Viridis at 0, 0.25, 0.5, 0.75, 1 (perceptually uniform, readable in grey and for most CVD).
_STOPS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
_COLOURS = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]],
                    dtype=np.float64)


def colour_map(fractions: np.ndarray) -> np.ndarray:
    """Fractions 0..1 (any shape) -> uint8 RGB (shape + (3,)) on a viridis-like scale."""
    f = np.clip(np.nan_to_num(np.asarray(fractions, dtype=np.float64)), 0.0, 1.0)
    rgb = [np.interp(f, _STOPS, _COLOURS[:, c]) for c in range(3)]
    return np.rint(np.stack(rgb, axis=-1)).astype(np.uint8)


def text_colour_for(rgb: np.ndarray) -> QColor:
    """Black or white, whichever reads better on the background colour `rgb`."""
    r, g, b = (float(v) / 255.0 for v in rgb[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QColor(Qt.GlobalColor.black if luminance > 0.45 else Qt.GlobalColor.white)


def heat_image(fractions: np.ndarray, block: int = 1) -> QImage:
    """The row shares as an RGB image, one pixel per `block`×`block` cells showing their largest
    share (the matrix is padded with zeros to a multiple of `block`)."""
    n = len(fractions)
    if block > 1:
        m = -(-n // block)
        padded = np.zeros((m * block, m * block))
        padded[:n, :n] = fractions
        fractions = padded.reshape(m, block, m, block).max(axis=(1, 3))
    return array_to_qimage(colour_map(fractions))


class ConfusionMatrixView(QWidget):
    """Heat map of an N×N count matrix (rows true, columns predicted), 2 to thousands of classes
    (counts in the cells up to COUNTS_MAX_CLASSES)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: np.ndarray | None = None
        self._names: list[str] = []
        self._fractions = np.zeros((0, 0))
        self._colours = np.zeros((0, 0, 3), dtype=np.uint8)
        self._widest_name = 0.0
        self._images: dict[int, QImage] = {}  # block size -> heat map image (many classes)
        self.setToolTip(HELP_TEXT)
        self.setMouseTracking(True)
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for a 10-class matrix with readable counts."""
        return QSize(420, 420)

    # --- data -----------------------------------------------------------------------------
    def set_matrix(self, matrix: list[list[int]], class_names: list[str]) -> None:
        """Show `matrix` (rows: true class, columns: predicted) with the classes' names."""
        counts = np.asarray(matrix, dtype=np.int64)
        if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
            raise ValueError(f"a confusion matrix must be square, not {counts.shape}")
        n = counts.shape[0]
        names = [str(name) for name in class_names][:n]
        names += [str(i) for i in range(len(names), n)]
        self._matrix, self._names = counts, names
        totals = counts.sum(axis=1, keepdims=True)
        self._fractions = counts / np.maximum(totals, 1)
        # per-cell colours only where cells are painted one by one; the image is made on paint
        small = n <= COUNTS_MAX_CLASSES
        self._colours = colour_map(self._fractions) if small else np.zeros((0, 0, 3), np.uint8)
        self._images = {}
        metrics = QFontMetricsF(self.font())
        self._widest_name = max((metrics.horizontalAdvance(name) for name in names), default=0.0)
        self.update()

    def clear(self) -> None:
        """Back to the empty state."""
        self._matrix, self._names, self._images = None, [], {}
        self.update()

    def matrix(self) -> np.ndarray | None:
        """The counts shown (a copy), or None before the first epoch."""
        return None if self._matrix is None else self._matrix.copy()

    # --- geometry -------------------------------------------------------------------------
    def _label_font(self, cell: float) -> QFont:
        font = QFont(self.font())
        if len(self._names) > COUNTS_MAX_CLASSES:
            return font  # only every so many names is shown: keep them readable
        size = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
        font.setPointSizeF(max(5.0, min(size, cell * 0.55)))
        return font

    def _layout(self) -> tuple[QRectF, float, bool]:
        """(grid rectangle, cell side, column labels rotated) for the current size."""
        n = 0 if self._matrix is None else len(self._matrix)
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        widest = self._widest_name  # measured once per matrix: thousands of names add up
        label_w = min(widest, LABEL_MAX_PX) + MARGIN
        left = MARGIN + line + MARGIN + label_w  # "true" caption, then row labels
        available_w = self.width() - left - MARGIN

        def cell_side(rotated: bool) -> float:
            bottom = line + MARGIN + (label_w if rotated else line + MARGIN)  # names, caption
            available_h = self.height() - bottom - MARGIN
            return max(MIN_CELL, min(available_w, available_h) / max(1, n))

        cell = cell_side(False)
        rotated = widest + 4 > cell
        if rotated:
            cell = cell_side(True)
        side = cell * n
        x = left + max(0.0, (available_w - side) / 2)
        return QRectF(x, MARGIN, side, side), cell, rotated

    def cell_rect(self, row: int, col: int) -> QRectF:
        """The widget rectangle of cell (row, col)."""
        grid, cell, _ = self._layout()
        return QRectF(grid.left() + col * cell, grid.top() + row * cell, cell, cell)

    def cell_at(self, pos: QPoint | QPointF) -> tuple[int, int] | None:
        """(row, column) under a widget position, or None outside the matrix."""
        if self._matrix is None:
            return None
        grid, cell, _ = self._layout()
        point = QPointF(pos)
        if not grid.contains(point):
            return None
        n = len(self._matrix)
        row = min(n - 1, int((point.y() - grid.top()) / cell))
        col = min(n - 1, int((point.x() - grid.left()) / cell))
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
        painter.setPen(text_colour)
        if self._matrix is None:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, EMPTY_TEXT)
            painter.end()
            return
        grid, cell, rotated = self._layout()
        self._paint_cells(painter, grid, cell)
        painter.setPen(text_colour)
        self._paint_labels(painter, grid, cell, rotated)
        painter.end()

    def _paint_cells(self, painter: QPainter, grid: QRectF, cell: float) -> None:
        assert self._matrix is not None
        n = len(self._matrix)
        if n > COUNTS_MAX_CLASSES:
            self._paint_image(painter, grid, cell)
            return
        font = QFont(self.font())
        metrics = QFontMetricsF(font)
        widest = metrics.horizontalAdvance(str(int(self._matrix.max(initial=0))))
        show_counts = widest + 4 <= cell and metrics.height() <= cell
        painter.setFont(font)
        for row in range(n):
            for col in range(n):
                rect = QRectF(grid.left() + col * cell, grid.top() + row * cell, cell, cell)
                rgb = self._colours[row, col]
                painter.fillRect(rect, QColor(int(rgb[0]), int(rgb[1]), int(rgb[2])))
                count = int(self._matrix[row, col])
                if show_counts and count:
                    painter.setPen(text_colour_for(rgb))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRect(grid)

    def _paint_image(self, painter: QPainter, grid: QRectF, cell: float) -> None:
        """All cells in one drawImage call (nearest neighbour: sharp cell edges)."""
        n = len(self._fractions)
        pixels = max(1, int(grid.width() * self.devicePixelRatioF()))
        block = max(1, -(-n // pixels))  # classes per image pixel, rounded up
        image = self._images.get(block)
        if image is None:
            image = self._images[block] = heat_image(self._fractions, block)
        side = image.width() * block * cell  # the last block may overhang the grid: clip it
        painter.save()
        painter.setClipRect(grid)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(QRectF(grid.left(), grid.top(), side, side), image)
        painter.restore()
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRect(grid)

    def _paint_labels(self, painter: QPainter, grid: QRectF, cell: float, rotated: bool) -> None:
        n = len(self._names)
        font = self._label_font(cell)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        spacing = metrics.height() * (1.5 if n > COUNTS_MAX_CLASSES else 1.0)
        every = max(1, int(np.ceil(spacing / max(cell, MIN_CELL))))  # skip names if crowded
        label_w = LABEL_MAX_PX
        span = max(cell, metrics.height())  # a name is never clipped to a sub-pixel cell
        for i in range(0, n, every):
            name = metrics.elidedText(self._names[i], Qt.TextElideMode.ElideRight, label_w)
            row_rect = QRectF(0, grid.top() + (i + 0.5) * cell - span / 2, grid.left() - MARGIN,
                              span)
            painter.drawText(row_rect, Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, name)
            x = grid.left() + (i + 0.5) * cell
            if rotated:
                painter.save()
                painter.translate(x, grid.bottom() + MARGIN / 2)
                painter.rotate(-90)
                painter.drawText(QRectF(-label_w, -span / 2, label_w, span),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
                painter.restore()
            else:
                painter.drawText(QRectF(x - cell / 2, grid.bottom() + MARGIN / 2, cell,
                                        metrics.height()), Qt.AlignmentFlag.AlignCenter, name)
        self._paint_captions(painter, grid)

    def _paint_captions(self, painter: QPainter, grid: QRectF) -> None:
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        line = QFontMetricsF(font).height()
        caption = QRectF(grid.left(), self.height() - MARGIN - line, grid.width(), line)
        painter.drawText(caption, Qt.AlignmentFlag.AlignCenter, "predicted")
        painter.save()
        painter.translate(MARGIN, grid.center().y())
        painter.rotate(-90)
        painter.drawText(QRectF(-grid.height() / 2, 0, grid.height(), line),
                         Qt.AlignmentFlag.AlignCenter, "true")
        painter.restore()
