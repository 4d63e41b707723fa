"""Model ▸ Export…: the model in use on the Draw tab written as an ONNX file, from the app.

The same export as `digitpad export MODEL --format onnx --out FILE.onnx` (core.export): after a
save dialog, the export and its round-trip check in onnxruntime run off the GUI thread (a
BackgroundCall; torch and onnx are imported there, never here), so the window stays usable for
the seconds they take. What came of it is one line in the Draw tab's message bar: the check's
numbers, or why there is no file (the onnx extra missing, a failed check, an unwritable place).
The round trip reads MNIST-style test images from the Train tab's data folder, else from the
default data folder, as the command does without --data-dir.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu

from digitpad.gui.draw.draw_messages import Topic
from digitpad.gui.settings_store import remember_folder, start_folder
from digitpad.gui.workers.background_call import BackgroundCall

if TYPE_CHECKING:
    from digitpad.gui.main_window import MainWindow

SAMPLES = 300  # images in the round-trip check, as the command's default
FOLDER_PURPOSE = "export"  # where the next Export… dialog opens (settings_store)
NO_MODEL = "There is no model in use to export yet."
# the message bar's topic: an export's outcome stays until dismissed or replaced
TOPIC = Topic.NOTICE


class ExportOutcome(NamedTuple):
    """What an export came to, as plain values for the GUI thread."""

    ok: bool
    line: str  # the one line for the message bar
    detail: str = ""  # where the file went and its size (the bar's tooltip)


def export_model(model_path: str, out: str, data_dir: str | None,
                 samples: int = SAMPLES) -> ExportOutcome:
    """Export and check (run on a worker thread: imports torch and onnx); a refusal is an
    outcome, not an exception, so that its sentence reaches the bar as it is."""
    from digitpad.core.errors import DigitpadError
    from digitpad.core.export import require
    from digitpad.core.safe_text import printable

    name = printable(Path(out).name, 200)
    try:
        require("onnx", "ONNX export")  # before torch is asked to export: the extra named
        from digitpad.core.export.onnx_export import OPSET, export_onnx

        exported = export_onnx(model_path, out, data_dir=data_dir, samples=samples)
    except DigitpadError as exc:
        return ExportOutcome(False, printable(str(exc), 2000))
    return ExportOutcome(True, f"Exported {name}: round trip on {exported.check.describe()}",
                         f"written to {printable(exported.path, 2000)} "
                         f"({exported.size / 1e6:.2f} MB, ONNX opset {OPSET})")


def onnx_target(chosen: str) -> str:
    """The file a dialog's answer names: '.onnx' added when it has no such ending."""
    return chosen if chosen.lower().endswith(".onnx") else chosen + ".onnx"


class ExportModel(QObject):
    """The Model ▸ Export… action and the one export it may have under way."""

    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.action = QAction("&Export…", window)
        self.action.setStatusTip("Save the model in use as an ONNX file, checked in onnxruntime "
                                 "against PyTorch")
        self.action.setToolTip(self.action.statusTip())
        self.action.triggered.connect(self.ask)
        menu.addAction(self.action)
        self._call: BackgroundCall | None = None

    def is_running(self) -> bool:
        """True while an export is under way."""
        return self._call is not None and self._call.is_running()

    def ask(self) -> None:
        """Ask where to write the model in use, then export it in the background."""
        tab = self.window.draw_tab
        self.window.tabs.setCurrentWidget(tab)  # where the outcome shows
        if self.is_running():
            return
        model_path = tab.model_path
        if not model_path:
            tab.notes.show(TOPIC, NO_MODEL, error=True)
            return
        suggested = os.path.join(start_folder(FOLDER_PURPOSE), f"{Path(model_path).stem}.onnx")
        chosen, _ = QFileDialog.getSaveFileName(self.window, "Export the model as ONNX",
                                                suggested, "ONNX models (*.onnx)")
        if not chosen:
            return
        remember_folder(FOLDER_PURPOSE, chosen)
        self.start(model_path, onnx_target(chosen))

    def start(self, model_path: str, out: str) -> None:
        """Export `model_path` to `out` off the GUI thread; the bar says it is under way."""
        data_dir = self.window.train_tab.form.data_dir.text().strip() or None
        name = Path(out).name
        self.window.draw_tab.notes.show(
            TOPIC, f"Exporting {name}… (checking it in onnxruntime on {SAMPLES} test images)")
        self.action.setEnabled(False)
        self._call = BackgroundCall(lambda: export_model(model_path, out, data_dir), self)
        self._call.done.connect(self._finished)
        self._call.failed.connect(self._crashed)
        self._call.start()

    def _finished(self, outcome: ExportOutcome) -> None:
        self.action.setEnabled(True)
        self.window.draw_tab.notes.show(TOPIC, outcome.line, error=not outcome.ok,
                                        detail=outcome.detail)

    def _crashed(self, message: str) -> None:
        """Not a refusal the core explains (a bug, or memory): still one line."""
        self.action.setEnabled(True)
        first = message.splitlines()[0] if message else "unknown error"
        self.window.draw_tab.notes.show(TOPIC, f"The export failed: {first}", error=True)


def add_export_action(window: MainWindow, menu: QMenu) -> ExportModel:
    """Put Model ▸ Export… in `menu`, exporting the model in use on `window`'s Draw tab."""
    return ExportModel(window, menu)
