"""TrainSettingsForm: the Train tab's choices — dataset (a DatasetPicker), model, optimizer...

It gives a TrainConfig (no torch needed) and is remembered as one TrainSettings value; fields it
does not show stay None, for TrainConfig.resolved to fill from the model's recipe. The choices
(networks with parameter counts, optimizers, devices) arrive through `set_choices`, listed off
the GUI thread because that imports torch."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from digitpad.core.config import TrainConfig
from digitpad.gui.settings_store import (
    BATCH_SIZE_RANGE,
    EPOCHS_RANGE,
    LIMIT_RANGE,
    LR_RANGE,
    SEED_RANGE,
    TrainSettings,
)
from digitpad.gui.train.dataset_picker import DatasetPicker
from digitpad.gui.train.run_advice import steps_hint
from digitpad.gui.widgets.form_fields import combo, set_item_enabled, show_loading, spin
from digitpad.gui.widgets.plain_text import plain_label, tooltip

DEVICE_NAMES = {"auto": "Automatic (best available)", "cpu": "CPU", "cuda": "CUDA GPU",
                "mps": "Apple Metal (MPS)"}


class TrainSettingsForm(QWidget):
    """The form on the left of the Train tab; `hint` is a label the tab places below Start."""

    settingRefused = Signal(str)  # a remembered setting that cannot be used here, and why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._models: dict[str, dict[str, Any]] = {}
        self._pending: TrainSettings | None = None  # settings waiting for the choices
        self._suggested = ""  # the save name last suggested (a typed one is kept)
        self._build()

    # --- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.picker = DatasetPicker(self)
        self.dataset, self.data_dir = self.picker.combo, self.picker.data_dir
        self.folder_label, self.folder_preview = self.picker.folder_label, self.picker.preview_label
        self.model = combo("The network to train")
        self.model.addItem("Loading models…")
        self.model.setEnabled(False)
        self.model_info = plain_label()
        self.model_info.setWordWrap(True)
        self.variant = combo("A variant of this model")
        self.optimizer = combo("How the weights are updated (the model's recipe is preset)")
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(6)
        self.lr.setRange(*LR_RANGE)
        self.lr.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr.setToolTip("Learning rate: how big each update step is")
        self.batch_size = spin(BATCH_SIZE_RANGE, "Images per training step")
        self.epochs = spin(EPOCHS_RANGE, "Passes over the training images")
        self.scheduler = combo("How the learning rate changes during training")
        self.augment = QCheckBox("Augment (shift, rotate, scale, stroke width)")
        self.augment.setChecked(True)
        self.augment.setToolTip("Show slightly changed copies of each image so the model copes "
                                "with how people really draw")
        self.device = combo("Where training runs")
        for name, text in DEVICE_NAMES.items():
            self.device.addItem(text, name)
        self.seed = spin(SEED_RANGE, "Random seed: the same seed and settings give the same run")
        self.limit = spin(LIMIT_RANGE, "")
        self.limit.setSingleStep(1000)
        self.limit.setSpecialValueText("All")
        self.limit.setToolTip("Train on at most this many images (for a quick demo); All uses "
                              "every image")
        self.save_name = QLineEdit()
        self.save_name.setToolTip("The name the trained model is saved under in your library")
        self.log_dir = QLineEdit()
        self._log_unavailable = _tensorboard_missing()
        if self._log_unavailable:  # e.g. the standalone bundle leaves torch.utils.tensorboard out
            self.log_dir.setEnabled(False)
            self.log_dir.setPlaceholderText("Unavailable here")
            self.log_dir.setToolTip(self._log_unavailable)
        else:
            self.log_dir.setPlaceholderText("None (optional)")
            self.log_dir.setToolTip("A folder to write a TensorBoard log to (each run in a "
                                    "subfolder named by its start time and model); view it "
                                    "with: tensorboard --logdir FOLDER")
        self.hint = plain_label()  # too few training steps: what to change (below Start)
        self.hint.setWordWrap(True)
        self.hint.hide()
        # Alt+letter mnemonics are unique across the window (menus F E V M H, tabs D T, the
        # buttons S P R O, the detail tabs X K): Dataset, Variant and Seed have none left
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.picker.add_rows(form)
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
        # Seed and Images share a row, so the TensorBoard row fits the window's minimum size
        seed_and_limit = QHBoxLayout()
        seed_and_limit.setContentsMargins(0, 0, 0, 0)
        images = QLabel("Ima&ges")
        images.setBuddy(self.limit)
        for widget in (self.seed, images, self.limit):
            seed_and_limit.addWidget(widget, 0 if widget is images else 1)
        form.addRow("Seed", seed_and_limit)
        form.addRow("Save &as", self.save_name)
        form.addRow("TensorBoard log folder", self.log_dir)
        self._form = form
        # until the choices arrive, the recipe's fields read "Loading…", not spin-box minimums
        self._recipe_fields = (self.variant, self.optimizer, self.lr, self.batch_size,
                               self.epochs, self.scheduler)
        show_loading(self._recipe_fields, True)
        self.picker.changed.connect(self._dataset_changed)
        self.picker.previewed.connect(self._dataset_changed)
        self.model.currentIndexChanged.connect(self._model_changed)
        for box in (self.batch_size, self.epochs, self.limit):
            box.valueChanged.connect(self._update_hint)

    # --- choices --------------------------------------------------------------------------
    def has_choices(self) -> bool:
        """True once the models and devices are known."""
        return bool(self._models)

    def set_choices(self, choices: dict[str, Any]) -> None:
        """Fill the form from core.training_choices (computed in the background)."""
        self._models = {m["name"]: m for m in choices["models"]}
        show_loading(self._recipe_fields, False)
        self.optimizer.clear()
        self.optimizer.addItems(choices["optimizers"])
        self.scheduler.clear()
        self.scheduler.addItems(choices["schedulers"])
        for index in range(self.device.count()):
            problem = choices["devices"].get(self.device.itemData(index))
            set_item_enabled(self.device, index, problem is None, problem or "")
        self.model.blockSignals(True)
        self.model.clear()
        for model in choices["models"]:
            self.model.addItem(model["name"], model["name"])
        self._show_parameters()
        self.model.blockSignals(False)
        self.model.setEnabled(True)
        self._model_changed()
        if self._pending is not None:
            self.apply(self._pending)

    def _show_parameters(self) -> None:
        """Parameter counts in the model list, for the image folder's classes once counted."""
        counts, preview = self.picker.parameters(), self.picker.preview()
        classes = len(preview.classes) if counts and preview is not None else 10
        for index in range(self.model.count()):
            info = self._models.get(self.model.itemData(index))
            if info is None:
                continue
            parameters = counts.get(info["name"], info["parameters"])
            self.model.setItemText(index, f"{info['name']} — {parameters:,} parameters")
            self.model.setItemData(index, tooltip(f"{info['description']}\n{parameters:,} "
                                                  f"parameters for {classes:,} classes"),
                                   Qt.ItemDataRole.ToolTipRole)

    def _model_changed(self) -> None:
        info = self._models.get(self.model.currentData())
        if info is None:
            return
        self.model_info.setText(info["description"])
        self._show_recipe(info)
        self.variant.clear()
        for key, values in info["choices"].items():
            for value in values:
                self.variant.addItem(f"{key} = {value}", (key, value))
            self.variant.setCurrentIndex(values.index(info["options"][key]))
            break  # one choosable option per model
        self._form.setRowVisible(self.variant, self.variant.count() > 0)
        self._suggest_name()

    def _show_recipe(self, info: dict[str, Any]) -> None:
        recipe = info["recipe"]
        self.optimizer.setCurrentText(recipe["optimizer"])
        self.lr.setValue(recipe["lr"])
        self.batch_size.setValue(recipe["batch_size"])
        self.epochs.setValue(recipe["epochs"])
        self.scheduler.setCurrentText(recipe["scheduler"])

    def _suggest_name(self) -> None:
        """Name the model after its network and data, unless the person typed a name."""
        if self.save_name.text() not in ("", self._suggested) or not self._models:
            return  # never silently replace a typed name (nor name a model not yet listed)
        dataset = self.picker.value()
        short = dataset if dataset in ("mnist", "fashion-mnist") else (
            os.path.basename(os.path.normpath(dataset)) or "folder")
        self._suggested = f"{self.model.currentData()}-{short}"
        self.save_name.setText(self._suggested)

    # --- dataset --------------------------------------------------------------------------
    def _dataset_changed(self) -> None:
        self._show_parameters()
        self._suggest_name()
        self._update_hint()

    def set_image_folder(self, folder: str) -> None:
        """Use the image folder `folder` as the dataset."""
        self.picker.set_image_folder(folder)

    def choose_data_dir(self) -> bool:
        """Ask for the MNIST / Fashion-MNIST data folder; True when one was chosen."""
        return self.picker.choose_data_dir()

    # --- the hint -------------------------------------------------------------------------
    def steps_hint(self) -> str:
        """What to change when these settings give too few training steps ('' if they do
        not, or the number of training images is not known yet)."""
        return steps_hint(self.picker.preview(), self.picker.is_folder(), self.limit.value(),
                          self.batch_size.value(), self.epochs.value(), EPOCHS_RANGE[1])

    def _update_hint(self) -> None:
        self.hint.setText(self.steps_hint())
        self.hint.setVisible(bool(self.hint.text()))

    # --- the config -----------------------------------------------------------------------
    def config(self) -> TrainConfig:
        """The run these choices describe (the model's recipe fills the fields not shown)."""
        options = {}
        if self.variant.count():
            key, value = self.variant.currentData()
            options[key] = value
        return TrainConfig(
            dataset=self.picker.value(), data_dir=self.data_dir.text().strip() or None,
            model=self.model.currentData(), model_options=options,
            optimizer=self.optimizer.currentText(), lr=self.lr.value(),
            batch_size=self.batch_size.value(), epochs=self.epochs.value(),
            scheduler=self.scheduler.currentText(), augment=self.augment.isChecked(),
            device=self.device.currentData(), seed=self.seed.value(),
            limit=self.limit.value() or None,
            log_dir="" if self._log_unavailable else self.log_dir.text().strip(),
        )

    def model_name(self) -> str:
        """The name to save the trained model under."""
        return self.save_name.text().strip() or f"{self.model.currentData()}-model"

    def settings(self) -> TrainSettings:
        """What to remember between sessions."""
        if not self._models:  # the form is not filled in yet: keep what was remembered
            return self._pending or TrainSettings()
        return TrainSettings(self.config(), self.save_name.text())

    def apply(self, remembered: TrainSettings) -> None:
        """Show remembered settings (checked by settings_store); fields left as None show the
        model's recipe. Applied once the choices are known."""
        if not self._models:
            self._pending = remembered
            return
        self._pending = None
        config = remembered.config
        self.picker.set_value(config.dataset)
        self.data_dir.setText(config.data_dir or "")
        index = self.model.findData(config.model)
        if index >= 0:
            self.model.setCurrentIndex(index)
        self._show_recipe(self._models[self.model.currentData()])
        for box, text in ((self.optimizer, config.optimizer),
                          (self.scheduler, config.scheduler)):
            if text is not None:  # None: the recipe's, shown above
                box.setCurrentText(text)
        for box, value in ((self.lr, config.lr), (self.batch_size, config.batch_size),
                           (self.epochs, config.epochs)):
            if value is not None:
                box.setValue(value)
        self.augment.setChecked(config.augment)
        self.seed.setValue(config.seed)
        self.limit.setValue(config.limit or 0)
        if remembered.save_name:
            self.save_name.setText(remembered.save_name)
        self._show_device(config.device)
        for index in range(self.variant.count()):
            key, value = self.variant.itemData(index)
            if str(config.model_options.get(key)) == str(value):
                self.variant.setCurrentIndex(index)

    def _show_device(self, name: str) -> None:
        index = self.device.findData(name)
        if index >= 0 and self.device.model().item(index).isEnabled():
            self.device.setCurrentIndex(index)
        elif index >= 0:  # e.g. settings from a machine with a GPU
            reason = self.device.model().item(index).toolTip() or "not available"
            self.settingRefused.emit(
                f"{self.device.itemText(index)} is not available here ({reason.rstrip('.')}); "
                f"training will use {self.device.currentText()} instead."
            )


def _tensorboard_missing() -> str:
    """Why the Train tab cannot write TensorBoard logs here ("" when it can); asked of the core
    without importing torch (it only looks for the modules)."""
    from digitpad.core.tensorboard_log import missing

    return missing()
