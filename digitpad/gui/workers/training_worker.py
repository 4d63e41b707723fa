"""TrainingWorker: one training run at a time on its own QThread, reported as core records.

The Qt "worker object" pattern: a TrainingLoop (training_loop.py) is moved to a fresh QThread
per run and drives core `train()` there. What crosses the thread is the core's own frozen
records (digitpad/core/records.py) through one `record` signal, and one `failed(message, kind)`;
the widgets dispatch on the record's type.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from digitpad.core.control import TrainControl
from digitpad.core.personal.finetune_config import FineTuneConfig
from digitpad.gui.workers.training_loop import FailureKind, TrainingLoop, training_threads

__all__ = ["FailureKind", "TrainingWorker", "training_threads"]


class TrainingWorker(QObject):
    """Runs training on a QThread. Use from the GUI thread only.

    Signals:
    - record(object): each record train() yields, in order: DataProgress (at most ~20 a
      second), Notice, Started, Steps (the Step records of the last ~50 ms), Paused (the loop
      is held), EpochEnd, and last Finished (with `saved`/`save_problem` set, no model).
    - failed(message, kind): the run could not start or ended by an error (FailureKind); once
      per run, instead of Finished.
    - ended(): the thread has finished, after Finished or failed.
    """

    record = Signal(object)
    failed = Signal(str, str)
    ended = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._loop: TrainingLoop | None = None
        self._control: TrainControl | None = None

    def start(self, config: Any, save_name: str, resume_from: str | None = None) -> None:
        """Start training with `config` (a TrainConfig, or its fields as a dict, or a
        FineTuneConfig: see start_fine_tune); saves the
        model as `save_name` in the library. `resume_from`, a model file, continues it (or
        fine-tunes it, without resume state) with its own settings: only `config`'s epochs
        (the new total), device, threads and data folder are used."""
        if self.is_running():
            raise RuntimeError("A training run is already in progress.")
        self._control = TrainControl()
        thread = QThread(self)
        thread.setObjectName("digitpad-training")
        loop = TrainingLoop(config, save_name, self._control, resume_from)
        loop.moveToThread(thread)
        loop.record.connect(self.record)
        loop.failed.connect(self.failed)
        thread.started.connect(loop.run)
        # Direct: quit() is thread-safe, and a GUI thread blocked in wait() could not run it.
        loop.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        # No loop.deleteLater here: run in the finishing thread, the C++ destructor raced with
        # the Python wrapper being freed on the GUI thread and crashed (seen ~1 run in 6). The
        # loop is Python-owned and freed on the GUI thread once the thread has stopped.
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._loop = thread, loop
        thread.start(QThread.Priority.LowPriority)

    def start_fine_tune(self, config: FineTuneConfig, save_name: str) -> None:
        """Fine-tune a digit model on the person's samples (core.personal.finetune) on the
        same thread machinery and signals as training; the result is saved as `save_name` in
        the library (a stopped fine-tune saves nothing)."""
        self.start(config, save_name)

    def pause(self) -> None:
        """Pause before the next batch (weights and optimizer state are kept); a Paused
        record says when the loop is held."""
        if self._control is not None:
            self._control.pause()

    def resume(self) -> None:
        """Carry on after a pause."""
        if self._control is not None:
            self._control.resume()

    def stop(self) -> None:
        """Ask the run to stop after the current batch; the best weights are still saved."""
        if self._control is not None:
            self._control.request_stop()

    def is_paused(self) -> bool:
        """True while a pause is requested and the run is not over."""
        return self.is_running() and bool(self._control and self._control.paused)

    def is_running(self) -> bool:
        """True from start() until `ended` (so it agrees with what the Train tab shows)."""
        return self._thread is not None

    def wait(self, ms: int = 5000) -> bool:
        """Block until the thread has finished (at most `ms`); True when it has, and then the
        run is wrapped up (`ended` emitted) at once rather than when the event loop gets to it."""
        if self._thread is None:
            return True
        if not self._thread.wait(ms):
            return False
        self._wrap_up()
        return True

    @Slot()
    def _on_thread_finished(self) -> None:
        if self.sender() is self._thread:  # not an earlier run's, already wrapped up by wait()
            self._wrap_up()

    def _wrap_up(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        thread.wait()  # finished is emitted just before the thread ends: let it end
        thread.deleteLater()
        self._loop = None  # the loop object (no thread running it any more) is freed here
        self.ended.emit()
