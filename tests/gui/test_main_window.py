"""The window as a person uses it: draw, see the bars, load and drop files, switch models."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMessageBox

from digitpad.core.records import Steps
from tests.gui.helpers import draw_digit, drop_urls, shown_label, stroke


@pytest.fixture(scope="session")
def model_library(shared_data, tmp_path_factory) -> Path:
    """A model library holding one digitnet trained on real MNIST for a few seconds."""
    from digitpad.core.config import TrainConfig
    from digitpad.core.training import train

    config = TrainConfig(dataset="mnist", data_dir=str(shared_data), model="digitnet", epochs=3,
                         limit=6000, threads=1)
    finished = list(train(config))[-1]
    folder = tmp_path_factory.mktemp("library")
    finished.save(str(folder / "quick-digits.pt"))
    return folder


@pytest.fixture
def library(library: Path, model_library: Path) -> Path:
    """The temporary model library that `window` (conftest) starts on, with the quick model."""
    shutil.copytree(model_library, library)
    return library


def test_drawing_a_one_shows_it_in_the_bars(window, qtbot):
    canvas = window.draw_tab.canvas
    assert shown_label(window) is None  # a blank canvas shows no guess
    draw_digit(canvas, "1")
    assert not canvas.is_blank()
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)
    assert window.draw_tab.view.image() is not None


def test_bars_follow_undo_redo_and_clear(window, qtbot):
    canvas = window.draw_tab.canvas
    draw_digit(canvas, "0")
    qtbot.waitUntil(lambda: shown_label(window) == "0", timeout=10_000)
    canvas.undo()
    assert canvas.is_blank()
    qtbot.waitUntil(lambda: shown_label(window) is None, timeout=5_000)
    canvas.redo()
    qtbot.waitUntil(lambda: shown_label(window) == "0", timeout=5_000)
    window.draw_tab.clear_button.click()
    assert canvas.is_blank()
    qtbot.waitUntil(lambda: shown_label(window) is None, timeout=5_000)


def _mnist_png(shared_data: Path, index: int, path: Path) -> str:
    from digitpad.core.idx import read_idx

    digit = read_idx(shared_data / "mnist" / "t10k-images-idx3-ubyte.gz")[index]
    label = int(read_idx(shared_data / "mnist" / "t10k-labels-idx1-ubyte.gz")[index])
    Image.fromarray(255 - digit).resize((224, 224), Image.BILINEAR).save(path)
    return str(label)


def test_file_open_puts_the_image_on_the_canvas_and_recognises_it(window, qtbot, shared_data,
                                                                  tmp_path, monkeypatch):
    path = tmp_path / "a digit ü.png"
    label = _mnist_png(shared_data, 0, path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    open_action = next(a for a in window.menuBar().actions()[0].menu().actions()
                       if a.text().startswith("&Open"))
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=10_000) as opened:
        open_action.trigger()
    assert opened.args == [str(path), ""]
    assert not window.draw_tab.canvas.is_blank()
    qtbot.waitUntil(lambda: shown_label(window) == label, timeout=10_000)
    stroke(window.draw_tab.canvas, [(0.05, 0.05), (0.1, 0.1)])  # it can be drawn over
    assert window.draw_tab.canvas.can_undo


def test_dropping_a_file_onto_the_canvas(window, qtbot, shared_data, tmp_path):
    path = tmp_path / "dropped.png"
    label = _mnist_png(shared_data, 1, path)
    assert drop_urls(window.draw_tab.canvas, [str(path)])
    qtbot.waitUntil(lambda: shown_label(window) == label, timeout=10_000)


def test_a_bad_image_file_shows_a_message_and_the_app_keeps_working(window, qtbot, tmp_path):
    bad = tmp_path / "not really.png"
    bad.write_text("this is text, not a picture")
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=10_000) as opened:
        window.draw_tab.open_file(str(bad))
    assert "not really.png" in opened.args[1]
    assert window.draw_tab.messages.isVisible()
    assert "not really.png" in window.draw_tab.messages.text()
    draw_digit(window.draw_tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)


def test_a_corrupt_model_is_refused_and_the_previous_one_stays(window, qtbot, tmp_path):
    before = window.draw_tab.model_path
    corrupt = tmp_path / "broken.pt"
    corrupt.write_bytes(b"\x00" * 100)
    with qtbot.waitSignal(window.service.modelFailed, timeout=10_000):
        window.draw_tab.use_model(str(corrupt))
    assert window.draw_tab.model_path == before
    assert "broken.pt" in window.draw_tab.messages.text()
    draw_digit(window.draw_tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)


def test_brush_size_and_model_are_remembered(qtbot, window, monkeypatch):
    from digitpad.gui.main_window import MainWindow

    window.draw_tab.canvas.set_brush_size(30)
    model = window.draw_tab.model_path
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.service.modelLoaded, timeout=30_000) as loaded:
        again.start_background_loading()
    assert loaded.args[0].path == model
    assert again.draw_tab.canvas.brush_size == 30
    again.close()


def test_closing_during_training_exits_cleanly(window, qtbot, qtlog, shared_data, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab = window.train_tab
    tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "lenet5",
                        "epochs": 50, "limit": 3000})
    qtbot.waitUntil(tab.start_button.isEnabled, timeout=60_000)
    with qtbot.waitSignal(tab.run.record, timeout=60_000,
                          check_params_cb=lambda r: isinstance(r, Steps)):
        tab.start_button.click()
    assert tab.is_training()
    began = time.monotonic()
    window.close()
    assert time.monotonic() - began < 2.0
    assert not tab.is_training()
    assert not window.isVisible()
    warnings = [r.message for r in qtlog.records if "QThread" in r.message]
    assert not warnings


def test_a_model_trained_on_the_train_tab_is_used_on_the_draw_tab(window, qtbot, shared_data):
    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "digitnet",
                        "epochs": 1, "limit": 3000, "save_name": "my first model"})
    qtbot.waitUntil(tab.start_button.isEnabled, timeout=60_000)
    with qtbot.waitSignal(tab.modelSaved, timeout=120_000) as saved:
        tab.start_button.click()
    path = saved.args[0]
    qtbot.waitUntil(lambda: window.draw_tab.model_path == path, timeout=30_000)
    picker = window.draw_tab.picker
    assert picker.currentData() == path and "my-first-model" in picker.currentText()
    window.tabs.setCurrentWidget(window.draw_tab)
    draw_digit(window.draw_tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) is not None, timeout=10_000)


def test_the_window_is_shown_before_torch_is_imported():
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from digitpad.gui.main_window import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "print('torch' in sys.modules)\n"
        "w.close()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_pasting_an_image_puts_it_on_the_canvas(window, qtbot, shared_data, tmp_path):
    from PySide6.QtGui import QGuiApplication, QImage

    path = tmp_path / "clip.png"
    label = _mnist_png(shared_data, 2, path)
    QGuiApplication.clipboard().setImage(QImage(str(path)))
    paste = next(a for a in window.menuBar().actions()[1].menu().actions()
                 if a.text().startswith("&Paste"))
    paste.trigger()  # decoded in the background, checked as an opened file is
    qtbot.waitUntil(lambda: not window.draw_tab.canvas.is_blank(), timeout=10_000)
    qtbot.waitUntil(lambda: shown_label(window) == label, timeout=10_000)
    QGuiApplication.clipboard().clear()
    paste.trigger()  # nothing to paste: a message, and the drawing stays
    assert "no image" in window.draw_tab.messages.text()
    assert not window.draw_tab.canvas.is_blank()
