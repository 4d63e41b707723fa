"""TrainingRun: runs digitpad.core.training.train() on a QThread and reports through signals.

The Qt "worker object" pattern: a `_Worker` QObject is moved to a fresh QThread per run and
drives the training generator there. Everything that crosses threads is a plain Python value or
a numpy array. Steps arrive every batch but are sent on at most ~20 times a second (batched, so
every loss still arrives); more frequent signals stall the GUI on small machines. torch is only
imported inside `_Worker.run`, on the worker thread.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, fields, replace
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from digitpad.core.control import TrainControl
from digitpad.core.errors import DatasetError, DigitpadError

EMIT_INTERVAL = 0.05  # seconds between progress/steps signals (at most ~20 a second)


def training_threads() -> int:
    """Intra-op threads for training: one per core, as `digitpad train` uses.

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


class _Control(TrainControl):
    """TrainControl that tells the worker, on the training thread, just before it blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.on_pause: Callable[[], None] | None = None

    def wait_while_paused(self) -> None:
        if not self.paused:
            return  # a pause requested from here on is honoured before the next batch
        if self.on_pause is not None:
            self.on_pause()
        super().wait_while_paused()


class _Cancelled(Exception):
    """Raised from the data-progress callback to abandon loading/downloading on Stop."""


class _Worker(QObject):
    """Lives on the training thread; `run` does the whole run and then emits `done`."""

    notice = Signal(str)
    dataProgress = Signal(str, object, object)  # what, done, total or -1 (ints past 2**31)
    started = Signal(list)
    progress = Signal(object)
    steps = Signal(list, list)
    epochEnded = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    datasetFailed = Signal(str)
    done = Signal()

    def __init__(self, values: Any, save_name: str, control: _Control) -> None:  # noqa: ANN401
        super().__init__()
        self._values, self._save_name, self._control = values, save_name, control
        control.on_pause = self._on_pause
        self._shown: dict[str, Any] | None = None  # the last progress sent
        self._pending_steps: list[int] = []
        self._pending_losses: list[float] = []
        self._latest: dict[str, Any] | None = None
        self._last_emit = 0.0
        self._last_data_emit = 0.0
        self._class_names: list[str] = []
        self._step_seconds = 0.0  # moving average of seconds per training step
        self._eval_seconds: list[float] = []
        self._last_step_time: float | None = None

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except _Cancelled:
            self.finished.emit({
                "reason": "stopped", "message": "Stopped while the dataset was loading.",
                "best_epoch": 0, "metrics": {}, "elapsed": 0.0, "saved": "",
            })
        except DatasetError as exc:
            # the GUI's way to "pass --data-dir" is the Choose folder… button beside the message
            text = str(exc).replace(" or pass --data-dir.",
                                    ", or choose the folder that holds them.")
            self.datasetFailed.emit(text)
            self.failed.emit(text)
        except DigitpadError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must end the run, not the app
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            self.failed.emit(f"Training stopped by an unexpected error ({type(exc).__name__}"
                             f"{': ' + first if first else ''}).")
        finally:
            self.done.emit()

    def _run(self) -> None:
        from digitpad.core.config import TrainConfig
        from digitpad.core.datasets import load_dataset
        from digitpad.core.models.registry import get_spec
        from digitpad.core.paths import model_library_dir
        from digitpad.core.records import EpochEnd, Finished, Notice, Step
        from digitpad.core.saving import check_writable, safe_stem
        from digitpad.core.training import train

        _yield_cpu_to_the_gui()
        config = self._values if isinstance(self._values, TrainConfig) else (
            TrainConfig.from_dict(self._values))  # the Train form gives a TrainConfig
        config = replace(config, threads=config.threads or training_threads()).resolved()
        # before any training time is spent: the name is reserved only when saving (saving.py)
        check_writable(model_library_dir() / f"{safe_stem(self._save_name)}-99.pt",
                       "the trained model")
        self.notice.emit(f"Loading {config.dataset}…")
        dataset = load_dataset(
            config.dataset, data_dir=config.data_dir, val_split=config.val_split,
            seed=config.seed, channels=get_spec(config.model).image_channels,
            image_size=config.image_size, progress=self._data_progress, limit=config.limit,
        )
        self._class_names = list(dataset.class_names)
        self._split = "test" if dataset.val is dataset.test else "validation"  # what epochs score
        self.started.emit(list(self._class_names))
        for record in train(config, self._control, dataset=dataset):
            if isinstance(record, Step):
                self._on_step(record)
            elif isinstance(record, EpochEnd):
                self._flush()
                self._on_epoch(record)
            elif isinstance(record, Notice):
                self.notice.emit(record.message)
            elif isinstance(record, Finished):
                self._flush()
                saved, problem = self._save(record)
                self.finished.emit({
                    "reason": record.reason, "message": record.message,
                    "best_epoch": record.best_epoch, "metrics": dict(record.metrics),
                    "elapsed": record.elapsed, "saved": saved, "save_problem": problem,
                })

    def _save(self, record: Any) -> tuple[str, str]:
        """(saved path or "", why it is not where asked or not saved at all, or "")."""
        from digitpad.core.saving import save_run

        if record.model is None:
            return "", ""
        try:
            result = save_run(record, None, self._save_name)
        except DigitpadError as exc:  # no folder at all took it: the run still ran
            return "", str(exc)
        return result.path, result.problem

    def _data_progress(self, update: Any) -> None:
        what, done, total = update.what, update.done, update.total
        if self._control.stop_requested:
            raise _Cancelled  # the downloader removes its partial file
        now = time.monotonic()
        if now - self._last_data_emit >= EMIT_INTERVAL or done == total:
            self._last_data_emit = now
            self.dataProgress.emit(what, int(done), -1 if total is None else int(total))

    def _on_step(self, step: Any) -> None:
        now = time.monotonic()
        if self._last_step_time is not None:
            dt = now - self._last_step_time
            average = self._step_seconds
            self._step_seconds = 0.9 * average + 0.1 * dt if average else dt
        self._last_step_time = now
        self._pending_steps.append(step.global_step)
        self._pending_losses.append(step.loss)
        remaining = step.total_steps - step.global_step
        evaluations_left = step.total_steps // step.steps_per_epoch - step.epoch + 1
        eval_time = sum(self._eval_seconds) / len(self._eval_seconds) if self._eval_seconds else 0
        eta = self._step_seconds * remaining + eval_time * evaluations_left
        self._latest = {**asdict(step), "eta": eta if self._step_seconds else -1.0,
                        "paused": False}
        if now - self._last_emit >= EMIT_INTERVAL or self._control.stop_requested:
            self._flush()

    def _on_pause(self) -> None:
        """The loop is about to wait: send what is pending, then the same progress, paused."""
        self._flush()
        if self._shown is not None:
            self.progress.emit({**self._shown, "paused": True})
        self._last_step_time = None  # the pause is not step time

    def _flush(self) -> None:
        if self._pending_steps:
            self.steps.emit(self._pending_steps, self._pending_losses)
            self._pending_steps, self._pending_losses = [], []
        if self._latest is not None:
            self.progress.emit(self._latest)
            self._shown, self._latest = self._latest, None
        self._last_emit = time.monotonic()

    def _on_epoch(self, end: Any) -> None:
        if self._last_step_time is not None:
            self._eval_seconds.append(time.monotonic() - self._last_step_time)
        self._last_step_time = None
        names = self._class_names
        # a shallow copy: asdict() would deep-copy the confusion matrix (a million cells at
        # 1000 classes, about a second per epoch)
        values = {f.name: getattr(end, f.name) for f in fields(end)}
        values["misclassified"] = [
            {
                "image": m.image,
                "true": m.true, "predicted": m.predicted, "confidence": m.confidence,
                "true_name": _name(names, m.true), "predicted_name": _name(names, m.predicted),
            }
            for m in end.misclassified
        ]
        values["class_names"] = list(names)
        values["split"] = getattr(self, "_split", "validation")
        self.epochEnded.emit(values)


def _name(names: list[str], index: int) -> str:
    return names[index] if 0 <= index < len(names) else str(index)


class TrainingRun(QObject):
    """One training run at a time on its own QThread. Use from the GUI thread only.

    Signals: notice(str), dataProgress(what, done, total or -1), started(class names),
    progress(dict: the latest Step's fields + eta (s, -1 unknown) + paused: True once the
    loop is held by a pause), steps(global steps, losses),
    epochEnded(dict: EpochEnd's fields, misclassified as dicts with uint8 `image` arrays),
    finished(dict: reason, message, best_epoch, metrics, elapsed, saved path or "",
    save_problem: why it was saved elsewhere than asked, or not at all, or ""),
    failed(message), datasetFailed(message; also followed by failed) and ended() once the
    thread has finished, after finished or failed.
    """

    notice = Signal(str)
    dataProgress = Signal(str, object, object)  # what, done, total or -1 (ints past 2**31)
    started = Signal(list)
    progress = Signal(object)
    steps = Signal(list, list)
    epochEnded = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    datasetFailed = Signal(str)
    ended = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._control: _Control | None = None

    def start(self, config_values: dict[str, Any], save_name: str) -> None:
        """Start training with TrainConfig fields `config_values`; saves as `save_name`."""
        if self.is_running():
            raise RuntimeError("A training run is already in progress.")
        self._control = _Control()
        thread = QThread(self)
        thread.setObjectName("digitpad-training")
        worker = _Worker(config_values, save_name, self._control)
        worker.moveToThread(thread)
        for name in ("notice", "dataProgress", "started", "progress", "steps", "epochEnded",
                     "finished", "failed", "datasetFailed"):
            getattr(worker, name).connect(getattr(self, name))
        thread.started.connect(worker.run)
        # Direct: quit() is thread-safe, and a GUI thread blocked in wait() could not run it.
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        # No worker.deleteLater here: run in the finishing thread, the C++ destructor raced with
        # the Python wrapper being freed on the GUI thread and crashed (seen ~1 run in 6). The
        # worker is Python-owned and freed on the GUI thread once the thread has stopped.
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start(QThread.Priority.LowPriority)

    def pause(self) -> None:
        """Pause before the next batch (weights and optimizer state are kept)."""
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
        self._worker = None  # the worker (no thread running it any more) is freed here
        self.ended.emit()
