"""The Draw tab: the canvas, live probability bars, what the model sees, and the model picker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.errors import DigitpadError
from digitpad.gui.canvas.drawing_canvas import DrawingCanvas
from digitpad.gui.canvas.image_io import load_image_file
from digitpad.gui.draw.draw_actions import save_drawing
from digitpad.gui.draw.model_input_view import ModelInputView
from digitpad.gui.draw.model_library_dialog import ModelLibraryDialog
from digitpad.gui.draw.model_picker import ModelPicker, opened_label
from digitpad.gui.draw.prediction_label import PredictionLabel
from digitpad.gui.draw.probability_bars import ProbabilityBars
from digitpad.gui.widgets.message_bar import MessageBar
from digitpad.gui.workers.background_call import BackgroundCall
from digitpad.gui.workers.prediction_service import PredictionService

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"


def _tool_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


class DrawTab(QWidget):
    """Draw or load an image and see it recognised as you go."""

    modelChanged = Signal(str)  # path of the model now in use
    status = Signal(str)  # short messages for the status bar
    openFinished = Signal(str, str)  # path, error message ("" when the image is on the canvas)

    def __init__(self, service: PredictionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model_path = ""
        self.class_names: list[str] = []
        self._wanted_path = ""
        self._dataset = ""  # the dataset the model in use was trained on
        self._latest_shown = 0
        self._open_call: BackgroundCall | None = None
        self.messages = MessageBar(self)
        self.canvas = DrawingCanvas(self)
        self.canvas.setToolTip("Draw with the mouse or a pen; drop an image file here")
        self.bars = ProbabilityBars(self)
        self.label = PredictionLabel(self)
        self.view = ModelInputView(self)
        self.picker = ModelPicker(self)
        self._build_tools()
        self._layout()
        self._connect()
        self.label.show_message("Loading model…")

    # --- construction -------------------------------------------------------------------
    def _build_tools(self) -> None:
        self.brush = QSlider(Qt.Orientation.Horizontal, self)
        self.brush.setRange(4, 48)
        self.brush.setValue(self.canvas.brush_size)
        self.brush.setToolTip("Brush size ([ smaller, ] larger)")
        self.brush_value = QLabel(str(self.canvas.brush_size), self)
        self.brush_value.setToolTip("Brush size, in pixels of the 280-wide paper")
        self.brush_value.setMinimumWidth(self.brush_value.fontMetrics().horizontalAdvance("48 "))
        self.eraser = _tool_button("Eraser", "Erase instead of drawing (E)")
        self.eraser.setCheckable(True)
        self.undo_button = _tool_button("Undo", "Undo the last stroke (Ctrl+Z)")
        self.redo_button = _tool_button("Redo", "Redo the stroke you undid (Ctrl+Shift+Z)")
        self.clear_button = _tool_button("Clear", "Clear the canvas (Delete or Esc)")
        self.open_button = _tool_button("Open…", "Open an image file (Ctrl+O)")
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)

    def _layout(self) -> None:
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Brush"))
        tools.addWidget(self.brush, 1)
        tools.addWidget(self.brush_value)
        for button in (self.eraser, self.undo_button, self.redo_button, self.clear_button,
                       self.open_button):
            tools.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addLayout(tools)
        right = QVBoxLayout()
        model_label = QLabel("&Model")
        model_label.setBuddy(self.picker)
        right.addWidget(model_label)
        right.addWidget(self.picker)
        right.addWidget(self.label)
        right.addWidget(self.bars, 1)
        right.addWidget(self.view, 0, Qt.AlignmentFlag.AlignHCenter)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addWidget(self.messages)
        outer.addLayout(body, 1)

    def _connect(self) -> None:
        c = self.canvas
        c.changed.connect(self.request_prediction)
        c.brushSizeChanged.connect(self.brush.setValue)
        c.undoAvailable.connect(self.undo_button.setEnabled)
        c.redoAvailable.connect(self.redo_button.setEnabled)
        c.fileDropped.connect(self.open_file)
        c.imageDropped.connect(self.load_qimage)
        self.brush.valueChanged.connect(c.set_brush_size)
        self.brush.valueChanged.connect(lambda value: self.brush_value.setText(str(value)))
        self.eraser.toggled.connect(c.set_eraser)
        self.undo_button.clicked.connect(c.undo)
        self.redo_button.clicked.connect(c.redo)
        self.clear_button.clicked.connect(c.clear)
        self.open_button.clicked.connect(self.choose_file)
        self.picker.activated.connect(self._picked)
        self.service.modelLoaded.connect(self._model_loaded)
        self.service.modelFailed.connect(self._model_failed)
        self.service.predicted.connect(self._show_result)
        self.service.predictionFailed.connect(self._prediction_failed)
        self.service.modelsListed.connect(self._models_listed)

    # --- models -------------------------------------------------------------------------
    def refresh_models(self, select: str = "") -> None:
        """Re-list the models (in the background); `select` a path once listed."""
        if select:
            self._wanted_path = select
        self.service.list_models()

    def _models_listed(self, entries: list[dict]) -> None:
        self.picker.set_entries(entries)
        wanted = self._wanted_path or self.model_path
        usable = self.picker.usable_paths()
        if wanted not in usable:
            wanted = usable[0] if usable else ""
        if not wanted:
            self.label.show_message("No model yet")
            self.messages.show_message("There is no model to recognise drawings yet: train one "
                                       "on the Train tab.")
            return
        if self.picker.findData(wanted) >= 0:
            self.picker.setCurrentIndex(self.picker.findData(wanted))
        if wanted != self.model_path:
            self.use_model(wanted)

    def use_model(self, path: str) -> None:
        """Switch to the model in `path` (loaded in the background)."""
        self._wanted_path = path
        self.label.show_message("Loading model…")
        self.service.load_model(path)

    def _picked(self, index: int) -> None:
        path = self.picker.itemData(index)
        if path and path != self.model_path:
            self.use_model(path)

    def _model_loaded(self, path: str, class_names: list[str], summary: dict) -> None:
        self.model_path, self.class_names = path, class_names
        if not self.messages.isHidden() and "no model" in self.messages.text().lower():
            self.messages.clear()
        self.bars.set_classes(class_names)
        self._dataset = str(summary.get("dataset", ""))
        thing = self._thing()
        self.canvas.set_hint(f"Draw {thing} here" if thing else "Draw here")
        self.canvas.setToolTip(f"Draw {thing or 'something'} with the mouse or a pen; drop an "
                               "image file here")
        self.picker.show_model(path, opened_label(path, summary))  # listed, or added
        self.status.emit(f"Model: {Path(path).stem} ({summary.get('architecture', '')}, "
                         f"{summary.get('dataset', '')})")
        self.modelChanged.emit(path)
        self.request_prediction()

    def _model_failed(self, path: str, message: str) -> None:
        self.messages.show_message(message, error=True)
        if self.model_path:  # the previous model stays in use
            self.picker.setCurrentIndex(self.picker.findData(self.model_path))
            self.request_prediction()
        else:
            self.label.show_message("No model")

    def _prediction_failed(self, number: int, message: str) -> None:
        """Say so once; the next drawing asks again (a failure is never retried by itself)."""
        if number < self._latest_shown:
            return
        self._latest_shown = number
        self.bars.clear_probabilities()
        self.view.set_image(None)
        self.label.show_message("No prediction")
        if self.messages.isHidden() or self.messages.text() != message:
            self.messages.show_message(message, error=True)

    # --- prediction ---------------------------------------------------------------------
    def request_prediction(self) -> None:
        """Ask for a prediction of the canvas as it is now (blank: clear the bars)."""
        if not self.model_path:
            return
        if self.canvas.is_blank():
            self._latest_shown = self.service.request_prediction(self.canvas.to_array())
            self._show_blank()
            return
        self.service.request_prediction(self.canvas.to_array())

    def _show_blank(self) -> None:
        self.bars.clear_probabilities()
        self.view.set_image(None)
        thing = self._thing()
        self.label.show_message(f"Draw {thing}" if thing else "Draw something")

    def _thing(self) -> str:
        """What the model in use recognises, in words ('' when it cannot be told)."""
        if self.class_names == [str(i) for i in range(10)]:
            return "a digit"
        return "a piece of clothing" if self._dataset.startswith("fashion") else ""

    def _show_result(self, number: int, result: dict | None) -> None:
        if number < self._latest_shown:
            return  # an older drawing, overtaken by one already shown
        self._latest_shown = number
        if result is None or len(result["probabilities"]) != len(self.class_names):
            self._show_blank()
            return
        probabilities = result["probabilities"]
        self.bars.set_probabilities(probabilities)
        best = max(range(len(probabilities)), key=probabilities.__getitem__)
        self.label.show_prediction(self.class_names[best], probabilities[best])
        self.view.set_image(result["view"])

    def manage_library(self) -> ModelLibraryDialog:
        """Model ▸ Manage Model Library…: rename or delete saved models (the dialog, open)."""
        dialog = ModelLibraryDialog(self.picker.library_entries(), self.model_path, self)
        dialog.changed.connect(lambda path: self.refresh_models(select=path))
        dialog.open()
        return dialog

    def save_drawing(self) -> None:
        """File ▸ Save Drawing as PNG… (Ctrl+S)."""
        try:
            said = save_drawing(self, self.canvas.paper_image())
        except DigitpadError as exc:
            self.messages.show_message(str(exc), error=True)
            return
        if said:
            self.status.emit(said)

    # --- images -------------------------------------------------------------------------
    def choose_file(self) -> None:
        """File → Open: pick an image and put it on the canvas."""
        path, _ = QFileDialog.getOpenFileName(self, "Open an image", "", IMAGE_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        """Load an image file onto the canvas, or explain in the message bar why not.

        Decoding runs on a pool thread (a photo of 8000x8000 pixels takes seconds), so the window
        stays responsive; when several files are opened quickly, only the last one is shown.
        `openFinished(path, error)` says when it is done ("" for no error).
        """
        def read() -> QImage | str:
            try:
                return load_image_file(path)
            except DigitpadError as exc:
                return str(exc)

        # connected to bound methods: queued to this (GUI) thread, whichever thread emits
        call = BackgroundCall(read, self)
        call.setObjectName(path)
        call.done.connect(self._file_read)
        call.failed.connect(self._file_failed)
        self._open_call = call
        self.status.emit(f"Opening {Path(path).name}…")
        call.start()

    @Slot(object)
    def _file_read(self, result: QImage | str) -> None:
        self._finish_open(self.sender(), result)

    @Slot(str)
    def _file_failed(self, message: str) -> None:
        call = self.sender()
        name = Path(call.objectName()).name if call is not None else "the image"
        self._finish_open(call, f"Could not open '{name}' ({message}).")

    def _finish_open(self, call: object, result: QImage | str) -> None:
        if not isinstance(call, BackgroundCall):
            return
        call.deleteLater()
        if call is not self._open_call:
            return  # another file was opened since: only the latest is shown
        self._open_call = None
        path = call.objectName()
        if isinstance(result, str):
            self.messages.show_message(result, error=True)
            self.status.emit("")
        else:
            self.load_qimage(result)
            self.status.emit(f"Opened {Path(path).name}")
        self.openFinished.emit(path, result if isinstance(result, str) else "")

    def load_qimage(self, image: QImage) -> None:
        """Put an image on the canvas (replacing the drawing; undoable)."""
        if image.isNull():
            self.messages.show_message("That image is empty or could not be read.", error=True)
            return
        self.messages.hide()
        self.canvas.load_image(image)

    def paste(self) -> None:
        """Edit → Paste: an image or an image file from the clipboard."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None and mime.hasImage():
            self.load_qimage(QImage(mime.imageData()))
        elif mime is not None and mime.hasUrls() and mime.urls()[0].isLocalFile():
            self.open_file(mime.urls()[0].toLocalFile())
        else:
            self.messages.show_message("The clipboard holds no image to paste.", timeout_ms=4000)
