"""ProbabilityBars as painted: the highlight follows the top class, in light and dark palettes."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPalette

from digitpad.gui.draw.probability_bars import ProbabilityBars

LIGHT = {"Window": "#f4f4f4", "WindowText": "#101010", "Base": "#ffffff",
         "AlternateBase": "#e9e9e9", "Mid": "#a0a0a0", "Highlight": "#2a6fdb"}
DARK = {"Window": "#1e1e1e", "WindowText": "#eeeeee", "Base": "#121212",
        "AlternateBase": "#2c2c2c", "Mid": "#5a5a5a", "Highlight": "#f08a24"}


def palette_of(colours: dict[str, str]) -> QPalette:
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    return palette


@pytest.fixture
def bars(qtbot):
    widget = ProbabilityBars()
    qtbot.addWidget(widget)
    widget.set_classes([str(i) for i in range(10)])
    widget.resize(320, 320)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def one_hot(n: int, index: int, top: float = 0.9) -> list[float]:
    values = [(1 - top) / (n - 1)] * n
    values[index] = top
    return values


def highlight_rows(widget: ProbabilityBars) -> np.ndarray:
    """The y coordinates (logical pixels) of pixels painted in the palette's highlight colour."""
    image = widget.grab().toImage()
    target = widget.palette().color(QPalette.ColorRole.Highlight).rgb() & 0xFFFFFF
    ratio = image.devicePixelRatio()
    ys = [y for y in range(image.height()) for x in range(0, image.width(), 2)
          if image.pixel(x, y) & 0xFFFFFF == target]
    return np.array(ys) / ratio


@pytest.mark.parametrize("colours", [LIGHT, DARK], ids=["light", "dark"])
def test_the_highlight_marks_the_top_class_and_moves_with_it(bars, colours):
    bars.setPalette(palette_of(colours))
    bars.set_probabilities(one_hot(10, 2))
    at_two = highlight_rows(bars)
    bars.set_probabilities(one_hot(10, 7))
    at_seven = highlight_rows(bars)
    assert len(at_two) > 50 and len(at_seven) > 50
    row = bars.height() / 10
    assert at_seven.mean() - at_two.mean() == pytest.approx(5 * row, abs=row / 3)
    assert np.ptp(at_seven) < row  # one bar only
    bars.clear_probabilities()
    assert len(highlight_rows(bars)) == 0  # no prediction, nothing highlighted


def test_new_classes_reset_the_bars_and_the_size_follows_the_count(qtbot):
    widget = ProbabilityBars()
    qtbot.addWidget(widget)
    widget.set_classes(["cat", "dog"])
    two = widget.sizeHint().height()
    widget.set_probabilities([0.3, 0.7])
    assert widget.top_index() == 1 and "dog" in widget.accessibleDescription()
    names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
             "Sneaker", "Bag", "Ankle boot"] * 4
    widget.set_classes(names)
    assert widget.probabilities() is None and widget.top_index() is None
    assert widget.class_names() == names
    assert widget.sizeHint().height() > two
    assert widget.minimumSizeHint().height() >= 40 * 14
    with pytest.raises(ValueError):
        widget.set_probabilities([1.0])
    widget.set_probabilities(np.full(40, 1 / 40))
    widget.resize(widget.minimumSizeHint())
    assert not widget.grab().isNull()
