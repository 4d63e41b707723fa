"""Acting as a person on the GUI: real mouse strokes on a widget."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget


def canvas_point(widget: QWidget, fx: float, fy: float) -> QPointF:
    """A point given as fractions (0..1) of the canvas's centred square drawing area."""
    side = min(widget.width(), widget.height())
    left, top = (widget.width() - side) / 2, (widget.height() - side) / 2
    return QPointF(left + fx * side, top + fy * side)


def _send(widget: QWidget, kind: QEvent.Type, pos: QPointF, button: Qt.MouseButton,
          buttons: Qt.MouseButton) -> None:
    event = QMouseEvent(kind, pos, QPointF(widget.mapToGlobal(pos.toPoint())), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def stroke(widget: QWidget, points: Sequence[tuple[float, float]], steps: int = 6) -> None:
    """Press, drag through `points` (fractions of the canvas) with the left button held, release.

    Each segment is split into `steps` moves, as a real mouse would report them.
    """
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    pts = [canvas_point(widget, x, y) for x, y in points]
    _send(widget, QEvent.Type.MouseButtonPress, pts[0], left, left)
    for a, b in zip(pts, pts[1:]):
        for i in range(1, steps + 1):
            t = i / steps
            _send(widget, QEvent.Type.MouseMove, a + (b - a) * t, none, left)
    _send(widget, QEvent.Type.MouseButtonRelease, pts[-1], left, none)


def ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 24) -> list[tuple[float, float]]:
    """Points round an ellipse (for drawing a zero)."""
    import math

    return [(cx + rx * math.sin(2 * math.pi * i / n), cy - ry * math.cos(2 * math.pi * i / n))
            for i in range(n + 1)]


# Strokes for a few digits, as fractions of the canvas.
DIGITS = {
    "1": [[(0.5, 0.2), (0.5, 0.8)]],
    "0": [ellipse(0.5, 0.5, 0.2, 0.3)],
    "7": [[(0.3, 0.22), (0.7, 0.22), (0.45, 0.8)]],
}


def draw_digit(widget: QWidget, digit: str) -> None:
    """Draw one of DIGITS on the canvas with real mouse events."""
    for points in DIGITS[digit]:
        stroke(widget, points)


def drop_urls(widget: QWidget, urls: list[str]) -> bool:
    """Drag local files onto the middle of `widget` and drop them, as a file manager would:
    drag enter, drag move, drop. Returns whether the drag was accepted."""
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(u) for u in urls])
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    copy, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(centre, copy, mime, left, none)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(widget, QDragMoveEvent(centre, copy, mime, left, none))
    QApplication.sendEvent(widget, QDropEvent(QPointF(centre), copy, mime, left, none))
    return True


def open_main_window(qtbot, library: Path, monkeypatch):  # noqa: ANN001, ANN201
    """The main window as the app starts it, with `library` as the model library: shown, its
    background loading started, and returned once a model is loaded."""
    from digitpad.gui.main_window import MainWindow

    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(library))
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1100, 720)
    window.show()
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        window.start_background_loading()
    return window
