"""Live training charts: loss per step and accuracy per epoch (pyqtgraph, no torch here).

Each chart builds its PlotWidget, curves and legend once; later updates only call `setData`
(pyqtgraph's scrolling-plot pattern). Data arrive through `append_steps`/`add_epoch`, which only
store them and mark the chart dirty: charts never redraw per batch. A single-shot QTimer owned by
each chart then calls `refresh()` at most ~15 times a second while there is something new, and
stays stopped while the chart is idle, so an idle chart costs no CPU.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

REFRESH_MS = 66  # ~15 Hz at most
SMOOTHING_ALPHA = 0.05  # weight of each new step in the EMA (TensorBoard smoothing 0.95)

# Data colours (tab10): readable on light and dark backgrounds alike.
BLUE, ORANGE, GREEN = "#1f77b4", "#ff7f0e", "#2ca02c"


class GrowingSeries:
    """x and y float64 arrays with amortised O(1) appends (capacity doubles when full)."""

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity)
        self._y = np.empty(capacity)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def extend(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Append the points (xs[i], ys[i])."""
        end = self._n + len(xs)
        if end > len(self._x):
            capacity = max(end, 2 * len(self._x))
            for name in ("_x", "_y"):
                grown = np.empty(capacity)
                grown[: self._n] = getattr(self, name)[: self._n]
                setattr(self, name, grown)
        self._x[self._n : end] = xs
        self._y[self._n : end] = ys
        self._n = end

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Views of the points so far (stay valid: stored points are never overwritten)."""
        return self._x[: self._n], self._y[: self._n]


def _add_point(series: GrowingSeries, x: float, y: float) -> None:
    """Append one point, skipping a non-finite value (a diverged epoch gets no marker)."""
    if math.isfinite(y):
        series.extend(np.array([float(x)]), np.array([y]))


class _IntegerAxis(pg.AxisItem):
    """An axis whose ticks fall on whole numbers only (epochs)."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802
        levels = super().tickSpacing(minVal, maxVal, size)
        return [(float(max(1, round(spacing))), 0.0) for spacing, _offset in levels]


class _Chart(QWidget):
    """A PlotWidget with a legend, palette-aware colours and a throttled refresh timer."""

    def __init__(self, x_label: str, y_label: str, tooltip: str, parent: QWidget | None,
                 axis_items: dict | None = None, legend_offset: tuple = (-10, 10)) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self, axisItems=axis_items)
        self.plot.setToolTip(tooltip)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", x_label)
        self.plot.setLabel("left", y_label)
        self.plot.setMenuEnabled(False)
        self.legend = self.plot.addLegend(offset=legend_offset)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._dirty = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    def is_dirty(self) -> bool:
        """True when data arrived that the plot does not show yet."""
        return self._dirty

    def _mark_dirty(self) -> None:
        self._dirty = True
        if not self.timer.isActive():
            self.timer.start()

    def refresh(self) -> None:
        """Redraw from the latest data, only if something changed since the last redraw."""
        if not self._dirty:
            return
        self._dirty = False
        self.timer.stop()
        self._redraw()

    def series(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) data of one curve (see the `curves` keys), as plotted."""
        return self._data[name].arrays()

    def _redraw(self) -> None:
        for name, curve in self.curves.items():
            curve.setData(*self._data[name].arrays())

    def _curve(self, name: str, colour: str, width: float = 2.0, alpha: int = 255,
               markers: bool = False) -> pg.PlotDataItem:
        pen_colour = QColor(colour)
        pen_colour.setAlpha(alpha)
        options: dict = {"pen": pg.mkPen(pen_colour, width=width), "name": name,
                         "connect": "finite"}
        if markers:
            options.update(symbol="o", symbolSize=7, symbolBrush=colour, symbolPen=colour)
        curve = self.plot.plot([], [], **options)
        if markers:  # the legend draws its sample from the scatter's default brush and pen
            curve.scatter.setBrush(colour)
            curve.scatter.setPen(colour)
        return curve

    def _apply_palette(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        self.plot.setBackground(base)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(text)
            axis.setTextPen(text)
        self.legend.setLabelTextColor(text)
        for _sample, label in self.legend.items:  # setLabelTextColor alone keeps old labels
            label.setText(label.text, color=text)
        self.legend.setBrush(QColor(base.red(), base.green(), base.blue(), 200))
        self.legend.setPen(palette.color(QPalette.ColorRole.Mid))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Follow palette changes (light/dark) in the plot's background, axes and legend."""
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)


class LossChart(_Chart):
    """Training loss per step (raw and EMA-smoothed) and per-epoch train/validation loss.

    Curves (and `series` names): "raw", "smoothed", "train", "val".
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("step", "loss", "Training loss per step (thin: each batch, thick: "
                         "smoothed); dots: mean training and validation loss of each epoch",
                         parent)
        self.curves = {
            "raw": self._curve("loss per step", BLUE, width=1.0, alpha=70),
            "smoothed": self._curve("smoothed", BLUE),
            "train": self._curve("train (epoch)", ORANGE, markers=True),
            "val": self._curve("validation (epoch)", GREEN, markers=True),
        }
        for name in ("raw", "smoothed"):
            self.curves[name].setDownsampling(auto=True, method="peak")
            self.curves[name].setClipToView(True)
        self._apply_palette()
        self.reset()

    def reset(self) -> None:
        """Forget all data (a new run) and clear the plot now."""
        self._data = {"raw": GrowingSeries(), "smoothed": GrowingSeries(),
                      "train": GrowingSeries(16), "val": GrowingSeries(16)}
        self._ema, self._ema_count, self._ema_last = 0.0, 0, math.nan
        self._dirty = True
        self.refresh()

    def append_steps(self, steps: list[int], losses: list[float]) -> None:
        """Store the loss of each step; nan/inf are kept as gaps (nan). Does not redraw."""
        if not len(steps):
            return
        xs = np.asarray(steps, dtype=np.float64)
        ys = np.asarray(losses, dtype=np.float64)
        ys = np.where(np.isfinite(ys), ys, np.nan)
        smoothed = np.empty_like(ys)
        keep, ema, count, last = 1.0 - SMOOTHING_ALPHA, self._ema, self._ema_count, self._ema_last
        for i, value in enumerate(ys.tolist()):
            if not math.isnan(value):  # non-finite steps keep the previous smoothed value
                ema = keep * ema + SMOOTHING_ALPHA * value
                count += 1
                last = ema / (1.0 - keep**count)  # bias-corrected, like TensorBoard
            smoothed[i] = last
        self._ema, self._ema_count, self._ema_last = ema, count, last
        self._data["raw"].extend(xs, ys)
        self._data["smoothed"].extend(xs, smoothed)
        self._mark_dirty()

    def add_epoch(self, global_step: int, train_loss: float, val_loss: float) -> None:
        """Mark an epoch's mean train and validation loss at the step it ended on (a non-finite
        value gets no marker). Does not redraw."""
        for name, value in (("train", train_loss), ("val", val_loss)):
            _add_point(self._data[name], global_step, float(value))
        self._mark_dirty()


class AccuracyChart(_Chart):
    """Train and validation accuracy of each epoch, in percent (the y axis tops out at 100).

    Curves (and `series` names): "train", "val" (x: epoch, y: percent).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("epoch", "accuracy (%)", "Accuracy on the training and validation "
                         "images after each epoch", parent,
                         axis_items={"bottom": _IntegerAxis("bottom")},
                         legend_offset=(-10, -10))  # bottom right: accuracies sit at the top
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

    def add_epoch(self, epoch: int, train_accuracy: float, val_accuracy: float) -> None:
        """Store an epoch's accuracies, given as fractions 0..1 (plotted as %; non-finite values
        are skipped). Does not redraw."""
        for name, value in (("train", train_accuracy), ("val", val_accuracy)):
            _add_point(self._data[name], epoch, 100.0 * float(value))
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
