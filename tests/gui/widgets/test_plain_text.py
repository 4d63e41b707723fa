"""Text from files is shown as plain text, never rendered: class names, dataset names, model and
file names, and messages quoting them. A model whose class names are `<img src=…>` tags is opened
in the real window and wins a drawing made with real mouse events; then every widget is walked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QToolTip,
)

from digitpad.gui.results.misclassified_gallery import Mistake
from tests.core.hostile_files import ten_classes
from tests.gui.helpers import draw_digit, open_main_window

BUNDLED = Path(__file__).resolve().parents[3] / "resources" / "models" / "digits.pt"
PICTURE = (400, 300)  # larger than any label showing a name: if it is rendered, it shows
MARKUP = ("<img", "<b>", "<u>")


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "pic.png"
    Image.new("RGB", PICTURE, (200, 30, 30)).save(path)
    return path


@pytest.fixture
def markup_model(library: Path, picture: Path) -> Path:
    """The bundled digit model with every class name, and its dataset, written as HTML."""
    payload = torch.load(BUNDLED, weights_only=True)
    ten_classes(payload)  # its ten digits (the extra "not a digit" output taken out)
    meta = payload["meta"]
    meta["class_names"] = [f'<img src="{picture}"><b>{i}</b>' for i in range(10)]
    meta["dataset"] = "<b>bold</b> digits"
    library.mkdir(parents=True, exist_ok=True)
    path = library / "<u>evil.pt"
    torch.save(payload, path)
    return path


def raw_markup(text: object) -> bool:
    return isinstance(text, str) and any(tag in text for tag in MARKUP)


def rendered_as_html() -> list[str]:
    """Every place in the app where text holding markup would be rendered as rich text."""
    found = []
    for widget in QApplication.allWidgets():
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        if (isinstance(widget, QLabel) and raw_markup(widget.text())
                and widget.textFormat() != Qt.TextFormat.PlainText):
            found.append(f"{name}: {widget.text()!r}")
        tips = [widget.toolTip()]
        if isinstance(widget, QComboBox):
            tips += [widget.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in range(widget.count())]
        if isinstance(widget, QListWidget):
            tips += [widget.item(i).toolTip() for i in range(widget.count())]
        found += [f"{name} tooltip: {tip!r}" for tip in tips if raw_markup(tip)]
    return found


def test_names_from_files_on_the_draw_tab_are_never_rendered(qtbot, library, markup_model,
                                                             tmp_path, monkeypatch):
    from digitpad.gui.train.train_tab import TrainTab

    monkeypatch.setattr(TrainTab, "load_choices", lambda self: None)  # not needed here
    monkeypatch.chdir(tmp_path)  # a relative <img src="pic.png"> would find the picture too
    window = open_main_window(qtbot, library, monkeypatch)
    tab = window.draw_tab
    # Model → Open Model File…, the markup model
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(markup_model), ""))
    opener = next(a for a in window.menuBar().actions()[3].menu().actions()
                  if a.text().startswith("&Open Model"))
    with qtbot.waitSignal(window.service.modelLoaded, timeout=30_000):
        opener.trigger()
    window.draw_tab.refresh_models()
    qtbot.waitUntil(lambda: tab.picker.findData(str(markup_model)) >= 0, timeout=10_000)
    draw_digit(tab.canvas, "1")
    qtbot.waitUntil(lambda: "<img" in tab.label._big.text(), timeout=10_000)
    big = tab.label._big
    assert big.sizeHint().height() < PICTURE[1]  # one line of text, not the picture
    QApplication.processEvents()  # a layout request, if any, is processed
    assert window.width() <= 1100  # a long name is clipped; the window does not grow
    index = tab.picker.findData(str(markup_model))
    assert "<u>evil" in tab.picker.itemText(index)  # combobox items are plain text anyway
    # a broken model file whose name is markup: the message quoting it
    broken = tmp_path / "<b>broken.pt"
    broken.write_bytes(b"\0" * 64)
    with qtbot.waitSignal(window.service.modelFailed, timeout=10_000):
        tab.use_model(str(broken))
    assert "<b>broken.pt" in tab.messages.text() and tab.messages.isVisible()
    assert rendered_as_html() == []
    window.close()


def test_names_from_files_on_the_train_tab_are_never_rendered(qtbot, tab, picture, tmp_path,
                                                              monkeypatch):
    """A dataset folder and class names written as markup, and a run that fails on them."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "<b>data"
    (folder / '<img src="pic.png">').mkdir(parents=True)
    tab.form.set_image_folder(str(folder))
    assert "<b>data" in tab.form.folder_label.text()
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        tab.start_button.click()
    assert tab.messages.isVisible()
    names = [f'<img src="{picture}">{i}' for i in range(3)]
    tab.confusion.set_matrix([[3, 1, 0], [0, 4, 0], [1, 0, 2]], names)  # as after an epoch
    tab.gallery.set_items([Mistake(np.zeros((28, 28), np.uint8), 0, 1, 0.9, names[0],
                                   names[1])])
    tab.details.setCurrentWidget(tab.confusion)
    qtbot.waitExposed(tab.confusion)
    pos = tab.confusion.cell_rect(0, 1).center().toPoint()
    QApplication.sendEvent(tab.confusion, QHelpEvent(QEvent.Type.ToolTip, pos,
                                                     tab.confusion.mapToGlobal(pos)))
    qtbot.waitUntil(lambda: "predicted" in QToolTip.text(), timeout=2_000)
    assert not raw_markup(QToolTip.text())
    assert rendered_as_html() == []
    QToolTip.hideText()


def test_plain_tooltips_read_as_written():
    from digitpad.gui.widgets.plain_text import tooltip

    assert tooltip("plain words") == "plain words"  # nothing to convert
    text = '<img src="x.png"> & <b>b</b>'
    converted = tooltip(text)
    assert GuiQt.mightBeRichText(converted) and not raw_markup(converted)
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(converted)
    assert document.toPlainText() == text  # shown exactly as written
