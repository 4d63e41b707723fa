"""Issue 12 item 10: what the Train tab says agrees with itself: with the dataset missing, the
status bar never says "Training started" while the panel says "Training did not run"."""

from __future__ import annotations

from PySide6.QtCore import Qt

from digitpad.core.records import Started


def test_a_missing_dataset_is_never_called_started(tab, qtbot, tmp_path):
    said: list[str] = []
    tab.status.connect(said.append)
    tab.apply_settings({"dataset": str(tmp_path / "no such images"), "model": "mlp",
                        "epochs": 1})
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    assert tab.progress.label.text() == "Training did not run."
    assert "does not exist" in tab.messages.text()
    assert "Training started" not in said
    assert said[-1] == "Training did not run."


def test_a_real_start_is_called_started(tab, qtbot, shared_data):
    said: list[str] = []
    tab.status.connect(said.append)
    tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "mlp",
                        "epochs": 1, "limit": 1000, "save_name": "messages"})
    with qtbot.waitSignal(tab.run.record, timeout=60_000,
                          check_params_cb=lambda r: isinstance(r, Started)):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    assert "Training started" in said
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
