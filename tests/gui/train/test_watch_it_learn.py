"""Watch it learn on the Train tab (issue 16), as a person uses it: open its page, press Start,
and see the first layer of the model being trained before the first step and after each epoch,
changing as it learns, with one validation image through every layer; step back with the
slider's keys. What is drawn is compared with the records the run sent and the saved model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from digitpad.core.records import EpochEnd, Started
from digitpad.gui.inside.map_grid import MapGrid
from digitpad.gui.train.watch_it_learn import FIRST_CELL


def _settings(shared_data: Path) -> dict:
    return {"dataset": "mnist", "data_dir": str(shared_data), "model": "digitnet",
            "epochs": 2, "limit": 1200, "batch_size": 32, "save_name": "watched digitnet"}


def _drawn(grid: MapGrid) -> QImage:
    return grid.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _as_drawn(images: np.ndarray, like: MapGrid, labels: list[str] | None = None) -> QImage:
    """`images` drawn as the panel draws a first layer, at the panel's grid's size."""
    grid = MapGrid(cell=FIRST_CELL)
    grid.set_maps(images, labels or [], True, False)
    grid.resize(like.size())
    return _drawn(grid)


def test_the_first_layer_is_shown_before_training_and_after_every_epoch(tab, qtbot,
                                                                         shared_data, library):
    from digitpad.core.checkpoint import load_model
    from digitpad.core.explain.first_layer import first_layer

    panel = tab.watch
    bar = tab.details.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(2).center())
    qtbot.waitUntil(panel.isVisible)
    assert "Press Start" in panel.caption.text()
    tab.apply_settings(_settings(shared_data))
    records: list[object] = []
    tab.run.record.connect(records.append)
    with qtbot.waitSignal(tab.modelSaved, timeout=180_000) as saved:
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=10_000)

    (started,) = [r for r in records if isinstance(r, Started)]
    ends = [r for r in records if isinstance(r, EpochEnd)]
    assert [m.epoch for m in panel.moments] == [0, 1, 2]
    assert panel.caption.text() == "After epoch 2 of 2 (latest)"
    grid = panel.first.view
    assert grid.isVisible() and grid.count() == 16  # digitnet: 16 filters, 5×5
    assert panel.first.title.text() == "First layer · " + ends[1].first_layer.title
    after_two = _drawn(grid)
    assert after_two == _as_drawn(ends[1].first_layer.images, grid)

    # step back with the keyboard: epoch 1, then before the first step
    panel.slider.setFocus()
    qtbot.keyClick(panel.slider, Qt.Key.Key_Left)
    assert panel.caption.text() == "After epoch 1 of 2"
    after_one = _drawn(grid)
    assert after_one == _as_drawn(ends[0].first_layer.images, grid)
    assert after_one != after_two  # the filters changed between epoch 1 and 2
    qtbot.keyClick(panel.slider, Qt.Key.Key_Home)
    assert panel.caption.text() == "Before the first step"
    before = _drawn(grid)
    assert before == _as_drawn(started.first_layer.images, grid) and before != after_one

    # they are the weights of the model being trained: the saved (best) epoch's are the file's
    model, meta = load_model(saved.args[0])
    best = next(e for e in ends if e.epoch == meta["metrics"]["best_epoch"])
    np.testing.assert_allclose(first_layer(model, meta).images, best.first_layer.images,
                               atol=1e-6)
    for _ in range(best.epoch):
        qtbot.keyClick(panel.slider, Qt.Key.Key_Right)
    assert _drawn(grid) == _as_drawn(first_layer(model, meta).images, grid)

    # one validation image (the same every epoch) through every layer, the output named
    titles = [s.title.text() for s in panel.sections if s.isVisible()]
    assert titles[0] == f"Validation image · 28×28 · class {started.probe_label}"
    assert titles[1:] == [layer.title for layer in best.probe]
    assert titles[-1].startswith("Output") and len(titles) >= 4
    assert panel.sections[-1].view.count() == 10


def test_a_new_run_starts_the_panel_afresh(tab, qtbot, shared_data, library):
    tab.apply_settings({**_settings(shared_data), "model": "softmax", "epochs": 1,
                        "limit": 600, "save_name": "watched softmax"})
    with qtbot.waitSignal(tab.run.ended, timeout=120_000):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    panel = tab.watch
    assert [m.epoch for m in panel.moments] == [0, 1]
    assert panel.first.view.count() == 10  # softmax: a weight image per class
    assert panel.first.title.text().startswith("First layer · Linear 784→10")
    tab.apply_settings({**_settings(shared_data), "model": "mlp", "epochs": 1, "limit": 600,
                        "save_name": "watched mlp"})
    with qtbot.waitSignal(tab.run.ended, timeout=120_000):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    assert [m.epoch for m in panel.moments] == [0, 1]  # the softmax run's are gone
    assert panel.first.view.count() == 128  # the MLP's 128 hidden units


def test_a_long_run_keeps_a_bounded_number_of_epochs_spanning_it(qtbot, shared_data):
    """A real 90-epoch run's records (a tiny softmax, a few seconds): the panel keeps at most
    MAX_MOMENTS looks, the start and the newest among them, and follows the newest; one the
    person went back to stays shown while later epochs arrive."""
    from digitpad.core.config import TrainConfig
    from digitpad.core.datasets import load_dataset
    from digitpad.core.training import train
    from digitpad.gui.train.watch_it_learn import MAX_MOMENTS, WatchItLearn

    data = load_dataset("mnist", data_dir=shared_data, limit=200, seed=0)
    config = TrainConfig(model="softmax", epochs=90, batch_size=100, threads=1, seed=0)
    records = [r for r in train(config, dataset=data) if isinstance(r, (Started, EpochEnd))]
    panel = WatchItLearn()
    qtbot.addWidget(panel)
    panel.resize(700, 300)
    panel.show()
    for record in records[:31]:  # before training, then epochs 1-30
        panel.show_record(record)
    assert [m.epoch for m in panel.moments] == list(range(31))
    panel.slider.setFocus()
    for _ in range(22):
        qtbot.keyClick(panel.slider, Qt.Key.Key_Left)
    assert panel.caption.text() == "After epoch 8 of 90"
    for record in records[31:]:
        panel.show_record(record)
    epochs = [m.epoch for m in panel.moments]
    assert len(epochs) <= MAX_MOMENTS and epochs[0] == 0 and epochs[-1] == 90
    assert epochs == list(range(0, 90, 4)) + [90]  # evenly: every 4th epoch, and the newest
    assert panel.caption.text() == "After epoch 8 of 90"  # where the person went back to
    qtbot.keyClick(panel.slider, Qt.Key.Key_End)
    assert panel.caption.text() == "After epoch 90 of 90 (latest)"
    last = records[-1].first_layer
    assert last.labels == [str(i) for i in range(10)]  # softmax: a weight image per class
    assert _drawn(panel.first.view) == _as_drawn(last.images, panel.first.view, last.labels)
