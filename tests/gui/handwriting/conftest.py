"""The My handwriting tab's tests: a handwriting folder of their own, the main window on it, and
digits drawn with real mouse events."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from digitpad.bench.digit_strokes import TEMPLATES
from tests.gui.helpers import stroke


@pytest.fixture
def store_dir(isolated_handwriting: Path) -> Path:
    """DIGITPAD_HANDWRITING_DIR, a fresh folder (not made yet, as on a first run): the one every
    test gets (tests/conftest.py)."""
    return isolated_handwriting


@pytest.fixture
def hw_window(store_dir, window, qtbot):  # noqa: ANN001, ANN201
    """The main window (tests/gui/conftest.py) showing My handwriting, on `store_dir`."""
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # View ▸ …
    assert window.tabs.currentWidget() is window.handwriting_tab
    return window


def draw(canvas, digit: str) -> None:  # noqa: ANN001
    """Draw `digit` (its first template, digitpad.bench.digit_strokes) with the mouse, in the
    middle 60% of the canvas."""
    for points in TEMPLATES[digit][0][1]:
        stroke(canvas, [(0.2 + 0.6 * x, 0.2 + 0.6 * y) for x, y in points[::3]], steps=1)


def files(folder: Path, digit: str) -> list[Path]:
    """The PNG files in `folder/digit`, by name."""
    return sorted((folder / digit).glob("*.png")) if (folder / digit).is_dir() else []
