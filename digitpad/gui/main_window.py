"""MainWindow: the Draw and Train tabs, menus, status bar, remembered settings, clean exit."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QTabWidget

from digitpad import __version__
from digitpad.gui.app_icon import app_icon
from digitpad.gui.docks import add_docks
from digitpad.gui.draw.draw_actions import only_on_tab, show_shortcuts
from digitpad.gui.draw.draw_messages import Topic
from digitpad.gui.draw.draw_tab import DrawTab
from digitpad.gui.draw.export_action import add_export_action
from digitpad.gui.draw.not_digit_menu import NotDigitMenu
from digitpad.gui.handwriting.handwriting_tab import HandwritingTab
from digitpad.gui.handwriting.wiring import connect_handwriting
from digitpad.gui.settings_store import (
    forget,
    notice,
    read_settings,
    remember_folder,
    start_folder,
)
from digitpad.gui.train.train_tab import TrainTab
from digitpad.gui.widgets.elided_label import ElidedLabel
from digitpad.gui.workers.background_call import wait_for_daemons
from digitpad.gui.workers.prediction_service import PredictionService

# How long closing waits, with the window already gone, for a stopped run to evaluate and save
# its best weights; a save stuck longer than this (a hung disk) is given up.
SAVE_WAIT_MS = 300_000
# Smaller than this, buttons were cut to "E…r" and the Draw tab's bars for 6-9 vanished; it fits
# a 1024x768 screen with room for panels
MINIMUM_SIZE = (880, 640)


class MainWindow(QMainWindow):
    """The digitpad window. Cheap to construct: models load after it is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("digitpad")
        self.setWindowIcon(app_icon())  # also what the About box shows
        self.settings = QSettings()
        self._last_model = ""
        self.service = PredictionService(self)
        self.draw_tab = DrawTab(self.service, self)
        self.train_tab = TrainTab(self)
        self.handwriting_tab = HandwritingTab(self.service, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.draw_tab, "&Draw")
        self.tabs.addTab(self.train_tab, "&Train")
        self.tabs.setTabToolTip(0, "Draw or load an image and see it recognised (Ctrl+1)")
        self.tabs.setTabToolTip(1, "Train a model and watch it learn (Ctrl+2)")
        # "M&y": Alt+M is the Model menu's
        self.tabs.addTab(self.handwriting_tab, "M&y handwriting")
        self.tabs.setTabToolTip(2, "Draw your own digits, review them and teach the model your "
                                   "handwriting (Ctrl+3)")
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage("Starting…")
        # the model in use stays in sight (a temporary message went with the first stroke)
        self.model_status = ElidedLabel(1)
        self.statusBar().addPermanentWidget(self.model_status)
        self.service.modelLoaded.connect(lambda model: self.model_status.setText(
            f"Model: {Path(model.path).stem} ({model.architecture}, {model.dataset})"))
        self.draw_tab.status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.train_tab.status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.handwriting_tab.status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        # it borrows the service to read samples: the Draw tab's bars then ask for its own again
        self.handwriting_tab.collect.readingsDone.connect(self.draw_tab.request_prediction)
        # samples are drawn with the Draw tab's brush, as the person will draw there
        self.draw_tab.canvas.brushSizeChanged.connect(
            self.handwriting_tab.collect.canvas.set_brush_size)
        self.draw_tab.modelChanged.connect(lambda path: self.settings.setValue("model", path))
        self.train_tab.modelSaved.connect(self._model_trained)
        self.train_tab.modelKept.connect(lambda _path: self.draw_tab.refresh_models())
        # the model in use, so that a run far worse than it is not put on the Draw tab unasked
        self.service.modelLoaded.connect(self.train_tab.set_model_in_use)
        self.finetune = connect_handwriting(self)  # its Fine-tune panel and Teach it
        self.train_tab.gallery.imageActivated.connect(self._open_mistake)
        self._build_menus()
        self._restore_settings()

    # --- start-up -----------------------------------------------------------------------
    def start_background_loading(self) -> None:
        """List models and load the last-used one on the prediction thread (imports torch)."""
        self.draw_tab.refresh_models(select=self._last_model)
        self.train_tab.load_choices()

    # --- menus --------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
        action.setToolTip(action.statusTip())
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar, canvas = self.menuBar(), self.draw_tab.canvas
        file = bar.addMenu("&File")
        self._action(file, "&Open Image…", self._open_image, QKeySequence.StandardKey.Open,
                     "Open an image file and put it on the canvas")
        self._action(file, "&Save Drawing as PNG…", self.draw_tab.save_drawing,
                     QKeySequence.StandardKey.Save, "Save the drawing on the canvas as a PNG image")
        file.addSeparator()
        # on the My handwriting tab, where the result shows (handwriting/sample_transfer.py)
        transfer = self.handwriting_tab.transfer
        zip_actions = [self._action(file, "&Export My Handwriting…", lambda: self._on_samples(
            transfer.export_samples), tip="Save all your handwriting samples as one .zip"),
            self._action(file, "&Import My Handwriting…", lambda: self._on_samples(
                transfer.import_samples), tip="Add the handwriting samples of a .zip")]
        transfer.busyChanged.connect(lambda busy: [a.setEnabled(not busy) for a in zip_actions])
        file.addSeparator()
        # Ctrl+Q everywhere: QKeySequence.StandardKey.Quit is empty on Windows and offscreen
        self._action(file, "&Quit", self.close, "Ctrl+Q")
        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo Stroke", canvas.undo, "Ctrl+Z")
        self.redo_action = self._action(edit, "&Redo Stroke", canvas.redo, "Ctrl+Shift+Z")
        draw_only = [self.undo_action, self.redo_action, self._action(
            edit, "&Paste Image", self.draw_tab.paste, QKeySequence.StandardKey.Paste)]
        draw_only.append(self._action(edit, "&Clear Canvas", canvas.clear, ["Delete", "Escape"]))
        edit.addSeparator()
        draw_only += [
            self._action(edit, "&Eraser", self.draw_tab.eraser.toggle, "E",
                         "Switch between pen and eraser"),
            self._action(edit, "S&maller Brush", canvas.smaller_brush, "["),
            self._action(edit, "&Larger Brush", canvas.larger_brush, "]"),
            # a window action like E's: a button's own shortcut lost the key to a focused picker
            self._action(edit, "&Teach It: This Is a…", self.draw_tab.correction.ask, "T",
                         "Say which digit you drew: it joins your handwriting samples"),
        ]
        # never unseen on the Train tab: single keys, and Ctrl+Z / Ctrl+V on the hidden canvas
        follow = only_on_tab(draw_only, self.tabs, self.draw_tab, {
            self.undo_action: lambda: canvas.can_undo, self.redo_action: lambda: canvas.can_redo})
        canvas.undoAvailable.connect(lambda _on: follow())
        canvas.redoAvailable.connect(lambda _on: follow())
        view = bar.addMenu("&View")
        self._action(view, "&Draw", lambda: self.tabs.setCurrentIndex(0), "Ctrl+1")
        self._action(view, "&Train", lambda: self.tabs.setCurrentIndex(1), "Ctrl+2")
        self._action(view, "M&y Handwriting", lambda: self.tabs.setCurrentIndex(2), "Ctrl+3")
        view.addSeparator()  # when the Draw tab says "That doesn't look like a digit"
        self.not_digit = NotDigitMenu(view, self.service, self.draw_tab.request_prediction,
                                      self.settings, self)
        view.addSeparator()  # H: the Draw tab's heat map (draw/why_overlay.py), a single key
        view.addAction(self.draw_tab.why.action)
        only_on_tab([self.draw_tab.why.action], self.tabs, self.draw_tab)
        self.inside_dock, self.compare_dock = add_docks(self, view)  # Ctrl+I, Ctrl+K
        model = bar.addMenu("&Model")
        self._action(model, "&Open Model File…", self._open_model_file, "Ctrl+Shift+O",
                     "Use a digitpad model file (.pt) from anywhere")
        self._action(model, "&Reload Model List", lambda: self.draw_tab.refresh_models(), "F5")
        self._action(model, "&Manage Model Library…", self.draw_tab.manage_library,
                     tip="Rename or delete your saved models")
        self._action(model, "Show Model &Library Folder", self._show_library)
        self._action(model, "&Continue Training…", self._continue_training,
                     tip="Train a model from your library further (on the Train tab)")
        self.export = add_export_action(self, model)  # Model ▸ Export… (ONNX)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", lambda: show_shortcuts(self))
        self._action(help_menu, "&About digitpad", self.show_about)

    def _open_image(self) -> None:
        """File ▸ Open Image… (Ctrl+O from either tab): the image is shown where it lands."""
        if self.draw_tab.choose_file():
            self.tabs.setCurrentWidget(self.draw_tab)

    def _on_samples(self, act) -> None:  # noqa: ANN001 - a SampleTransfer action
        self.tabs.setCurrentWidget(self.handwriting_tab)
        act()

    def _open_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a model", start_folder("model"),
                                              "Models (*.pt)")
        if path:
            remember_folder("model", path)
            self.tabs.setCurrentIndex(0)
            self.draw_tab.use_model(path)

    def _continue_training(self) -> None:
        self.tabs.setCurrentWidget(self.train_tab)
        self.train_tab.continuing.ask()  # the Train tab's Continue training… button

    def _show_library(self) -> None:
        """Open the library folder in the file manager; where there is none (or the folder
        cannot be made), say where it is instead, with the path copied to the clipboard."""
        from digitpad.core.errors import DigitpadError
        from digitpad.core.paths import model_library_dir

        try:
            folder = model_library_dir()
            folder.mkdir(parents=True, exist_ok=True)
        except (DigitpadError, OSError) as exc:
            self._plain_box("Model library", f"The model library folder cannot be used: {exc}")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            QGuiApplication.clipboard().setText(str(folder))
            self._plain_box("Model library", f"Saved models are in {folder}\n\n"
                            "(No file manager could be opened; the path is on the clipboard.)")

    def _plain_box(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok,
                          self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # paths and errors quote names from files
        box.open()

    def show_about(self) -> None:
        """Help → About: what this is and the versions it runs on."""
        import sys

        import pyqtgraph
        import PySide6

        torch_version = "not loaded yet"
        if "torch" in sys.modules:
            torch_version = sys.modules["torch"].__version__
        QMessageBox.about(
            self, "About digitpad",
            f"<h3>digitpad {__version__}</h3>"
            "<p>Draw a digit and watch a neural network recognise it; train your own models "
            "and watch them learn.</p>"
            f"<p>Python {platform.python_version()} · PySide6 {PySide6.__version__} · "
            f"pyqtgraph {pyqtgraph.__version__} · PyTorch {torch_version}</p>",
        )

    # --- training results ---------------------------------------------------------------
    def _open_mistake(self, image) -> None:  # noqa: ANN001 - a uint8 numpy array
        """A mistake tile double-clicked: its image on the Draw tab's canvas (undoable)."""
        from digitpad.gui.canvas.image_io import array_to_qimage

        self.tabs.setCurrentWidget(self.draw_tab)
        self.draw_tab.load_qimage(array_to_qimage(image))

    def _model_trained(self, path: str) -> None:
        self.draw_tab.refresh_models(select=path)  # the Train tab's banner says it is there

    # --- settings and closing -------------------------------------------------------------
    def _restore_settings(self) -> None:
        """Restore what was remembered; unusable values are reset, with one notice."""
        found = read_settings(self.settings)
        if found.geometry is None or not self.restoreGeometry(found.geometry):
            if found.geometry is not None:
                found.refused.append("window/geometry")
            self.resize(1000, 680)
        self.setMinimumSize(*MINIMUM_SIZE)
        if found.brush is not None:
            self.draw_tab.canvas.set_brush_size(found.brush)
        self._last_model = found.model
        self.not_digit.choose(found.decline)  # before the first model loads
        if found.train:
            self.train_tab.apply_settings(found.train)
        if found.refused:
            forget(self.settings, found)
            self.draw_tab.notes.show(Topic.NOTICE, notice(found.refused, self.settings.fileName()))

    def _save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("brush", self.draw_tab.canvas.brush_size)
        self.settings.setValue("train", self.train_tab.settings_values())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Ask before stopping a running training; wait for threads so nothing is left behind."""
        if self.train_tab.is_training():
            answer = QMessageBox.question(
                self, "Training is running",
                "Stop the training and quit? The best weights so far are saved.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.train_tab.stop()  # after this batch
        self._save_settings()
        # The window goes at once. A stopped run still evaluates its weights and saves the best
        # of them (seconds to tens of seconds on full MNIST): that happens with the window gone,
        # rather than behind a frozen one (it used to hang for up to 10 s).
        self.hide()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop training and the prediction thread and wait for them (safe to call twice)."""
        self.train_tab.shutdown(SAVE_WAIT_MS)
        self.finetune.shutdown()
        self.service.shutdown()
        self.compare_dock.widget().shutdown()  # its own prediction thread
        QThreadPool.globalInstance().waitForDone(10_000)  # background jobs (BackgroundCall)
        # model loads and listings get a moment to end (say, a torch import under way); one
        # stuck on a file that never answers is left behind, and the app still exits
        wait_for_daemons(1.0)


def deferred_start(window: MainWindow) -> None:
    """Begin background loading once the event loop has painted the window."""
    QTimer.singleShot(50, window.start_background_loading)
