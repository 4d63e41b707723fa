"""The confusion matrix heat map: geometry, hover tooltips, colours, sizes from 2 to 40 classes."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from digitpad.gui.results.confusion_view import EMPTY_TEXT, ConfusionMatrixView, colour_map


def matrix_of(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 6, (n, n)) + np.diag(rng.integers(50, 300, n))


@pytest.fixture
def view(qtbot):
    widget = ConfusionMatrixView()
    qtbot.addWidget(widget)
    widget.resize(480, 460)
    return widget


def test_empty_until_a_matrix_arrives(view):
    assert view.matrix() is None and view.cell_at(QPoint(200, 200)) is None
    assert "first epoch" in EMPTY_TEXT
    assert not view.grab().isNull()
    view.set_matrix(matrix_of(3).tolist(), ["a", "b", "c"])
    assert view.matrix().shape == (3, 3)
    view.clear()
    assert view.matrix() is None


def test_cell_geometry_round_trips(view):
    counts = matrix_of(10)
    view.set_matrix(counts.tolist(), [str(i) for i in range(10)])
    assert np.array_equal(view.matrix(), counts)
    assert view.cell_at(view.cell_rect(3, 5).center()) == (3, 5)
    for row, col in ((0, 0), (9, 9), (0, 9), (9, 0), (4, 7)):
        rect = view.cell_rect(row, col)
        assert rect.width() > 20 and view.cell_at(rect.center().toPoint()) == (row, col)
    grid_right = view.cell_rect(0, 9).right()
    assert view.cell_at(QPoint(int(grid_right) + 3, 50)) is None
    assert view.cell_at(QPoint(1, 1)) is None


def test_hovering_a_cell_shows_what_it_counts(view, qtbot):
    counts = np.full((10, 10), 2)
    counts[4] = [1, 0, 2, 3, 360, 0, 1, 5, 0, 12]  # 384 fours, 12 taken for nines
    view.set_matrix(counts.tolist(), [str(i) for i in range(10)])
    view.show()
    qtbot.waitExposed(view)
    pos = view.cell_rect(4, 9).center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.mapToGlobal(pos))
    QApplication.sendEvent(view, event)
    expected = "true 4 → predicted 9: 12 images (3.1% of 4s)"
    qtbot.waitUntil(lambda: QToolTip.text() == expected, timeout=2000)
    assert view.describe_cell(4, 4).startswith("true 4 → predicted 4: 360 images (93.8%")
    outside = QPoint(2, 2)
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, outside,
                                            view.mapToGlobal(outside)))
    qtbot.waitUntil(lambda: QToolTip.text().startswith("Rows: the true class"), timeout=2000)
    QToolTip.hideText()


def test_single_images_and_empty_rows_read_well(view):
    view.set_matrix([[0, 0], [1, 3]], ["cat", "dog"])
    assert view.describe_cell(1, 0) == "true dog → predicted cat: 1 image (25.0% of dogs)"
    assert view.describe_cell(0, 1) == "true cat → predicted dog: 0 images (0.0% of cats)"


def test_colours_follow_row_shares_on_a_viridis_like_scale():
    colours = colour_map(np.array([0.0, 0.5, 1.0, np.nan]))
    assert colours.dtype == np.uint8 and colours.shape == (4, 3)
    assert colours[0].tolist() == [68, 1, 84] and colours[2].tolist() == [253, 231, 37]
    assert colours[3].tolist() == colours[0].tolist()  # nan reads as 0
    luminance = colour_map(np.linspace(0, 1, 11)) @ np.array([0.2126, 0.7152, 0.0722])
    assert np.all(np.diff(luminance) > 0)  # brighter as the share grows


@pytest.mark.parametrize("n", [2, 10, 40])
def test_matrices_of_2_to_40_classes_render(view, n):
    names = [f"a rather long class name {i}" if n == 40 else f"class {i}" for i in range(n)]
    view.set_matrix(matrix_of(n, seed=n).tolist(), names)
    image = view.grab().toImage()
    assert not image.isNull() and image.width() == 480
    rect = view.cell_rect(n - 1, n - 1)
    assert rect.width() > 1 and view.rect().toRectF().contains(rect)
    assert view.cell_at(rect.center()) == (n - 1, n - 1)
    assert len({image.pixel(view.cell_rect(0, c).center().toPoint()) for c in range(n)}) > 1


def test_non_square_matrices_are_refused(view):
    with pytest.raises(ValueError, match="square"):
        view.set_matrix([[1, 2, 3], [4, 5, 6]], ["a", "b"])


def test_missing_class_names_fall_back_to_numbers(view):
    view.set_matrix(matrix_of(3).tolist(), ["zero"])
    assert view.describe_cell(2, 0).startswith("true 2 → predicted zero")
