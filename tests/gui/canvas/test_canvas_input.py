"""The canvas's finer points: throttled `changed`, dots, pens, drops, the brush outline, history."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QInputDevice,
    QPointingDevice,
    QTabletEvent,
)
from PySide6.QtWidgets import QApplication

from digitpad.bench.mouse_strokes import MOVE, send
from digitpad.gui.canvas import drawing_canvas as canvas_module
from digitpad.gui.canvas import paper as canvas_paper
from digitpad.gui.canvas.drawing_canvas import DrawingCanvas
from tests.gui.helpers import canvas_point, shown, stroke


@pytest.fixture
def canvas(qtbot):
    # taller than wide: the paper is the centred 300×300 square
    return shown(qtbot, DrawingCanvas(), 300, 400)


class FakeClock:
    """time.monotonic() that moves on `step` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 100.0, step

    def monotonic(self) -> float:
        self.now += self.step
        return self.now


def test_changed_follows_the_pen_without_flooding(canvas, monkeypatch):
    monkeypatch.setattr(canvas_module, "time", FakeClock(0.005))  # a move every 5 ms
    events = []
    canvas.changed.connect(lambda: events.append("changed"))
    canvas.strokeStarted.connect(lambda: events.append("started"))
    canvas.strokeFinished.connect(lambda: events.append("finished"))
    stroke(canvas, [(0.2, 0.5), (0.8, 0.5)], steps=120)  # 600 ms of drawing
    during = events[events.index("started") + 1: events.index("finished")]
    assert 10 <= len(during) <= 25  # about every 30 ms, not every move
    assert events[-1] == "changed"  # and once more when the stroke ends


def test_a_click_leaves_a_round_dot(canvas, qtbot):
    with qtbot.waitSignal(canvas.changed):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton,
                         pos=canvas_point(canvas, 0.5, 0.5).toPoint())
    rows, cols = np.nonzero(canvas.to_array() < 128)
    width = canvas.brush_size * canvas_paper.SCALE
    assert abs(rows.mean() - 280) < 2 and abs(cols.mean() - 280) < 2
    assert abs(np.ptp(rows) + 1 - width) <= 3 and abs(np.ptp(cols) + 1 - width) <= 3
    assert canvas.can_undo


def _tablet(canvas, kind: QEvent.Type, fx: float, fy: float, pressure: float) -> QTabletEvent:
    device = QPointingDevice("test pen", 1, QInputDevice.DeviceType.Stylus,
                             QPointingDevice.PointerType.Pen,
                             QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
                             1, 3)
    pos = canvas_point(canvas, fx, fy)
    pen = Qt.MouseButton.LeftButton
    event = QTabletEvent(kind, device, pos, QPointF(canvas.mapToGlobal(pos.toPoint())), pressure,
                         0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier,
                         pen if kind != QEvent.Type.TabletMove else Qt.MouseButton.NoButton,
                         Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else pen)
    QApplication.sendEvent(canvas, event)
    return event


def test_a_pen_draws_wider_when_pressed_harder(canvas):
    light = _tablet(canvas, QEvent.Type.TabletPress, 0.3, 0.2, 0.0)
    for i in range(1, 11):
        _tablet(canvas, QEvent.Type.TabletMove, 0.3, 0.2 + 0.06 * i, 0.0)
    _tablet(canvas, QEvent.Type.TabletRelease, 0.3, 0.8, 0.0)
    _tablet(canvas, QEvent.Type.TabletPress, 0.7, 0.2, 1.0)
    for i in range(1, 11):
        _tablet(canvas, QEvent.Type.TabletMove, 0.7, 0.2 + 0.06 * i, 1.0)
    _tablet(canvas, QEvent.Type.TabletRelease, 0.7, 0.8, 1.0)
    assert light.isAccepted()
    row = canvas.to_array()[280] < 128
    thin, thick = int(row[:280].sum()), int(row[280:].sum())
    assert 0 < thin < thick
    canvas.undo()
    canvas.undo()
    assert canvas.is_blank()


def _drag(canvas, mime: QMimeData) -> tuple[bool, QDropEvent]:
    centre = QPoint(canvas.width() // 2, canvas.height() // 2)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(centre, *args)
    QApplication.sendEvent(canvas, enter)
    drop = QDropEvent(QPointF(centre), *args)
    QApplication.sendEvent(canvas, drop)
    return enter.isAccepted(), drop


def test_dropped_image_data_is_passed_on(canvas, qtbot):
    picture = QImage(40, 30, QImage.Format.Format_RGB32)
    picture.fill(QColor(10, 20, 30))
    mime = QMimeData()
    mime.setImageData(picture)
    with qtbot.waitSignal(canvas.imageDropped) as dropped:
        accepted, drop = _drag(canvas, mime)
    assert accepted and drop.isAccepted()
    assert dropped.args[0].decoded.size() == picture.size()  # decoded later, size-checked
    assert canvas.is_blank()  # loading it is the Draw tab's decision


def test_text_cannot_be_dropped(canvas, qtbot):
    mime = QMimeData()
    mime.setText("7")
    with qtbot.assertNotEmitted(canvas.fileDropped), qtbot.assertNotEmitted(canvas.imageDropped):
        accepted, drop = _drag(canvas, mime)
    assert not accepted and not drop.isAccepted()


def test_the_brush_outline_follows_the_pointer_without_drawing(canvas):
    canvas.set_brush_size(40)
    centre = canvas_point(canvas, 0.5, 0.5)
    send(canvas, MOVE, centre, hover=True)
    picture = canvas.grab().toImage()
    ratio = picture.devicePixelRatio()
    radius = 40 * 300 / 280 / 2  # brush units → widget pixels
    ring = [picture.pixelColor(int((centre.x() + radius + d) * ratio), int(centre.y() * ratio))
            for d in (-1, 0, 1)]
    assert min(c.lightness() for c in ring) < 200  # the outline shows on the white paper
    assert canvas.is_blank()  # but nothing was drawn


def test_drawing_over_a_loaded_image_and_undoing_back_to_it(canvas):
    picture = QImage(28, 28, QImage.Format.Format_Grayscale8)
    picture.fill(QColor(255, 255, 255))
    for x in range(12, 16):  # a 4×4 black square in the middle
        for y in range(12, 16):
            picture.setPixelColor(x, y, QColor(0, 0, 0))
    canvas.load_image(picture)
    loaded = canvas.to_array()
    assert loaded[280, 280] < 128 and loaded[10, 10] == 255
    stroke(canvas, [(0.1, 0.1), (0.2, 0.1)])
    canvas.undo()
    assert np.array_equal(canvas.to_array(), loaded)


def test_the_undo_history_is_capped(canvas):
    for i in range(60):
        stroke(canvas, [(0.1 + 0.013 * i, 0.3), (0.1 + 0.013 * i, 0.31)], steps=1)
    undone = 0
    while canvas.can_undo:
        canvas.undo()
        undone += 1
    assert undone == 50 and not canvas.is_blank()  # the first ten strokes stay


def test_paper_pixels_respect_the_row_stride():
    image = QImage(30, 5, QImage.Format.Format_Grayscale8)  # rows padded to 32 bytes
    image.fill(QColor(255, 255, 255))
    image.setPixelColor(29, 4, QColor(0, 0, 0))
    view = canvas_paper.pixels(image)
    assert image.bytesPerLine() == 32 and view.shape == (5, 30)
    assert view[4, 29] == 0 and not canvas_paper.is_blank(image)
