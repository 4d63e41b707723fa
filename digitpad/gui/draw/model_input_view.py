"""ModelInputView: the 28×28 picture the model really sees, scaled up without smoothing.

It is shown at 4× (112 px) in a small window and grows in whole steps of its pixels, up to 8×,
as the room it is given grows (a big window's spare height)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.gui.canvas.image_io import array_to_qimage

SIDE = 112  # the smallest side of the picture (4× a 28-pixel input)
LARGEST = 2 * SIDE  # the largest (8×)


class ModelInputView(QWidget):
    """Shows a uint8 H×W (or H×W×3) array at 4× with nearest-neighbour pixels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._array: np.ndarray | None = None
        self._image = None
        self.setMinimumSize(SIDE + 2, SIDE + 2)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
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

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(SIDE + 2, SIDE + 2)

    def picture_side(self) -> int:
        """The side of the picture as shown: the largest whole multiple of 28 pixels that fits,
        from SIDE to LARGEST."""
        room = min(self.width(), self.height()) - 2
        return max(SIDE, min(LARGEST, room // 28 * 28))

    def picture_rect(self) -> QRect:
        """Where the picture is drawn (centred at the top of the widget), in widget pixels."""
        side = self.picture_side()
        return QRect((self.width() - side) // 2, 1, side, side)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        inside = self.picture_rect()
        frame = inside.adjusted(-1, -1, 0, 0)
        painter.setPen(self.palette().mid().color())
        painter.drawRect(frame)
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(inside, self._image)
        else:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, "28 × 28")
        painter.end()
