"""The Train tab: pick data, model and settings, press Start, and watch the network learn.

The form (train_settings), the progress line (train_progress), the charts, the confusion matrix
and the gallery of mistakes are separate widgets, put in place by train_layout; this tab wires
them to one TrainingWorker, whose records (digitpad/core/records.py) each widget takes by type
(`show_record`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from digitpad.core.records import EpochEnd, Finished, Notice, Started, Steps
from digitpad.gui.charts.charts import AccuracyChart, LossChart
from digitpad.gui.results.confusion_view import ConfusionMatrixView
from digitpad.gui.results.misclassified_gallery import MisclassifiedGallery
from digitpad.gui.settings_store import TrainSettings, read_train
from digitpad.gui.train import run_advice as advice
from digitpad.gui.train.continue_training import ContinueTraining
from digitpad.gui.train.train_layout import button, explain_train_series, lay_out
from digitpad.gui.train.train_progress import TrainProgress, format_duration
from digitpad.gui.train.train_settings import TrainSettingsForm
from digitpad.gui.train.watch_it_learn import WatchItLearn
from digitpad.gui.widgets.message_bar import MessageBar
from digitpad.gui.workers.background_call import BackgroundCall
from digitpad.gui.workers.training_worker import FailureKind, TrainingWorker

if TYPE_CHECKING:
    from digitpad.core.config import TrainConfig
    from digitpad.gui.workers.prediction_service import LoadedModel


def _training_choices() -> dict[str, Any]:
    from digitpad.core.training_choices import training_choices  # imports torch: background only

    return training_choices()


class TrainTab(QWidget):
    """Training with live charts. `modelSaved(path)` fires when a trained model is saved."""

    modelSaved = Signal(str)
    modelKept = Signal(str)  # saved to the library, but too poor to put on the Draw tab unasked
    status = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run = TrainingWorker(self)
        self.waits_for: Callable[[], str] = lambda: ""  # why Start must wait ("" when it need not)
        # a fixed room of two lines at the top, kept when empty: a message appearing neither
        # moves a control (a banner once pushed the buttons down under the mouse, so a click
        # meant for Pause hit Save as) nor covers one (a floating one hid the progress bar)
        self.messages = MessageBar(self, lines=2)
        self.form = TrainSettingsForm(self)
        self.form.settingRefused.connect(lambda text: self.messages.show_message(text))
        self.progress = TrainProgress(self)
        self.loss_chart = LossChart(self)
        self.accuracy_chart = AccuracyChart(self)
        for chart in (self.loss_chart, self.accuracy_chart):
            explain_train_series(chart)
        self.confusion = ConfusionMatrixView(self)
        self.gallery = MisclassifiedGallery(self)
        self.watch = WatchItLearn(self)  # the first layer and a validation image, per epoch
        self.start_button = button("&Start", "Start training with these settings")
        self.pause_button = button("&Pause", "Pause training; Resume carries on where it was")
        self.stop_button = button("St&op", "Stop after this batch and save the best model")
        self.start_button.setDefault(True)
        self.start_button.setEnabled(False)  # until the models are listed
        self.pause_button.setEnabled(False)
        self.stop_button.setEnabled(False)
        self.continuing = ContinueTraining(self)  # its button, dialog and run
        self._again = self.start  # what Choose folder… retries
        self._class_names: list[str] = []
        self._in_use: advice.ModelInUse | None = None  # the Draw tab's model, to compare with
        self._stepped = False  # whether the current run took a training step
        self._epochs = (0, 0)  # epochs done, of how many
        self._choices = BackgroundCall(_training_choices, self)
        self.details = lay_out(self)  # train_layout.py
        self._connect()

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self._choices.done.connect(self._choices_ready)
        self._choices.failed.connect(self._choices_failed)
        run = self.run
        for widget in (self.progress, self.loss_chart, self.accuracy_chart, self.confusion,
                       self.gallery, self.watch):
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
        if reason := self.waits_for():  # another run (a fine-tune) holds the training cores
            self.messages.show_message(reason, error=True)
            return
        self._again = again or self.start
        self.messages.clear()
        for widget in (self.loss_chart, self.accuracy_chart):
            widget.reset()
        self.confusion.clear()
        self.gallery.clear()
        self.watch.clear()
        self.progress.show_busy("Loading the dataset…")
        self._stepped = False
        self._epochs = (0, config.epochs or 0)  # (done, of), from the run's EpochEnd records
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
                self._epochs = (record.epoch, record.epochs)
                self.status.emit(f"Epoch {record.epoch}/{record.epochs}: validation accuracy "
                                 f"{record.val_accuracy:.2%}")
            case Finished():
                self._finished(record)

    def _finished(self, result: Finished) -> None:
        """Each fact once (run_advice.finished_text): the banner how good the run is and where
        it went, the progress line how far it got and how long it took, the status bar that it
        ended."""
        metrics, saved = result.metrics, result.saved
        self.progress.show_text(advice.progress_line(result.reason, *self._epochs,
                                                     format_duration(result.elapsed)))
        self.status.emit(advice.STATUS.get(result.reason, "Training ended"))
        why_not = saved and advice.why_not_used(self._class_names, metrics, self._in_use)
        text = advice.finished_text(result, why_not, self.form.steps_hint() if why_not else "")
        if why_not:  # kept, but the model in use stays unless the user asks
            self.messages.show_message(text, error=True, action=(
                "Use it anyway", lambda: self._use_anyway(saved)))
            self.modelKept.emit(saved)
            return
        failed = result.reason == "diverged" or bool(result.save_problem)
        self.messages.show_message(text, error=failed, timeout_ms=0 if failed else 15_000)
        if saved:
            self.modelSaved.emit(saved)

    def _use_anyway(self, saved: str) -> None:
        self.status.emit(f"{advice.saved_name(saved)} is now on the Draw tab")
        self.modelSaved.emit(saved)

    def set_model_in_use(self, model: LoadedModel) -> None:
        """The Draw tab's model (PredictionService.modelLoaded's LoadedModel): a run far worse
        than it is not put on the Draw tab unasked."""
        self._in_use = advice.ModelInUse.loaded(model)

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
