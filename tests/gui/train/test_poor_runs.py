"""Issue 12 item 11: a run no better than chance is kept in the library but does not replace the
Draw tab's model unasked; "Use it anyway" on its message does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from digitpad.gui.train.train_progress import no_better_than_chance


def test_chance_level():
    assert no_better_than_chance(0.11, 10) and not no_better_than_chance(0.5, 10)
    assert no_better_than_chance(0.54, 2) and not no_better_than_chance(0.9, 2)


@pytest.mark.usefixtures("train_tab_ready")  # `window` (conftest), Start enabled
def test_a_run_no_better_than_chance_is_kept_but_not_selected(window, qtbot, shared_data):
    tab, in_use = window.train_tab, window.draw_tab.model_path
    window.tabs.setCurrentWidget(tab)
    # a learning rate so small that nothing is learnt: a run at chance level
    tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "mlp",
                        "optimizer": "sgd", "lr": 1e-6, "epochs": 1, "limit": 1000,
                        "scheduler": "none", "save_name": "hopeless"})
    with qtbot.waitSignal(tab.modelKept, timeout=120_000) as kept:
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    path = kept.args[0]
    assert Path(path).is_file()
    assert "not put on the Draw tab" in tab.messages.text()
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=30_000)
    assert window.draw_tab.model_path == in_use
    with qtbot.waitSignal(tab.modelSaved, timeout=5_000):
        qtbot.mouseClick(tab.messages.action_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.draw_tab.model_path == path, timeout=30_000)
