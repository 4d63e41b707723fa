"""A Draw-tab message appearing or going moves no control and covers none (trial: an image or
model error pushed the canvas and the model picker down and shrank the canvas), and a model file
that is not one is explained in words a person can act on, the technical reason kept in the
tooltip and for the command line (issue 12 items 9 and 10). Acted out as the person did: real
files through File ▸ Open Image… and Model ▸ Open Model File…, a real click on ✕."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QFileDialog, QToolButton, QWidget

from tests.gui.helpers import menu_action

SUMMARY = "broken.pt is not a digitpad model file (it may be damaged, or another kind of file)."


def _places(window) -> dict[str, QRect]:  # noqa: ANN001
    """Where the Draw tab's controls are, in window pixels."""
    tab = window.draw_tab
    widgets: dict[str, QWidget] = {
        "canvas": tab.canvas, "picker": tab.picker, "bars": tab.bars, "view": tab.view,
        "label": tab.label, "brush": tab.brush, "eraser": tab.eraser, "open": tab.open_button}
    return {name: QRect(w.mapTo(window, QPoint(0, 0)), w.size()) for name, w in widgets.items()}


def _bar_rect(window) -> QRect:  # noqa: ANN001
    bar = window.draw_tab.messages
    return QRect(bar.mapTo(window, QPoint(0, 0)), bar.size())


def _close_button(window) -> QToolButton:  # noqa: ANN001
    buttons = [b for b in window.draw_tab.messages.findChildren(QToolButton) if b.text() == "✕"]
    assert len(buttons) == 1
    return buttons[0]


@pytest.mark.parametrize("size", [(880, 640), (1920, 1080)])
def test_an_image_that_cannot_be_opened_moves_no_control(window, qtbot, tmp_path, monkeypatch,
                                                         size):
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0] and window.height() == size[1],
                    timeout=5_000)
    before = _places(window)
    path = tmp_path / "notimage.png"
    path.write_text("this is a text file, not a picture\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=10_000) as opened:
        menu_action(window, "File", "Open Image").trigger()
    assert opened.args[1]  # refused, with a message
    bar = window.draw_tab.messages
    qtbot.waitUntil(bar.isVisible, timeout=5_000)
    assert "notimage.png" in bar.text()
    assert _places(window) == before  # old: everything below the message moved 35 px down
    for name, place in before.items():
        assert not _bar_rect(window).intersects(place), f"the message covers the {name}"
    # a message far longer than the window is wide: cut to its one line, still moving nothing
    long = tmp_path / ("a picture with a very long name that goes on and on " * 4 + ".png")
    long.write_text("not a picture either\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(long), ""))
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=10_000):
        menu_action(window, "File", "Open Image").trigger()
    qtbot.waitUntil(lambda: "a very long name" in bar.text(), timeout=5_000)
    assert (bar.is_elided() or size[0] > 1000) and _places(window) == before
    qtbot.mouseClick(_close_button(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=5_000)
    assert _places(window) == before


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.pt"
    path.write_bytes(b"this file was never a model\n" * 20)
    return path


def test_a_model_file_that_is_not_one_says_what_a_person_can_act_on(window, qtbot, broken,
                                                                    monkeypatch):
    window.resize(880, 640)
    qtbot.waitUntil(lambda: window.width() == 880, timeout=5_000)
    before = _places(window)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(broken), ""))
    with qtbot.waitSignal(window.service.modelFailed, timeout=30_000):
        menu_action(window, "Model", "Open Model File").trigger()
    bar = window.draw_tab.messages
    qtbot.waitUntil(bar.isVisible, timeout=5_000)
    assert bar.text() == SUMMARY  # old: "… is not a readable model file (not a zip archive)."
    assert "zip" not in bar.text()
    assert "not a zip archive" in bar.toolTip()  # the reason, for whoever wants it
    assert _places(window) == before
    # the model in use stays, named in the picker
    assert window.draw_tab.picker.currentData() == window.draw_tab.model_path


def test_the_command_line_keeps_the_technical_reason(broken, tmp_path):
    image = tmp_path / "one.png"
    Image.new("L", (28, 28), 255).save(image)
    done = subprocess.run([sys.executable, "-m", "digitpad", "predict", str(image), "--model",
                           str(broken)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DIGITPAD_MODEL_DIR": str(tmp_path / "library")})
    assert done.returncode != 0
    assert done.stderr.strip() == ("digitpad: error: broken.pt is not a readable model file "
                                   "(not a zip archive).")


def test_the_picker_names_an_unusable_file_in_plain_words(window, qtbot, library):
    library.mkdir(exist_ok=True)
    (library / "broken.pt").write_bytes(b"this file was never a model\n" * 20)
    with qtbot.waitSignal(window.service.modelsListed, timeout=60_000):
        menu_action(window, "Model", "Reload Model List").trigger()
    picker = window.draw_tab.picker
    index = picker.findData(str(library / "broken.pt"))
    assert index >= 0
    assert picker.itemText(index) == f"broken (unusable: {SUMMARY})"  # old: "(not a zip archive)"
    assert "not a zip archive" in picker.itemData(index, Qt.ItemDataRole.ToolTipRole)
