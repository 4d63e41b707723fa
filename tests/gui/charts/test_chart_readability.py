"""The charts as a person reads them (issue 12, item 12): legends never cover the data, the
smoothed loss keeps up on a short run, and one huge loss does not flatten the loss axis.

Before, each legend sat inside its plot (top right, bottom right) and at 800×600 covered most of
both charts (the window's smallest size is now 880×640, where they are checked); the smoothed
loss was 0.15 where the raw loss was 0.02 at step 40; and a first loss of 41,000 squashed every
later loss onto the bottom pixel row.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt

from digitpad.gui.charts.charts import LOG_RANGE_RATIO, LossChart
from digitpad.gui.main_window import MINIMUM_SIZE
from tests.gui.helpers import shown


def fill_like_a_run(tab) -> None:  # noqa: ANN001
    """Three epochs of 100 steps, as the worker sends them (in chunks)."""
    steps = np.arange(1, 301)
    losses = 0.03 + 2.27 * np.exp(-steps / 40.0)
    for start in range(0, 300, 25):
        tab.loss_chart.append_steps(steps[start:start + 25].tolist(),
                                    losses[start:start + 25].tolist())
    for epoch in (1, 2, 3):
        tab.loss_chart.add_epoch(100 * epoch, 0.9 / epoch, 1.0 / epoch)  # val above train
        tab.accuracy_chart.add_epoch(epoch, 0.80 + 0.06 * epoch, 0.85 + 0.05 * epoch)
    tab.loss_chart.refresh()
    tab.accuracy_chart.refresh()


def scene_points(chart) -> list[QPointF]:  # noqa: ANN001
    """Every plotted point of every curve of `chart`, in scene coordinates."""
    points = []
    for curve in chart.curves.values():
        xs, ys = curve.getData()  # as displayed (log10 on a log axis)
        assert xs is not None and len(xs)
        points += [curve.mapToScene(QPointF(x, y)) for x, y in zip(xs, ys) if math.isfinite(y)]
    return points


def widget_rect_in_scene(chart, widget) -> QRectF:  # noqa: ANN001
    """A child widget of the PlotWidget, as a scene rectangle."""
    top_left = chart.plot.mapToScene(widget.geometry().topLeft())
    bottom_right = chart.plot.mapToScene(widget.geometry().bottomRight())
    return QRectF(top_left, bottom_right)


@pytest.fixture
def main_window(qtbot, library):  # noqa: ANN001, ANN201
    """The real window at its default size (nothing remembered), Train tab showing."""
    from digitpad.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.train_tab)
    qtbot.waitExposed(window)
    return window


@pytest.mark.parametrize("size", [(880, 640), None], ids=["880x640-minimum", "default-size"])
def test_legends_sit_above_the_data_and_cover_no_point(main_window, qtbot, size):
    if size is None:
        assert (main_window.width(), main_window.height()) == (1000, 680)  # the default
    else:
        assert size == MINIMUM_SIZE  # the smallest the window can be: the hardest case
        main_window.resize(*size)
        qtbot.waitUntil(lambda: main_window.size().toTuple() == size, timeout=2000)
    tab = main_window.train_tab
    fill_like_a_run(tab)
    main_window.grab()  # lay out and paint as shown
    for chart in (tab.loss_chart, tab.accuracy_chart):
        legend = chart.legend.sceneBoundingRect()
        box = chart.plot.getViewBox().sceneBoundingRect()
        assert legend.width() > 20 and len(chart.legend.items) == len(chart.curves)
        covered = [p for p in scene_points(chart) if legend.contains(p)]
        assert not covered, f"the legend covers {len(covered)} points of {type(chart).__name__}"
        assert not legend.intersects(box)  # nor any place a later point can land
        assert legend.bottom() <= box.top()  # a header above the plot area
        shown = chart.plot.mapToScene(chart.plot.viewport().rect()).boundingRect()
        assert shown.contains(legend), "the legend is cut off"
    log_box = widget_rect_in_scene(tab.loss_chart, tab.loss_chart.log_box)
    assert not log_box.intersects(tab.loss_chart.plot.getViewBox().sceneBoundingRect())
    assert not log_box.intersects(tab.loss_chart.legend.sceneBoundingRect())


def test_the_smoothed_loss_keeps_up_with_a_short_run_and_smooths_a_long_one(qtbot):
    chart = LossChart()
    qtbot.addWidget(chart)
    steps = np.arange(1, 41)
    losses = 0.02 + 2.28 * np.exp(-(steps - 1) / 5.0)  # 2.3 falling to 0.02 by step ~30
    for start in range(0, 40, 7):  # in chunks, as the worker sends them
        chart.append_steps(steps[start:start + 7].tolist(), losses[start:start + 7].tolist())
    smoothed = chart.series("smoothed")[1]
    assert smoothed[0] == pytest.approx(losses[0])  # bias-corrected: no pull towards 0
    assert losses[-1] == pytest.approx(0.0209, abs=1e-4)
    assert smoothed[-1] == pytest.approx(losses[-1], abs=0.003)  # it was 0.148
    chart.reset()
    chart.append_steps(list(range(1, 101)), [0.5] * 100)
    assert np.allclose(chart.series("smoothed")[1], 0.5)  # a constant stays itself
    chart.reset()  # and a long noisy run is still smoothed as much as before
    rng = np.random.default_rng(3)
    losses = 0.3 + rng.uniform(-0.2, 0.2, 3000)
    chart.append_steps(list(range(1, 3001)), losses.tolist())
    smoothed = chart.series("smoothed")[1]
    assert np.std(smoothed[1000:]) < np.std(losses[1000:]) / 4
    assert abs(float(np.mean(smoothed[1000:])) - 0.3) < 0.01


def shown_chart(qtbot) -> LossChart:  # noqa: ANN001
    return shown(qtbot, LossChart(), 420, 300)


def spread_px(chart: LossChart, low: float, high: float) -> float:
    """How many pixels apart the y axis draws the losses `low` and `high`."""
    box = chart.plot.getViewBox()
    log = chart.is_log()
    y_low, y_high = (math.log10(v) if log else v for v in (low, high))
    return abs(box.mapViewToScene(QPointF(1, y_low)).y() - box.mapViewToScene(
        QPointF(1, y_high)).y())


def test_the_log_scale_box_switches_the_loss_axis_when_clicked(qtbot):
    chart = shown_chart(qtbot)
    steps = list(range(1, 201))
    chart.append_steps(steps, [0.02 + 2.3 * math.exp(-s / 30) for s in steps])
    chart.refresh()
    assert not chart.is_log() and not chart.log_box.isChecked()  # a range of ~100: linear
    qtbot.mouseClick(chart.log_box, Qt.MouseButton.LeftButton)
    assert chart.is_log() and chart.plot.getAxis("left").logMode
    chart.grab()
    assert spread_px(chart, 0.03, 0.3) > 0.2 * chart.plot.getViewBox().height()
    qtbot.mouseClick(chart.log_box, Qt.MouseButton.LeftButton)
    assert not chart.is_log() and not chart.plot.getAxis("left").logMode


def test_one_huge_loss_chooses_the_log_scale_until_the_user_decides(qtbot):
    chart = shown_chart(qtbot)
    steps = list(range(1, 301))
    losses = [41_000.0] + [0.02 + 2.3 * math.exp(-s / 40) for s in steps[1:]]
    chart.append_steps(steps, losses)
    chart.add_epoch(300, 0.05, 0.07)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no log10 warnings on the way
        chart.refresh()
        chart.grab()
    assert max(losses) / min(losses) > LOG_RANGE_RATIO
    assert chart.is_log() and chart.log_box.isChecked()
    height = chart.plot.getViewBox().height()
    assert spread_px(chart, 0.03, 0.3) > 0.1 * height  # linear: 0.002 px
    assert spread_px(chart, 0.3, 41_000.0) < 0.85 * height  # the huge one still shows
    qtbot.mouseClick(chart.log_box, Qt.MouseButton.LeftButton)  # the user wants it linear
    chart.append_steps([301, 302], [0.0, 0.01])  # more data, a zero loss too: still linear
    chart.refresh()
    chart.grab()
    assert not chart.is_log()
    chart.reset()  # a new run chooses afresh
    assert not chart.is_log()
    chart.append_steps([1, 2, 3], [5000.0, 0.0, 2.0])  # a zero loss on a log axis is a gap
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart.refresh()
        chart.grab()
    assert chart.is_log()
