"""The Draw tab uses a big window's room sensibly and keeps its smallest layout (issue 12 item
18; trial shot f_1920_draw: at 1920x1080 the ten bars stayed compact above a ~450 px gap, the
28x28 preview small at the bottom and the brush slider ~780 px long)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from digitpad.gui.draw.draw_tools import BRUSH_SLIDER_MAX
from digitpad.gui.draw.model_input_view import LARGEST, SIDE
from digitpad.gui.draw.probability_bars import MAX_ROW, MIN_ROW
from tests.gui.helpers import draw_digit, shown_label


def _rect(window, widget: QWidget) -> QRect:  # noqa: ANN001
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _sized(window, qtbot, width: int, height: int) -> None:  # noqa: ANN001
    window.resize(width, height)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (width, height), timeout=5_000)
    draw_digit(window.draw_tab.canvas, "7")
    qtbot.waitUntil(lambda: shown_label(window) is not None, timeout=10_000)


def test_at_1920x1080_the_bars_and_the_picture_fill_the_column(window, qtbot):
    _sized(window, qtbot, 1920, 1080)
    tab = window.draw_tab
    bars, view = _rect(window, tab.bars), _rect(window, tab.view)
    # the bars grow to comfortable rows, and hold no empty space below their last row
    assert 10 * (MAX_ROW - 4) <= bars.height() <= 10 * MAX_ROW + 8
    picture = tab.view.picture_rect().translated(view.topLeft())
    assert picture.width() == picture.height() == LARGEST  # 8x, not the 4x of a small window
    assert 0 <= picture.top() - bars.bottom() < 40  # right below the bars: no gap between
    assert picture.bottom() < _rect(window, tab).bottom()
    assert tab.brush.width() <= BRUSH_SLIDER_MAX  # was ~780 px for 47 steps
    canvas = _rect(window, tab.canvas)
    assert min(canvas.width(), canvas.height()) > 850  # the drawing still gets most of it


def test_at_the_smallest_window_everything_still_fits(window, qtbot):
    _sized(window, qtbot, 880, 640)
    tab = window.draw_tab
    inside = _rect(window, tab)
    bars, view = _rect(window, tab.bars), _rect(window, tab.view)
    assert bars.height() >= 10 * (MIN_ROW + 10)  # ten readable rows
    assert tab.view.picture_side() == SIDE
    picture = tab.view.picture_rect().translated(view.topLeft())
    assert inside.contains(picture) and picture.top() >= bars.bottom()
    for button in (tab.eraser, tab.undo_button, tab.redo_button, tab.clear_button,
                   tab.open_button):
        assert button.width() >= button.sizeHint().width(), button.text()  # not "E…r"
        assert inside.contains(_rect(window, button))
    assert tab.brush.width() >= 100
    canvas = _rect(window, tab.canvas)
    assert min(canvas.width(), canvas.height()) >= 450
    assert not canvas.intersects(bars) and not canvas.intersects(_rect(window, tab.picker))
