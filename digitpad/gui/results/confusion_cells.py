"""How the confusion matrix's cells look: colours, the many-class image, the painted cells.

Colours come from pyqtgraph's viridis colour map (perceptually uniform, readable in grey and for
most colour-vision deficiencies), as a 256-entry lookup table. "Errors only" mutes the diagonal
(a neutral grey) and stretches the colour scale to the largest off-diagonal share, so that a 2%
confusion is as bright as the map goes instead of lost beside 98% diagonals.

Up to COUNTS_MAX_CLASSES classes each cell is a QPainter rectangle with its count in it. Beyond
that (an image folder can have 1000 classes: a million cells) the cells are one QImage drawn
scaled in a single call; where the widget has fewer pixels than classes, each pixel shows the
largest share among the cells it covers (so an off-diagonal confusion never vanishes between
pixels). A pyqtgraph ImageItem would need a GraphicsView around it; this QPainter widget keeps
its cell geometry and tooltips, and stays one drawImage call per paint.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter

from digitpad.gui.canvas.image_io import array_to_qimage

COUNTS_MAX_CLASSES = 64  # above this the cells are drawn as one image, without counts
MUTED = np.array([128, 128, 128], dtype=np.uint8)  # the diagonal, with "errors only"
COUNT_MIN_PX = 7  # the smallest count font, in pixels; below it the tooltip tells the count

_LUT = pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256, alpha=False,
                                                 mode="byte").astype(np.uint8)


def colour_map(fractions: np.ndarray) -> np.ndarray:
    """Fractions 0..1 (any shape) -> uint8 RGB (shape + (3,)) on the viridis scale."""
    f = np.clip(np.nan_to_num(np.asarray(fractions, dtype=np.float64)), 0.0, 1.0)
    return np.take(_LUT, (f * 255 + 0.5).astype(np.uint8), axis=0)  # 8x np.interp's speed


def text_colour_for(rgb: np.ndarray) -> QColor:
    """Black or white, whichever reads better on the background colour `rgb`."""
    r, g, b = (float(v) / 255.0 for v in rgb[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QColor(Qt.GlobalColor.black if luminance > 0.45 else Qt.GlobalColor.white)


def display_shares(fractions: np.ndarray, errors_only: bool) -> np.ndarray:
    """What the colours show: the row shares, or with `errors_only` the off-diagonal shares
    scaled so the largest is 1 (the diagonal 0: it is muted anyway)."""
    if not errors_only:
        return fractions
    errors = fractions.copy()
    np.fill_diagonal(errors, 0.0)
    largest = float(errors.max(initial=0.0))
    return errors / largest if largest > 0 else errors


def cell_colours(fractions: np.ndarray, errors_only: bool) -> np.ndarray:
    """uint8 RGB per cell (few classes), the diagonal muted with `errors_only`."""
    colours = colour_map(display_shares(fractions, errors_only))
    if errors_only:
        index = np.arange(len(fractions))
        colours[index, index] = MUTED
    return colours


def heat_image(fractions: np.ndarray, block: int = 1, errors_only: bool = False) -> QImage:
    """The shares as an RGB image, one pixel per `block`×`block` cells showing their largest
    share (the matrix is padded with zeros to a multiple of `block`)."""
    shares = display_shares(fractions, errors_only)
    n = len(shares)
    if block > 1:
        m = -(-n // block)
        padded = np.zeros((m * block, m * block))
        padded[:n, :n] = shares
        shares = padded.reshape(m, block, m, block).max(axis=(1, 3))
    return array_to_qimage(colour_map(shares))


def count_font(base: QFont, cell_w: float, cell_h: float, widest_count: str) -> QFont | None:
    """The largest font (up to `base`) whose `widest_count` fits a cell, or None if even
    COUNT_MIN_PX does not."""
    font = QFont(base)
    size = font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * 96 / 72)
    for px in range(max(COUNT_MIN_PX, size), COUNT_MIN_PX - 1, -1):
        font.setPixelSize(px)
        metrics = QFontMetricsF(font)
        if metrics.horizontalAdvance(widest_count) + 2 <= cell_w and metrics.ascent() <= cell_h:
            return font
    return None


def paint_cells(painter: QPainter, grid: QRectF, cell_w: float, cell_h: float,
                counts: np.ndarray, colours: np.ndarray, base_font: QFont) -> None:
    """Each cell a rectangle in its colour, with its count (when a count font fits)."""
    n = len(counts)
    font = count_font(base_font, cell_w, cell_h, str(int(counts.max(initial=0))))
    if font is not None:
        painter.setFont(font)
    for row in range(n):
        for col in range(n):
            rect = QRectF(grid.left() + col * cell_w, grid.top() + row * cell_h, cell_w, cell_h)
            rgb = colours[row, col]
            painter.fillRect(rect, QColor(int(rgb[0]), int(rgb[1]), int(rgb[2])))
            count = int(counts[row, col])
            if font is not None and count:
                painter.setPen(text_colour_for(rgb))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
