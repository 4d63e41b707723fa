"""Live training charts: loss per step and accuracy per epoch (pyqtgraph, no torch here).

Each chart builds its PlotWidget, curves and legend once (chart_base.Chart); later updates only
call `setData` (pyqtgraph's scrolling-plot pattern). `show_record` takes the training run's
records (Steps, EpochEnd) as they come and dispatches on their type; the data are stored and the
redraw throttled (chart_base). The loss chart's y axis can be logarithmic ("Log scale", chosen by
itself when the finite losses span more than LOG_RANGE_RATIO, until the user decides). A box the
person ticked stays ticked for the next runs; a box ticked by itself, or unticked by the person,
leaves the next run to choose again (a diverged run must not leave the next one on a log axis).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtWidgets import QCheckBox, QWidget

from digitpad.core.records import EpochEnd, Steps
from digitpad.gui.charts.chart_base import BLUE, GREEN, ORANGE, Chart, IntegerAxis
from digitpad.gui.charts.chart_data import GrowingSeries, LossSmoother, add_point

__all__ = ["AccuracyChart", "GrowingSeries", "LossChart"]

LOG_RANGE_RATIO = 1000.0  # losses spanning more than this (max / min) switch to a log axis


class LossChart(Chart):
    """Training loss per step (raw and smoothed) and per-epoch train/validation loss.

    Curves (and `series` names): "raw", "smoothed", "train", "val". `log_box` switches the y axis
    between linear and logarithmic.
    """

    value_axes = ("left", "bottom")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("step", "loss", "Training loss per step (thin: each batch, thick: "
                         "smoothed); dots: mean training and validation loss of each epoch",
                         parent, axis_items={"bottom": IntegerAxis("bottom")})
        self._kept_log = False  # the person ticked "Log scale": later runs start on it too
        self.log_box = QCheckBox("Log scale", self.plot)
        self.log_box.setToolTip("A logarithmic loss axis: small losses stay readable beside one "
                                "huge one (chosen by itself for a run whose losses span over "
                                f"{LOG_RANGE_RATIO:,.0f}×; ticked by you, it stays on)")
        self.log_box.clicked.connect(self._log_clicked)  # a person's click, not setChecked
        self.corner = self.log_box
        self.curves = {
            "raw": self._curve("per step", BLUE, width=1.0, alpha=70),
            "smoothed": self._curve("smoothed", BLUE),
            "train": self._curve("train", ORANGE, markers=True),  # epoch means (tooltip)
            "val": self._curve("validation", GREEN, markers=True),
        }
        for name in ("raw", "smoothed"):
            self.curves[name].setDownsampling(auto=True, method="peak")
            self.curves[name].setClipToView(True)
        self._apply_palette()
        self.reset()

    def reset(self) -> None:
        """Forget all data (a new run) and clear the plot now; the axis is chosen afresh."""
        self._data = {"raw": GrowingSeries(), "smoothed": GrowingSeries(),
                      "train": GrowingSeries(16), "val": GrowingSeries(16)}
        self._smoother = LossSmoother()
        self._low, self._high = math.inf, 0.0  # smallest and largest positive finite loss
        # the user's choice for this run, once they make one; a tick of theirs carries over
        self._user_log: bool | None = True if self._kept_log else None
        self._set_log(self._kept_log)
        self._dirty = True
        self.refresh()

    def is_log(self) -> bool:
        """Whether the y axis is logarithmic now."""
        return self.log_box.isChecked()

    def _log_clicked(self, checked: bool) -> None:
        self._user_log = self._kept_log = checked
        self._set_log(checked)

    def _set_log(self, log: bool) -> None:
        self.log_box.setChecked(log)
        if getattr(self, "_log_shown", None) != log:  # setLogMode re-maps every curve
            self._log_shown = log
            self.plot.setLogMode(x=False, y=log)

    def show_record(self, record: object) -> None:
        """Take a training record: Steps add their losses, EpochEnd its mean losses."""
        match record:
            case Steps(steps=steps):
                self.append_steps([s.global_step for s in steps], [s.loss for s in steps])
            case EpochEnd():
                self.add_epoch(record.global_step, record.train_loss, record.val_loss)

    def append_steps(self, steps: list[int], losses: list[float]) -> None:
        """Store the loss of each step; nan/inf are kept as gaps (nan). Does not redraw."""
        if not len(steps):
            return
        xs = np.asarray(steps, dtype=np.float64)
        ys = np.asarray(losses, dtype=np.float64)
        ys = np.where(np.isfinite(ys), ys, np.nan)
        positive = ys[ys > 0]  # nan compares False
        if len(positive):
            self._low = min(self._low, float(positive.min()))
            self._high = max(self._high, float(positive.max()))
        smoothed = self._smoother.smooth(ys)
        self._data["raw"].extend(xs, ys)  # only finite values set the axis range
        self._data["smoothed"].extend(xs, np.where(np.isfinite(smoothed), smoothed, np.nan))
        self._mark_dirty()

    def add_epoch(self, global_step: int, train_loss: float, val_loss: float) -> None:
        """Mark an epoch's mean train and validation loss at the step it ended on (a non-finite
        value gets no marker). Does not redraw."""
        for name, value in (("train", train_loss), ("val", val_loss)):
            add_point(self._data[name], global_step, float(value))
        self._mark_dirty()

    def _redraw(self) -> None:
        if self._user_log is None:  # until the user chooses, a huge range means a log axis
            self._set_log(self._high > LOG_RANGE_RATIO * self._low)
        super()._redraw()


class AccuracyChart(Chart):
    """Train and validation accuracy of each epoch, in percent (the y axis tops out at 100).

    Curves (and `series` names): "train", "val" (x: epoch, y: percent).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("epoch", "accuracy (%)", "Accuracy on the training and validation "
                         "images after each epoch", parent,
                         axis_items={"bottom": IntegerAxis("bottom")})
        self.curves = {
            "train": self._curve("train", ORANGE, markers=True),
            "val": self._curve("validation", GREEN, markers=True),
        }
        self.plot.getViewBox().setLimits(yMin=-1, yMax=104)
        self._apply_palette()
        self.reset()

    def reset(self) -> None:
        """Forget all data (a new run) and clear the plot now."""
        self._data = {"train": GrowingSeries(16), "val": GrowingSeries(16)}
        self._dirty = True
        self.refresh()

    def show_record(self, record: object) -> None:
        """Take a training record: EpochEnd adds its accuracies (others are not charted here)."""
        if isinstance(record, EpochEnd):
            self.add_epoch(record.epoch, record.train_accuracy, record.val_accuracy)

    def add_epoch(self, epoch: int, train_accuracy: float, val_accuracy: float) -> None:
        """Store an epoch's accuracies, given as fractions 0..1 (plotted as %; non-finite values
        are skipped). Does not redraw."""
        for name, value in (("train", train_accuracy), ("val", val_accuracy)):
            add_point(self._data[name], epoch, 100.0 * float(value))
        self._mark_dirty()

    def y_range(self) -> tuple[float, float]:
        """The y range now shown (bottom follows the data, top just above 100)."""
        low, high = self.plot.getViewBox().viewRange()[1]
        return float(low), float(high)

    def _redraw(self) -> None:
        super()._redraw()
        epochs, values = (np.concatenate(parts) for parts in zip(
            *(self._data[name].arrays() for name in ("train", "val"))))
        lowest = float(values.min()) if len(values) else 0.0
        view = self.plot.getViewBox()
        top = 100.0 + 0.03 * (100.0 - max(0.0, lowest - max(1.0, 0.15 * (100.0 - lowest))))
        # a little headroom so a point at 100% and the "100" tick are drawn whole
        view.setYRange(max(0.0, lowest - max(1.0, 0.15 * (100.0 - lowest))), top, padding=0)
        first, last = (epochs.min(), epochs.max()) if len(epochs) else (1.0, 1.0)
        view.setXRange(float(first) - 0.5, float(last) + 0.5, padding=0)
