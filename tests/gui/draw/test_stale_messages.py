"""Draw-tab messages go when what they describe is over, and only then (issue 12 item 10): a
"broken.pt is not a readable model file" message used to stay after a good model was opened.
Acted out as the person did: real files, Model ▸ Open Model File… and File ▸ Open Image… from
the menus (the file dialog answering with the file), keys on the model picker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.gui.helpers import draw_digit, shown_label

BUNDLED = Path(__file__).resolve().parents[3] / "resources" / "models"


def menu_action(win, menu: str, text: str):  # noqa: ANN201
    """The QAction whose text (without mnemonics) starts with `text`, in the menu `menu`."""
    for top in win.menuBar().actions():
        if top.text().replace("&", "") == menu:
            for action in top.menu().actions():
                if action.text().replace("&", "").startswith(text):
                    return action
    raise AssertionError(f"no {menu} ▸ {text}")


def choose_in_dialog(monkeypatch, path: Path) -> None:
    """The next file dialog answers with `path`, as the person picking it would."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


@pytest.fixture
def broken(window, qtbot, tmp_path, monkeypatch) -> Path:
    """Model ▸ Open Model File… on a broken .pt: its message is on show."""
    path = tmp_path / "broken.pt"
    path.write_bytes(b"PK\x03\x04 this is not a model" * 10)
    choose_in_dialog(monkeypatch, path)
    with qtbot.waitSignal(window.service.modelFailed, timeout=30_000):
        menu_action(window, "Model", "Open Model File").trigger()
    assert window.draw_tab.messages.isVisible()
    assert "broken.pt" in window.draw_tab.messages.text()
    return path


def test_the_broken_model_message_goes_when_a_good_model_file_is_opened(
        window, qtbot, broken, tmp_path, monkeypatch):
    good = tmp_path / "good.pt"
    shutil.copy(BUNDLED / "fashion.pt", good)
    choose_in_dialog(monkeypatch, good)
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        menu_action(window, "Model", "Open Model File").trigger()
    assert window.draw_tab.model_path == str(good)
    assert not window.draw_tab.messages.isVisible()


def test_the_broken_model_message_goes_when_a_model_is_chosen_in_the_picker(
        window, qtbot, broken):
    tab = window.draw_tab
    tab.picker.setFocus()
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        qtbot.keyClick(tab.picker, Qt.Key.Key_Down)  # digits -> fashion, as a person would
    assert tab.model_path.endswith("fashion.pt")
    assert not tab.messages.isVisible()


def test_the_broken_model_message_stays_while_an_image_is_opened(
        window, qtbot, broken, tmp_path, monkeypatch, shared_data):
    """Opening an image says nothing new about models: the model message is still true."""
    picture = tmp_path / "seven.png"
    Image.new("L", (60, 60), 255).save(picture)
    choose_in_dialog(monkeypatch, picture)
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=10_000) as opened:
        menu_action(window, "File", "Open Image").trigger()
    assert opened.args == [str(picture), ""]
    assert window.draw_tab.messages.isVisible()
    assert "broken.pt" in window.draw_tab.messages.text()


def test_a_failed_image_open_message_goes_when_a_good_image_is_opened(
        window, qtbot, tmp_path, monkeypatch, shared_data):
    tab = window.draw_tab
    bad = tmp_path / "not an image.png"
    bad.write_text("hello", encoding="utf-8")
    choose_in_dialog(monkeypatch, bad)
    with qtbot.waitSignal(tab.openFinished, timeout=10_000) as opened:
        menu_action(window, "File", "Open Image").trigger()
    assert "not an image.png" in opened.args[1]
    assert tab.messages.isVisible() and "not an image.png" in tab.messages.text()
    from tests.image_corpus import mnist_seven

    good = tmp_path / "seven.png"
    Image.fromarray(mnist_seven(shared_data)).save(good)
    choose_in_dialog(monkeypatch, good)
    with qtbot.waitSignal(tab.openFinished, timeout=10_000) as opened:
        menu_action(window, "File", "Open Image").trigger()
    assert opened.args == [str(good), ""]
    assert not tab.messages.isVisible()
    qtbot.waitUntil(lambda: shown_label(window) == "7", timeout=10_000)


def test_a_failed_image_message_stays_when_a_model_loads(window, qtbot, tmp_path, monkeypatch):
    """A model loading says nothing about the image that could not be opened."""
    tab = window.draw_tab
    bad = tmp_path / "empty.png"
    bad.write_bytes(b"")
    choose_in_dialog(monkeypatch, bad)
    with qtbot.waitSignal(tab.openFinished, timeout=10_000):
        menu_action(window, "File", "Open Image").trigger()
    tab.picker.setFocus()
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        qtbot.keyClick(tab.picker, Qt.Key.Key_Down)
    assert tab.messages.isVisible() and "empty.png" in tab.messages.text()


def test_a_prediction_failure_message_goes_when_the_model_recognises_again(
        window, qtbot, monkeypatch):
    from digitpad.core.predictor import Predictor

    tab = window.draw_tab
    real = Predictor.predict
    failing = {"on": True}

    def predict(self, image):
        if failing["on"]:
            raise RuntimeError("a passing hiccup")
        return real(self, image)

    monkeypatch.setattr(Predictor, "predict", predict)
    # A condition, not qtbot.waitSignal: predictionFailed comes from the prediction thread once
    # per drawing change, and a late queued one reaching a finished blocker segfaults (e9007e6).
    draw_digit(tab.canvas, "1")
    qtbot.waitUntil(lambda: "could not recognise" in tab.messages.text(), timeout=10_000)
    assert tab.messages.isVisible()
    failing["on"] = False
    tab.clear_button.click()
    draw_digit(tab.canvas, "7")
    qtbot.waitUntil(lambda: shown_label(window) == "7", timeout=10_000)
    assert not tab.messages.isVisible()


def test_the_model_state_is_kept_not_read_from_the_message(window, qtbot):
    """A model in use with a message that happens to say "no model" (issue 13 item 4: the tab
    used to search the message text for those words)."""
    from digitpad.gui.draw.draw_messages import Topic

    tab = window.draw_tab
    tab.notes.show(Topic.IMAGE, "There is no model of a cat in 'no model.png'.", error=True)
    tab.picker.setFocus()
    with qtbot.waitSignal(window.service.modelLoaded, timeout=60_000):
        qtbot.keyClick(tab.picker, Qt.Key.Key_Down)
    assert tab.messages.isVisible()  # about an image, so it stays
    assert tab.model is not None and tab.model_path.endswith("fashion.pt")


def test_a_model_list_failure_goes_when_the_list_is_read_again(window, qtbot, monkeypatch):
    from digitpad.core import model_library

    real = model_library.list_models
    monkeypatch.setattr(model_library, "list_models",
                        lambda *a, **k: (_ for _ in ()).throw(OSError("the disk went away")))
    with qtbot.waitSignal(window.service.listingFailed, timeout=30_000):
        menu_action(window, "Model", "Reload Model List").trigger()
    tab = window.draw_tab
    assert tab.messages.isVisible() and "could not be listed" in tab.messages.text()
    assert tab.model is not None  # the model in use stays
    monkeypatch.setattr(model_library, "list_models", real)
    with qtbot.waitSignal(window.service.modelsListed, timeout=30_000):
        menu_action(window, "Model", "Reload Model List").trigger()  # F5 again: it works
    assert not tab.messages.isVisible()


def test_a_save_failure_goes_when_the_drawing_is_saved(window, qtbot, tmp_path, monkeypatch):
    tab = window.draw_tab
    draw_digit(tab.canvas, "7")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "no such folder" / "x.png"), ""))
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert tab.messages.isVisible() and "could not be saved" in tab.messages.text()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "seven.png"), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert (tmp_path / "seven.png").is_file()
    assert not tab.messages.isVisible()
