"""What a model file offers Continue training: its settings, how far it got and its history
(`read_plan`, off the GUI thread: it imports torch), and that history drawn on the Train tab's
charts (`show_history`) before the new epochs extend the same curves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digitpad.core.config import TrainConfig
from digitpad.core.safe_text import printable

if TYPE_CHECKING:
    from digitpad.core.resume_state import HistoryEntry
    from digitpad.gui.charts.charts import AccuracyChart, LossChart


@dataclass(frozen=True)
class ContinuePlan:
    """What a model file offers to train on (read by `read_plan`, no torch objects)."""

    path: str
    name: str  # the file's name, printable
    config: TrainConfig | None = None  # its settings (resolved); None when it cannot go on
    fine_tune: bool = False  # no resume state: a new schedule from its weights
    epochs_done: int = 0
    global_step: int = 0
    planned_epochs: int = 0  # the total it was meant to train
    history: tuple[HistoryEntry, ...] = ()
    problem: str = ""  # one line: why it cannot be trained on

    def suggested_epochs(self) -> int:
        """The new total offered first: the planned one when the run stopped early."""
        done, planned = self.epochs_done, self.planned_epochs
        if self.fine_tune:
            return max(1, planned)
        return planned if planned > done else done + max(1, min(done, 10))

    def summary(self) -> str:
        """What pressing Continue will do, in one or two sentences."""
        if self.problem:
            return self.problem
        if self.fine_tune:
            return ("No resume state (a bundled model, or one saved without it): it will be "
                    "fine-tuned from its weights, a new schedule from epoch 1.")
        return (f"Goes on after epoch {self.epochs_done} of {self.planned_epochs} (step "
                f"{self.global_step:,}): its {self.epochs_done} epoch(s) are drawn on the "
                "charts and the new ones extend them.")


def read_plan(path: str) -> ContinuePlan:
    """The plan for one model file; whatever is wrong with it is its `problem` (one line)."""
    from digitpad.core.errors import DigitpadError  # core imports torch: background only
    from digitpad.core.resume_state import read_resume
    from digitpad.core.resume_training import config_to_continue

    name = printable(Path(path).name or path, 120)
    try:
        state = read_resume(path)
        planned = int(TrainConfig.from_dict(state.model_meta.get("config") or {}).epochs or 0)
        done = state.epoch
        config = config_to_continue(state, epochs=None if state.fine_tune else max(
            planned, done + 1))
        return ContinuePlan(path, name, config, state.fine_tune, done, state.global_step,
                            planned or config.epochs, tuple(state.history))
    except DigitpadError as exc:
        return ContinuePlan(path, name, problem=str(exc))
    except Exception as exc:  # noqa: BLE001 - one odd file must not take the dialog down
        return ContinuePlan(path, name, problem=f"{name} cannot be read ({type(exc).__name__}).")


def show_history(loss_chart: LossChart, accuracy_chart: AccuracyChart,
                 history: tuple[HistoryEntry, ...]) -> None:
    """Draw a file's per-epoch history: the mean losses at the steps the epochs ended on, the
    accuracies per epoch (the new run's records then extend the same curves)."""
    for entry in history:
        loss_chart.add_epoch(entry.global_step, entry.train_loss, entry.val_loss)
        accuracy_chart.add_epoch(entry.epoch, entry.train_accuracy, entry.val_accuracy)
    loss_chart.refresh()
    accuracy_chart.refresh()

