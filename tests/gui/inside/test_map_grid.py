"""MapGrid draws what it is given: signed maps with 0 as mid-grey, others black to white,
nearest-neighbour, in as many columns as fit, with labels under the pictures."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor

from digitpad.gui.inside.map_grid import MapGrid, grey_levels
from tests.gui.helpers import shown


def _grey(image, x: int, y: int) -> int:
    colour = QColor(image.pixel(x, y))
    assert colour.red() == colour.green() == colour.blue()
    return colour.red()


def test_signed_maps_have_zero_mid_grey_and_unsigned_zero_black():
    signed = np.array([[[-2.0, 0.0, 1.0, 2.0]]], np.float32)
    assert grey_levels(signed).tolist() == [[[0, 128, 191, 255]]]
    unsigned = np.array([[[0.0, 0.5, 2.0]]], np.float32)
    assert grey_levels(unsigned).tolist() == [[[0, 64, 255]]]
    assert grey_levels(np.array([[[0.0, 0.5]]]), normalise=False).tolist() == [[[0, 128]]]
    assert grey_levels(np.zeros((1, 2, 2))).max() == 0  # all zero: black, no division by 0


def test_pictures_are_painted_nearest_neighbour_in_columns(qtbot):
    grid = MapGrid(cell=40)
    maps = np.zeros((3, 2, 2), np.float32)
    maps[0] = [[1.0, -1.0], [0.0, 0.0]]  # white, black / grey, grey
    maps[2, 1, 1] = 1.0
    grid.set_maps(maps)
    shown(qtbot, grid, 3 * 40 + 2 * 3, grid.heightForWidth(126))
    image = grid.grab().toImage()
    assert image.height() >= 40
    assert _grey(image, 5, 5) == 255 and _grey(image, 35, 5) == 0  # sharp, not blended
    assert _grey(image, 5, 35) == 128 and _grey(image, 19, 5) == 255
    assert _grey(image, 2 * 43 + 35, 35) == 255  # the third picture's corner, same row
    assert grid.count() == 3


def test_fewer_columns_when_narrow_and_labels_under_the_pictures(qtbot):
    grid = MapGrid(cell=40)
    grid.set_maps(np.ones((4, 5, 5), np.float32), labels=["a", "b", "c", "d"])
    two_rows = grid.heightForWidth(2 * 40 + 3)
    one_row = grid.heightForWidth(4 * 40 + 9)
    assert two_rows > 2 * 40 > one_row > 40  # labels add a line under each row
    with pytest.raises(ValueError):
        grid.set_maps(np.ones((2, 2), np.float32)[None, None])
