"""TrainSettingsForm: the Train tab's choices — dataset, model, optimizer and the rest.

It produces the plain dict of TrainConfig fields that the training worker turns into a config.
What can be chosen (architectures with parameter counts, optimizers, devices) arrives later
through `set_choices`, computed off the GUI thread, because listing it imports torch.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)

from digitpad.core.paths import shown_data_dir
from digitpad.gui.settings_store import (
    BATCH_SIZE_RANGE,
    EPOCHS_RANGE,
    LIMIT_RANGE,
    LR_RANGE,
    SEED_RANGE,
    clean_train,
)
from digitpad.gui.widgets.plain_text import plain_label, tooltip

DATASETS = (("MNIST digits", "mnist"), ("Fashion-MNIST clothes", "fashion-mnist"),
            ("Image folder…", "folder"))
DEVICE_NAMES = {"auto": "Automatic (best available)", "cpu": "CPU", "cuda": "CUDA GPU",
                "mps": "Apple Metal (MPS)"}
RECIPE_EXTRAS = ("step_size", "gamma", "momentum", "weight_decay")


def _combo(tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setToolTip(tip)
    return combo


def _set_item_enabled(combo: QComboBox, index: int, enabled: bool, tip: str = "") -> None:
    item = combo.model().item(index)  # QStandardItemModel, the combo's default model
    item.setEnabled(enabled)
    item.setToolTip(tooltip(tip))


class TrainSettingsForm(QWidget):
    """The form on the left of the Train tab."""

    settingRefused = Signal(str)  # a remembered setting that cannot be used here, and why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._models: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, Any] = {}  # settings waiting for the choices to arrive
        self._folder_dataset = ""
        self._suggested = ""  # the save name last suggested (a typed one is kept)
        self._build()

    # --- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.dataset = _combo("What to learn from: digits, clothes, or your own image folder "
                              "(one sub-folder per class)")
        for text, value in DATASETS:
            self.dataset.addItem(text, value)
        self.folder_label = plain_label()  # the folder's path, as chosen
        self.folder_label.setWordWrap(True)
        self.folder_label.setToolTip("The image folder this model learns from")
        self.data_dir = QLineEdit()
        self.data_dir.setPlaceholderText(shown_data_dir())  # never raises
        self.data_dir.setToolTip("Where MNIST / Fashion-MNIST files are looked for (mnist/ or "
                                 "fashion-mnist/ inside it) and downloaded to")
        browse = QToolButton()
        browse.setText("…")
        browse.setToolTip("Choose the folder that holds the dataset files")
        browse.clicked.connect(self.choose_data_dir)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir, 1)
        data_row.addWidget(browse)
        self.model = _combo("The network to train")
        self.model.addItem("Loading models…")
        self.model.setEnabled(False)
        self.model_info = plain_label()
        self.model_info.setWordWrap(True)
        self.variant = _combo("A variant of this model")
        self.optimizer = _combo("How the weights are updated (the model's recipe is preset)")
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(6)
        self.lr.setRange(*LR_RANGE)
        self.lr.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr.setToolTip("Learning rate: how big each update step is")
        self.batch_size = QSpinBox()
        self.batch_size.setRange(*BATCH_SIZE_RANGE)
        self.batch_size.setToolTip("Images per training step")
        self.epochs = QSpinBox()
        self.epochs.setRange(*EPOCHS_RANGE)
        self.epochs.setToolTip("Passes over the training images")
        self.scheduler = _combo("How the learning rate changes during training")
        self.augment = QCheckBox("Augment (shift, rotate, scale, stroke width)")
        self.augment.setChecked(True)
        self.augment.setToolTip("Show slightly changed copies of each image so the model copes "
                                "with how people really draw")
        self.device = _combo("Where training runs")
        for name, text in DEVICE_NAMES.items():
            self.device.addItem(text, name)
        self.seed = QSpinBox()
        self.seed.setRange(*SEED_RANGE)
        self.seed.setToolTip("Random seed: the same seed and settings give the same run")
        self.limit = QSpinBox()
        self.limit.setRange(*LIMIT_RANGE)
        self.limit.setSingleStep(1000)
        self.limit.setSpecialValueText("All")
        self.limit.setToolTip("Train on at most this many images (for a quick demo); All uses "
                              "every image")
        self.save_name = QLineEdit()
        self.save_name.setToolTip("The name the trained model is saved under in your library")
        # Alt+letter mnemonics are unique across the window (menus F E V M H, tabs D T, the
        # buttons S P R O, the detail tabs X K): Dataset, Variant and Seed have none left
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Dataset", self.dataset)
        form.addRow("", self.folder_label)
        form.addRow("Data folder", data_row)
        self._data_row = data_row
        form.addRow("Mode&l", self.model)
        form.addRow("", self.model_info)
        form.addRow("Variant", self.variant)
        form.addRow("Optimi&zer", self.optimizer)
        form.addRow("Lear&ning rate", self.lr)
        form.addRow("&Batch size", self.batch_size)
        form.addRow("Epo&chs", self.epochs)
        form.addRow("Sched&ule", self.scheduler)
        form.addRow("", self.augment)
        form.addRow("Dev&ice", self.device)
        form.addRow("Seed", self.seed)
        form.addRow("Ima&ges", self.limit)
        form.addRow("Save &as", self.save_name)
        self._form = form
        self.dataset.activated.connect(self._dataset_picked)
        self.model.currentIndexChanged.connect(self._model_changed)
        self._show_folder()

    # --- choices --------------------------------------------------------------------------
    def has_choices(self) -> bool:
        """True once the models and devices are known."""
        return bool(self._models)

    def set_choices(self, choices: dict[str, Any]) -> None:
        """Fill the form from core.training_choices (computed in the background)."""
        self._models = {m["name"]: m for m in choices["models"]}
        self.optimizer.clear()
        self.optimizer.addItems(choices["optimizers"])
        self.scheduler.clear()
        self.scheduler.addItems(choices["schedulers"])
        for index in range(self.device.count()):
            problem = choices["devices"].get(self.device.itemData(index))
            _set_item_enabled(self.device, index, problem is None, problem or "")
        self.model.blockSignals(True)
        self.model.clear()
        for model in choices["models"]:
            self.model.addItem(f"{model['name']} — {model['parameters']:,} parameters",
                               model["name"])
            self.model.setItemData(self.model.count() - 1, tooltip(model["description"]),
                                   Qt.ItemDataRole.ToolTipRole)
        self.model.blockSignals(False)
        self.model.setEnabled(True)
        self._model_changed()
        if self._pending:
            self.apply_settings(self._pending)

    def _model_changed(self) -> None:
        info = self._models.get(self.model.currentData())
        if info is None:
            return
        self.model_info.setText(info["description"])
        recipe = info["recipe"]
        self.optimizer.setCurrentText(recipe["optimizer"])
        self.lr.setValue(recipe["lr"])
        self.batch_size.setValue(recipe["batch_size"])
        self.epochs.setValue(recipe["epochs"])
        self.scheduler.setCurrentText(recipe["scheduler"])
        self.variant.clear()
        for key, values in info["choices"].items():
            for value in values:
                self.variant.addItem(f"{key} = {value}", (key, value))
            self.variant.setCurrentIndex(values.index(info["options"][key]))
            break  # one choosable option per model
        self._form.setRowVisible(self.variant, self.variant.count() > 0)
        self._suggest_name()

    def _suggest_name(self) -> None:
        """Name the model after its network and data, unless the person typed a name."""
        if self.save_name.text() not in ("", self._suggested):
            return  # never silently replace a typed name
        dataset = self.dataset_value()
        short = dataset if dataset in ("mnist", "fashion-mnist") else (
            os.path.basename(os.path.normpath(dataset)) or "folder")
        self._suggested = f"{self.model.currentData()}-{short}"
        self.save_name.setText(self._suggested)

    # --- dataset --------------------------------------------------------------------------
    def _dataset_picked(self) -> None:
        if self.dataset.currentData() == "folder" and not self.choose_image_folder():
            self.dataset.setCurrentIndex(0)
        self._show_folder()
        self._suggest_name()

    def choose_image_folder(self) -> bool:
        """Ask for a class-per-folder image dataset; True when one was chosen."""
        folder = QFileDialog.getExistingDirectory(self, "Choose an image folder (one sub-folder "
                                                  "per class)", self._folder_dataset)
        if folder:
            self.set_image_folder(folder)
        return bool(folder)

    def set_image_folder(self, folder: str) -> None:
        """Use the image folder `folder` as the dataset."""
        self._folder_dataset = folder
        self.dataset.setCurrentIndex(self.dataset.findData("folder"))
        self._show_folder()

    def choose_data_dir(self) -> bool:
        """Ask for the folder that holds (or will hold) the MNIST / Fashion-MNIST files; True
        when one was chosen."""
        folder = QFileDialog.getExistingDirectory(self, "Choose the data folder",
                                                  self.data_dir.text())
        if folder:
            self.data_dir.setText(folder)
        return bool(folder)

    def _show_folder(self) -> None:
        folder = self.dataset.currentData() == "folder"
        self.folder_label.setText(self._folder_dataset if folder else "")
        self._form.setRowVisible(self.folder_label, folder)
        self._form.setRowVisible(self._data_row, not folder)  # MNIST files only
        name = os.path.basename(os.path.normpath(self._folder_dataset))
        index = self.dataset.findData("folder")  # the picker names the folder chosen
        self.dataset.setItemText(index, f"Image folder: {name}" if name else "Image folder…")

    def dataset_value(self) -> str:
        """"mnist", "fashion-mnist" or the image folder's path."""
        kind = self.dataset.currentData()
        return self._folder_dataset if kind == "folder" else kind

    # --- values ---------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The TrainConfig fields chosen (the model's recipe fills the ones not shown)."""
        name = self.model.currentData()
        recipe = self._models[name]["recipe"] if name in self._models else {}
        options = {}
        if self.variant.count():
            key, value = self.variant.currentData()
            options[key] = value
        return {
            "dataset": self.dataset_value(),
            "data_dir": self.data_dir.text().strip() or None,
            "model": name,
            "model_options": options,
            "optimizer": self.optimizer.currentText(),
            "lr": self.lr.value(),
            "batch_size": self.batch_size.value(),
            "epochs": self.epochs.value(),
            "scheduler": self.scheduler.currentText(),
            **{key: recipe[key] for key in RECIPE_EXTRAS if key in recipe},
            "augment": self.augment.isChecked(),
            "device": self.device.currentData(),
            "seed": self.seed.value(),
            "limit": self.limit.value() or None,
        }

    def model_name(self) -> str:
        """The name to save the trained model under."""
        return self.save_name.text().strip() or f"{self.model.currentData()}-model"

    def settings_values(self) -> dict[str, Any]:
        """What to remember between sessions (plain values for QSettings)."""
        if not self._models:
            return dict(self._pending)
        values = self.values()
        values["model_options"] = dict(values["model_options"])
        values["save_name"] = self.save_name.text()
        return {key: value for key, value in values.items() if value is not None}

    def apply_settings(self, values: dict[str, Any]) -> None:
        """Restore remembered settings; unknown, stale or unusable values are ignored."""
        values, _refused = clean_train(values)  # MainWindow has named any refused ones already
        if not self._models:
            self._pending = values
            return
        self._pending = {}
        dataset = str(values.get("dataset", "mnist"))
        if dataset in ("mnist", "fashion-mnist"):
            self.dataset.setCurrentIndex(self.dataset.findData(dataset))
        elif dataset:
            self.set_image_folder(dataset)
        self._show_folder()
        self.data_dir.setText(str(values.get("data_dir") or ""))
        index = self.model.findData(values.get("model"))
        if index >= 0:
            self.model.setCurrentIndex(index)
        self._apply_fields(values)

    def _apply_fields(self, values: dict[str, Any]) -> None:
        setters = {
            "optimizer": lambda v: self.optimizer.setCurrentText(str(v)),
            "lr": lambda v: self.lr.setValue(float(v)),
            "batch_size": lambda v: self.batch_size.setValue(int(v)),
            "epochs": lambda v: self.epochs.setValue(int(v)),
            "scheduler": lambda v: self.scheduler.setCurrentText(str(v)),
            "augment": lambda v: self.augment.setChecked(str(v).lower() in ("true", "1")),
            "seed": lambda v: self.seed.setValue(int(v)),
            "limit": lambda v: self.limit.setValue(int(v or 0)),
            "save_name": lambda v: self.save_name.setText(str(v)),
        }
        for key, setter in setters.items():
            if key in values:
                try:
                    setter(values[key])
                except (TypeError, ValueError, OverflowError):
                    pass  # a stale or hand-edited setting: keep the default
        device = self.device.findData(values.get("device"))
        if device >= 0 and self.device.model().item(device).isEnabled():
            self.device.setCurrentIndex(device)
        elif device >= 0:  # e.g. settings from a machine with a GPU
            reason = self.device.model().item(device).toolTip() or "not available"
            self.settingRefused.emit(
                f"{self.device.itemText(device)} is not available here ({reason.rstrip('.')}); "
                f"training will use {self.device.currentText()} instead."
            )
        options = values.get("model_options") or {}
        for index in range(self.variant.count()):
            key, value = self.variant.itemData(index)
            if str(options.get(key)) == str(value):
                self.variant.setCurrentIndex(index)
