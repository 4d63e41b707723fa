"""TrainingRun: real short runs on a small real MNIST subset, driven through its signals."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from digitpad.gui.workers.training_worker import TrainingRun


class Recorder:
    """Collects everything a TrainingRun reports."""

    def __init__(self, run: TrainingRun) -> None:
        self.progress: list[dict] = []
        self.progress_times: list[float] = []
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.epochs: list[dict] = []
        self.started: list[list] = []
        self.notices: list[str] = []
        self.finished: list[dict] = []
        self.failed: list[str] = []
        run.progress.connect(self._on_progress)
        run.steps.connect(self._on_steps)
        run.epochEnded.connect(self.epochs.append)
        run.started.connect(self.started.append)
        run.notice.connect(self.notices.append)
        run.finished.connect(self.finished.append)
        run.failed.connect(self.failed.append)

    def _on_progress(self, values: dict) -> None:
        self.progress.append(values)
        self.progress_times.append(time.monotonic())

    def _on_steps(self, steps: list, losses: list) -> None:
        self.steps += steps
        self.losses += losses


@pytest.fixture
def run(qtbot):
    training = TrainingRun()
    yield training
    training.stop()
    assert training.wait(10_000)


def config(shared_data: Path, **changes: object) -> dict:
    values = {"dataset": "mnist", "data_dir": str(shared_data), "model": "softmax",
              "epochs": 1, "limit": 600, "batch_size": 4, "augment": False}
    return {**values, **changes}


def test_short_run_reports_every_loss_throttled_and_saves(qtbot, run, shared_data, library):
    seen = Recorder(run)
    began = time.monotonic()
    with qtbot.waitSignal(run.ended, timeout=60_000):
        run.start(config(shared_data), "tiny softmax")
    wall = time.monotonic() - began
    assert not seen.failed
    assert seen.started == [[str(i) for i in range(10)]]
    last = seen.progress[-1]
    total = last["total_steps"]
    assert total == last["global_step"] == 540 // 4
    assert seen.steps == list(range(1, total + 1))  # every loss arrives, in order
    assert len(seen.losses) == total and all(np.isfinite(seen.losses))
    assert len(seen.progress) <= 20 * wall + 5, (len(seen.progress), wall)
    gaps = np.diff(seen.progress_times)
    assert len(gaps) == 0 or np.median(gaps) >= 0.02  # batched, not one signal per batch
    (epoch,) = seen.epochs
    assert len(epoch["confusion"]) == 10 and sum(map(sum, epoch["confusion"])) == 60
    assert epoch["class_names"] == seen.started[0]
    for item in epoch["misclassified"]:
        assert item["image"].dtype == np.uint8 and item["image"].shape == (28, 28)
        assert item["true_name"] == str(item["true"]) and item["true"] != item["predicted"]
    (done,) = seen.finished
    assert done["reason"] == "completed" and "test_accuracy" in done["metrics"]
    saved = Path(done["saved"])
    assert saved.parent == library and saved.name == "tiny-softmax.pt" and saved.is_file()
    assert not run.is_running() and run.wait(0)


def test_stop_ends_the_run_within_a_batch(qtbot, run, shared_data, library):
    seen = Recorder(run)
    run.progress.connect(lambda _values: run.stop())
    with qtbot.waitSignal(run.ended, timeout=60_000):
        run.start(config(shared_data, model="lenet5", batch_size=8), "stopped")
    (done,) = seen.finished
    assert done["reason"] == "stopped"
    # The stop was requested on the first progress signal: at most a few batches ran after it.
    assert seen.progress[-1]["global_step"] <= seen.progress[0]["global_step"] + 3
    assert seen.steps[-1] < seen.progress[-1]["total_steps"]
    assert Path(done["saved"]).is_file()  # the weights after those batches are still kept


def test_pause_holds_the_loop_and_resume_finishes(qtbot, run, shared_data, library):
    seen = Recorder(run)
    run.progress.connect(lambda values: run.pause() if len(seen.progress) == 1 else None)
    run.start(config(shared_data, model="lenet5", batch_size=8), "paused")
    # The worker flushes the step it was on when it notices the pause, marked "paused".
    qtbot.waitUntil(lambda: bool(seen.progress) and seen.progress[-1]["paused"], timeout=60_000)
    assert run.is_paused() and run.is_running()
    held = len(seen.steps)
    qtbot.wait(300)
    assert len(seen.steps) == held and seen.progress[-1]["paused"]
    with qtbot.waitSignal(run.ended, timeout=60_000):
        run.resume()
    assert seen.finished[0]["reason"] == "completed"
    assert seen.steps == list(range(1, seen.progress[-1]["total_steps"] + 1))


def test_missing_dataset_fails_with_the_folder_named(qtbot, run, tmp_path, library, monkeypatch):
    from digitpad.core import datasets
    from digitpad.core.download import DownloadError

    def offline(*_args: object, **_kwargs: object) -> None:
        raise DownloadError("Could not download (offline).", "no network")

    monkeypatch.setattr(datasets, "download_file", offline)
    empty = tmp_path / "empty"
    empty.mkdir()
    seen = Recorder(run)
    with qtbot.waitSignal(run.datasetFailed, timeout=30_000):
        with qtbot.waitSignal(run.ended, timeout=30_000):
            run.start({"dataset": "mnist", "data_dir": str(empty), "model": "softmax"}, "x")
    (message,) = seen.failed
    assert str(empty) in message and "no network" in message
    assert not seen.finished and not list(library.glob("*.pt"))


def test_bad_settings_fail_in_one_sentence(qtbot, run, shared_data):
    seen = Recorder(run)
    with qtbot.waitSignal(run.ended, timeout=30_000):
        run.start(config(shared_data, lr=-1.0), "x")
    assert seen.failed == ["The learning rate must be a positive number, not -1.0."]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_training_runs_at_a_lower_os_priority_than_the_gui(qtbot, run, shared_data, library,
                                                           monkeypatch):
    """So the window stays smooth while training uses every core (see `digitpad bench gui`)."""
    from digitpad.core import training

    real_train, seen_nice = training.train, []

    def spying_train(*args, **kwargs):
        seen_nice.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        yield from real_train(*args, **kwargs)

    monkeypatch.setattr(training, "train", spying_train)
    with qtbot.waitSignal(run.ended, timeout=60_000):
        run.start(config(shared_data), "nice")
    gui_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen_nice and seen_nice[0] > gui_nice
