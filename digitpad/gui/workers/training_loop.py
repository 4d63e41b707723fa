"""The training thread's side of TrainingWorker: drives core `train()` and sends its records on.

It adds nothing to what `train()` yields: the records go out as they are through one `record`
signal, except that Steps (one per batch) and DataProgress are sent at most ~20 times a second,
Steps gathered into one `Steps` record so every loss still arrives. Errors become one
`failed(message, kind)`. torch is only imported inside `run`, on this thread.

Modelled on superqt's GeneratorWorker (one `yielded` signal, errors as exceptions, a paused
acknowledgement), but not built on it: it runs on the global QThreadPool, pauses between any two
yields by polling, and its abort drops the generator, so a stopped run would never reach
`Finished` and its best weights would not be saved. Here pause and stop go through the core's
TrainControl, decided in `train()` between batches, the same for the CLI and the GUI.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from digitpad.core.control import TrainControl
from digitpad.core.errors import DatasetError, DigitpadError
from digitpad.core.personal.finetune_config import FineTuneConfig
from digitpad.core.records import DataProgress, Finished, Step, Steps

EMIT_INTERVAL = 0.05  # seconds between Steps/DataProgress signals (at most ~20 a second)


class FailureKind(StrEnum):
    """What `failed(message, kind)` says went wrong."""

    DATASET = "dataset"  # the data could not be found or read: choosing a folder may help
    SETTINGS = "settings"  # a DigitpadError: settings or files the person can change
    BUG = "bug"  # an unexpected exception: the run ends, the app does not


def training_threads() -> int:
    """Intra-op threads for a fine-tune (a training run chooses its own by timing its steps,
    core/thread_choice.py): one per core.

    Measured with `digitpad bench gui` on 2 cores: leaving a core to the GUI kept the timer gaps
    lower (p99 18 ms) but trained at only 55% of the command line's speed; all cores, with the
    training threads at a lower OS priority (below), trained at ~85% with p99 gaps under 30 ms.
    """
    return os.cpu_count() or 1


def _yield_cpu_to_the_gui() -> None:
    """Lower this (training) thread's OS priority; torch's worker threads, created by it,
    inherit it. On Linux nice values are per thread, and QThread.LowPriority does nothing there
    (it is set as well at start, which is what Windows and macOS use)."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            pass  # not allowed here: train at normal priority


class _Every:
    """True at most once per `interval` seconds. Hand-rolled rather than superqt's qthrottled:
    that runs on a QTimer, and this thread has no event loop while it trains."""

    def __init__(self, interval: float) -> None:
        self._interval, self._last = interval, -interval

    def due(self, force: bool = False) -> bool:
        now = time.monotonic()
        if force or now - self._last >= self._interval:
            self._last = now
            return True
        return False


class TrainingLoop(QObject):
    """Lives on the training thread; `run` does the whole run and then emits `done`."""

    record = Signal(object)  # a core record (records.py), as train() yielded it, or Steps
    failed = Signal(str, str)  # message, FailureKind
    done = Signal()

    def __init__(self, config: Any, save_name: str, control: TrainControl,
                 resume_from: str | None = None) -> None:
        super().__init__()
        self._config, self._save_name, self._control = config, save_name, control
        self._resume_from = resume_from  # a model file to continue (TrainingWorker.start)
        self._steps: list[Step] = []
        self._steps_due = _Every(EMIT_INTERVAL)
        self._data_due = _Every(EMIT_INTERVAL)

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except DatasetError as exc:
            # the GUI's way to "pass --data-dir" is the Choose folder… button beside the message
            text = str(exc).replace(" or pass --data-dir.",
                                    ", or choose the folder that holds them.")
            self.failed.emit(text, FailureKind.DATASET)
        except DigitpadError as exc:
            self.failed.emit(str(exc), FailureKind.SETTINGS)
        except Exception as exc:  # noqa: BLE001 - a bug must end the run, not the app
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            self.failed.emit(f"Training stopped by an unexpected error ({type(exc).__name__}"
                             f"{': ' + first if first else ''}).", FailureKind.BUG)
        finally:
            self.done.emit()

    def _run(self) -> None:
        import superqt.utils  # noqa: F401 - the charts' throttler, imported here, off the GUI thread

        from digitpad.core.config import TrainConfig
        from digitpad.core.paths import model_library_dir
        from digitpad.core.saving import check_writable, safe_stem
        from digitpad.core.training import train

        _yield_cpu_to_the_gui()
        if isinstance(self._config, FineTuneConfig):  # a fine-tune on the person's samples
            from digitpad.core.personal.finetune import fine_tune

            config = replace(self._config, threads=self._config.threads or training_threads())
            check_writable(model_library_dir() / f"{safe_stem(self._save_name)}-99.pt",
                           "the fine-tuned model")
            self._send(fine_tune(config, self._control))
            return
        config = self._config
        if not isinstance(config, TrainConfig):
            config = TrainConfig.from_dict(dict(config))
        log_dir = config.log_dir  # the log is no part of the run: not saved with the model
        # threads: as the person set them, else (0) chosen by timing the run's own steps
        config = replace(config, log_dir="")
        resume = None
        if self._resume_from is not None:  # the file's data and settings, a new total
            from digitpad.core.resume_state import read_resume
            from digitpad.core.resume_training import config_to_continue

            resume = read_resume(self._resume_from)
            config = config_to_continue(resume, epochs=config.epochs, device=config.device,
                                        threads=config.threads, data_dir=config.data_dir)
        config = config.resolved()
        # before any training time is spent: the name is reserved only when saving (saving.py)
        check_writable(model_library_dir() / f"{safe_stem(self._save_name)}-99.pt",
                       "the trained model")
        log = None
        if log_dir:  # no tensorboard, or a folder not writable: said before training
            from digitpad.core.tensorboard_log import TensorBoardLog

            log = TensorBoardLog(log_dir, config)
        records = train(config, self._control, progress=self._data_progress, resume=resume)
        self._send(records if log is None else _logged(records, log))

    def _send(self, records: Iterable[Any]) -> None:
        for record in records:
            if isinstance(record, Step):
                self._steps.append(record)
                if self._steps_due.due(force=self._control.stop_requested):
                    self._flush()
                continue
            self._flush()  # steps first: records arrive in the order train() made them
            if isinstance(record, Finished):
                record = self._saved(record)
            self.record.emit(record)

    def _flush(self) -> None:
        if self._steps:
            self.record.emit(Steps(tuple(self._steps)))
            self._steps = []

    def _data_progress(self, update: DataProgress) -> None:
        if self._data_due.due(force=update.done == update.total):
            self.record.emit(update)

    def _saved(self, finished: Finished) -> Finished:
        """The record as saved: where the model went (and why not where asked), without the
        model and its resume state (torch objects: the GUI thread has no use for them)."""
        from digitpad.core.saving import save_run

        if finished.model is None:
            return replace(finished, resume=None)
        try:
            result = save_run(finished, None, self._save_name)
        except DigitpadError as exc:  # no folder at all took it: the run still ran
            return replace(finished, model=None, resume=None, save_problem=str(exc))
        return replace(finished, model=None, resume=None, saved=result.path,
                       save_problem=result.problem)


def _logged(records: Iterable[Any], log: Any) -> Iterable[Any]:
    """`records` as they are, each fed to `log` (a core TensorBoardLog) first, on this thread;
    the log is closed however the run ends."""
    try:
        for record in records:
            log.feed(record)
            yield record
    finally:
        log.close()
