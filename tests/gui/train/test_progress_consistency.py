"""The progress bar and the line under it agree, and a paused run says only that it is paused
(issue 12 item 9 area, from a new user's trial under Xvfb).

Before, the bar said "17% (step 120 of 694)" while the line said "Epoch 1/2 · step 120/347"; and
while paused the line still showed "258 images/s · 3:38 left".
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from digitpad.core.records import Paused, Steps


def test_the_bar_counts_the_run_the_line_the_epoch_and_a_pause_shows_no_speed(
        tab, qtbot, shared_data):
    tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "softmax",
                        "optimizer": "sgd", "lr": 0.05, "epochs": 3, "limit": 3000,
                        "batch_size": 64, "scheduler": "none", "save_name": "progress"})
    with qtbot.waitSignal(tab.run.record, timeout=120_000, check_params_cb=lambda r: (
            isinstance(r, Steps) and r.latest.epoch == 2)) as second:
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(tab.run.record, timeout=60_000,
                          check_params_cb=lambda r: isinstance(r, Paused)) as paused:
        qtbot.mouseClick(tab.pause_button, Qt.MouseButton.LeftButton)
    latest = second.args[0].latest
    per_epoch, total = latest.steps_per_epoch, latest.total_steps
    assert total == 3 * per_epoch
    at = paused.args[0].global_step
    bar, line = tab.progress.bar.text(), tab.progress.label.text()
    # the bar counts the whole run, and says so
    match = re.fullmatch(r"(\d+)% of the run · step (\d+) of ([\d,]+)", bar)
    assert match, bar
    assert int(match[2]) == at and int(match[3].replace(",", "")) == total
    assert int(match[1]) == round(100 * at / total) or int(match[1]) == 100 * at // total
    # the line counts the epoch, and says so; paused: no speed, no time left
    epoch = (at - 1) // per_epoch + 1
    step = at - (epoch - 1) * per_epoch
    assert line == f"Paused at epoch {epoch} of 3 · step {step} of {per_epoch} in this epoch"
    assert "images/s" not in line and "left" not in line
    with qtbot.waitSignal(tab.run.record, timeout=60_000,
                          check_params_cb=lambda r: isinstance(r, Steps)
                          and r.latest.global_step > at):
        qtbot.mouseClick(tab.pause_button, Qt.MouseButton.LeftButton)  # Resume
    line = tab.progress.label.text()
    assert re.fullmatch(r"Epoch [23] of 3 · step \d+ of \d+ in this epoch · [\d,]+ images/s"
                        r" on \d+ threads?( · \d+:\d\d left)?", line), line
    qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=60_000)
