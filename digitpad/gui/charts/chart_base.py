"""The chart base: a PlotWidget with a header legend, palette-aware colours and a throttled redraw.

Data arrive through the subclasses' methods, which only store them and mark the chart dirty:
charts never redraw per batch. superqt's QSignalThrottler (trailing) then calls `refresh()` at
most ~15 times a second while there is something new, and its timer stays stopped while the chart
is idle, so an idle chart costs no CPU.

The legend is a header row above the plot area (the PlotItem's title row, sized to it), never
inside it, so it cannot cover a curve or a point at any size; its entries wrap into as many
columns as fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

if TYPE_CHECKING:
    from superqt.utils import QSignalThrottler

# 8 Hz at most: each redraw is 5-7 ms of the GUI thread, and that time is taken from training
# (its threads wait at OpenMP barriers while the GUI has a core). At 15 Hz the GUI thread used
# 0.10-0.14 of a core while digitnet trained, at 5 Hz 0.07-0.09; `bench gui` GUI / command line,
# four alternating pairs of processes: median 91% at 8 Hz, 72% at 15 Hz (README, 2026-12-04).
# 8 Hz still reads as live.
REFRESH_MS = 125
HEADER_GAP = 4.0  # px around the legend header
GRID_SHARE = 0.2  # the grid's colour: this much of the text colour, the rest the background

# Data colours (tab10): readable on light and dark backgrounds alike.
BLUE, ORANGE, GREEN = "#1f77b4", "#ff7f0e", "#2ca02c"


class IntegerAxis(pg.AxisItem):
    """An axis whose ticks fall on whole numbers only (steps, epochs: never a step 1.5)."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802
        levels = super().tickSpacing(minVal, maxVal, size)
        return [(float(max(1, round(spacing))), 0.0) for spacing, _offset in levels]


class Chart(QWidget):
    """A PlotWidget with a header legend, palette-aware colours and a throttled refresh timer.

    `value_axes`: the axes whose tick labels show only once there are data."""

    value_axes: tuple[str, ...] = ("bottom",)

    def __init__(self, x_label: str, y_label: str, tooltip: str, parent: QWidget | None,
                 axis_items: dict | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self, axisItems=axis_items)
        self.plot.setToolTip(tooltip)
        self.plot.showGrid(x=True, y=True)
        for name in ("left", "bottom"):
            # The grid in an opaque colour (_apply_palette), major and first minor lines only:
            # Qt's raster engine draws translucent lines ~25x slower than opaque ones, and a
            # translucent grid was two thirds of a redraw (the loss chart at 540x320: 15 ms,
            # now 5-7 ms).
            self.plot.getAxis(name).setStyle(tickAlpha=255, maxTickLevel=1)
        self.plot.setLabel("bottom", x_label)
        self.plot.setLabel("left", y_label)
        for name in ("left", "bottom"):  # no "(x1e+27)" multiplier: on a log axis it made a
            self.plot.getAxis(name).enableAutoSIPrefix(False)  # loss of 2.3 read as 10⁻²⁷
        self.plot.setMenuEnabled(False)
        item = self.plot.getPlotItem()
        # not addLegend(): that anchors the legend inside the view box, over the data
        self.legend = pg.LegendItem(frame=False, horSpacing=4, labelTextSize="8pt")
        self.legend.layout.setContentsMargins(0, 0, 0, 0)  # a tight rectangle: a header row
        self.legend.setParentItem(item)
        item.legend = self.legend  # plot(name=…) adds each curve's entry to it
        self.corner: QWidget | None = None  # a control at the header's right end
        item.getViewBox().sigResized.connect(self._place_legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._dirty = False
        self._placing = False
        self._throttler: QSignalThrottler | None = None

    @property
    def throttler(self) -> QSignalThrottler:
        """superqt's throttler, made when the first data arrive: importing superqt costs ~0.3 s,
        which the window's start-up should not pay (the training thread imports it first)."""
        if self._throttler is None:
            from superqt.utils import QSignalThrottler

            self._throttler = QSignalThrottler(QSignalThrottler.EmissionPolicy.Trailing, self)
            self._throttler.setTimeout(REFRESH_MS)
            self._throttler.triggered.connect(self.refresh)
        return self._throttler

    def is_dirty(self) -> bool:
        """True when data arrived that the plot does not show yet."""
        return self._dirty

    def _mark_dirty(self) -> None:
        self._dirty = True
        self.throttler.throttle()

    def refresh(self) -> None:
        """Redraw from the latest data, only if something changed since the last redraw."""
        if not self._dirty:
            return
        self._dirty = False
        if self._throttler is not None:
            self._throttler.cancel()  # drawn now: nothing left for the throttler to do
        self._redraw()

    def series(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) data of one curve (see the `curves` keys), as plotted."""
        return self._data[name].arrays()

    def _redraw(self) -> None:
        for name, curve in self.curves.items():
            curve.setData(*self._data[name].arrays())
        has_data = any(len(series) for series in self._data.values())
        for name in self.value_axes:  # an empty chart's 0.1 … 0.9 ticks would mean nothing
            self.plot.getAxis(name).setStyle(showValues=has_data)

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

    # --- the legend header ------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Re-wrap the legend header to the new width."""
        super().resizeEvent(event)
        self._place_legend()

    def _place_legend(self, *_args: object) -> None:
        """As many legend columns as fit the chart's width, the corner control at the right of
        the last legend row (or on a row below it); the PlotItem's title row is made as tall as
        this header, so the view box, and every point in it, starts below it."""
        if self._placing or not self.legend.items:
            return
        self._placing = True
        try:
            item = self.plot.getPlotItem()
            for _ in range(3):  # the new header height can change the axes' widths: re-check
                right = item.getViewBox().geometry().right()  # PlotItem coordinates
                self._fit_header(item, right)
                item.layout.activate()  # now, not at the next event loop turn (or grab())
                if item.getViewBox().geometry().right() == right:
                    break
        finally:
            self._placing = False

    def _fit_header(self, item: pg.PlotItem, right: float) -> None:
        """Legend columns for the width up to `right`, the corner control at the legend's right
        (or below it, whichever header is lower), and the title row as tall as the header."""
        room = right - HEADER_GAP
        corner = self.corner.sizeHint() if self.corner is not None else None
        beside = self._columns_within(room - (corner.width() + HEADER_GAP if corner else 0.0))
        if corner is None:
            height, corner_y = beside[1], 0.0
            self._set_columns(beside[0])
        else:
            below = self._columns_within(room)
            if max(beside[1], corner.height()) <= below[1] + corner.height():
                height, corner_y = max(beside[1], corner.height()), 0.0
                self._set_columns(beside[0])
            else:
                height, corner_y = below[1] + corner.height(), below[1]
                self._set_columns(below[0])
            x = self.plot.mapFromScene(item.mapToScene(right, 0)).x() - corner.width()
            self.corner.setGeometry(int(x), int(HEADER_GAP / 2 + corner_y), corner.width(),
                                    corner.height())
        item.layout.setRowFixedHeight(0, height + HEADER_GAP)
        self.legend.setPos(HEADER_GAP, HEADER_GAP / 2)

    def _columns_within(self, width: float) -> tuple[int, float]:
        """(columns, height) of the legend with the most columns that fit `width` (one column
        at least). Sizes are measured here: LegendItem's own sum its stretched labels."""
        for columns in range(len(self.legend.items), 0, -1):
            size = self._legend_size(columns)
            if size[0] <= width:
                break
        return columns, size[1]

    def _legend_size(self, columns: int) -> tuple[float, float]:
        """The legend's natural (width, height) laid out in `columns` columns."""
        spacing = self.legend.layout.horizontalSpacing()
        widths = [sample.width() + spacing + label.minimumWidth()
                  for sample, label in self.legend.items]
        rows = -(-len(widths) // columns)
        column_w = [max(widths[c::columns]) for c in range(columns)]
        row_h = max(max(sample.height(), label.minimumHeight())
                    for sample, label in self.legend.items)
        return sum(column_w) + spacing * (columns - 1), rows * row_h

    def _set_columns(self, columns: int) -> None:
        self.legend.setColumnCount(columns)
        self.legend.setGeometry(0, 0, *self._legend_size(columns))

    def _apply_palette(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        self.plot.setBackground(base)
        grid = QColor(*(round(GRID_SHARE * t + (1 - GRID_SHARE) * b) for t, b in
                        zip(text.getRgb()[:3], base.getRgb()[:3], strict=True)))
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(text)
            axis.setTextPen(text)
            axis.setTickPen(grid)  # with the grid on, the ticks are the grid lines
        self.legend.setLabelTextColor(text)
        for _sample, label in self.legend.items:  # setLabelTextColor alone keeps old labels
            label.setText(label.text, color=text)
        self._place_legend()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Follow palette changes (light/dark) in the plot's background, axes and legend."""
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)
