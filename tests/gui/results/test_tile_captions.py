"""Mistake tiles name both classes readably (issue 12 item 14, from a new user's trial).

Before, a caption was one line "true triangle → square" elided in its middle to the tile:
"true tr… square", "true sq…iangle", "true c…quare": the true class could not be read.
"""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.core.records import EpochEnd, Misclassified, Started
from digitpad.gui.results.misclassified_gallery import TILE_MIN_W, TILE_W, MisclassifiedGallery
from tests.gui.helpers import shown

SHAPES = ("circle", "square", "triangle")
FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot")


def run_records(names: tuple[str, ...], wrong: list[tuple[int, int, float]]) -> list[object]:
    """The Started and EpochEnd records of a one-epoch run with these mistakes."""
    image = np.zeros((28, 28), dtype=np.uint8)
    image[6:22, 6:22] = 255
    n = len(names)
    confusion = (np.eye(n, dtype=int) * 10).tolist()
    for true, predicted, _ in wrong:
        confusion[true][predicted] += 1
    started = Started(names, 90, 9, 0, "validation", "shapes", "mlp", 1000, "cpu", 1, 1, 2, 2)
    epoch = EpochEnd(1, 1, 2, 1.0, 0.5, 1.0, 0.5, confusion, 1.0, 0.0, 100.0, True,
                     [Misclassified(image, t, p, c) for t, p, c in wrong])
    return [started, epoch]


@pytest.fixture
def gallery(qtbot):  # noqa: ANN001, ANN201
    return shown(qtbot, MisclassifiedGallery(), 700, 300)


def lines_fit(gallery: MisclassifiedGallery) -> None:
    """Every caption line fits in the width its tile gives it (nothing more is cut by Qt)."""
    metrics = gallery.list.fontMetrics()
    for i in range(gallery.count()):
        item = gallery.list.item(i)
        width = gallery.list.visualItemRect(item).width()
        for line in item.text().split("\n"):
            assert metrics.horizontalAdvance(line) <= width, (line, width)


def test_shape_names_are_read_whole_on_two_lines(gallery):
    for record in run_records(SHAPES, [(2, 1, 0.376), (1, 2, 0.369), (0, 1, 0.373)]):
        gallery.show_record(record)
    assert gallery.captions() == ["true: triangle\n→ square 37.6%",
                                  "true: circle\n→ square 37.3%",
                                  "true: square\n→ triangle 36.9%"]
    lines_fit(gallery)
    assert "True class: triangle (2); predicted: square (1) with 37.6% confidence" in (
        gallery.list.item(0).toolTip())


def test_fashion_names_fit_and_a_too_long_name_is_cut_at_its_end_never_the_percentage(gallery):
    names = FASHION + ("a class name far too long for any tile",)
    for record in run_records(names, [(0, 9, 0.998), (9, 0, 0.9), (6, 10, 0.5), (10, 6, 0.4)]):
        gallery.show_record(record)
    captions = gallery.captions()
    assert captions[:2] == ["true: T-shirt/top\n→ Ankle boot 99.8%",
                            "true: Ankle boot\n→ T-shirt/top 90.0%"]
    true_line, predicted_line = captions[2].split("\n")
    assert true_line == "true: Shirt" and predicted_line.startswith("→ a class")
    assert predicted_line.endswith("… 50.0%")  # cut at the name's end, the % kept
    true_line, predicted_line = captions[3].split("\n")
    assert true_line.startswith("true: a class") and true_line.endswith("…")
    assert predicted_line == "→ Shirt 40.0%"
    lines_fit(gallery)
    assert "a class name far too long for any tile" in gallery.list.item(2).toolTip()


def test_digits_stay_compact(gallery):
    for record in run_records(tuple("0123456789"), [(4, 9, 0.973)]):
        gallery.show_record(record)
    assert gallery.captions() == ["true: 4\n→ 9 97.3%"]
    lines_fit(gallery)
    assert gallery.list.gridSize().width() <= TILE_MIN_W < TILE_W  # more tiles to a row
