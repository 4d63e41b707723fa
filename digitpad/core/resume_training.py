"""The training loop's side of resuming: starting a run from a file's resume state, and taking
the snapshot at the end of every epoch that the saved file keeps (resume_state.py says what a
snapshot holds, resume_restore.py how it is put back)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from digitpad.core.config import TrainConfig
from digitpad.core.decline import NOT_A_DIGIT
from digitpad.core.errors import DigitpadError
from digitpad.core.models.registry import recorded_options
from digitpad.core.resume_restore import restore
from digitpad.core.resume_state import (
    HistoryEntry,
    ResumeState,
    capture,
    check_data,
    data_summary,
)


def config_to_continue(state: ResumeState, *, epochs: int | None = None,
                       device: str | None = None, threads: int | None = None,
                       data_dir: str | None = None, precision: str | None = None
                       ) -> TrainConfig:
    """The settings the file was trained with, to go on with: `epochs` is the new total (it
    must pass the epochs done); device, threads and the data folder may differ, as they change
    neither the data nor the model (nor does precision, which changes how fast the steps
    run). ResumeError when the file cannot be continued."""
    values = state.model_meta.get("config")
    if not values:
        raise state.fail("its metadata does not say how it was trained (no config)")
    changes: dict[str, Any] = {"device": device, "threads": threads, "data_dir": data_dir,
                               "epochs": epochs, "precision": precision}
    # a file from before label smoothing was a setting trained without it (not with the
    # recipe's value today)
    values = {"label_smoothing": 0.0, **values}
    # and one from before an option existed (digitnet's pool_first) was made without it
    options = values.get("model_options")
    if options is None:
        options = state.model_meta.get("model_options") or {}
    values["model_options"] = recorded_options(str(values.get("model", "")), options)
    config = replace(TrainConfig.from_dict(values),
                     **{k: v for k, v in changes.items() if v is not None})
    try:
        config = config.resolved()
    except DigitpadError as exc:
        raise state.fail(f"its settings cannot be used ({str(exc).rstrip('.')})") from None
    if config.model != state.model_meta["architecture"]:
        raise state.fail("its settings name another architecture than its weights")
    done = state.epoch
    if not state.fine_tune and config.epochs <= done:
        if epochs is None:
            raise state.fail(f"it has trained all its {done} epochs; give a new total of more "
                             f"than {done} (--epochs) to train it further")
        raise state.fail(f"it has trained {done} epochs already; the number of epochs is the "
                         f"new total and must be more than {done}")
    return config


class Snapshots:
    """Starts a run from a resume state (or a file's weights), and keeps the snapshot taken at
    the end of each epoch for the saved file (`latest`)."""

    def __init__(self, run: Any, state: Any, resume: ResumeState | None) -> None:
        self.run, self.state, self.resume = run, state, resume  # training.Run, TrainState
        self.history: list[HistoryEntry] = [] if resume is None else resume.history
        # a resumed run stopped before its first epoch ends keeps the state it started from
        self.latest: ResumeState | None = None if resume is None or resume.fine_tune else resume
        self._data: dict[str, Any] | None = None

    def start(self) -> str:
        """Put the file's run back into the freshly built one; the notice to show ("" for a
        new run). ResumeError before any step when the file does not fit the run."""
        resume, run, state = self.resume, self.run, self.state
        if resume is None:
            return ""
        data = run.dataset
        saved = list(resume.model_meta["class_names"])
        if resume.fine_tune and run.not_digits is not None and run.not_digits.method == "class":
            saved.append(NOT_A_DIGIT)  # fine-tuned to say "not a digit" with one more output
        if list(data.class_names) != saved:
            raise resume.fail("the data set's classes are not those it was trained on")
        if not resume.fine_tune:
            check_data(resume, self._summary())
            if resume.meta["steps_per_epoch"] != run.steps_per_epoch:
                raise resume.fail(f"its epochs had {resume.meta['steps_per_epoch']} steps, "
                                  f"these would have {run.steps_per_epoch}")
        restore(resume, run.model, state.optimizer, state.scheduler, run.per_step_scheduler,
                state.generator, run.device)
        if resume.fine_tune:
            return (f"{resume.source} holds no resume state: training a new schedule of "
                    f"{run.config.epochs} epochs from its weights.")
        metrics = resume.model_meta.get("metrics") or {}
        if metrics.get("val_accuracy") is None or not metrics.get("best_epoch"):
            raise resume.fail("its metrics do not say how good its best weights were")
        state.epoch, state.global_step = resume.epoch, resume.global_step
        state.best_state = {k: v.clone() for k, v in resume.weights.items()}
        state.best_accuracy, state.best_epoch = metrics["val_accuracy"], metrics["best_epoch"]
        state.train_time = float(metrics.get("train_seconds") or 0.0)
        return (f"Resuming {resume.source} after epoch {resume.epoch} of "
                f"{run.config.epochs} (step {resume.global_step:,}).")

    def take(self, record: Any) -> None:
        """The snapshot at the end of the epoch `record` (a records.EpochEnd) reports."""
        run, state = self.run, self.state
        self.history.append(HistoryEntry.of(record))
        self.latest = capture(
            run.model, state.optimizer, state.scheduler, state.generator, epoch=record.epoch,
            global_step=state.global_step, steps_per_epoch=run.steps_per_epoch,
            scheduler_per_step=run.per_step_scheduler, history=self.history,
            last_is_best=record.is_best, data=self._summary(), device=run.device)

    def _summary(self) -> dict[str, Any]:
        if self._data is None:
            self._data = data_summary(self.run.dataset.train, self.run.dataset.val)
        return self._data
