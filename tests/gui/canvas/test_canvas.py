"""The drawing canvas with real mouse events: strokes, undo/redo, clear, eraser, brush, images."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from digitpad.bench.mouse_strokes import MOVE, send
from digitpad.gui.canvas.drawing_canvas import DrawingCanvas
from tests.gui.helpers import drop_urls, shown, stroke


@pytest.fixture
def canvas(qtbot):
    # wider than tall: the paper is the centred 300×300 square
    return shown(qtbot, DrawingCanvas(), 400, 300)


def ink(canvas: DrawingCanvas) -> np.ndarray:
    return canvas.to_array() < 128


def test_a_stroke_leaves_ink_along_its_path_only(canvas):
    assert canvas.is_blank()
    stroke(canvas, [(0.5, 0.2), (0.5, 0.8)])
    assert not canvas.is_blank()
    dark = ink(canvas)
    side = dark.shape[0]
    column = dark[:, side // 2]
    assert column[int(0.3 * side): int(0.7 * side)].all()  # along the line
    assert not dark[:, : int(0.4 * side)].any() and not dark[:, int(0.6 * side):].any()
    assert not dark[: int(0.1 * side)].any() and not dark[int(0.9 * side):].any()


def test_moving_without_a_button_draws_nothing(canvas):
    for x in range(50, 350, 10):
        send(canvas, MOVE, QPointF(x, 150), hover=True)
    assert canvas.is_blank()


def test_changed_is_throttled_during_a_stroke_and_sent_at_its_end(canvas, qtbot):
    count = []
    canvas.changed.connect(lambda: count.append(1))
    points = [(0.2 + 0.6 * i / 60, 0.5) for i in range(61)]
    with qtbot.waitSignal(canvas.strokeFinished):
        stroke(canvas, points, steps=10)  # 600 moves, sent as fast as Python can
    assert 1 <= len(count) < 100


def test_undo_redo_and_clear_work_on_whole_strokes(canvas):
    states = []
    canvas.undoAvailable.connect(lambda on: states.append(("undo", on)))
    canvas.redoAvailable.connect(lambda on: states.append(("redo", on)))
    stroke(canvas, [(0.3, 0.3), (0.7, 0.3)])
    first = canvas.to_array()
    stroke(canvas, [(0.3, 0.7), (0.7, 0.7)])
    assert states == [("undo", True)]
    canvas.undo()
    assert np.array_equal(canvas.to_array(), first) and canvas.can_redo
    canvas.redo()
    assert ink(canvas)[int(0.7 * 560)].any()
    canvas.undo()
    stroke(canvas, [(0.5, 0.4), (0.5, 0.6)])  # a new stroke forgets what was undone
    assert not canvas.can_redo
    canvas.clear()
    assert canvas.is_blank()
    canvas.undo()  # clearing is undoable too
    assert not canvas.is_blank()
    canvas.undo()
    canvas.undo()
    assert canvas.is_blank() and not canvas.can_undo
    assert ("undo", False) in states


def test_the_eraser_removes_ink(canvas):
    stroke(canvas, [(0.2, 0.5), (0.8, 0.5)])
    canvas.set_eraser(True)
    canvas.set_brush_size(48)
    stroke(canvas, [(0.1, 0.5), (0.9, 0.5)])
    assert canvas.is_blank()


def line_width(canvas: DrawingCanvas) -> int:
    return int(ink(canvas)[280].sum())  # across a vertical line, in the middle row


def test_brush_size_sets_the_stroke_width_and_is_clamped(canvas):
    seen = []
    canvas.brushSizeChanged.connect(seen.append)
    canvas.set_brush_size(8)
    stroke(canvas, [(0.5, 0.2), (0.5, 0.8)])
    thin = line_width(canvas)
    canvas.clear()
    canvas.set_brush_size(32)
    stroke(canvas, [(0.5, 0.2), (0.5, 0.8)])
    thick = line_width(canvas)
    assert abs(thin - 16) <= 3 and abs(thick - 64) <= 3  # 2 stored pixels per paper pixel
    for _ in range(30):
        canvas.larger_brush()
    assert canvas.brush_size == 48
    for _ in range(30):
        canvas.smaller_brush()
    assert canvas.brush_size == 4 and seen[:2] == [8, 32]


def test_a_loaded_image_is_grey_on_white_centred_and_keeps_its_aspect(canvas):
    image = QImage(200, 100, QImage.Format.Format_RGBA8888)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.fillRect(80, 20, 40, 60, QColor(0, 0, 0))  # a black block on transparency
    painter.end()
    canvas.load_image(image)
    dark = ink(canvas)
    rows, cols = np.nonzero(dark)
    assert abs(cols.mean() - 280) < 4 and abs(rows.mean() - 280) < 4
    # 200×100 scaled to 560 wide: the 40×60 block becomes 112×168
    assert abs((cols.max() - cols.min() + 1) - 112) <= 3
    assert abs((rows.max() - rows.min() + 1) - 168) <= 3
    assert canvas.to_array()[5, 5] == 255  # transparent became paper
    canvas.undo()
    assert canvas.is_blank()


def test_dropping_a_file_reports_its_path(canvas, qtbot, tmp_path):
    path = tmp_path / "a drawing.png"
    path.write_bytes(b"")
    with qtbot.waitSignal(canvas.fileDropped) as dropped:
        assert drop_urls(canvas, [str(path)])
    assert dropped.args == [str(path)]


def test_the_paper_is_painted_where_the_mouse_maps(canvas):
    stroke(canvas, [(0.5, 0.5), (0.52, 0.5)])
    picture = canvas.grab().toImage()
    ratio = picture.devicePixelRatio()
    centre = picture.pixelColor(int(200 * ratio), int(150 * ratio))
    assert centre.lightness() < 80
    corner = picture.pixelColor(int(60 * ratio), int(150 * ratio))  # beside the paper
    assert corner != centre
