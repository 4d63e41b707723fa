"""Issue 13 item 5: the Train form gives a TrainConfig (fields it does not show left for the
recipe to fill in, never copied from it) and is remembered as one value; settings written by
the previous version (a flat table that also held copied recipe fields) still restore."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QSettings

from digitpad.core.config import TrainConfig
from digitpad.gui.settings_store import TrainSettings, read_settings, read_train
from tests.gui.helpers import open_main_window

RECIPE_FIELDS = ("step_size", "gamma", "momentum", "weight_decay")
PREVIOUS_VERSION = {  # what the previous version stored for a run of mlp on MNIST
    "dataset": "mnist", "data_dir": "/data", "model": "mlp",
    "model_options": {"activation": "tanh"},
    "optimizer": "adam", "lr": 0.01, "batch_size": 32, "epochs": 3, "scheduler": "none",
    "step_size": 1, "gamma": 0.7, "momentum": 0.9, "weight_decay": 0.0, "augment": False,
    "device": "cpu", "seed": 7, "save_name": "mine",
}


def test_the_form_gives_a_train_config(tab, qtbot):
    qtbot.waitUntil(tab.form.has_choices, timeout=60_000)
    form = tab.form
    form.model.setCurrentIndex(form.model.findData("mlp"))
    config = form.config()
    assert isinstance(config, TrainConfig) and config.model == "mlp"
    assert all(getattr(config, name) is None for name in RECIPE_FIELDS)  # resolved() fills them
    resolved = config.resolved()
    assert resolved.momentum == form._models["mlp"]["recipe"]["momentum"]
    assert resolved.epochs == form.epochs.value()


def test_one_value_round_trip_and_the_previous_versions_settings(qtbot, library, monkeypatch):
    settings = QSettings()
    settings.setValue("train", PREVIOUS_VERSION)
    settings.sync()
    window = open_main_window(qtbot, library, monkeypatch)
    tab = window.train_tab
    qtbot.waitUntil(tab.start_button.isEnabled, timeout=60_000)
    assert not window.draw_tab.messages.isVisible() or (
        "reset" not in window.draw_tab.messages.text())  # nothing refused
    shown = tab.form.config()
    expected = {key: value for key, value in PREVIOUS_VERSION.items()
                if key not in RECIPE_FIELDS + ("save_name",)}
    assert {key: getattr(shown, key) for key in expected} == expected
    assert tab.form.save_name.text() == "mine"
    window.close()  # remembers the form as one value
    stored = QSettings().value("train")
    assert not set(RECIPE_FIELDS) & set(stored)  # no recipe field copied into the settings
    remembered = read_settings(QSettings()).train
    assert isinstance(remembered, TrainSettings) and remembered.config == shown
    assert remembered.save_name == "mine"


def test_reading_a_stored_value_checks_each_field():
    remembered, refused = read_train({**PREVIOUS_VERSION, "epochs": "many", "lr": float("inf")})
    assert refused == ["train/lr", "train/epochs"]
    assert remembered.config.epochs is None and remembered.config.lr is None  # the recipe's
    assert remembered.config.optimizer == "adam"
    assert read_train("plain text") == (None, ["train"])
    assert read_train(None) == (None, [])


def test_the_form_module_does_not_import_torch():
    code = ("import sys\nimport digitpad.gui.train.train_settings, digitpad.gui.settings_store\n"
            "print('torch' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
