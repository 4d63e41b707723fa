"""A bad remembered setting never stops the app: each one is reset to its default, the rest are
kept, and one notice says which. Tried with the real window on a real settings file, and with
`python -m digitpad` itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from tests.gui.helpers import open_main_window

HAND_EDITED = {  # INI text as a person or another program might leave it
    "brush=abc": ("brush", "brush size"),
    "brush=": ("brush", "brush size"),
    "brush=1.5e300": ("brush", "brush size"),
    "brush=20, 30": ("brush", "brush size"),  # a list
    "[window]\ngeometry=not bytes": ("window/geometry", "window size"),
    "[window]\ngeometry=12": ("window/geometry", "window size"),
    "train=a, b": ("train", "training settings"),
    "train=plain text": ("train", "training settings"),
    "model=a, b": ("model", "last model"),
}
BAD_TRAIN = {  # a `train` value of the right kind holding bad fields
    "model_options": ([1, 2], "model_options"),
    "batch_size": (1e30, "batch_size"),
    "epochs": ("1e30", "epochs"),
    "seed": (2.0**70, "seed"),
    "lr": (float("nan"), "lr"),
    "limit": (-5, "limit"),
    "augment": ([True], "augment"),
    "save_name": (12, "save_name"),
}


def settings_file() -> Path:
    return Path(QSettings().fileName())


def start(qtbot, library, monkeypatch):
    window = open_main_window(qtbot, library, monkeypatch)
    qtbot.waitUntil(window.train_tab.start_button.isEnabled, timeout=60_000)
    return window


def notice_of(window) -> str:
    bar = window.draw_tab.messages
    return bar.text() if bar.isVisible() else ""


@pytest.mark.parametrize("text", list(HAND_EDITED))
def test_a_bad_value_is_reset_with_one_notice(qtbot, library, monkeypatch, text):
    from digitpad.gui.canvas.drawing_canvas import DEFAULT_BRUSH

    key, words = HAND_EDITED[text]
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(("[General]\n" if not text.startswith("[") else "") + text + "\n")
    window = start(qtbot, library, monkeypatch)
    assert words in notice_of(window)
    assert notice_of(window).count("reset to their defaults") == 1
    assert window.draw_tab.canvas.brush_size == DEFAULT_BRUSH
    assert window.train_tab.start_button.isEnabled()
    # forgotten (the model in use is remembered again at once): the next start is clean
    assert QSettings().value(key) in (None, window.draw_tab.model_path)
    window.close()
    again = start(qtbot, library, monkeypatch)
    assert notice_of(again) == ""
    again.close()


def test_bad_training_fields_are_reset_and_good_ones_kept(qtbot, library, monkeypatch):
    settings = QSettings()
    train = {key: value for key, (value, _name) in BAD_TRAIN.items()}
    train.update({"model": "mlp", "optimizer": "sgd"})
    settings.setValue("train", train)
    settings.setValue("brush", 30)  # good values are kept
    settings.sync()
    window = start(qtbot, library, monkeypatch)
    notice = notice_of(window)
    for _value, name in BAD_TRAIN.values():
        assert name in notice
    assert notice.count("reset to their defaults") == 1  # one notice for all of them
    form = window.train_tab.form
    assert form.model.currentData() == "mlp" and form.optimizer.currentText() == "sgd"
    recipe = form._models["mlp"]["recipe"]
    assert form.batch_size.value() == recipe["batch_size"]
    assert form.lr.value() == pytest.approx(recipe["lr"])
    assert window.draw_tab.canvas.brush_size == 30
    assert window.train_tab.start_button.isEnabled()
    window.close()


def test_geometry_bytes_that_are_not_a_geometry(qtbot, library, monkeypatch):
    settings = QSettings()
    settings.setValue("window/geometry", QByteArray(b"\x01\x02garbage"))
    settings.sync()
    window = start(qtbot, library, monkeypatch)
    assert "window size" in notice_of(window)
    assert window.width() > 200 and window.height() > 200
    window.close()


def test_the_app_starts_with_a_bad_settings_file(tmp_path):
    """`python -m digitpad` with the settings file a user could have: starts, loads the model."""
    config = tmp_path / "config"
    (config / "digitpad").mkdir(parents=True)
    (config / "digitpad" / "digitpad.conf").write_text(
        "[General]\nbrush=1.5e300\ntrain=a, b\nmodel=a, b\n[window]\ngeometry=not bytes\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config),
           "DIGITPAD_MODEL_DIR": str(tmp_path / "models"),
           "DIGITPAD_STARTUP_PROBE": str(time.time())}  # quits once the model is loaded
    result = subprocess.run([sys.executable, "-m", "digitpad"], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "digitpad-startup model_loaded" in result.stdout
    assert "Traceback" not in result.stderr
    written = (config / "digitpad" / "digitpad.conf").read_text()
    assert "1.5e300" not in written and "not bytes" not in written
