"""The Train tab: pick data, model and settings, press Start, and watch the network learn.

The form (train_settings), the progress line (train_progress), the charts, the confusion matrix
and the gallery of mistakes are separate widgets; this tab wires them to one TrainingWorker,
whose records (digitpad/core/records.py) each widget takes by type (`show_record`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.records import EpochEnd, Finished, Notice, Started, Steps
from digitpad.gui.results.confusion_view import ConfusionMatrixView
from digitpad.gui.results.misclassified_gallery import MisclassifiedGallery
from digitpad.gui.settings_store import TrainSettings, read_train
from digitpad.gui.train.charts import AccuracyChart, LossChart
from digitpad.gui.train.continue_training import ContinueTraining
from digitpad.gui.train.run_advice import ModelInUse, why_not_used
from digitpad.gui.train.train_progress import TrainProgress, format_duration
from digitpad.gui.train.train_settings import TrainSettingsForm
from digitpad.gui.widgets.message_bar import MessageBar
from digitpad.gui.workers.background_call import BackgroundCall
from digitpad.gui.workers.training_worker import FailureKind, TrainingWorker

if TYPE_CHECKING:
    from digitpad.core.config import TrainConfig
    from digitpad.gui.workers.prediction_service import LoadedModel


def _training_choices() -> dict[str, Any]:
    from digitpad.core.training_choices import training_choices  # imports torch: background only

    return training_choices()


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    return button


class TrainTab(QWidget):
    """Training with live charts. `modelSaved(path)` fires when a trained model is saved."""

    modelSaved = Signal(str)
    modelKept = Signal(str)  # saved to the library, but too poor to put on the Draw tab unasked
    status = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run = TrainingWorker(self)
        self.messages = MessageBar(self)
        self.form = TrainSettingsForm(self)
        self.form.settingRefused.connect(lambda text: self.messages.show_message(text))
        self.progress = TrainProgress(self)
        self.loss_chart = LossChart(self)
        self.accuracy_chart = AccuracyChart(self)
        self.confusion = ConfusionMatrixView(self)
        self.gallery = MisclassifiedGallery(self)
        self.start_button = _button("&Start", "Start training with these settings")
        self.pause_button = _button("&Pause", "Pause training; Resume carries on where it was")
        self.stop_button = _button("St&op", "Stop after this batch and save the best model")
        self.start_button.setDefault(True)
        self.start_button.setEnabled(False)  # until the models are listed
        self.pause_button.setEnabled(False)
        self.stop_button.setEnabled(False)
        self.continuing = ContinueTraining(self)  # its button, dialog and run
        self._again = self.start  # what Choose folder… retries
        self._class_names: list[str] = []
        self._in_use: ModelInUse | None = None  # the Draw tab's model, to compare runs with
        self._stepped = False  # whether the current run took a training step
        self._choices = BackgroundCall(_training_choices, self)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.form)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.continuing.button)
        for note in (self.form.folder_preview, self.form.hint):  # below the buttons, so that
            left_layout.addWidget(note)  # their text changing moves no control
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(left.sizeHint().width() + 24)
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.loss_chart)
        charts.addWidget(self.accuracy_chart)
        charts.setStretchFactor(0, 3)
        charts.setStretchFactor(1, 2)
        self.details = QTabWidget()
        self.details.addTab(self.confusion, "Confusion matri&x")
        self.details.addTab(self.gallery, "Mista&kes")
        self.details.setTabToolTip(0, "Which classes the model mixes up (validation images)")
        self.details.setTabToolTip(1, "Validation images the model got wrong, most confident "
                                      "first")
        right_split = QSplitter(Qt.Orientation.Vertical)
        right_split.addWidget(charts)
        right_split.addWidget(self.details)
        right_split.setStretchFactor(0, 3)  # the charts get most of the height
        right_split.setStretchFactor(1, 2)
        right_split.setSizes([360, 240])
        right_split.setChildrenCollapsible(False)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.progress)
        right_layout.addWidget(right_split, 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(scroll)
        body.addWidget(right)
        body.setStretchFactor(1, 1)
        outer = QVBoxLayout(self)
        outer.addWidget(body, 1)
        # Messages float over the top of the tab rather than push it down: a banner appearing
        # at Start once moved the buttons under the mouse, so a click meant for Pause hit Save as
        self.messages.float_over_parent()

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self._choices.done.connect(self._choices_ready)
        self._choices.failed.connect(self._choices_failed)
        run = self.run
        for widget in (self.progress, self.loss_chart, self.accuracy_chart, self.confusion,
                       self.gallery):
            run.record.connect(widget.show_record)  # each takes the record types it shows
        run.record.connect(self._record)
        run.failed.connect(self._failed)
        run.ended.connect(self._ended)

    # --- choices --------------------------------------------------------------------------
    def load_choices(self) -> None:
        """List models and devices in the background (called once the window is up)."""
        if not self.form.has_choices():
            self.progress.show_text("Loading the list of models…")
            self._choices.start()

    def _choices_ready(self, choices: dict[str, Any]) -> None:
        self.form.set_choices(choices)
        self.start_button.setEnabled(not self.is_training())
        self.continuing.button.setEnabled(not self.is_training())
        self.progress.show_text("Choose the settings and press Start.")

    def _choices_failed(self, message: str) -> None:
        self.messages.show_message(f"Could not list the models ({message}).", error=True)

    # --- control --------------------------------------------------------------------------
    def start(self) -> None:
        """Start training with the form's settings."""
        if self.is_training() or not self.form.has_choices():
            return
        self.begin(self.form.config(), self.form.model_name())  # a TrainConfig

    def begin(self, config: TrainConfig, save_name: str, resume_from: str | None = None,
              again: Callable[[], None] | None = None) -> None:
        """Start a run of `config` saved as `save_name`; `resume_from` (a model file) continues
        it (continue_training.py), `again` then retrying it once a data folder is chosen."""
        self._again = again or self.start
        self.messages.clear()
        for widget in (self.loss_chart, self.accuracy_chart):
            widget.reset()
        self.confusion.clear()
        self.gallery.clear()
        self.progress.show_busy("Loading the dataset…")
        self._stepped = False
        self.run.start(config, save_name, resume_from)
        self._set_running(True)
        # "Training started" waits for the data (see _started): a missing dataset is no start
        self.status.emit("Loading the dataset…")

    def toggle_pause(self) -> None:
        """Pause a running training, or resume a paused one."""
        if self.run.is_paused():
            self.run.resume()
            self.pause_button.setText("&Pause")
            self.status.emit("Training resumed")
        elif self.run.is_running():
            self.run.pause()
            self.pause_button.setText("&Resume")
            self.progress.show_text("Pausing after this batch…")

    def stop(self) -> None:
        """Stop after the current batch; the best weights so far are saved."""
        if self.run.is_running():
            self.run.stop()
            self.stop_button.setEnabled(False)
            self.pause_button.setEnabled(False)
            self.progress.show_text("Stopping after this batch…")

    def is_training(self) -> bool:
        """True while a training thread runs."""
        return self.run.is_running()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop any training and wait for its thread; True when nothing is left running."""
        self.run.stop()
        return self.run.wait(timeout_ms)

    def _set_running(self, running: bool) -> None:
        self.form.setEnabled(not running)
        self.start_button.setEnabled(not running and self.form.has_choices())
        self.continuing.button.setEnabled(not running and self.form.has_choices())
        self.pause_button.setEnabled(running)
        self.pause_button.setText("&Pause")
        self.stop_button.setEnabled(running)

    # --- what the run reports -------------------------------------------------------------
    def _record(self, record: object) -> None:
        """What the tab itself does with a record (the widgets take theirs in show_record)."""
        match record:
            case Notice(message=text):
                self.messages.show_message(text, timeout_ms=8000)
            case Started(class_names=names):
                self._class_names = list(names)
                self.progress.show_text(f"Training on {len(names)} classes…")
                self.status.emit("Training started")
            case Steps():
                self._stepped = True
            case EpochEnd():
                self.status.emit(f"Epoch {record.epoch}/{record.epochs}: validation accuracy "
                                 f"{record.val_accuracy:.2%}")
            case Finished():
                self._finished(record)

    def _finished(self, result: Finished) -> None:
        metrics = result.metrics
        which = "Test" if "test_accuracy" in metrics else "Validation"
        accuracy = metrics.get("test_accuracy", metrics.get("val_accuracy"))
        took = f"Took {format_duration(result.elapsed)}."
        score = f"{which} accuracy {accuracy:.2%}. " if accuracy is not None else ""
        saved, problem = result.saved, result.save_problem
        where = " Saved to your model library." if saved and not problem else (
            " Saved elsewhere: see the message above." if saved
            else " Not saved: see the message above." if problem else "")
        self.progress.show_text(f"{result.reason.capitalize()}. {score}{took}{where}")
        text = f"{result.message} {score}{took}"
        if problem:  # the run ran: say so, and where its model went (if anywhere)
            text += f" {problem}"
        why_not = saved and why_not_used(self._class_names, metrics, self._in_use)
        if why_not:  # kept, but the model in use stays unless the user asks
            hint = self.form.steps_hint()
            text += f" Saved as {saved}, but not put on the Draw tab: {why_not}." + (
                f" {hint}" if hint else "")
            self.messages.show_message(text, error=True, action=(
                "Use it anyway", lambda: self.modelSaved.emit(saved)))
            self.modelKept.emit(saved)
            return
        if saved:
            text += (f" Saved as {saved} instead, so the run is not lost." if problem
                     else f" Saved as {saved}; it is ready on the Draw tab.")
        failed = result.reason == "diverged" or bool(problem)
        self.messages.show_message(text, error=failed, timeout_ms=0 if failed else 15_000)
        if saved:
            self.modelSaved.emit(saved)

    def set_model_in_use(self, model: LoadedModel) -> None:
        """The Draw tab's model (PredictionService.modelLoaded's LoadedModel): a run far worse
        than it is not put on the Draw tab unasked."""
        self._in_use = ModelInUse.loaded(model)

    def _failed(self, message: str, kind: str) -> None:
        self.progress.reset()
        # an error after steps were taken ended a run that ran (nothing was worth saving yet)
        said = "Training stopped by an error." if self._stepped else "Training did not run."
        self.progress.show_text(said)
        self.status.emit(said)  # the status bar agrees with the panel
        if kind == FailureKind.DATASET:  # choosing the folder is the way out: offer it
            self.messages.show_message(message, error=True,
                                       action=("Choose folder…", self._choose_data_folder))
        else:
            self.messages.show_message(message, error=True)

    def _choose_data_folder(self) -> None:
        if self.form.choose_data_dir() and not self.is_training():
            self._again()  # the person was starting a run: carry on at once

    def _ended(self) -> None:
        self._set_running(False)
        self.loss_chart.refresh()
        self.accuracy_chart.refresh()

    # --- settings -------------------------------------------------------------------------
    def settings_values(self) -> dict[str, Any]:
        """The form's settings as the one plain value QSettings stores."""
        return self.form.settings().to_value()

    def apply_settings(self, values: TrainSettings | dict[str, Any]) -> None:
        """Restore remembered settings: TrainSettings, or the plain value QSettings stores
        (checked here; MainWindow has named any refused ones already)."""
        if not isinstance(values, TrainSettings):
            values = read_train(values)[0] or TrainSettings()
        self.form.apply(values)
