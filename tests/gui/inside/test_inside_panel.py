"""Inside the network, driven as a person would: draw a digit with real mouse events on the Draw
tab, open the dock, and the panel shows the bundled digitnet's layers for that drawing; opening
another model (an MLP) changes the sections; hiding the dock stops the layers being computed.

The Draw tab asks for an explained prediction when a stroke ends (DrawTab.request_prediction:
explain unless a stroke is under way), so the strokes alone bring the layers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFileDialog

from digitpad.gui.inside.inside_dock import make_inside_dock
from digitpad.gui.inside.inside_panel import DRAW, InsidePanel
from digitpad.gui.inside.map_grid import MapGrid
from digitpad.gui.inside.unit_bars import UnitBars
from tests.gui.helpers import draw_digit, menu_action, shown_label

DIGITNET = [
    "Input · 28×28 (what the model sees)",
    "First layer's weights · Conv 1→24: 24 filters, 5×5",
    "Conv 1→24, 5×5 · 24×14×14",
    "Conv 24→48, 3×3 · 48×7×7 (first 32 shown)",
    "Conv 48→96, 3×3 · 96×3×3 (first 32 shown)",
    "Output: Linear 864→11 · 11 classes",  # the bundled model has a "not a digit" output
]
MLP = [
    "Input · 28×28 (what the model sees)",
    "First layer's weights · Linear 784→128: 128 weight images, 28×28",
    "Linear 784→128 · 128 units",
    "Linear 128→64 · 64 units",
    "Output: Linear 64→10 · 10 classes",
]


@pytest.fixture(scope="module")
def mlp_file(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLP trained for one epoch on 500 real MNIST images (a second or two)."""
    from digitpad.core.config import TrainConfig
    from digitpad.core.records import Finished
    from digitpad.core.training import train

    config = TrainConfig(dataset="mnist", data_dir=str(shared_data), model="mlp", epochs=1,
                         limit=500, threads=1, device="cpu")
    finished = next(r for r in train(config) if isinstance(r, Finished))
    return Path(finished.save(str(tmp_path_factory.mktemp("models") / "tiny-mlp.pt")))


def _asked(window, monkeypatch) -> list:
    """The `layers` values the panel passes to set_explain, in order."""
    calls: list = []
    original = window.service.set_explain

    def set_explain(*args, **kwargs):
        calls.append(kwargs.get("layers"))
        original(*args, **kwargs)

    monkeypatch.setattr(window.service, "set_explain", set_explain)
    return calls


def _open_dock(window, qtbot) -> InsidePanel:
    dock = make_inside_dock(window)
    assert dock.windowTitle() == "Inside the network" and dock.isHidden()
    action = dock.toggleViewAction()
    assert action.isCheckable() and action.shortcut().toString() == "Ctrl+I"
    action.trigger()  # as View ▸ Inside the Network would
    qtbot.waitUntil(dock.isVisible, timeout=10_000)
    return dock.widget()


def _highlighted_bar(bars: UnitBars) -> int:
    """Which bar is painted in the highlight colour (read from the widget's picture)."""
    image = bars.grab().toImage()
    best = bars.palette().color(QPalette.ColorRole.Highlight)
    slot = bars.width() / bars.count()
    hits = {int(x // slot) for x in range(bars.width()) for y in range(0, 56, 2)
            if QColor(image.pixel(x, y)) == best}
    assert len(hits) == 1, hits
    return hits.pop()


def test_the_panel_shows_each_layer_of_the_bundled_model_for_a_drawn_digit(window, qtbot,
                                                                          monkeypatch):
    asked = _asked(window, monkeypatch)
    panel = _open_dock(window, qtbot)
    assert asked == [True]
    assert panel.section_titles() == [] and panel.hint.text() == DRAW  # nothing drawn yet
    draw_digit(window.draw_tab.canvas, "7")
    qtbot.waitUntil(lambda: panel.section_titles() == DIGITNET, timeout=60_000)
    assert panel.hint.isHidden()
    sections = panel._sections
    assert isinstance(sections[1].view, MapGrid) and sections[1].view.count() == 24
    assert sections[3].view.count() == 32  # the first 32 of 48 maps, as the title says
    output = sections[-1].view
    assert isinstance(output, UnitBars) and output.count() == 11
    qtbot.waitUntil(lambda: shown_label(window) is not None, timeout=60_000)
    names = [*window.draw_tab.class_names, "not a digit"]
    assert names[_highlighted_bar(output)] == shown_label(window)  # the bars' winner
    # the first maps are the model's own: not blank for a drawn digit
    picture = sections[2].view.grab().toImage()
    assert any(QColor(picture.pixel(x, y)).red() > 200
               for x in range(0, picture.width(), 3) for y in range(0, picture.height(), 3))


def test_opening_an_mlp_changes_the_sections(window, qtbot, monkeypatch, mlp_file):
    panel = _open_dock(window, qtbot)
    draw_digit(window.draw_tab.canvas, "1")
    qtbot.waitUntil(lambda: panel.section_titles() == DIGITNET, timeout=60_000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(mlp_file), ""))
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        menu_action(window, "Model", "Open Model File").trigger()
    # the drawing stays; the panel asks for it explained by the new model
    qtbot.waitUntil(lambda: panel.section_titles() == MLP, timeout=60_000)
    weights = panel._sections[1].view
    assert isinstance(weights, MapGrid) and weights.count() == 128
    assert panel._sections[2].view.count() == 128 and panel._sections[3].view.count() == 64


def test_hiding_the_dock_stops_the_layers(window, qtbot, monkeypatch):
    asked = _asked(window, monkeypatch)
    panel = _open_dock(window, qtbot)
    dock = panel.parentWidget()
    while dock is not None and not hasattr(dock, "toggleViewAction"):
        dock = dock.parentWidget()
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)
    assert asked == [True, False]
    assert not window.service._explain.layers


def test_a_blank_canvas_shows_the_hint_again(window, qtbot):
    panel = _open_dock(window, qtbot)
    draw_digit(window.draw_tab.canvas, "0")
    qtbot.waitUntil(lambda: panel.section_titles() == DIGITNET, timeout=60_000)
    menu_action(window, "Edit", "Clear").trigger()
    qtbot.waitUntil(lambda: panel.hint.isVisible() and panel.section_titles() == [],
                    timeout=30_000)
    assert np.asarray(window.draw_tab.canvas.to_array()).min() == 255  # really blank
