"""ModelInputView: the 28×28 picture the model really sees, scaled up without smoothing."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from digitpad.gui.canvas.image_io import array_to_qimage

SIDE = 112


class ModelInputView(QWidget):
    """Shows a uint8 H×W (or H×W×3) array at 4× with nearest-neighbour pixels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._array: np.ndarray | None = None
        self._image = None
        self.setFixedSize(SIDE + 2, SIDE + 2)
        self.setToolTip("What the model sees: the drawing cropped, scaled and centred like MNIST")
        self.setAccessibleName("What the model sees")

    def set_image(self, array: np.ndarray | None) -> None:
        """Show `array` (None: an empty frame)."""
        if array is None:
            self._array, self._image = None, None
        else:
            self._array = np.array(array, dtype=np.uint8, copy=True)
            self._image = array_to_qimage(self._array)
        self.update()

    def image(self) -> np.ndarray | None:
        """A copy of the array shown, or None."""
        return None if self._array is None else self._array.copy()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        frame = QRect(0, 0, SIDE + 1, SIDE + 1)
        painter.setPen(self.palette().mid().color())
        painter.drawRect(frame)
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(QRect(1, 1, SIDE, SIDE), self._image)
        else:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, "28 × 28")
        painter.end()
