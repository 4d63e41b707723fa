"""Acting as a person's mouse on a widget: real press / move / release QMouseEvents.

The one mouse-event sender that the tests (tests/gui/helpers.py), `digitpad bench mouse`
(mouse_drawn) and `digitpad bench latency` share. Positions are given as fractions (0..1) of the
widget's centred square — on a DrawingCanvas, its paper — or, for `send`, in widget pixels.
qtbot.mouseClick / mouseMove cannot hold a button down through a drag, hence events of our own.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

PRESS = QEvent.Type.MouseButtonPress
MOVE = QEvent.Type.MouseMove
RELEASE = QEvent.Type.MouseButtonRelease


def canvas_point(widget: QWidget, fx: float, fy: float) -> QPointF:
    """A point given as fractions (0..1) of the widget's centred square drawing area."""
    side = min(widget.width(), widget.height())
    left, top = (widget.width() - side) / 2, (widget.height() - side) / 2
    return QPointF(left + fx * side, top + fy * side)


def send(widget: QWidget, kind: QEvent.Type, pos: QPointF, *, hover: bool = False) -> None:
    """One left-button mouse event at `pos` (widget pixels), with the buttons a real mouse
    reports: a press holds the left button down, a move drags with it held (with `hover`, with
    no button at all), a release lets it go."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    button = none if kind == MOVE else left
    held = none if kind == RELEASE or hover else left
    event = QMouseEvent(kind, pos, QPointF(widget.mapToGlobal(pos.toPoint())), button, held,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def stroke(widget: QWidget, points: Sequence[tuple[float, float]], steps: int = 6,
           whole_pixels: bool = False) -> None:
    """Press, drag through `points` (fractions of the centred square) with the left button held,
    release.

    Each segment is split into `steps` moves, as a real mouse would report them. With
    `whole_pixels` the positions are rounded to whole widget pixels, as a mouse reports them, and
    a move to the pixel the pointer is already on is not sent.
    """
    corners = [canvas_point(widget, x, y) for x, y in points]
    path = corners[:1] + [b if i == steps else a + (b - a) * (i / steps)
                          for a, b in zip(corners, corners[1:]) for i in range(1, steps + 1)]
    if whole_pixels:
        rounded: list[QPointF] = []
        for p in path:
            p = QPointF(round(p.x()), round(p.y()))
            if not rounded or p != rounded[-1]:
                rounded.append(p)
        path = rounded
    send(widget, PRESS, path[0])
    for p in path[1:]:
        send(widget, MOVE, p)
    send(widget, RELEASE, path[-1])
