"""TrainProgress: the progress bar and one line of epoch, step, speed and time left."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

from digitpad.gui.widgets.plain_text import plain_label


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


def describe_step(progress: dict[str, Any]) -> str:
    """'Epoch 2/12 · step 40/174 · 2,140 images/s · 1:23 left' from a progress dict."""
    epochs = progress["total_steps"] // max(1, progress["steps_per_epoch"])
    parts = [
        f"Epoch {progress['epoch']}/{epochs}",
        f"step {progress['step']}/{progress['steps_per_epoch']}",
        f"{progress['images_per_s']:,.0f} images/s",
    ]
    if progress.get("eta", -1) >= 0:
        parts.append(f"{format_duration(progress['eta'])} left")
    text = " · ".join(parts)
    return f"Paused — {text}" if progress.get("paused") else text


class TrainProgress(QWidget):
    """Shows where a training run is: preparing, downloading, training, or done."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setToolTip("How far the training run has got")
        self.bar.setTextVisible(True)
        self.label = plain_label("Choose the settings and press Start.")  # quotes datasets
        self.label.setToolTip("Epoch, step, speed and the time left")
        self.label.setWordWrap(True)  # a long message must not widen the window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self.reset()

    def reset(self) -> None:
        """Back to empty."""
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat("%p%")

    def show_busy(self, text: str) -> None:
        """Work of unknown length (loading data): a busy bar and `text`."""
        self.bar.setRange(0, 0)
        self.label.setText(text)

    def show_data_progress(self, what: str, done: int, total: int) -> None:
        """A download or a dataset being read: `done` of `total` (-1: unknown)."""
        if total <= 0:
            self.show_busy(what)
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * done / total))
        self.bar.setFormat("%p%")
        mb = total > 100_000  # bytes of a download rather than a count of images
        amount = f"{done / 1e6:.1f} of {total / 1e6:.1f} MB" if mb else f"{done:,} of {total:,}"
        self.label.setText(f"{what}: {amount}")

    def show_step(self, progress: dict[str, Any]) -> None:
        """A progress dict from the training run (see TrainingRun.progress)."""
        total = max(1, int(progress["total_steps"]))
        self.bar.setRange(0, total)
        self.bar.setValue(int(progress["global_step"]))
        self.bar.setFormat(f"%p% (step %v of {total:,})")
        self.label.setText(describe_step(progress))

    def show_text(self, text: str) -> None:
        """A line of text under the bar, the bar unchanged."""
        self.label.setText(text)

    def value(self) -> int:
        """Steps done, as the bar shows them."""
        return self.bar.value()
