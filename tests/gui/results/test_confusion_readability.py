"""The confusion matrix as a person reads it (issue 12, item 13): it fills its pane, shows the
counts, can show the errors alone, and says which images it counts.

Before, 10 classes took a ~140 px square in a much larger pane (and at 800×600 a square too small
for any count; the window's smallest size is now 880×640, where it is checked), the 98% diagonal
drowned every mistake in the colour scale, and nothing said whether it counted validation or test
images.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPainter

from digitpad.core.records import EpochEnd
from tests.gui.helpers import shown

FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot"]


class RecordingPainter(QPainter):
    """A QPainter that records the strings drawn with it and counts other drawing calls."""

    texts: Counter = Counter()
    calls: Counter = Counter()

    def drawText(self, *args):  # noqa: ANN002, ANN201, N802
        RecordingPainter.texts[args[-1]] += 1
        return super().drawText(*args)

    def fillRect(self, *args):  # noqa: ANN002, ANN201, N802
        RecordingPainter.calls["fillRect"] += 1
        return super().fillRect(*args)

    def drawImage(self, *args):  # noqa: ANN002, ANN201, N802
        RecordingPainter.calls["drawImage"] += 1
        return super().drawImage(*args)


@pytest.fixture
def recorded(monkeypatch):  # noqa: ANN001, ANN201
    import digitpad.gui.results.confusion_view as confusion_view

    RecordingPainter.texts, RecordingPainter.calls = Counter(), Counter()
    monkeypatch.setattr(confusion_view, "QPainter", RecordingPainter)
    return RecordingPainter


def fashion_counts() -> np.ndarray:
    rng = np.random.default_rng(4)
    counts = rng.integers(0, 4, (10, 10))
    np.fill_diagonal(counts, rng.integers(150, 200, 10))
    counts[6, 0] = 23  # shirts taken for T-shirts: the one big confusion
    return counts


@pytest.fixture
def view(qtbot):  # noqa: ANN001, ANN201
    from digitpad.gui.results.confusion_view import ConfusionMatrixView

    return shown(qtbot, ConfusionMatrixView(), 480, 460)


def test_at_the_minimum_880x640_the_matrix_fills_its_pane_and_shows_every_count(
        qtbot, library, recorded):
    from digitpad.gui.main_window import MINIMUM_SIZE, MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert MINIMUM_SIZE == (880, 640)  # the smallest the window can be: the hardest case
    window.resize(*MINIMUM_SIZE)
    qtbot.waitUntil(lambda: window.size().toTuple() == MINIMUM_SIZE, timeout=2000)
    window.tabs.setCurrentWidget(window.train_tab)
    view = window.train_tab.confusion
    window.train_tab.details.setCurrentWidget(view)
    qtbot.waitExposed(view)
    counts = fashion_counts()
    view.set_matrix(counts.tolist(), FASHION)
    view.grab()
    grid = view.cell_rect(0, 0).united(view.cell_rect(9, 9))
    assert grid.width() > 0.6 * view.width(), "the matrix leaves most of its pane empty"
    assert grid.height() > 0.45 * view.height()
    assert view.rect().toRectF().contains(grid)
    for value, times in Counter(int(c) for c in counts.ravel() if c).items():
        assert recorded.texts[str(value)] >= times, f"the count {value} is not in its cells"
    assert grid == view.grid_rect()
    assert f"{counts.sum():,} images" in view.title.text()  # shortened to fit, the count kept
    assert view.title.geometry().bottom() < grid.top()  # the header is above the cells


def pixel(view, row: int, col: int) -> tuple[int, int, int]:  # noqa: ANN001
    """The colour near a cell's top-left corner (clear of the count written in its middle)."""
    rect = view.cell_rect(row, col)
    colour = view.grab().toImage().pixelColor(QPoint(int(rect.left()) + 2, int(rect.top()) + 2))
    return colour.red(), colour.green(), colour.blue()


def test_errors_only_mutes_the_diagonal_and_lights_up_the_mistakes(view, qtbot):
    counts = np.diag(np.full(10, 95))
    counts[4, 9] = 5  # 5% of the fours taken for nines
    view.set_matrix(counts.tolist(), [str(i) for i in range(10)])
    assert not view.errors_only()
    assert pixel(view, 4, 4)[1] > 200 and pixel(view, 4, 9)[1] < 100  # the error: near dark
    qtbot.mouseClick(view.errors_box, Qt.MouseButton.LeftButton)
    assert view.errors_only()
    red, green, blue = pixel(view, 4, 4)
    assert max(red, green, blue) - min(red, green, blue) < 10, "the diagonal is not muted"
    assert pixel(view, 4, 9)[1] > 200 and pixel(view, 4, 9)[0] > 200  # the largest error: yellow
    assert pixel(view, 3, 9)[1] < 100  # no error there: dark
    assert view.describe_cell(4, 9).startswith("true 4 → predicted 9: 5 images (5.0%")
    qtbot.mouseClick(view.errors_box, Qt.MouseButton.LeftButton)
    assert not view.errors_only() and pixel(view, 4, 4)[1] > 200


def test_errors_only_with_1000_classes_is_still_one_image(view, qtbot, recorded):
    n = 1000
    counts = np.diag(np.full(n, 20))
    counts[500, 100] = 2  # one confusion of 10%, far off the diagonal
    view.set_matrix(counts.tolist(), [f"class {i:04d}" for i in range(n)])
    qtbot.mouseClick(view.errors_box, Qt.MouseButton.LeftButton)
    recorded.calls.clear()
    image = view.grab().toImage()
    assert recorded.calls["drawImage"] == 1 and recorded.calls["fillRect"] == 0
    strong = view.cell_rect(500, 100).center()
    near = [image.pixelColor(int(strong.x()) + dx, int(strong.y()) + dy).green()
            for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    assert max(near) > 200  # the one mistake is as bright as the map goes
    diagonal = view.cell_rect(300, 300).center()
    assert image.pixelColor(int(diagonal.x()), int(diagonal.y())).green() < 60  # muted


def test_the_title_says_which_images_it_counts(view):
    assert view.title_text() == "Confusion matrix"
    counts = fashion_counts()
    view.set_matrix(counts.tolist(), FASHION)
    assert view.title_text() == f"Confusion matrix — validation ({counts.sum():,} images)"
    assert view.title.text() == view.title_text()  # room enough at 480 px: in full
    view.set_matrix([[1, 0], [0, 0]], ["a", "b"], split="test")
    assert view.title_text() == "Confusion matrix — test (1 image)"
    view.resize(200, 300)
    view.grab()
    assert "1 image" in view.title.text()  # narrow: shortened, the count kept
    assert view.title.geometry().right() < view.errors_box.geometry().left()
    view.clear()
    assert view.title_text() == "Confusion matrix"


@pytest.mark.parametrize(("val_split", "split"), [(0.0, "test"), (0.1, "validation")])
def test_a_real_run_titles_the_matrix_with_its_split(tab, qtbot, shared_data: Path,
                                                    val_split, split):
    values = {"dataset": "mnist", "data_dir": str(shared_data), "model": "softmax",
              "epochs": 1, "limit": 300, "batch_size": 32, "augment": False,
              "val_split": val_split}
    with qtbot.waitSignal(tab.run.record, timeout=60_000,
                          check_params_cb=lambda r: isinstance(r, EpochEnd)) as ended:
        tab.run.start(values, "split title")
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=30_000)
    images = int(np.sum(ended.args[0].confusion))
    # a one-epoch run: its only epoch is the best one, whose weights were saved
    assert tab.confusion.title_text() == (f"Confusion matrix — {split}, epoch 1 (best, saved): "
                                          f"{images:,} images")
    assert tab.confusion.cell_at(QPointF(tab.confusion.cell_rect(1, 1).center())) == (1, 1)
