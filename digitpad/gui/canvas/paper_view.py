"""PaperView: shows the canvas's paper in the largest centred square of the widget.

It paints only what is exposed (the paper, scaled smoothly so HiDPI screens get the full 2×
detail), an optional overlay screened onto the paper (the Draw tab's "Why this digit" heat map,
canvas/heat_image.py: it lights up the ink), a thin frame, a hint while the paper is blank, and
the brush outline under the pointer.
DrawingCanvas builds the editing (strokes, undo, drops) on top of it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.gui.canvas import paper

HINT_TEXT = "Draw a digit here"


class PaperView(QWidget):
    """A square view of a paper image, with the brush outline following the pointer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage = paper.blank_paper()
        self._blank: bool | None = True  # is_blank() cached; None when unknown
        self._brush, self._eraser = 18, False  # the brush the outline shows (paper units)
        self._hover: QPointF | None = None  # centre of the brush outline (widget px)
        self._hint = HINT_TEXT
        self._overlay: QImage | None = None  # painted over the paper, scaled to it
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def to_array(self) -> np.ndarray:
        """A copy of the paper: uint8 (560, 560), white 255, ink dark."""
        return paper.pixels(self._image).copy()

    def paper_image(self) -> QImage:
        """A copy of the paper as a 560×560 grey QImage (what File ▸ Save Drawing writes)."""
        return self._image.copy()

    def is_blank(self) -> bool:
        """True while nothing darker than near-white is on the paper."""
        if self._blank is None:
            self._blank = paper.is_blank(self._image)
        return self._blank

    def hint(self) -> str:
        """The words shown on the blank paper."""
        return self._hint

    def set_hint(self, text: str) -> None:
        """Say `text` on the blank paper (it follows the model: a digit, clothing…)."""
        if text != self._hint:
            self._hint = text
            self.update()

    def overlay(self) -> QImage | None:
        """The image painted over the paper (None when there is none)."""
        return self._overlay

    def set_overlay(self, image: QImage | None) -> None:
        """Paint `image` (with alpha; stretched over the whole paper) onto the drawing in
        Screen mode, or nothing (None). Premultiplied ARGB32 paints fastest."""
        if image is None and self._overlay is None:
            return
        self._overlay = image
        self.update()

    # --- geometry ---------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(420, 420)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(200, 200)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return width

    def paper_rect(self) -> QRectF:
        """The centred square, in widget coordinates, that the paper is shown in."""
        side = max(1, min(self.width(), self.height()))
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_image(self, pos: QPointF) -> QPointF:
        """A widget position in paper-image pixels."""
        shown = self.paper_rect()
        k = paper.SIZE / shown.width()
        return QPointF((pos.x() - shown.left()) * k, (pos.y() - shown.top()) * k)

    def update_image_rect(self, rect: QRectF) -> None:
        """Schedule a repaint of what shows `rect` (paper-image pixels)."""
        shown = self.paper_rect()
        k = shown.width() / paper.SIZE
        widget = QRectF(shown.left() + rect.left() * k, shown.top() + rect.top() * k,
                        rect.width() * k, rect.height() * k)
        self.update(widget.toAlignedRect().adjusted(-1, -1, 1, 1))

    # --- brush outline ----------------------------------------------------------------------
    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        self._update_outline()
        self._hover = None
        super().leaveEvent(event)

    def move_outline(self, pos: QPointF) -> None:
        """Move the brush outline to a widget position."""
        self._update_outline()
        self._hover = QPointF(pos)
        self._update_outline()

    def _outline_radius(self) -> float:
        return self._brush * self.paper_rect().width() / paper.PAPER / 2

    def _update_outline(self) -> None:
        if self._hover is not None:
            r = self._outline_radius() + 3
            self.update(QRectF(self._hover.x() - r, self._hover.y() - r, 2 * r, 2 * r)
                        .toAlignedRect())

    # --- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        shown = self.paper_rect()
        with QPainter(self) as painter:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            target = shown.intersected(QRectF(event.rect()))
            k = paper.SIZE / shown.width()
            source = QRectF((target.left() - shown.left()) * k, (target.top() - shown.top()) * k,
                            target.width() * k, target.height() * k)
            painter.drawImage(target, self._image, source)
            if self._overlay is not None:  # Screen: lights up the ink, leaves white paper white
                o = self._overlay.width() / paper.SIZE
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Screen)
                painter.drawImage(target, self._overlay, QRectF(
                    source.left() * o, source.top() * o, source.width() * o, source.height() * o))
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
            painter.drawRect(shown.adjusted(0.5, 0.5, -0.5, -0.5))
            if self.is_blank():
                font = QFont(self.font())
                font.setPixelSize(max(10, int(shown.width() / 16)))
                painter.setFont(font)
                painter.setPen(QColor(0, 0, 0, 80))  # on the always-white paper
                painter.drawText(shown, Qt.AlignmentFlag.AlignCenter, self._hint)
            if self._hover is not None and shown.contains(self._hover):
                self._paint_outline(painter, shown)

    def _paint_outline(self, painter: QPainter, shown: QRectF) -> None:
        assert self._hover is not None
        painter.setClipRect(shown)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r = self._outline_radius()
        style = Qt.PenStyle.DashLine if self._eraser else Qt.PenStyle.SolidLine
        painter.setPen(QPen(QColor(255, 255, 255, 200), 1, style))  # a halo, visible over ink
        painter.drawEllipse(self._hover, r + 1, r + 1)
        painter.setPen(QPen(QColor(0, 0, 0, 160), 1, style))
        painter.drawEllipse(self._hover, r, r)
