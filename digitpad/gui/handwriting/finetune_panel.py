"""The Fine-tune panel of the My handwriting tab: one button that teaches the model in use the
person's own samples, its progress and loss chart while it runs, and then a small before/after
table of how much better it got.

The fine-tune (core.personal.finetune, mixed with MNIST replay) runs on a TrainingWorker of its
own, the Train tab's QThread machinery, and its loss goes on the Train tab's LossChart. It is
refused while the Train tab trains: both runs would share the same two cores. The new model is
saved in the library as "<model> — yours" (the previous one stays) and `modelSaved(path)` says
so, for the window to put it to use on the Draw tab.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.personal.finetune_config import FineTuneConfig, default_out
from digitpad.core.personal.report import FineTuneReport
from digitpad.core.personal.samples import SampleStore
from digitpad.core.records import EpochEnd, Finished, Notice, Started, Steps
from digitpad.gui.charts.charts import LossChart
from digitpad.gui.handwriting import finetune_text as text
from digitpad.gui.handwriting.finetune_report import FineTuneResult
from digitpad.gui.settings_store import remember_folder, start_folder
from digitpad.gui.widgets.message_bar import MessageBar
from digitpad.gui.widgets.plain_text import plain_label
from digitpad.gui.workers.training_worker import FailureKind, TrainingWorker

CHART_HEIGHT = 130  # px: a glance at the loss going down, not the Train tab's full chart
DEFAULT_STEPS = next(f.default for f in fields(FineTuneConfig) if f.name == "steps")


class FineTunePanel(QWidget):
    """Fine-tune the model in use on the samples in `store`.

    `training`: the Train tab's worker (no fine-tune while it runs; None: nothing to wait
    for). `model_in_use()`: the Draw tab's model file ('' before one loaded: the bundled one).
    `data_dir()`: the MNIST data folder setting ('' for the default). `choose_data_dir()`, if
    given, asks for that folder (the Train tab's own way) when MNIST is not found; otherwise
    the panel asks itself and remembers the answer. `steps` and `threads` (None: the fine-tune's
    defaults) are there for tests and benchmarks."""

    modelSaved = Signal(str)  # the fine-tuned model's file, saved in the library
    status = Signal(str)  # one line for the status bar

    def __init__(self, training: TrainingWorker | None, model_in_use: Callable[[], str],
                 data_dir: Callable[[], str], store: SampleStore | None,
                 parent: QWidget | None = None,
                 choose_data_dir: Callable[[], bool] | None = None) -> None:
        super().__init__(parent)
        self.training, self.store = training, store
        self._model_in_use, self._data_dir, self._choose = model_in_use, data_dir, choose_data_dir
        self.steps: int | None = None
        self.threads: int | None = None
        self.run = TrainingWorker(self)
        self._chosen_data_dir = ""  # a folder chosen here after "MNIST was not found"
        self._counts: dict[str, int] = {}
        self._base = ""  # the model this run started from
        self._check = ""  # the latest "your held-out samples: 90% right"
        self._stepped = False  # whether this run took a step
        self._scored_on = ""
        self._build()
        self.button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.run.record.connect(self._record)  # re-emitted on this (the GUI) thread
        self.run.failed.connect(self._failed)
        self.run.ended.connect(self._ended)
        app = QCoreApplication.instance()
        if app is not None:  # a fine-tune still running as the app quits ends first
            app.aboutToQuit.connect(self.shutdown)
        if training is not None:  # its runs start and end: say so on the button at once
            training.record.connect(lambda _record: self._update_button())
            training.ended.connect(self._update_button)
        self.refresh()

    # --- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        heading = QFont(self.font())
        heading.setBold(True)
        self.title = plain_label("Teach it your handwriting")
        self.title.setFont(heading)
        self.counts_label = plain_label()
        self.counts_label.setWordWrap(True)
        self.button = QPushButton("Fine-tune on my handwriting")
        self.button.setToolTip("Start from the model in use and train it on your samples mixed "
                               "with MNIST, so it keeps reading everyone else's writing")
        big = QFont(self.button.font())
        big.setPointSizeF(big.pointSizeF() * 1.2)
        self.button.setFont(big)
        self.button.setMinimumHeight(self.button.sizeHint().height() + 8)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the fine-tune: nothing is saved, the model in use stays")
        self.stop_button.setEnabled(False)
        self.reason = plain_label()  # why the button is greyed out
        self.reason.setWordWrap(True)
        self.reason.setEnabled(False)
        self.messages = MessageBar(self)  # failures, one plain line, with Choose folder…
        self.bar = QProgressBar()
        self.bar.setToolTip("How far the fine-tune has got")
        self.progress = plain_label()  # quotes file names: plain text
        self.progress.setWordWrap(True)
        self.chart = LossChart(self)
        self.chart.setFixedHeight(CHART_HEIGHT)
        self.chart.plot.setToolTip("The fine-tune's loss on each batch (your samples and MNIST "
                                   "together; thick: smoothed); dots: the mean training loss and "
                                   "the loss on your held-out samples at each check")
        for _sample, label in self.chart.legend.items:
            if label.text == "validation":
                label.setText("your held-out")
        self.result = FineTuneResult(self)  # the before/after table, once it finished
        buttons = QHBoxLayout()
        buttons.addWidget(self.button, 1)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        for widget in (self.title, self.counts_label):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        for widget in (self.reason, self.messages, self.bar, self.progress, self.chart,
                       self.result):
            layout.addWidget(widget)
        layout.addStretch(1)  # a tall panel keeps its lines together at the top
        for widget in (self.bar, self.progress, self.chart, self.result):
            widget.hide()  # until there is a run to show

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.refresh()  # samples may have come or gone on another tab
        super().showEvent(event)

    # --- the samples and the button -----------------------------------------------------------
    def refresh(self) -> None:
        """Count the samples again (the personal set changed) and say what a fine-tune can do."""
        self._counts = self.store.counts() if self.store is not None else {}
        self.counts_label.setText(text.describe_counts(self._counts) if self.store is not None
                                  else text.NO_FOLDER)
        self._update_button()

    def blocked(self) -> str:
        """Why a fine-tune cannot start now ('' when it can)."""
        if self.store is None:
            return text.NO_FOLDER
        if self.run.is_running():
            return "Fine-tuning…"
        if self.training is not None and self.training.is_running():
            return text.TRAINING_ELSEWHERE
        return text.too_few(self._counts)

    def _update_button(self) -> None:
        why = self.blocked()
        self.button.setEnabled(not why)
        running = self.run.is_running()
        self.reason.setText("" if running else why)
        self.reason.setVisible(bool(why) and not running)
        self.button.setToolTip(why if why and not running else
                               "Start from the model in use and train it on your samples mixed "
                               "with MNIST, so it keeps reading everyone else's writing")

    def is_running(self) -> bool:
        """True while a fine-tune runs (from start until its thread has ended)."""
        return self.run.is_running()

    # --- a run --------------------------------------------------------------------------------
    def config(self) -> FineTuneConfig:
        """The fine-tune the button starts: the samples, the model in use, the data folder."""
        assert self.store is not None
        extra = {"steps": self.steps} if self.steps else {}
        data_dir = self._chosen_data_dir or self._data_dir().strip() or None
        return FineTuneConfig(samples=str(self.store.root), base=self._model_in_use() or "digits",
                              data_dir=data_dir, threads=self.threads, **extra)

    def start(self) -> None:
        """Fine-tune now, unless something stands in the way (then the reason shows)."""
        self.refresh()
        if self.blocked():
            return
        config = self.config()
        self._base, self._check, self._scored_on, self._stepped = config.base, "", "", False
        self.messages.clear()
        self.chart.reset()
        self.result.hide()
        for widget in (self.bar, self.progress, self.chart):
            widget.show()
        self.bar.setRange(0, 0)  # busy until the first step
        self.progress.setText(f"Starting from {text.model_name(config.base)}…")
        self.run.start_fine_tune(config, default_out(config.base))
        self._set_running(True)
        self.status.emit("Fine-tuning on your handwriting…")

    def stop(self) -> None:
        """Stop the run after its current batch (a stopped fine-tune saves nothing)."""
        if self.run.is_running():
            self.run.stop()
            self.stop_button.setEnabled(False)
            self.progress.setText("Stopping…")

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop any fine-tune and wait for its thread; True when nothing is left running."""
        self.run.stop()
        return self.run.wait(timeout_ms)

    def _set_running(self, running: bool) -> None:
        self.stop_button.setEnabled(running)
        self._update_button()

    def _record(self, record: object) -> None:
        self.chart.show_record(record)  # Steps and EpochEnd
        match record:
            case Notice(message=said):
                self.progress.setText(said)
                if "left out" in said:  # files that are no usable image: worth keeping in view
                    self.messages.show_message(said)
            case Started():
                self._scored_on = record.scored_on
                self.bar.setRange(0, max(1, record.total_steps))
                self.bar.setValue(0)
                self.bar.setFormat("%p%")
                self.progress.setText(f"Fine-tuning on {record.train_size} of your samples and "
                                      "MNIST…")
            case Steps():
                self._stepped = True
                self.bar.setValue(record.latest.global_step)
                self.progress.setText(text.step_line(record.latest, self._check))
            case EpochEnd():
                self._check = f"{self._scored_on}: {record.val_accuracy:.0%} right"
            case Finished():
                self._finished(record)

    def _finished(self, result: Finished) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(1 if result.reason == "completed" else 0)
        if result.reason != "completed" or not result.metrics.get("mnist_after"):
            self.progress.setText(result.message)
            self.status.emit("Fine-tune stopped: the model in use is unchanged")
            return
        self.chart.hide()  # the table takes its place: the result, not the way there
        self.progress.hide()
        self.bar.hide()
        said = text.saved_line(result.saved, self._base) if result.saved else ""
        self.result.show_report(FineTuneReport.from_metrics(result.metrics), said)
        self.result.show()
        if not result.saved or result.save_problem:
            self.messages.show_message(result.save_problem or "The model could not be saved.",
                                       error=True)
        if result.saved:
            self.modelSaved.emit(result.saved)
        self.status.emit(result.message)

    def _failed(self, message: str, kind: str) -> None:
        self.bar.hide()
        self.chart.hide()
        self.progress.setText("The fine-tune did not finish." if self._stepped else
                              "The fine-tune did not run.")
        self.status.emit(self.progress.text())
        if kind == FailureKind.DATASET:  # choosing the folder is the way out: offer it
            self.messages.show_message(message, error=True,
                                       action=("Choose folder…", self._choose_data_folder))
        else:
            self.messages.show_message(message, error=True)

    def _choose_data_folder(self) -> None:
        if self._choose is not None:
            chosen = self._choose()
        else:
            folder = QFileDialog.getExistingDirectory(self, "Choose the data folder (MNIST)",
                                                      start_folder("data"))
            if folder:
                remember_folder("data", folder)
                self._chosen_data_dir = folder
            chosen = bool(folder)
        if chosen and not self.run.is_running():
            self.start()  # the person was starting a fine-tune: carry on at once

    def _ended(self) -> None:
        self._set_running(False)
        self.chart.refresh()
        self.refresh()  # the button follows; counting never raises (a folder gone counts 0)
