"""UnitBars paints what it is given, and InsidePanel shows only the newest drawing's layers:
a result for a request older than the newest prediction shown is dropped."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QPalette

from digitpad.core.explain.records import Explanation, LayerActivation
from digitpad.core.predictor import Prediction
from digitpad.gui.inside.inside_panel import DRAW, NO_MODEL, InsidePanel
from digitpad.gui.inside.unit_bars import BAR_HEIGHT, UnitBars
from digitpad.gui.workers.prediction_service import LoadedModel, PredictionService
from tests.gui.helpers import shown


def _column(image, x: int) -> list[QColor]:
    return [QColor(image.pixel(x, y)) for y in range(BAR_HEIGHT)]


def test_signed_units_go_up_and_down_and_the_labelled_winner_is_highlighted(qtbot):
    bars = UnitBars()
    bars.set_units(np.array([1.0, -1.0, 0.5, 0.0], np.float32), labels=["a", "b", "c", "d"])
    shown(qtbot, bars, 200, bars.sizeHint().height())
    image = bars.grab().toImage()
    background = QColor(image.pixel(175, 2))
    highlight = bars.palette().color(QPalette.ColorRole.Highlight)
    first, second = _column(image, 25), _column(image, 75)
    assert first[2] == highlight and first[BAR_HEIGHT - 3] == background  # up from the middle
    assert second[2] == background and second[BAR_HEIGHT - 3] != background  # down
    third = _column(image, 125)
    assert third[BAR_HEIGHT // 4 - 3] == background and third[BAR_HEIGHT // 4 + 3] != background
    assert bars.height() > BAR_HEIGHT  # room for the labels


def test_unsigned_units_rise_from_the_bottom_without_a_winner(qtbot):
    bars = UnitBars()
    bars.set_units(np.array([2.0, 1.0], np.float32))
    shown(qtbot, bars, 100, bars.sizeHint().height())
    assert bars.height() == BAR_HEIGHT
    image = bars.grab().toImage()
    highlight = bars.palette().color(QPalette.ColorRole.Highlight)
    assert highlight not in _column(image, 25)
    half = _column(image, 75)
    assert half[BAR_HEIGHT // 2 - 4] != half[BAR_HEIGHT - 4]  # half as tall


def _explanation(title: str) -> Explanation:
    maps = LayerActivation("conv", title, "maps", (2, 4, 4), np.ones((2, 4, 4), np.float32))
    out = LayerActivation("fc", "Output: Linear 32→10 · 10 classes", "units", (10,),
                          np.arange(10, dtype=np.float32))
    return Explanation(layers=[maps, out])


def test_an_older_drawings_layers_are_dropped(qtbot):
    service = PredictionService()
    try:
        panel = InsidePanel(service)
        shown(qtbot, panel, 300, 500)
        assert panel.hint.text() == NO_MODEL
        names = [str(i) for i in range(10)]
        service.modelLoaded.emit(LoadedModel("m.pt", names))
        assert panel.hint.text() == DRAW
        view = np.zeros((28, 28), np.uint8)
        service.predicted.emit(5, Prediction(names, [0.1] * 10, view))
        service.explained.emit(4, _explanation("Conv old"))  # overtaken by request 5
        assert panel.section_titles() == []
        service.explained.emit(5, _explanation("Conv new"))
        assert panel.section_titles() == ["Input · 28×28 (what the model sees)", "Conv new",
                                          "Output: Linear 32→10 · 10 classes"]
        service.predicted.emit(6, Prediction(names))  # a blank canvas
        assert panel.section_titles() == [] and panel.hint.isVisible()
    finally:
        service.shutdown()
