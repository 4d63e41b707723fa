"""Rough edges a new user hit on the Draw tab (issue 12), acted out as that person did: real
files, real key presses, real mouse strokes, real menu actions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog

from digitpad.gui.results.misclassified_gallery import Mistake
from tests.gui.helpers import draw_digit, menu_action, shown_label, stroke


def _mnist(shared_data: Path, digit: int) -> np.ndarray:
    from digitpad.core.idx import read_idx

    images = read_idx(shared_data / "mnist" / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(shared_data / "mnist" / "t10k-labels-idx1-ubyte.gz")
    return np.asarray(images[int(np.flatnonzero(labels == digit)[0])], dtype=np.uint8)


# --- 2: light-on-dark images that are not square ------------------------------------------------

def test_a_tall_white_three_on_black_reads_as_predict_reads_it(window, qtbot, shared_data,
                                                               tmp_path, monkeypatch):
    from digitpad.core.images import open_image
    from digitpad.core.predictor import Predictor

    path = tmp_path / "three.png"
    Image.fromarray(_mnist(shared_data, 3)).resize((250, 400), Image.BICUBIC).save(path)
    expected = Predictor.from_file(window.draw_tab.model_path).predict(open_image(path))
    assert expected.label == "3"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=10_000) as opened:
        menu_action(window, "File", "Open Image").trigger()
    assert opened.args == [str(path), ""]
    qtbot.waitUntil(lambda: shown_label(window) is not None, timeout=10_000)
    assert shown_label(window) == expected.label
    probs = window.draw_tab.bars.probabilities()
    assert abs(max(probs) - expected.confidence) < 0.05
    view = window.draw_tab.view.image()
    assert view is not None and view[0].max() == 0 and view[:, 0].max() == 0  # no box outline


# --- 3: Model ▸ Open Model File… ---------------------------------------------------------------

def test_an_opened_model_file_is_named_in_the_picker(window, qtbot, tmp_path, monkeypatch):
    import shutil

    from digitpad.core.model_library import bundled_model_path

    path = tmp_path / "elsewhere" / "my clothes.pt"
    path.parent.mkdir()
    shutil.copy(bundled_model_path("fashion"), path)
    tab = window.draw_tab
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        menu_action(window, "Model", "Open Model File").trigger()
    assert tab.model_path == str(path)
    assert tab.picker.currentData() == str(path)
    assert tab.picker.currentText().startswith("my clothes")
    with qtbot.waitSignal(window.service.modelsListed, timeout=60_000):  # F5: still there
        menu_action(window, "Model", "Reload Model List").trigger()
    assert tab.picker.currentData() == str(path) == tab.model_path
    # choosing a bundled model again and back to the opened file works from the list
    from PySide6.QtCore import Qt

    tab.picker.setFocus()
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        qtbot.keyClick(tab.picker, Qt.Key.Key_Home)  # the first model: the bundled digits
    assert tab.picker.findData(str(path)) >= 0
    assert tab.picker.currentData() == tab.model_path == str(bundled_model_path("digits"))


# --- 4: single-key Draw shortcuts on the Train tab -----------------------------------------------

def test_draw_shortcuts_do_nothing_while_the_train_tab_shows(window, qtbot):
    from PySide6.QtCore import Qt

    tab, canvas = window.draw_tab, window.draw_tab.canvas
    draw_digit(canvas, "1")
    brush = canvas.brush_size
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # View ▸ Train
    assert window.tabs.currentWidget() is window.train_tab
    for key in (Qt.Key.Key_E, Qt.Key.Key_Delete, Qt.Key.Key_Escape, Qt.Key.Key_BracketLeft,
                Qt.Key.Key_BracketRight):
        qtbot.keyClick(window.train_tab, key)
    assert not canvas.is_blank() and not tab.eraser.isChecked() and canvas.brush_size == brush
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # back to Draw
    assert window.tabs.currentWidget() is tab
    qtbot.keyClick(window, Qt.Key.Key_E)
    assert tab.eraser.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert canvas.brush_size > brush
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert canvas.is_blank()


# --- 6: the canvas hint follows the model ------------------------------------------------------

def test_the_canvas_hint_names_what_the_model_recognises(window, qtbot):
    from PySide6.QtCore import Qt

    from digitpad.core.model_library import bundled_model_path

    tab = window.draw_tab
    assert tab.canvas.hint() == "Draw a digit here"
    fashion = tab.picker.findData(str(bundled_model_path("fashion")))
    tab.picker.setFocus()
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        qtbot.keyClick(tab.picker, Qt.Key.Key_Down)  # digits -> fashion, as a person would
    assert tab.picker.currentIndex() == fashion
    assert "digit" not in tab.canvas.hint() and "clothing" in tab.canvas.hint()
    assert "digit" not in tab.canvas.toolTip()
    assert "digit" not in tab.label.text()
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        qtbot.keyClick(tab.picker, Qt.Key.Key_Up)
    assert tab.canvas.hint() == "Draw a digit here"


# --- 5: the top class's name in full; a dot is no 0 ----------------------------------------------

FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot"]


@pytest.mark.parametrize("names, top", [(FASHION, 0), (["circle", "square", "triangle"], 2)])
def test_the_top_class_is_named_in_full_beside_its_bar(qtbot, names, top):
    from digitpad.gui.draw.probability_bars import ProbabilityBars

    bars = ProbabilityBars()
    qtbot.addWidget(bars)
    bars.resize(190, 260)  # the bars beside the canvas in a small window
    bars.show()
    bars.set_classes(names)
    probabilities = [0.02] * len(names)
    probabilities[top] = 1 - 0.02 * (len(names) - 1)
    bars.set_probabilities(probabilities)
    assert bars.shown_name(top) == names[top]  # in bold, not "T-shirt/t…" or "trian…"
    assert all(bars.shown_name(i) == name for i, name in enumerate(names))


def test_a_dot_drawn_alone_is_not_read_as_a_confident_zero(window, qtbot):
    stroke(window.draw_tab.canvas, [(0.5, 0.5), (0.5, 0.5)])  # one click: a dot
    qtbot.waitUntil(lambda: shown_label(window) is not None, timeout=10_000)
    view = window.draw_tab.view.image()
    assert np.count_nonzero(view > 64) < 60  # a dot, not a 20 px disc (~300 px)
    assert max(window.draw_tab.bars.probabilities()) < 0.6  # not "0 (95%)"
    window.draw_tab.clear_button.click()
    draw_digit(window.draw_tab.canvas, "0")  # a real 0 still is one
    qtbot.waitUntil(lambda: shown_label(window) == "0", timeout=10_000)


# --- 7: save as PNG, keyboard shortcuts, the brush size as a number -------------------------------

def test_ctrl_s_saves_the_drawing_as_a_png(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    from digitpad.core.images import open_image
    from digitpad.core.predictor import Predictor

    draw_digit(window.draw_tab.canvas, "7")
    qtbot.waitUntil(lambda: shown_label(window) == "7", timeout=10_000)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "my seven"), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = tmp_path / "my seven.png"
    assert saved.is_file() and Image.open(saved).size == (560, 560)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".png"] == ["my seven.png"]
    predictor = Predictor.from_file(window.draw_tab.model_path)
    assert predictor.predict(open_image(saved)).label == "7"
    # a folder that does not exist: one line in the message bar, nothing written
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "no such folder" / "x.png"), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.draw_tab.messages.isVisible()
    assert "could not be saved" in window.draw_tab.messages.text()
    assert "\n" not in window.draw_tab.messages.text()


def test_help_lists_the_keyboard_shortcuts(window, qtbot):
    from PySide6.QtWidgets import QMessageBox

    menu_action(window, "Help", "Keyboard Shortcuts").trigger()
    box = window.findChild(QMessageBox, "shortcuts")
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    for keys in ("Ctrl+S", "Ctrl+Z", "Delete", "[ and ]", "Ctrl+2"):
        assert keys in box.text()
    box.close()


def test_the_brush_size_is_shown_as_a_number(window, qtbot):
    from PySide6.QtCore import Qt

    tab = window.draw_tab
    assert tab.brush_value.text() == str(tab.canvas.brush_size)
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert tab.brush_value.text() == str(tab.canvas.brush_size)
    assert tab.brush_value.isVisible()


# --- 14 (and 7): mistake tiles ------------------------------------------------------------------

def _mistake(shared_data: Path, true_name: str, predicted_name: str,
             confidence: float) -> Mistake:
    return Mistake(_mnist(shared_data, 3), 3, 5, confidence, true_name, predicted_name)


def test_a_tile_says_what_its_tooltip_says_and_keeps_its_percentage(window, qtbot, shared_data):
    gallery = window.train_tab.gallery
    gallery.set_items([_mistake(shared_data, "3", "5", 0.998),
                       _mistake(shared_data, "Extraordinarily long class name indeed",
                                "Another very long class name", 0.5)])
    first, second = gallery.list.item(0), gallery.list.item(1)
    assert first.text().endswith(" 99.8%") and "99.8% confidence" in first.toolTip()
    true_line, predicted_line = second.text().split("\n")
    assert true_line.startswith("true: ") and predicted_line.endswith(" 50.0%")
    width = gallery.list.gridSize().width()
    metrics = gallery.list.fontMetrics()
    assert all(metrics.horizontalAdvance(line) <= width for line in (true_line, predicted_line))


def test_double_clicking_a_mistake_opens_it_on_the_canvas(window, qtbot, shared_data):
    from PySide6.QtCore import Qt

    gallery = window.train_tab.gallery
    window.tabs.setCurrentWidget(window.train_tab)
    gallery.set_items([_mistake(shared_data, "3", "5", 0.9)])
    window.train_tab.details.setCurrentWidget(gallery)
    qtbot.waitUntil(gallery.list.isVisible, timeout=5_000)
    qtbot.waitUntil(lambda: not gallery.list.visualItemRect(gallery.list.item(0)).isEmpty(),
                    timeout=5_000)
    centre = gallery.list.visualItemRect(gallery.list.item(0)).center()
    qtbot.mouseClick(gallery.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(gallery.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert window.tabs.currentWidget() is window.draw_tab
    assert not window.draw_tab.canvas.is_blank() and window.draw_tab.canvas.can_undo
    qtbot.waitUntil(lambda: shown_label(window) == "3", timeout=10_000)
