"""The confusion matrix's class names and axis captions, painted around its cells."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

from digitpad.gui.results.confusion_cells import COUNTS_MAX_CLASSES

LABEL_MAX_PX = 90  # longer class names are elided
MARGIN = 6.0
MIN_CELL = 0.01  # px: even 10,000 classes fit the widget


def label_font(base: QFont, n: int, cell: float) -> QFont:
    """The names' font: smaller for small cells, the widget's own with many classes (only
    every so many names is shown then: keep them readable)."""
    font = QFont(base)
    if n > COUNTS_MAX_CLASSES:
        return font
    size = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
    font.setPointSizeF(max(5.0, min(size, cell * 0.55)))
    return font


def paint_names(painter: QPainter, names: list[str], base: QFont, grid: QRectF,
                cell: tuple[float, float], names_h: float) -> None:
    """Row names left of the grid; column names below it, rotated when `names_h` (their
    height) is not 0. Names are thinned where cells are smaller than a line."""
    cell_w, cell_h = cell
    n = len(names)
    font = label_font(base, n, min(cell_w, cell_h) if names_h else cell_h)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    spacing = metrics.height() * (1.5 if n > COUNTS_MAX_CLASSES else 1.0)
    every_row = max(1, int(np.ceil(spacing / max(cell_h, MIN_CELL))))  # skip if crowded
    every_col = max(1, int(np.ceil(spacing / max(cell_w, MIN_CELL)))) if names_h else 1
    row_span = max(cell_h, metrics.height())  # a name is never clipped to a sub-pixel cell
    col_span = max(cell_w, metrics.height())
    rotated_w = max(0.0, names_h - MARGIN)
    for i in range(0, n, every_row):
        name = metrics.elidedText(names[i], Qt.TextElideMode.ElideRight, LABEL_MAX_PX)
        row_rect = QRectF(0, grid.top() + (i + 0.5) * cell_h - row_span / 2,
                          grid.left() - MARGIN, row_span)
        painter.drawText(row_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         name)
    for i in range(0, n, every_col):
        x = grid.left() + (i + 0.5) * cell_w
        if names_h:
            name = metrics.elidedText(names[i], Qt.TextElideMode.ElideRight, rotated_w)
            painter.save()
            painter.translate(x, grid.bottom() + MARGIN / 2)
            painter.rotate(-90)
            painter.drawText(QRectF(-rotated_w, -col_span / 2, rotated_w, col_span),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            painter.restore()
        else:
            painter.drawText(QRectF(x - cell_w / 2, grid.bottom() + MARGIN / 2, cell_w,
                                    metrics.height()), Qt.AlignmentFlag.AlignCenter, names[i])


def paint_captions(painter: QPainter, base: QFont, grid: QRectF, height: float) -> None:
    """'predicted' under the column names, 'true' rotated left of the row names (bold)."""
    font = QFont(base)
    font.setBold(True)
    painter.setFont(font)
    line = QFontMetricsF(font).height()
    caption = QRectF(grid.left(), height - MARGIN - line, grid.width(), line)
    painter.drawText(caption, Qt.AlignmentFlag.AlignCenter, "predicted")
    painter.save()
    painter.translate(MARGIN, grid.center().y())
    painter.rotate(-90)
    painter.drawText(QRectF(-grid.height() / 2, 0, grid.height(), line),
                     Qt.AlignmentFlag.AlignCenter, "true")
    painter.restore()
