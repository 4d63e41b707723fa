"""The loss axis after a run diverges, and the step axis's ticks (issue 12 item 12, from a new
user's trial under Xvfb).

Before, SGD at lr 5 (losses 2.3 … 3·10³⁴, then nan) switched the loss chart to a log axis that
pyqtgraph labelled "loss (x1e+27)", its ticks 10⁻²⁷ … 10⁸: a loss of 2.3 read as 10⁻²⁷. A box
ticked by the person was forgotten at the next run. And the step axis had ticks at 0.1 … 0.9 on
the empty chart and at 1.5, 2.5 … on a 4-step run.
"""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from digitpad.core.records import Finished, Step, Steps
from digitpad.gui.charts.charts import LossChart
from tests.gui.helpers import shown

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def tick_value(text: str) -> float:
    """The number a log-axis tick label says: '10⁵', '2·10⁻³', '0.01', '1'."""
    if "10" in text and text.translate(SUPERSCRIPTS) != text:
        mantissa, _, power = text.rpartition("10")
        return float(mantissa.rstrip("·") or 1) * 10.0 ** int(power.translate(SUPERSCRIPTS))
    return float(text)


def drawn_ticks(chart: LossChart, name: str) -> list[tuple[float, str]]:
    """(position on the axis, label) of each tick label the axis draws, as AxisItem draws them
    (its own tick values and strings, with its own SI-prefix scale)."""
    for _ in range(2):  # the first paint may widen the axis for its labels: draw it settled
        chart.grab()
        QApplication.processEvents()  # the layout takes the new width
    axis = chart.plot.getAxis(name)
    low, high = axis.range
    ticks = []
    for spacing, values in axis.tickValues(low, high, axis.height()):
        strings = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
        ticks += list(zip(values, strings))
    pixmap = QPixmap(10, 10)
    painter = QPainter(pixmap)
    try:
        texts = [spec[2] for spec in axis.generateDrawSpecs(painter)[2]]
    finally:
        painter.end()
    return [(value, text) for value, text in ticks if text in texts]


def start_run(tab, qtbot, shared_data, lr: float, epochs: int = 1) -> None:  # noqa: ANN001
    """Fill in the form as remembered settings would, and press Start."""
    tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "mlp",
                        "optimizer": "sgd", "lr": lr, "epochs": epochs, "limit": 3000,
                        "batch_size": 64, "scheduler": "none", "save_name": "diverging"})
    qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)


def test_a_diverged_run_reads_as_itself_on_the_log_axis_and_the_next_run_chooses_again(
        tab, qtbot, shared_data):
    losses: list[float] = []
    tab.run.record.connect(lambda r: losses.extend(s.loss for s in r.steps)
                           if isinstance(r, Steps) else None)
    with qtbot.waitSignal(tab.run.record, timeout=120_000,
                          check_params_cb=lambda r: isinstance(r, Finished)) as done:
        start_run(tab, qtbot, shared_data, lr=5.0)
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=30_000)
    assert done.args[0].reason == "diverged"
    chart = tab.loss_chart
    chart.refresh()
    chart.grab()
    assert max(losses) / min(losses) > 1e6  # a huge range: the log axis is chosen by itself
    assert chart.is_log() and chart.log_box.isChecked()
    axis = chart.plot.getAxis("left")
    assert axis.labelString().endswith(">loss </span>")  # no "(x1e+27)" multiplier
    ticks = drawn_ticks(chart, "left")
    assert len(ticks) >= 3
    for position, text in ticks:  # each label says the loss at its height
        assert math.isclose(tick_value(text), 10.0 ** position, rel_tol=0.01), (position, text)
    low, high = (10.0 ** v for v in chart.plot.getViewBox().viewRange()[1])
    assert low <= min(losses) and max(losses) <= high and high < 1e3 * max(losses)
    # the next run, with a sane learning rate: linear again, the box unticked (chosen afresh)
    with qtbot.waitSignal(tab.run.record, timeout=120_000,
                          check_params_cb=lambda r: isinstance(r, Steps)):
        start_run(tab, qtbot, shared_data, lr=0.05)
    assert not chart.is_log() and not chart.log_box.isChecked()
    qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=60_000)


def test_a_box_the_person_ticked_stays_ticked_for_the_next_run(tab, qtbot, shared_data):
    chart = tab.loss_chart
    qtbot.mouseClick(chart.log_box, Qt.MouseButton.LeftButton)  # the person wants a log axis
    assert chart.is_log()
    with qtbot.waitSignal(tab.run.record, timeout=120_000,
                          check_params_cb=lambda r: isinstance(r, Steps)):
        start_run(tab, qtbot, shared_data, lr=0.05, epochs=3)
    chart.refresh()
    assert chart.is_log() and chart.log_box.isChecked() and chart.plot.getAxis("left").logMode
    qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=60_000)
    qtbot.mouseClick(chart.log_box, Qt.MouseButton.LeftButton)  # unticked: automatic again
    chart.reset()
    assert not chart.is_log()


def step(n: int, loss: float) -> Step:
    return Step(1, n, 4, n, 4, loss, 0.1, 100.0, 1.0)


@pytest.mark.parametrize("log", [False, True], ids=["linear", "log"])
def test_non_finite_losses_stay_out_of_the_axis_range(qtbot, log):
    chart = shown(qtbot, LossChart(), 420, 300)
    if log:
        qtbot.mouseClick(chart.log_box, Qt.MouseButton.LeftButton)
    chart.show_record(Steps((step(1, 2.3), step(2, math.inf), step(3, 1.9), step(4, math.nan))))
    chart.refresh()
    chart.grab()
    low, high = chart.plot.getViewBox().viewRange()[1]
    if log:
        low, high = 10.0 ** low, 10.0 ** high
    assert 1.0 < low < 1.9 and 2.3 < high < 5.0
    smoothed = chart.series("smoothed")[1]
    assert all(math.isfinite(v) for v in smoothed)


def test_small_losses_read_as_themselves_on_a_linear_axis(qtbot):
    chart = shown(qtbot, LossChart(), 420, 300)
    chart.show_record(Steps(tuple(step(n, 0.02 + 0.01 * n) for n in range(1, 5))))
    chart.refresh()
    chart.grab()
    assert chart.plot.getAxis("left").labelString().endswith(">loss </span>")  # no (x0.001)
    for position, text in drawn_ticks(chart, "left"):
        assert math.isclose(float(text), position, abs_tol=1e-9)


def test_the_step_axis_has_whole_ticks_and_an_empty_chart_none(qtbot):
    chart = shown(qtbot, LossChart(), 420, 300)
    chart.grab()
    assert drawn_ticks(chart, "bottom") == [] and drawn_ticks(chart, "left") == []
    chart.show_record(Steps(tuple(step(n, 1.0 / n) for n in range(1, 5))))  # a 4-step run
    chart.refresh()
    chart.grab()
    ticks = drawn_ticks(chart, "bottom")
    assert [text for _value, text in ticks] == ["1", "2", "3", "4"]
    assert drawn_ticks(chart, "left")  # the loss axis has its labels once there are data
