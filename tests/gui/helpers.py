"""Acting as a person on the GUI: real mouse strokes on a widget, files dropped on it, the main
window as the app starts it. The mouse events themselves come from digitpad.bench.mouse_strokes,
the sender the benchmarks use too."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QWidget

from digitpad.bench.mouse_strokes import canvas_point, stroke

__all__ = ["DIGITS", "canvas_point", "draw_digit", "drop_urls", "ellipse", "menu_action",
           "open_main_window", "shown", "shown_label", "stroke"]

W = TypeVar("W", bound=QWidget)


def shown(qtbot, widget: W, width: int, height: int) -> W:  # noqa: ANN001
    """`widget` in qtbot's care (closed after the test), resized to width×height, shown and
    exposed on the (offscreen) screen."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


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


def menu_action(window: QWidget, menu: str, text: str):  # noqa: ANN201
    """The QAction whose text (without mnemonics) starts with `text`, in the menu `menu` of the
    main window's menu bar."""
    for top in window.menuBar().actions():  # type: ignore[attr-defined]
        if top.text().replace("&", "") == menu:
            for action in top.menu().actions():
                if action.text().replace("&", "").startswith(text):
                    return action
    raise AssertionError(f"no {menu} ▸ {text}")


def shown_label(window: QWidget) -> str | None:
    """The class the Draw tab's bars put first, or None when they show no prediction."""
    import numpy as np

    probs = window.draw_tab.bars.probabilities()  # type: ignore[attr-defined]
    if not probs:
        return None
    return window.draw_tab.class_names[int(np.argmax(probs))]  # type: ignore[attr-defined]


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
