"""Continue training: a model from the library trained further, on the Train tab.

The person picks a model file and a new total of epochs; the file's own settings are shown and
cannot change (they decide the data and the schedule a resumed run keeps), only the epochs,
device, threads and save name can. A file with resume state (core/resume_state.py) goes on after
its last epoch: its history is drawn first and the new epochs extend the same curves, the step
axis continuing. A file without (bundled, or saved small) is offered, plainly, as fine-tuning
from its weights. The run is the Train tab's (TrainingWorker with `resume_from`), saved as a new
library model: the original stays. Files are read off the GUI thread (that imports torch);
continue_plan.py reads what a file offers and draws its history on the charts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.config import MAX_THREADS, TrainConfig
from digitpad.core.paths import shown_data_dir
from digitpad.core.safe_text import printable
from digitpad.gui.settings_store import EPOCHS_RANGE
from digitpad.gui.train.continue_plan import ContinuePlan, read_plan, show_history
from digitpad.gui.widgets.plain_text import plain_label
from digitpad.gui.workers.background_call import BackgroundCall

if TYPE_CHECKING:
    from digitpad.core.model_library import ModelEntry
    from digitpad.gui.train.train_tab import TrainTab


def _library() -> list[ModelEntry]:
    from digitpad.core.model_library import list_models  # imports torch: background only

    entries = list_models()
    return [e for e in entries if not e.bundled] + [e for e in entries if e.bundled]


def _row_text(config: TrainConfig) -> dict[str, str]:
    options = ", ".join(f"{k} = {v}" for k, v in config.model_options.items())
    data = config.dataset + (f" (from {config.data_dir})" if config.data_dir else "")
    return {
        "Network": config.model + (f" ({options})" if options else ""),
        "Data": data, "Optimizer": config.optimizer or "", "Learning rate": f"{config.lr:g}",
        "Batch size": f"{config.batch_size}", "Schedule": config.scheduler or "",
        "Augment": "yes" if config.augment else "no", "Seed": f"{config.seed}",
        "Images": f"{config.limit:,}" if config.limit else "All",
    }


class ContinueDialog(QDialog):
    """Pick a library model and the new total of epochs; `plan()` then says what to run."""

    def __init__(self, devices: QComboBox, data_dir: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Continue training")
        self._plan: ContinuePlan | None = None
        self._data_dir = data_dir  # the Train tab's data folder (for MNIST-style data)
        self._calls: list[BackgroundCall] = []
        self.model = QComboBox()
        self.model.setToolTip("A model from your library (the newest first)")
        self.model.addItem("Loading your models…")
        self.model.setEnabled(False)
        self.about = plain_label()  # what Continue will do, or why it cannot (one line)
        self.about.setWordWrap(True)
        self.about.setMinimumHeight(3 * self.about.fontMetrics().lineSpacing())
        self.settings: dict[str, QLabel] = {}
        self.epochs = QSpinBox()
        self.epochs.setToolTip("The new total, the epochs already trained included")
        self.device = QComboBox()
        self.device.setToolTip("Where training runs")
        for index in range(devices.count()):  # as the Train tab lists them, usable or not
            self.device.addItem(devices.itemText(index), devices.itemData(index))
            item, given = self.device.model().item(index), devices.model().item(index)
            item.setEnabled(given.isEnabled())
            item.setToolTip(given.toolTip())
        self.threads = QSpinBox()
        self.threads.setRange(0, MAX_THREADS)
        self.threads.setSpecialValueText("Automatic")
        self.threads.setToolTip("CPU threads for training (Automatic: the run times its own "
                                "steps on 1 thread and on one per core and keeps the faster)")
        self.save_name = QLineEdit()
        self.save_name.setToolTip("Saved as a new model in your library; the original stays")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.continue_button = QPushButton("&Continue")
        self.continue_button.setDefault(True)
        self.continue_button.setEnabled(False)
        self.buttons.addButton(self.continue_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._layout()
        self.model.currentIndexChanged.connect(self._model_chosen)
        self._call(_library, self._listed)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("&Model", self.model)
        form.addRow("", self.about)
        for name in ("Network", "Data", "Optimizer", "Learning rate", "Batch size", "Schedule",
                     "Augment", "Seed", "Images"):  # the file's own: shown, not changeable
            self.settings[name] = plain_label()
            self.settings[name].setToolTip("As the model was trained; a resumed run keeps it")
            form.addRow(name, self.settings[name])
        form.addRow("&Epochs (new total)", self.epochs)
        form.addRow("&Device", self.device)
        form.addRow("T&hreads", self.threads)
        form.addRow("&Save as", self.save_name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def _call(self, function: Any, done: Any, tag: object = None) -> None:
        call = BackgroundCall(function, self, tag=tag)
        call.done.connect(done)
        call.failed.connect(lambda text: self._show_problem(f"Reading failed ({text})."))
        self._calls = [c for c in self._calls if c.is_running()] + [call]  # kept while running
        call.start()

    def _listed(self, entries: list[ModelEntry]) -> None:
        self.model.blockSignals(True)
        self.model.clear()
        for entry in entries:
            self.model.addItem(printable(entry.label, 200), str(entry.path))
        self.model.blockSignals(False)
        self.model.setEnabled(bool(entries))
        if not entries:
            self._show_problem("Your library has no models yet: train one first.")
            return
        self.model.setCurrentIndex(0)
        self._model_chosen()

    def _model_chosen(self, *_args: object) -> None:
        path = self.model.currentData()
        if not path:
            return
        self._plan = None
        self.continue_button.setEnabled(False)
        self.about.setText("Reading the model file…")
        self._call(lambda: read_plan(path), self._plan_read, tag=path)

    def _plan_read(self, plan: ContinuePlan) -> None:
        if plan.path != self.model.currentData():
            return  # an earlier choice's answer
        self.about.setText(plan.summary())
        config = plan.config
        if config is None:
            return
        if self._data_dir and config.dataset in ("mnist", "fashion-mnist"):  # not a folder set
            config = replace(config, data_dir=self._data_dir)  # the Train tab's data folder
        for name, text in _row_text(config).items():
            self.settings[name].setText(text)
        self._plan = plan = replace(plan, config=config)
        least = 1 if plan.fine_tune else plan.epochs_done + 1
        self.epochs.setRange(least, max(least, EPOCHS_RANGE[1]))
        self.epochs.setValue(plan.suggested_epochs())
        index = self.device.findData(config.device)
        if index >= 0 and self.device.model().item(index).isEnabled():
            self.device.setCurrentIndex(index)
        self.threads.setValue(0)  # the file's count was for the machine it trained on
        stem = Path(plan.path).stem
        self.save_name.setText(f"{stem}-fine-tuned" if plan.fine_tune else stem)
        self.continue_button.setText("&Fine-tune" if plan.fine_tune else "&Continue")
        self.continue_button.setEnabled(True)

    def _show_problem(self, text: str) -> None:
        self.about.setText(text)
        self.continue_button.setEnabled(False)

    def plan(self) -> ContinuePlan | None:
        """The chosen file's plan, with the person's epochs, device and threads in its config
        (None until a file that can be trained on is chosen)."""
        if self._plan is None or self._plan.config is None:
            return None
        config = replace(self._plan.config, epochs=self.epochs.value(),
                         device=self.device.currentData() or "auto",
                         threads=self.threads.value())
        return replace(self._plan, config=config)

    def name(self) -> str:
        """The name to save the new model under."""
        return self.save_name.text().strip() or Path(self.model.currentData() or "model").stem


class ContinueTraining(QObject):
    """The Train tab's "Continue training…" button, its dialog, and the run it starts."""

    def __init__(self, tab: TrainTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.button = QPushButton("Continue training…")  # every letter's mnemonic is taken
        self.button.setToolTip("Train a model from your library further: its history is drawn "
                               "on the charts and the new epochs extend them (saved as a new "
                               "model; the original stays)")
        self.button.setEnabled(False)  # until the Train tab's choices are listed
        self.button.clicked.connect(self.ask)
        self.dialog: ContinueDialog | None = None
        self._last: tuple[ContinuePlan, str] | None = None

    def ask(self) -> None:
        """Open the dialog (window-modal); Continue there starts the run. Not while a run
        trains, nor before the Train tab knows which devices are usable (the button is off)."""
        if self.tab.is_training() or not self.button.isEnabled():
            return
        self.dialog = ContinueDialog(self.tab.form.device, self._data_folder(), self.tab.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.accepted.connect(self._accepted)
        self.dialog.open()

    def _accepted(self) -> None:
        dialog = self.sender()
        if not isinstance(dialog, ContinueDialog) or (plan := dialog.plan()) is None:
            return
        self.start(plan, dialog.name())

    def start(self, plan: ContinuePlan, save_name: str) -> None:
        """Continue (or fine-tune) `plan`'s file, its history on the charts first."""
        if self.tab.is_training() or plan.config is None:
            return
        self._last = (plan, save_name)
        self.tab.begin(plan.config, save_name, resume_from=plan.path, again=self._again)
        show_history(self.tab.loss_chart, self.tab.accuracy_chart, plan.history)

    def _again(self) -> None:
        """After a data folder was chosen for a run that could not find its data."""
        if self._last is not None and self._last[0].config is not None:
            plan, name = self._last
            config = replace(plan.config, data_dir=self._data_folder())
            self.start(replace(plan, config=config), name)

    def _data_folder(self) -> str:
        """Where MNIST-style data are read: the Train tab's data folder, or its default (the
        folder a new run here reads; the file's own may be another machine's)."""
        return self.tab.form.data_dir.text().strip() or shown_data_dir()
