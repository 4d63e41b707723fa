"""Probability bars, the prediction label and the "what the model sees" view."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPalette

from digitpad.gui.draw.model_input_view import ModelInputView
from digitpad.gui.draw.prediction_label import PredictionLabel
from digitpad.gui.draw.probability_bars import ProbabilityBars

DIGITS = [str(i) for i in range(10)]


@pytest.fixture
def bars(qtbot):
    widget = ProbabilityBars()
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    widget.set_classes(DIGITS)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_bars_show_and_clear_probabilities(bars):
    assert bars.probabilities() is None and bars.top_index() is None
    values = [0.01] * 10
    values[7] = 0.91
    bars.set_probabilities(values)
    assert bars.top_index() == 7 and bars.probabilities() == pytest.approx(values)
    assert "7" in bars.accessibleDescription()
    bars.clear_probabilities()
    assert bars.probabilities() is None
    with pytest.raises(ValueError):
        bars.set_probabilities([0.5, 0.5])


@pytest.mark.parametrize("window, highlight", [("#f0f0f0", "#3070d0"), ("#202020", "#e08020")])
def test_the_top_bar_wears_the_palette_highlight(bars, window, highlight):
    palette = QPalette(bars.palette())
    palette.setColor(QPalette.ColorRole.Window, QColor(window))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(highlight))
    bars.setPalette(palette)
    values = [0.0] * 10
    values[3] = 1.0
    bars.set_probabilities(values)
    image = bars.grab().toImage()
    ratio = image.devicePixelRatio()
    row_height = (bars.height() - 8) / 10
    y = int((4 + 3.5 * row_height) * ratio)
    x = int(bars.width() * 0.6 * ratio)
    assert image.pixelColor(x, y).name() == QColor(highlight).name()


def test_many_long_class_names_fit(qtbot):
    widget = ProbabilityBars()
    qtbot.addWidget(widget)
    names = [f"a rather long class name {i}" for i in range(40)]
    widget.set_classes(names)
    widget.set_probabilities(np.full(40, 1 / 40))
    widget.resize(300, 200)
    assert not widget.grab().isNull()
    assert widget.minimumSizeHint().height() >= 40 * 14


def test_the_label_shows_a_prediction_or_a_message(qtbot):
    label = PredictionLabel()
    qtbot.addWidget(label)
    label.show_message("Loading model…")
    assert label.text() == "Loading model…"
    label.show_prediction("7", 0.982)
    assert label.text() == "7 — 98.2%"
    label.show_prediction("Ankle boot", 0.5)
    assert label.text().startswith("Ankle boot")


def test_the_model_view_shows_the_28x28_picture(qtbot):
    view = ModelInputView()
    qtbot.addWidget(view)
    view.resize(view.minimumSize())  # the 4x picture, at the widget's top left
    view.show()
    picture = np.zeros((28, 28), np.uint8)
    picture[:, 14:] = 255
    view.set_image(picture)
    assert np.array_equal(view.image(), picture)
    image = view.grab().toImage()
    ratio = image.devicePixelRatio()
    left = image.pixelColor(int(20 * ratio), int(50 * ratio)).lightness()
    right = image.pixelColor(int(90 * ratio), int(50 * ratio)).lightness()
    assert left < 20 and right > 235  # sharp pixels, no smoothing across the edge
    view.set_image(None)
    assert view.image() is None
