"""TrainingWorker: real short runs on a small real MNIST subset, driven through its signals."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from digitpad.core.records import (
    EpochEnd,
    Finished,
    Notice,
    Paused,
    Started,
    Step,
    Steps,
)
from digitpad.gui.workers.training_worker import FailureKind, TrainingWorker


class Recorder:
    """Collects everything a TrainingWorker reports: the records, by type."""

    def __init__(self, run: TrainingWorker) -> None:
        self.records: list[object] = []
        self.failed: list[tuple[str, str]] = []
        run.record.connect(self.records.append)
        run.failed.connect(lambda message, kind: self.failed.append((message, kind)))

    def of(self, kind: type) -> list:
        return [r for r in self.records if isinstance(r, kind)]

    @property
    def steps(self) -> list[Step]:
        return [step for batch in self.of(Steps) for step in batch.steps]

    @property
    def finished(self) -> list[Finished]:
        return self.of(Finished)


@pytest.fixture
def run(qtbot):
    training = TrainingWorker()
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
    (started,) = seen.of(Started)
    assert started.class_names == tuple(str(i) for i in range(10))
    assert (started.train_size, started.val_size) == (540, 60) and started.parameters == 7850
    steps = seen.steps
    total = steps[-1].total_steps
    assert total == steps[-1].global_step == 540 // 4
    assert [s.global_step for s in steps] == list(range(1, total + 1))  # every loss, in order
    assert all(np.isfinite([s.loss for s in steps]))
    batches = seen.of(Steps)
    assert len(batches) <= 20 * wall + 5, (len(batches), wall)  # ~20 signals a second at most
    (epoch,) = seen.of(EpochEnd)
    assert len(epoch.confusion) == 10 and sum(map(sum, epoch.confusion)) == 60
    for item in epoch.misclassified:  # numpy arrays straight from the core, no bytes
        assert item.image.dtype == np.uint8 and item.image.shape == (28, 28)
        assert item.true != item.predicted
    order = [type(r) for r in seen.records if not isinstance(r, Notice)]
    assert order[0] is Started and order[-2:] == [EpochEnd, Finished]
    (done,) = seen.finished
    assert done.reason == "completed" and "test_accuracy" in done.metrics
    assert done.model is None  # no torch object crosses to the GUI thread
    saved = Path(done.saved)
    assert saved.parent == library and saved.name == "tiny-softmax.pt" and saved.is_file()
    assert not run.is_running() and run.wait(0)


def test_the_records_are_the_ones_train_yields(qtbot, run, shared_data, library, monkeypatch):
    """Nothing added on the way: the Step records (with train()'s own time left, the one
    `digitpad train` prints) and the EpochEnd are the very objects train() yielded."""
    from digitpad.core import training

    real_train, yielded = training.train, []

    def spying_train(*args, **kwargs):
        for record in real_train(*args, **kwargs):
            yielded.append(record)
            yield record

    monkeypatch.setattr(training, "train", spying_train)
    seen = Recorder(run)
    with qtbot.waitSignal(run.ended, timeout=60_000):
        run.start(config(shared_data), "same records")
    made = [r for r in yielded if isinstance(r, Step)]
    assert len(seen.steps) == len(made) and all(a is b for a, b in zip(seen.steps, made))
    assert all(s.eta >= 0 for s in seen.steps)
    assert seen.of(EpochEnd)[0] is next(r for r in yielded if isinstance(r, EpochEnd))


def test_stop_ends_the_run_within_a_batch(qtbot, run, shared_data, library):
    seen = Recorder(run)
    run.record.connect(lambda record: run.stop() if isinstance(record, Steps) else None)
    with qtbot.waitSignal(run.ended, timeout=60_000):
        run.start(config(shared_data, model="lenet5", batch_size=8), "stopped")
    (done,) = seen.finished
    assert done.reason == "stopped"
    # The stop was requested on the first Steps: at most a few batches ran after it.
    first, last = seen.of(Steps)[0].latest, seen.steps[-1]
    assert last.global_step <= first.global_step + 3
    assert last.global_step < last.total_steps
    assert Path(done.saved).is_file()  # the weights after those batches are still kept


def test_pause_is_acknowledged_holds_the_loop_and_resume_finishes(qtbot, run, shared_data,
                                                                  library):
    seen = Recorder(run)
    run.record.connect(lambda record: run.pause() if len(seen.of(Steps)) == 1
                       and isinstance(record, Steps) else None)
    run.start(config(shared_data, model="lenet5", batch_size=8), "paused")
    # train() yields Paused when the pause takes effect, after the steps before it
    with qtbot.waitSignal(run.record, timeout=60_000,
                          check_params_cb=lambda record: isinstance(record, Paused)):
        pass
    (paused,) = seen.of(Paused)
    assert isinstance(seen.records[-1], Paused) and run.is_paused() and run.is_running()
    assert paused.global_step == seen.steps[-1].global_step
    held = len(seen.steps)
    qtbot.wait(300)
    assert len(seen.steps) == held and isinstance(seen.records[-1], Paused)
    with qtbot.waitSignal(run.ended, timeout=60_000):
        run.resume()
    assert seen.finished[0].reason == "completed"
    total = seen.steps[-1].total_steps
    assert [s.global_step for s in seen.steps] == list(range(1, total + 1))


def test_a_missing_dataset_fails_once_with_the_folder_named(qtbot, run, library,
                                                           offline_empty_folder):
    empty = offline_empty_folder
    seen = Recorder(run)
    with qtbot.waitSignal(run.ended, timeout=30_000):
        run.start({"dataset": "mnist", "data_dir": str(empty), "model": "softmax"}, "x")
    ((message, kind),) = seen.failed  # one failure, saying it is the data
    assert kind == FailureKind.DATASET
    assert str(empty) in message and "no network" in message
    assert not seen.finished and not list(library.glob("*.pt"))


def test_bad_settings_fail_in_one_sentence(qtbot, run, shared_data):
    seen = Recorder(run)
    with qtbot.waitSignal(run.ended, timeout=30_000):
        run.start(config(shared_data, lr=-1.0), "x")
    assert seen.failed == [("The learning rate must be a positive number, not -1.0.",
                            FailureKind.SETTINGS)]


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
