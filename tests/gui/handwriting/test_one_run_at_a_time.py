"""One training run on the cores at a time, both ways: while a fine-tune on the person's
handwriting runs, the Train tab's Start says why it waits (and starts nothing); stopped, the
fine-tune saves nothing and Start works again. Real clicks in the real window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from digitpad.gui.handwriting.wiring import TRAIN_TAB_WAITS
from tests.core.personal.drawn_samples import write_samples

LEFT = Qt.MouseButton.LeftButton


@pytest.mark.slow
def test_start_waits_while_a_fine_tune_runs(store_dir: Path, train_tab_ready, qtbot,
                                            shared_data: Path, library: Path) -> None:
    window = train_tab_ready
    write_samples(store_dir, per_digit=2)
    train = window.train_tab
    train.form.data_dir.setText(str(shared_data))
    panel = window.finetune
    panel.threads, panel.steps = 1, 5000  # long enough to be running when Start is pressed
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    panel.refresh()
    qtbot.waitUntil(panel.button.isEnabled, timeout=5_000)
    qtbot.mouseClick(panel.button, LEFT)
    assert panel.is_running()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(train.start_button, LEFT)
    assert not train.is_training()
    assert train.messages.text() == TRAIN_TAB_WAITS
    qtbot.mouseClick(panel.stop_button, LEFT)
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=60_000)
    assert not (library / "digits-yours.pt").exists()  # a stopped fine-tune saves nothing
    assert train.start_button.isEnabled() and not train.is_training()
