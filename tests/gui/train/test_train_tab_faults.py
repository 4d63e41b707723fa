"""The Train tab under rough handling: Stop at once, Stop while paused, Start twice, closing the
window while paused or while a dataset downloads, and a device that is not there."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QMessageBox

from digitpad.core.records import DataProgress, Finished, Started, Steps
from digitpad.gui.main_window import MainWindow
from tests.gui.train.test_train_tab import quick


def _running_qthreads(window) -> list[str]:
    return [t.objectName() for t in window.findChildren(QThread) if t.isRunning()]


def test_stop_straight_after_start(tab, qtbot, shared_data):
    tab.apply_settings(quick(shared_data))
    with qtbot.waitSignal(tab.run.ended, timeout=30_000):
        tab.start_button.click()
        tab.stop_button.click()
    assert not tab.is_training() and tab.start_button.isEnabled()
    assert "stopped" in tab.messages.text().lower()


def start_then_pause(tab, qtbot, shared_data) -> None:  # noqa: ANN001
    """Start a real run long enough to pause, and pause it once its first steps arrive."""
    tab.apply_settings(quick(shared_data, epochs=20, limit=6000))
    with qtbot.waitSignal(tab.run.record, timeout=60_000,
                          check_params_cb=lambda r: isinstance(r, Steps)):
        tab.start_button.click()
    tab.pause_button.click()
    qtbot.waitUntil(lambda: tab.progress.label.text().startswith("Paused"), timeout=10_000)


def test_stop_while_paused_ends_the_run(tab, qtbot, shared_data):
    start_then_pause(tab, qtbot, shared_data)
    # not held paused: it ends, after scoring its partial epoch and the test set (seconds on a
    # busy machine: 2 s was too short beside another process)
    with qtbot.waitSignal(tab.run.ended, timeout=30_000):
        tab.stop_button.click()
    assert not tab.is_training() and tab.start_button.isEnabled()


def test_clicking_start_twice_starts_one_run(tab, qtbot, shared_data):
    tab.apply_settings(quick(shared_data))
    started: list = []
    tab.run.record.connect(lambda r: isinstance(r, Started) and started.append(r))
    with qtbot.waitSignal(tab.run.ended, timeout=120_000):
        tab.start_button.click()
        tab.start_button.click()  # a double click: the second lands on a disabled button
    assert len(started) == 1


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, isolated_settings):
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(tmp_path / "library"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.train_tab.load_choices()
    qtbot.waitUntil(win.train_tab.start_button.isEnabled, timeout=60_000)
    return win


def _close_quickly(window, qtlog) -> None:
    began = time.monotonic()
    window.close()
    assert time.monotonic() - began < 2.0
    assert not window.isVisible() and not window.train_tab.is_training()
    assert "digitpad-training" not in _running_qthreads(window)
    assert not [r.message for r in qtlog.records if "QThread" in r.message]


def test_closing_the_window_while_paused(window, qtbot, qtlog, shared_data):
    start_then_pause(window.train_tab, qtbot, shared_data)
    _close_quickly(window, qtlog)


def test_closing_the_window_while_a_dataset_downloads(window, qtbot, qtlog, tmp_path,
                                                      monkeypatch, shared_data):
    from digitpad.core import datasets

    def endless_download(url, dest, md5=None, progress=None, timeout=30):
        part = Path(str(dest) + ".part")
        part.parent.mkdir(parents=True, exist_ok=True)
        done = 0
        try:
            with part.open("wb") as out:
                while True:  # a very slow server: 64 KB every 10 ms, never finishing
                    out.write(b"\0" * 65536)
                    done += 65536
                    progress(done, 10**10)
                    time.sleep(0.01)
        finally:
            part.unlink(missing_ok=True)

    monkeypatch.setattr(datasets, "download_file", endless_download)
    empty = tmp_path / "data"
    empty.mkdir()
    tab = window.train_tab
    tab.apply_settings(quick(shared_data, data_dir=str(empty)))
    with qtbot.waitSignal(tab.run.record, timeout=30_000,
                          check_params_cb=lambda r: isinstance(r, DataProgress)):
        tab.start_button.click()
    _close_quickly(window, qtlog)
    assert not list(empty.rglob("*.part"))


def test_a_settings_file_asking_for_cuda_on_a_machine_without_it(tab, qtbot, shared_data):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    tab.apply_settings(quick(shared_data, device="cuda"))
    assert "CUDA GPU is not available here" in tab.messages.text()
    assert tab.messages.isVisible()
    with qtbot.waitSignal(tab.run.record, timeout=120_000,
                          check_params_cb=lambda r: isinstance(r, Finished)) as finished:
        tab.start_button.click()
    assert finished.args[0].reason == "completed"
