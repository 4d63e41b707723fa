"""Issue 12 item 11: a finished run far worse than the model in use on the Draw tab (15 points or
more below it, on the same classes) is kept in the library but not put on the Draw tab unasked;
the message says why, with both accuracies, and "Use it anyway" puts it there."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from digitpad.core.checkpoint import read_meta
from digitpad.gui.train.run_advice import FAR_WORSE_POINTS, ModelInUse, far_worse, why_not_used
from tests.gui.helpers import open_main_window

DIGITS = [str(i) for i in range(10)]


def test_far_worse_compares_like_with_like():
    in_use = ModelInUse("/lib/digits.pt", tuple(DIGITS), {"test_accuracy": 0.99,
                                                          "val_accuracy": 0.98})
    assert "digits" in far_worse(in_use, DIGITS, {"test_accuracy": 0.5, "val_accuracy": 0.5})
    assert "test accuracy" in far_worse(in_use, DIGITS, {"test_accuracy": 0.5})
    # a few points worse is not far worse; better is not either
    assert far_worse(in_use, DIGITS, {"test_accuracy": 0.99 - (FAR_WORSE_POINTS - 1) / 100}) == ""
    assert far_worse(in_use, DIGITS, {"test_accuracy": 0.995}) == ""
    # validation against validation when there is no test accuracy on one side
    assert "validation accuracy" in far_worse(in_use, DIGITS, {"val_accuracy": 0.6})
    # other classes (a Fashion-MNIST run), no model in use, or nothing measured the same way
    fashion = [f"class {i}" for i in range(10)]
    assert far_worse(in_use, fashion, {"test_accuracy": 0.5}) == ""
    assert far_worse(None, DIGITS, {"test_accuracy": 0.5}) == ""
    only_val = ModelInUse("/lib/v.pt", tuple(DIGITS), {"val_accuracy": 0.99})
    assert far_worse(only_val, DIGITS, {"test_accuracy": 0.5}) == ""
    # chance level is said first, whatever the model in use
    assert "guessing" in why_not_used(DIGITS, {"test_accuracy": 0.11}, in_use)


@pytest.fixture
def main_window(qtbot, library, monkeypatch):
    window = open_main_window(qtbot, library, monkeypatch)  # the bundled digits model in use
    qtbot.waitUntil(window.train_tab.start_button.isEnabled, timeout=60_000)
    yield window
    window.close()


def test_a_run_far_worse_than_the_model_in_use_is_kept_but_not_selected(main_window, qtbot,
                                                                         shared_data):
    window, tab = main_window, main_window.train_tab
    in_use = window.draw_tab.model_path
    assert Path(in_use).stem == "digits"  # bundled: 99.35% test accuracy
    window.tabs.setCurrentWidget(tab)
    # a real, short run: well above chance (about 48%) but far below the bundled model
    tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "mlp",
                        "epochs": 1, "batch_size": 16, "limit": 1000, "save_name": "rushed"})
    assert "Only 57 training steps" in tab.form.hint.text()  # said before Start, too
    with qtbot.waitSignal(tab.modelKept, timeout=120_000) as kept:
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    path = kept.args[0]
    assert Path(path).is_file()  # kept in the library
    text = tab.messages.text()
    assert "not put on the Draw tab" in text and "points below" in text
    shown = f"{read_meta(in_use)['metrics']['test_accuracy']:.1%}"  # the file's own figure
    assert "“digits”, the model in use" in text and f"the {shown} of" in text
    assert "Only 57 training steps" in text  # and what to change, from the numbers
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=30_000)
    assert window.draw_tab.model_path == in_use
    with qtbot.waitSignal(tab.modelSaved, timeout=5_000):
        qtbot.mouseClick(tab.messages.action_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.draw_tab.model_path == path, timeout=30_000)
