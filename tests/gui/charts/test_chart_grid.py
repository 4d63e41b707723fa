"""The charts' grid is drawn in an opaque colour that follows the palette: Qt's raster engine
drew the translucent grid ~25x slower than opaque lines, two thirds of each chart redraw, time
taken from training on a 2-core machine. It still reads as a light grid, in both colour schemes."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from digitpad.gui.charts.chart_base import GRID_SHARE
from digitpad.gui.charts.charts import AccuracyChart, LossChart


def _lightness(colour: QColor) -> float:
    return colour.lightnessF()


def test_grid_lines_are_opaque_and_between_text_and_background(qtbot):
    for make in (LossChart, AccuracyChart):
        for text, base in ((QColor("black"), QColor("white")), (QColor("#eeeeee"),
                                                                  QColor("#202020"))):
            chart = make()
            qtbot.addWidget(chart)
            palette = chart.palette()
            palette.setColor(QPalette.ColorRole.Text, text)
            palette.setColor(QPalette.ColorRole.Base, base)
            chart.setPalette(palette)  # as a switch to a dark scheme does
            for name in ("left", "bottom"):
                axis = chart.plot.getAxis(name)
                assert axis.grid is not False  # the grid is on
                assert axis.style["tickAlpha"] == 255  # no translucent lines
                grid = axis.tickPen().color()
                assert grid.alpha() == 255
                expected = GRID_SHARE * _lightness(text) + (1 - GRID_SHARE) * _lightness(base)
                assert abs(_lightness(grid) - expected) < 0.02
