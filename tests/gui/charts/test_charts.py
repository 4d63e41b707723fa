"""The live loss and accuracy charts: stored data, smoothing, throttled redraws, palette."""

from __future__ import annotations

import math
import os
import time

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QPalette, QPixmap

from digitpad.gui.charts.charts import AccuracyChart, GrowingSeries, LossChart


def plotted(curve) -> tuple[list[float], list[float]]:
    """The (x, y) data a curve was last given (empty lists before any)."""
    x, y = curve.getOriginalDataset()
    return ([] if x is None else x.tolist()), ([] if y is None else y.tolist())


@pytest.fixture
def loss_chart(qtbot):
    chart = LossChart()
    qtbot.addWidget(chart)
    return chart


@pytest.fixture
def accuracy_chart(qtbot):
    chart = AccuracyChart()
    qtbot.addWidget(chart)
    return chart


def test_growing_series_keeps_every_point_across_growth():
    series = GrowingSeries(capacity=4)
    for start in range(0, 1000, 7):
        xs = np.arange(start, start + 7, dtype=float)
        series.extend(xs, xs * 2)
    x, y = series.arrays()
    assert len(series) == len(x) == 1001  # 143 chunks of 7
    assert np.array_equal(x, np.arange(len(x), dtype=float)) and np.array_equal(y, 2 * x)


def test_series_hold_exactly_what_was_appended(loss_chart):
    steps = list(range(1, 301))
    losses = [2.3 * math.exp(-s / 100) + 0.1 * math.sin(s) for s in steps]
    loss_chart.append_steps(steps[:120], losses[:120])
    loss_chart.append_steps(steps[120:], losses[120:])
    loss_chart.add_epoch(150, 0.9, 1.0)
    loss_chart.add_epoch(300, 0.4, 0.5)
    x, y = loss_chart.series("raw")
    assert x.tolist() == steps and np.allclose(y, losses)
    assert loss_chart.series("smoothed")[0].tolist() == steps
    assert loss_chart.series("train")[0].tolist() == [150, 300]
    assert loss_chart.series("train")[1].tolist() == [0.9, 0.4]
    assert loss_chart.series("val")[1].tolist() == [1.0, 0.5]
    loss_chart.refresh()
    assert plotted(loss_chart.curves["raw"])[1] == pytest.approx(losses)
    assert plotted(loss_chart.curves["val"])[0] == [150, 300]


def test_smoothing_is_finite_and_within_the_raw_range(loss_chart):
    rng = np.random.default_rng(1)
    losses = (2.0 * np.exp(-np.arange(500) / 150) + rng.uniform(0, 0.5, 500)).tolist()
    loss_chart.append_steps(list(range(1, 501)), losses)
    smoothed = loss_chart.series("smoothed")[1]
    assert np.isfinite(smoothed).all()
    assert smoothed.min() >= min(losses) - 1e-9 and smoothed.max() <= max(losses) + 1e-9
    assert smoothed[0] == pytest.approx(losses[0])  # bias-corrected: no pull towards zero
    assert np.std(np.diff(smoothed)) < np.std(np.diff(losses)) / 5


def test_non_finite_losses_leave_gaps_and_do_not_break_the_plot(loss_chart, qtbot):
    loss_chart.resize(400, 250)
    loss_chart.show()
    qtbot.waitExposed(loss_chart)
    loss_chart.append_steps([1, 2, 3, 4, 5], [1.0, math.nan, math.inf, -math.inf, 0.5])
    loss_chart.add_epoch(5, math.nan, 0.7)  # a diverged epoch: no marker for its train loss
    loss_chart.refresh()
    loss_chart.grab()
    raw = loss_chart.series("raw")[1]
    assert raw[0] == 1.0 and raw[4] == 0.5 and np.isnan(raw[1:4]).all()
    smoothed = loss_chart.series("smoothed")[1]
    assert np.isfinite(smoothed).all() and smoothed.min() >= 0.5 and smoothed.max() <= 1.0
    assert len(loss_chart.series("train")[0]) == 0 and loss_chart.series("val")[1].tolist() == [0.7]
    loss_chart.append_steps([], [])  # nothing to add is fine too


def test_refresh_redraws_only_when_something_changed(loss_chart, monkeypatch):
    calls: list[int] = []
    curve = loss_chart.curves["raw"]
    original = curve.setData
    monkeypatch.setattr(curve, "setData", lambda *a, **k: (calls.append(1), original(*a, **k)))
    loss_chart.append_steps([1, 2], [1.0, 0.9])
    assert loss_chart.is_dirty() and not calls  # appending never redraws by itself
    loss_chart.refresh()
    assert calls == [1] and not loss_chart.is_dirty()
    loss_chart.refresh()
    loss_chart.refresh()
    assert calls == [1]


def test_the_throttler_redraws_a_dirty_chart_on_its_own_then_stops(loss_chart, accuracy_chart,
                                                                   qtbot):
    triggered: list[int] = []
    loss_chart.throttler.triggered.connect(lambda: triggered.append(1))
    loss_chart.append_steps([1, 2, 3], [1.0, 0.8, 0.7])
    assert loss_chart.is_dirty() and len(plotted(loss_chart.curves["raw"])[0]) == 0
    qtbot.waitUntil(lambda: len(plotted(loss_chart.curves["raw"])[0]) == 3, timeout=2000)
    assert not loss_chart.is_dirty() and triggered == [1]
    qtbot.wait(300)  # idle: no more redraws
    assert triggered == [1]
    accuracy_chart.add_epoch(1, 0.5, 0.6)
    qtbot.waitUntil(lambda: plotted(accuracy_chart.curves["val"])[1] == [60.0], timeout=2000)
    assert not accuracy_chart.is_dirty()


def test_reset_empties_the_charts(loss_chart, accuracy_chart):
    loss_chart.append_steps([1, 2], [1.0, 0.5])
    loss_chart.add_epoch(2, 0.7, 0.8)
    accuracy_chart.add_epoch(1, 0.9, 0.8)
    loss_chart.refresh()
    loss_chart.reset()
    accuracy_chart.reset()
    for name in ("raw", "smoothed", "train", "val"):
        assert len(loss_chart.series(name)[0]) == 0
        assert plotted(loss_chart.curves[name]) == ([], [])
    assert len(accuracy_chart.series("val")[0]) == 0
    loss_chart.append_steps([1], [3.0])  # the smoothing starts afresh
    assert loss_chart.series("smoothed")[1].tolist() == pytest.approx([3.0])


def test_accuracy_is_plotted_in_percent_with_the_top_at_100(accuracy_chart):
    accuracy_chart.add_epoch(1, 0.90, 0.92)
    accuracy_chart.add_epoch(2, 0.95, 0.97)
    accuracy_chart.refresh()
    epochs, values = accuracy_chart.series("train")
    assert epochs.tolist() == [1, 2] and values.tolist() == pytest.approx([90.0, 95.0])
    assert accuracy_chart.series("val")[1].tolist() == pytest.approx([92.0, 97.0])
    low, high = accuracy_chart.y_range()
    assert 100.0 < high <= 101.5 and 70.0 <= low < 90.0
    accuracy_chart.add_epoch(3, 0.1, 0.05)
    accuracy_chart.refresh()
    low, high = accuracy_chart.y_range()
    assert low == pytest.approx(0.0) and 100.0 < high <= 104.5


def test_epoch_ticks_are_whole_numbers(accuracy_chart):
    axis = accuracy_chart.plot.getAxis("bottom")
    for low, high in ((0.5, 2.5), (0.5, 7.5), (0.5, 120.5)):
        for spacing, values in axis.tickValues(low, high, 500):
            assert spacing >= 1 and all(float(v).is_integer() for v in values)


def test_colours_follow_the_palette(loss_chart, qtbot):
    palette = QPalette(loss_chart.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor("#202124"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e8eaed"))
    loss_chart.setPalette(palette)
    qtbot.waitUntil(lambda: loss_chart.plot.backgroundBrush().color() == QColor("#202124"))
    axis = loss_chart.plot.getAxis("left")
    assert axis.textPen().color() == QColor("#e8eaed") and axis.pen().color() == QColor("#e8eaed")


def test_charts_have_tooltips(loss_chart, accuracy_chart):
    assert "loss" in loss_chart.plot.toolTip() and "ccuracy" in accuracy_chart.plot.toolTip()


@pytest.mark.slow
def test_many_redraws_of_both_charts_do_not_crash(qtbot, monkeypatch):
    """Redraw stress test: 600 rounds of new data, refresh and a real paint of both charts.

    It exists because PySide6 6.12.0 with pyqtgraph 0.14.0 crashes the process ("deallocating
    None" in AxisItem painting) within a few hundred redraws; the pins in pyproject.toml avoid
    it, and this test fails (the process dies) if an upgrade brings the crash back. render()
    (what grab() does, here into one reused pixmap) paints the whole widget, axes included,
    even offscreen, where repaint() of a hidden-from-screen window may paint nothing.
    """
    painted: list[int] = []
    paint = pg.AxisItem.paint
    monkeypatch.setattr(pg.AxisItem, "paint", lambda *a: (painted.append(1), paint(*a))[1])
    loss, accuracy = LossChart(), AccuracyChart()
    for chart in (loss, accuracy):
        qtbot.addWidget(chart)
        chart.resize(600, 300)
        chart.show()
        qtbot.waitExposed(chart)
    canvas = QPixmap(loss.size())
    rounds, per_round = 600, 20
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    for i in range(rounds):
        steps = list(range(i * per_round + 1, (i + 1) * per_round + 1))
        loss.append_steps(steps, (np.exp(-i / 200) + rng.uniform(0, 0.1, per_round)).tolist())
        if i % 10 == 9:
            epoch = i // 10 + 1
            loss.add_epoch(steps[-1], math.exp(-i / 200), math.exp(-i / 200) + 0.05)
            accuracy.add_epoch(epoch, 1 - 0.5 * math.exp(-i / 100), 1 - 0.6 * math.exp(-i / 100))
        loss.refresh()
        accuracy.refresh()
        loss.render(canvas)
        accuracy.render(canvas)
    elapsed = time.perf_counter() - started
    print(f"\n{rounds} redraws of both charts: {elapsed:.2f} s")
    os.kill(os.getpid(), 0)  # still alive
    assert len(painted) >= 4 * rounds  # two axes of two charts, every round
    assert loss.series("raw")[0].tolist() == list(range(1, rounds * per_round + 1))
    assert len(loss.series("val")[0]) == rounds // 10
    assert accuracy.series("val")[0].tolist() == list(range(1, rounds // 10 + 1))
    assert np.isfinite(loss.series("smoothed")[1]).all()
