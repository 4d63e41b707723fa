"""TrainProgress: the progress bar and one line of epoch, step, speed and time left.

The bar counts the whole run ("17% of the run · step 120 of 694"), the line below it the epoch
("Epoch 1 of 2 · step 120 of 347 in this epoch · …"), each saying which it counts: a bar's
"step 120 of 694" beside a line's "step 120/347" read as a contradiction. While paused the line
says so, without a speed or a time left (nothing runs, so neither means anything).
"""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

from digitpad.core.records import DataProgress, Paused, Step, Steps, Unit
from digitpad.gui.widgets.live_text import LiveText


def format_duration(seconds: float) -> str:
    """1:05 for 65 s, 1:02:03 for an hour and more."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def no_better_than_chance(accuracy: float, classes: int) -> bool:
    """True when `accuracy` is within a tenth of the way from guessing (1/classes) to perfect:
    such a run (SGD at lr 5 reached 11% on MNIST) should not replace the model in use."""
    chance = 1 / max(1, classes)
    return accuracy <= chance + 0.1 * (1 - chance)


def describe_step(step: Step, paused: bool = False) -> str:
    """'Epoch 2 of 12 · step 40 of 174 in this epoch · 2,140 images/s on 2 threads · 1:23 left'
    for a Step record (its time left is train()'s own estimate, the one `digitpad train`
    shows; the threads when the run chose them); paused: 'Paused at epoch 2 of 12 · step 40
    of 174 in this epoch'."""
    epochs = step.total_steps // max(1, step.steps_per_epoch)
    where = (f"epoch {step.epoch} of {epochs} · step {step.step} of {step.steps_per_epoch} "
             "in this epoch")
    if paused:
        return f"Paused at {where}"
    speed = f"{step.images_per_s:,.0f} images/s"
    if step.threads:  # chosen by timing the steps (core/thread_choice.py)
        speed += f" on {step.threads} thread{'s' if step.threads > 1 else ''}"
    parts = [where[0].upper() + where[1:], speed]
    if step.eta >= 0:
        parts.append(f"{format_duration(step.eta)} left")
    return " · ".join(parts)


def bar_format(total_steps: int) -> str:
    """The bar's text for a run of `total_steps` (Qt fills in %p and %v)."""
    return f"%p% of the run · step %v of {total_steps:,}"


def describe_data(update: DataProgress) -> str:
    """'train-images-idx3-ubyte.gz: 1.2 of 9.9 MB' or 'loading images: 1,200 of 5,000'."""
    done, total = update.done, update.total or 0
    if update.unit is Unit.BYTES:
        amount = f"{done / 1e6:.1f} of {total / 1e6:.1f} MB"
    else:
        amount = f"{done:,} of {total:,}"
    return f"{update.what}: {amount}"


class TrainProgress(QWidget):
    """Shows where a training run is: preparing, downloading, training, or done."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setToolTip("How far the training run has got")
        self.bar.setTextVisible(True)
        # plain text (it quotes dataset names); two lines at most, and a new text repaints
        # the line only: a QLabel re-laid-out the whole tab at each of ~20 updates a second
        self.label = LiveText(2, "Choose the settings and press Start.",
                              hint="Epoch, step, speed and the time left")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self.reset()

    def reset(self) -> None:
        """Back to empty."""
        self._last_step: Step | None = None
        self._paused_at: int | None = None  # the last step before a pause, until a later one
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat("%p%")

    def show_busy(self, text: str) -> None:
        """Work of unknown length (loading data): a busy bar and `text`."""
        self.bar.setRange(0, 0)
        self.label.setText(text)

    def show_record(self, record: object) -> None:
        """Take a training record: DataProgress, Steps (the latest shown) or Paused."""
        match record:
            case DataProgress():
                self.show_data_progress(record)
            case Steps():
                # steps sent before the pause may arrive after it: only a later one resumes
                paused = self._paused_at is not None and (
                    record.latest.global_step <= self._paused_at)
                if not paused:
                    self._paused_at = None
                self.show_step(record.latest, paused)
            case Paused():
                self._paused_at = record.global_step
                if self._last_step is not None:
                    self.show_step(self._last_step, paused=True)
                else:
                    self.show_text("Paused")

    def show_data_progress(self, update: DataProgress) -> None:
        """A download or a dataset being read (its unit says what it counts)."""
        if not update.total or update.total <= 0:
            self.show_busy(update.what)
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * update.done / update.total))
        self.bar.setFormat("%p%")
        self.label.setText(describe_data(update))

    def show_step(self, step: Step, paused: bool = False) -> None:
        """Where the run is, from a Step record."""
        self._last_step = step
        total = max(1, int(step.total_steps))
        self.bar.setRange(0, total)
        self.bar.setValue(int(step.global_step))
        self.bar.setFormat(bar_format(total))
        self.label.setText(describe_step(step, paused))

    def show_text(self, text: str) -> None:
        """A line of text under the bar, the bar unchanged."""
        self.label.setText(text)

    def value(self) -> int:
        """Steps done, as the bar shows them."""
        return self.bar.value()
