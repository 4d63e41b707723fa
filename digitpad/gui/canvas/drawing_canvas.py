"""DrawingCanvas: a square white paper to draw a digit on with the mouse or a pen (no torch here).

The drawing is a fixed 560×560 grey image (paper.py) shown by PaperView (paper_view.py); this
file adds the editing: round-pen strokes and the eraser, whole-stroke undo and redo
(history.py), loading images and accepting drops (drop.py).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPointF, Qt, Signal, Slot
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QMouseEvent,
    QTabletEvent,
)
from PySide6.QtWidgets import QWidget

from digitpad.gui.canvas import paper
from digitpad.gui.canvas.drop import acceptable, dropped_item
from digitpad.gui.canvas.history import StrokeHistory
from digitpad.gui.canvas.image_io import ImageData
from digitpad.gui.canvas.paper_view import PaperView

MIN_BRUSH, MAX_BRUSH, DEFAULT_BRUSH, BRUSH_STEP = 4, 48, 18, 2
# While a stroke is under way, `changed` at most this often: a move emits when this long has
# passed since the last emission, and the stroke's start and end always emit. Four lines, kept
# by hand rather than superqt's QSignalThrottler (which would fit): importing superqt costs
# about 0.4 s, as its package imports all of its widgets, and the canvas is built before the
# window shows; its throttler would also add a timer-driven trailing emission.
CHANGE_INTERVAL_S = 0.03


class DrawingCanvas(PaperView):
    """Draw with the left button or a pen; strokes are undoable; drop images onto it."""

    changed = Signal()  # the drawing changed (throttled during a stroke, always at its end)
    strokeStarted = Signal()
    strokeFinished = Signal()
    fileDropped = Signal(str)
    imageDropped = Signal(object)  # image_io.ImageData, not decoded yet
    brushSizeChanged = Signal(int)
    undoAvailable = Signal(bool)
    redoAvailable = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._brush = DEFAULT_BRUSH
        self._history = StrokeHistory(parent=self)
        self._history.undoAvailable.connect(self.undoAvailable)
        self._history.redoAvailable.connect(self.redoAvailable)
        self._last: QPointF | None = None  # where the stroke under way has got to (image px)
        self._last_emit = 0.0
        self.setAttribute(Qt.WidgetAttribute.WA_TabletTracking)
        self.setAcceptDrops(True)
        self.setAccessibleName("Drawing canvas")

    # --- brush ------------------------------------------------------------------------------
    @property
    def brush_size(self) -> int:
        """Brush diameter in paper units (280 across); the pen is twice that in image pixels."""
        return self._brush

    @Slot(int)
    def set_brush_size(self, size: int) -> None:
        """Set the brush diameter, clamped to MIN_BRUSH..MAX_BRUSH."""
        size = max(MIN_BRUSH, min(MAX_BRUSH, int(size)))
        if size != self._brush:
            self._update_outline()
            self._brush = size
            self._update_outline()
            self.brushSizeChanged.emit(size)

    @Slot()
    def smaller_brush(self) -> None:
        """One step smaller (stops at the smallest)."""
        self.set_brush_size(self._brush - BRUSH_STEP)

    @Slot()
    def larger_brush(self) -> None:
        """One step larger (stops at the largest)."""
        self.set_brush_size(self._brush + BRUSH_STEP)

    @Slot(bool)
    def set_eraser(self, on: bool) -> None:
        """Strokes paint white when on."""
        self._eraser = bool(on)
        self._update_outline()

    @property
    def stroke_under_way(self) -> bool:
        """True between a stroke's press and its release (its `changed` are not the last)."""
        return self._last is not None

    # --- content and history ----------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        """Whether undo() would change something."""
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        """Whether redo() would change something."""
        return self._history.can_redo

    @Slot()
    def clear(self) -> None:
        """Wipe the paper (undoable; does nothing when it is already blank)."""
        if not self.is_blank():
            self._history.checkpoint(self._image)
            self._set_image(paper.blank_paper())

    def load_image(self, image: QImage, as_dark_ink: bool = True) -> None:
        """Replace the drawing with `image`, grey, fitted and centred (undoable); light ink on a
        dark ground becomes dark ink on light paper unless `as_dark_ink` is False (see
        paper.fit_onto_paper)."""
        self._history.checkpoint(self._image)
        self._set_image(paper.fit_onto_paper(image, as_dark_ink))

    @Slot()
    def undo(self) -> None:
        """Back to the paper as it was before the last stroke, clear or load."""
        previous = self._history.undo(self._image)
        if previous is not None:
            self._set_image(previous)

    @Slot()
    def redo(self) -> None:
        """Bring back what was last undone."""
        following = self._history.redo(self._image)
        if following is not None:
            self._set_image(following)

    def _set_image(self, image: QImage) -> None:
        self._last = None  # a stroke under way ends here
        self._image, self._blank = image, None
        self.update()
        self.changed.emit()

    # --- strokes ----------------------------------------------------------------------------
    def _pen_width(self, pressure: float | None) -> float:
        width = float(self._brush * paper.SCALE)
        if pressure is None:  # the mouse
            return width
        return width * (0.7 + 0.6 * max(0.0, min(1.0, pressure)))

    def _begin(self, pos: QPointF, pressure: float | None = None) -> None:
        was_blank = self.is_blank()
        self._history.checkpoint(self._image)
        self._last = self.to_image(pos)
        self._paint(self._last, self._last, pressure)
        if was_blank:
            self.update()  # the hint goes
        self.strokeStarted.emit()
        self._last_emit = time.monotonic()
        self.changed.emit()

    def _continue(self, pos: QPointF, pressure: float | None = None) -> None:
        if self._last is None:
            return
        point = self.to_image(pos)
        self._paint(self._last, point, pressure)
        self._last = point
        now = time.monotonic()
        if now - self._last_emit >= CHANGE_INTERVAL_S:
            self._last_emit = now
            self.changed.emit()

    def _finish(self) -> None:
        if self._last is None:
            return
        self._last = None
        if self._eraser and self.is_blank():
            self.update()  # the hint comes back
        self.strokeFinished.emit()
        self.changed.emit()

    def _paint(self, a: QPointF, b: QPointF, pressure: float | None) -> None:
        touched = paper.paint_segment(self._image, a, b, self._pen_width(pressure), self._eraser)
        self._blank = None if self._eraser else False
        self.update_image_rect(touched)

    # --- input ------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self._last is None:
            self._begin(event.position())
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.move_outline(event.position())
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._continue(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._finish()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802 - Qt override
        kind, pos, pressure = event.type(), event.position(), event.pressure()
        if kind == QEvent.Type.TabletPress and self._last is None:
            self._begin(pos, pressure)
        elif kind == QEvent.Type.TabletMove:
            self.move_outline(pos)
            self._continue(pos, pressure)
        elif kind == QEvent.Type.TabletRelease:
            self._finish()
        event.accept()  # no synthesised mouse events as well

    # --- drag and drop ----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if acceptable(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        if acceptable(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        item = dropped_item(event.mimeData())  # the Draw tab loads it and reports problems
        if isinstance(item, str):
            self.fileDropped.emit(item)
        elif isinstance(item, ImageData):
            self.imageDropped.emit(item)
        else:
            return
        event.acceptProposedAction()
