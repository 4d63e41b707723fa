"""MapGrid: a grid of small greyscale pictures from a float32 (N, H, W) array.

Used for a layer's feature maps and for a first layer's filters or weight images. Signed
arrays (any value below 0) are shown with 0 as mid-grey, negative darker, positive lighter;
arrays of values ≥ 0 run from black (0) to white. By default the whole set is scaled by its
largest |value|, so the pictures compare with each other (a map that is dark is weak, not
rescaled to look as strong as the others). The cells stretch to fill the widget's width, in
whole columns, and are drawn nearest-neighbour so a 5×5 filter shows its 25 pixels.

Each picture is converted to a QImage once, when the data is set; painting only scales them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

GAP = 3  # px between cells
MIN_CELL, MAX_CELL = 20, 96  # a cell's side (px) stays within these


def grey_levels(maps: np.ndarray, signed: bool | None = None,
                normalise: bool = True) -> np.ndarray:
    """uint8 (N, H, W) grey levels for float maps: signed 0 → 128, ±max → 255/0; unsigned
    0 → 0 (black), max → 255 (white). `signed` None: signed when any value is negative.
    `normalise` False takes the values as already in [-1, 1] (signed) or [0, 1]."""
    values = np.nan_to_num(np.asarray(maps, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    if signed is None:
        signed = bool((values < 0).any())
    top = float(np.abs(values).max()) if values.size else 0.0
    scale = (1.0 / top if top > 0 else 1.0) if normalise else 1.0
    if signed:
        levels = 127.5 + 127.5 * np.clip(values * scale, -1.0, 1.0)
    else:
        levels = 255.0 * np.clip(values * scale, 0.0, 1.0)
    return np.rint(levels).astype(np.uint8)


def _qimage(level: np.ndarray) -> QImage:
    height, width = level.shape
    data = np.ascontiguousarray(level)
    return QImage(data.data, width, height, width, QImage.Format.Format_Grayscale8).copy()


class MapGrid(QWidget):
    """Small greyscale images in rows, optionally labelled underneath (one label each)."""

    def __init__(self, parent: QWidget | None = None, cell: int | None = None) -> None:
        super().__init__(parent)
        self._images: list[QImage] = []
        self._labels: list[str] = []
        self._aspect = 1.0  # H / W of one picture
        self._cell = cell  # the cell width asked for (None: from the pictures' size)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        size = self.sizePolicy()
        size.setHeightForWidth(True)
        self.setSizePolicy(size)

    # --- data -------------------------------------------------------------------------------
    def set_maps(self, maps: np.ndarray | None, labels: Sequence[str] = (),
                 signed: bool | None = None, normalise: bool = True) -> None:
        """Show `maps` (float (N, H, W), or (H, W) for one; None: nothing) with `labels` (one
        per picture, or none). See grey_levels for `signed` and `normalise`."""
        if maps is None or np.asarray(maps).size == 0:
            self._images, self._labels = [], []
        else:
            array = np.asarray(maps)
            if array.ndim == 2:
                array = array[None]
            if array.ndim != 3:
                raise ValueError(f"maps must be (N, H, W), not {array.shape}")
            levels = grey_levels(array, signed, normalise)
            self._images = [_qimage(level) for level in levels]
            self._aspect = array.shape[1] / array.shape[2]
            self._labels = [str(t) for t in labels] if len(labels) == len(array) else []
        self.updateGeometry()
        self.update()

    def count(self) -> int:
        """How many pictures it shows."""
        return len(self._images)

    # --- geometry ---------------------------------------------------------------------------
    def _wanted_cell(self) -> int:
        if self._cell is not None:
            return self._cell
        side = self._images[0].width() if self._images else 28
        return max(MIN_CELL + 8, min(56, 3 * side))  # 5×5 → 28 px, 14×14 → 42, 28×28 → 56

    def _columns(self, width: int) -> int:
        if not self._images:
            return 1
        fit = max(1, (width + GAP) // (self._wanted_cell() + GAP))
        return min(fit, len(self._images))

    def _cell_size(self, width: int) -> tuple[float, float]:
        """A cell's picture width and height at this widget width."""
        columns = self._columns(width)
        cell = (width - GAP * (columns - 1)) / columns
        cell = max(MIN_CELL, min(MAX_CELL, cell))
        return cell, cell * self._aspect

    def _label_height(self) -> int:
        return QFontMetrics(self.font()).height() if self._labels else 0

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        if not self._images:
            return 0
        rows = math.ceil(len(self._images) / self._columns(width))
        _, height = self._cell_size(width)
        return int(math.ceil(rows * (height + self._label_height()) + GAP * (rows - 1)))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = 8 * (self._wanted_cell() + GAP)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # the height follows the width given (heightForWidth), not the narrowest width
        return QSize(MIN_CELL, MIN_CELL if self._images else 0)

    # --- painting ---------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if not self._images:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        columns = self._columns(self.width())
        width, height = self._cell_size(self.width())
        label_height = self._label_height()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        metrics = QFontMetrics(self.font())
        for i, image in enumerate(self._images):
            row, column = divmod(i, columns)
            x = column * (width + GAP)
            y = row * (height + label_height + GAP)
            painter.drawImage(QRectF(x, y, width, height), image)
            if self._labels:
                painter.setPen(text)
                label = metrics.elidedText(self._labels[i], Qt.TextElideMode.ElideRight,
                                           int(width))
                painter.drawText(QRectF(x, y + height, width, label_height),
                                 int(Qt.AlignmentFlag.AlignCenter), label)
        painter.end()
