"""Model ▸ Export… (issue 18): the model in use written as an ONNX file from the app, the export
and its round trip off the GUI thread, the outcome one line in the Draw tab's message bar; the
file runs in onnxruntime and gives the model's own label on a drawn digit. A failure is one
line and leaves no file."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.gui.helpers import draw_digit, menu_action, shown_label

EXPORT_MS = 180_000  # a busy 2-core machine: the export and 300 images through both runtimes


def _export_to(window, qtbot, monkeypatch, target):  # noqa: ANN001, ANN202
    """Answer the save dialog with `target`, trigger Model ▸ Export…, wait for its outcome."""
    asked: list[str] = []

    def dialog(_parent, _title, suggested, _filter):  # noqa: ANN001, ANN202
        asked.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    action = menu_action(window, "Model", "Export")
    action.trigger()
    bar = window.draw_tab.messages
    qtbot.waitUntil(lambda: not window.export.is_running(), timeout=EXPORT_MS)
    assert action.isEnabled()
    return asked, bar.text()


def test_export_writes_a_checked_file_that_answers_as_the_model(window, qtbot, monkeypatch,
                                                                 tmp_path, shared_data):
    from digitpad.core.export.onnx_predictor import onnx_predictor
    from digitpad.core.images import open_image
    from digitpad.core.predictor import Predictor

    window.tabs.setCurrentWidget(window.train_tab)
    field = window.train_tab.form.data_dir
    field.clear()
    qtbot.keyClicks(field, str(shared_data))  # the Train tab's data folder, typed
    out = tmp_path / "exports" / "digits.onnx"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "exports" / "digits"), ""))
    menu_action(window, "Model", "Export").trigger()
    # the menu returned at once: the export runs in the background, the bar says so
    assert window.tabs.currentWidget() is window.draw_tab
    assert window.export.is_running() and not out.exists()
    assert window.draw_tab.messages.text().startswith("Exporting digits.onnx…")
    assert not menu_action(window, "Model", "Export").isEnabled()
    draw_digit(window.draw_tab.canvas, "7")  # the window still answers a person meanwhile
    qtbot.waitUntil(lambda: shown_label(window) == "7", timeout=30_000)
    qtbot.waitUntil(lambda: not window.export.is_running(), timeout=EXPORT_MS)
    line = window.draw_tab.messages.text()
    assert window.draw_tab.messages.isVisible() and "\n" not in line
    assert line.startswith("Exported digits.onnx: round trip on 300 MNIST test images, top-1 "
                           "agreement 100%, max probability difference "), line
    assert float(line.rsplit(" ", 1)[1]) <= 1e-4
    assert str(out) in window.draw_tab.messages.toolTip()
    assert out.is_file() and [p.name for p in out.parent.iterdir()] == ["digits.onnx"]
    drawing = tmp_path / "seven.png"
    assert window.draw_tab.canvas.paper_image().save(str(drawing), "PNG")
    image = open_image(drawing)
    exported = onnx_predictor(out).predict(image)  # onnxruntime
    assert exported.label == Predictor.from_file(window.draw_tab.model_path).predict(image).label
    assert exported.label == "7"


def test_the_dialog_suggests_the_model_name_in_the_last_export_folder(window, qtbot,
                                                                     monkeypatch, tmp_path):
    folder = tmp_path / "already here"
    folder.mkdir()
    (folder / "x.onnx").mkdir()  # a folder where the file would go: refused at once
    asked, line = _export_to(window, qtbot, monkeypatch, folder / "x.onnx")
    assert asked[0].endswith("digits.onnx")
    assert "is a folder" in line and "\n" not in line
    asked, _ = _export_to(window, qtbot, monkeypatch, folder / "x.onnx")
    assert asked[0] == str(folder / "digits.onnx")  # the folder used last time


@pytest.mark.parametrize("case", ["no such folder", "onnx extra missing", "round trip fails"])
def test_a_failed_export_is_one_line_and_no_file(case, window, qtbot, monkeypatch, tmp_path,
                                                 shared_data):
    window.train_tab.form.data_dir.setText(str(shared_data))
    target = tmp_path / "digits.onnx"
    if case == "no such folder":
        target = tmp_path / "no such folder" / "digits.onnx"
    elif case == "onnx extra missing":
        monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    else:
        from digitpad.core.export import round_trip

        monkeypatch.setattr(round_trip, "MAX_PROBABILITY_DIFFERENCE", 0.0)  # nothing passes
    _, line = _export_to(window, qtbot, monkeypatch, target)
    bar = window.draw_tab.messages
    assert bar.isVisible() and "\n" not in line and "Traceback" not in line
    assert bar.palette().color(bar.backgroundRole()).name() in ("#fde2e1", "#5c1f1f")  # error
    expected = {
        "no such folder": "Cannot write ",
        "onnx extra missing": "ONNX export needs the Python package onnx, which is not "
                              "installed: pip install 'digitpad[onnx]'",
        "round trip fails": "The export does not answer as the PyTorch model does (round trip: "
                            "300 MNIST test images, top-1 agreement 100%, max probability "
                            "difference ",
    }[case]
    assert line.startswith(expected), line
    assert list(tmp_path.glob("**/*.onnx")) == [] and not list(tmp_path.glob("**/*.tmp"))

