"""The Draw tab: the canvas, live probability bars, what the model sees, and the model picker.

The drawing's path to the bars: DrawingCanvas.changed → DrawTab.request_prediction →
PredictionService (prediction thread: core Predictor.predict) → PredictionService.predicted
(a core `Prediction`) → DrawTab._show_result → ProbabilityBars (greyed, under "That doesn't
look like a digit", when the model declines the drawing: decline_view). A finished drawing is
asked for with explain=True, for the "Why this digit" overlay (why_overlay.py) and the layers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from digitpad.core.errors import DigitpadError
from digitpad.core.model_library import ModelEntry
from digitpad.gui.canvas.drawing_canvas import DrawingCanvas
from digitpad.gui.canvas.image_io import ImageData, image_data
from digitpad.gui.canvas.image_loader import ImageLoader
from digitpad.gui.draw.correction import Correction
from digitpad.gui.draw.decline_view import show_prediction
from digitpad.gui.draw.draw_actions import save_drawing
from digitpad.gui.draw.draw_messages import DrawMessages, Topic
from digitpad.gui.draw.draw_tools import DrawTools
from digitpad.gui.draw.model_input_view import ModelInputView
from digitpad.gui.draw.model_library_dialog import ModelLibraryDialog
from digitpad.gui.draw.model_picker import ModelPicker, opened_label
from digitpad.gui.draw.prediction_label import PredictionLabel
from digitpad.gui.draw.probability_bars import ProbabilityBars
from digitpad.gui.draw.why_overlay import WhyThisDigit
from digitpad.gui.settings_store import remember_folder, start_folder
from digitpad.gui.widgets.message_bar import MessageBar
from digitpad.gui.workers.prediction_service import LoadedModel, PredictionService

if TYPE_CHECKING:  # the core's record, named for readers; importing it would import torch
    from digitpad.core.predictor import Prediction

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"
PASTED = "pasted image"  # how messages name image data pasted without a file
NO_MODEL = "There is no model to recognise drawings yet: train one on the Train tab."


class DrawTab(QWidget):
    """Draw or load an image and see it recognised as you go."""

    modelChanged = Signal(str)  # path of the model now in use
    status = Signal(str)  # short messages for the status bar
    openFinished = Signal(str, str)  # path (or "pasted image"…), error ("" when it is shown)

    def __init__(self, service: PredictionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model: LoadedModel | None = None  # the model in use, once one has loaded
        self._wanted_path = ""
        self._latest_shown = 0  # the newest request whose result (or blank) is shown
        # a fixed one-line room at the top: a message showing or going moves no control
        # (a longer one is cut with "…", whole in its tooltip and behind More…)
        self.messages = MessageBar(self, lines=1)
        self.notes = DrawMessages(self.messages)
        self.canvas = DrawingCanvas(self)
        self.canvas.setToolTip("Draw with the mouse or a pen; drop an image file here")
        self.images = ImageLoader(self)
        self.bars = ProbabilityBars(self)
        self.label = PredictionLabel(self)
        self.view = ModelInputView(self)
        self.picker = ModelPicker(self)
        self.tools = DrawTools(self.canvas, self)
        self.why = WhyThisDigit(service, self.canvas, lambda: self.request_prediction(True), self)
        # the tools row's widgets, as the window's actions and tests reach them
        self.brush, self.brush_value, self.eraser = (self.tools.brush, self.tools.brush_value,
                                                     self.tools.eraser)
        self.undo_button, self.redo_button = self.tools.undo_button, self.tools.redo_button
        self.clear_button, self.open_button = self.tools.clear_button, self.tools.open_button
        self._layout()
        self._connect()
        self.label.show_message("Loading model…")

    # --- construction -------------------------------------------------------------------
    def _layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addLayout(self.why.caption_row())  # what the heat map's colours mean
        left.addWidget(self.tools)
        right = QVBoxLayout()
        model_label = QLabel("M&odel")  # Alt+M is the Model menu
        model_label.setBuddy(self.picker)
        right.addWidget(model_label)
        right.addWidget(self.picker)
        right.addWidget(self.label)
        # the bars take the height first, up to rows of a comfortable size; the view takes
        # what is left, its picture of what the model sees at the top, growing up to 8×
        right.addWidget(self.bars, 1)
        self.correction = Correction(self)  # beside it: Teach it: this is a… (correction.py)
        right.addLayout(self.why.beside(self.view, self.correction))  # + Why this digit?
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addWidget(self.messages)
        outer.addLayout(body, 1)

    def _connect(self) -> None:
        self.canvas.changed.connect(self.request_prediction)
        self.canvas.fileDropped.connect(self.open_file)
        self.canvas.imageDropped.connect(self.open_image_data)
        self.open_button.clicked.connect(self.choose_file)
        self.images.loaded.connect(self._image_read)
        self.images.failed.connect(self._image_failed)
        self.picker.activated.connect(self._picked)
        self.service.modelLoaded.connect(self._model_loaded)
        self.service.modelFailed.connect(self._model_failed)
        self.service.predicted.connect(self._show_result)
        self.service.predictionFailed.connect(self._prediction_failed)
        self.service.modelsListed.connect(self._models_listed)
        self.service.listingFailed.connect(
            lambda message: self.notes.show(Topic.LIBRARY, message, error=True))

    @property
    def model_path(self) -> str:
        """The path of the model in use ('' before one has loaded)."""
        return self.model.path if self.model else ""

    @property
    def class_names(self) -> list[str]:
        """The class names of the model in use (empty before one has loaded)."""
        return self.model.class_names if self.model else []

    # --- models -------------------------------------------------------------------------
    def refresh_models(self, select: str = "") -> None:
        """Re-list the models (in the background); `select` a path once listed."""
        if select:
            self._wanted_path = select
        self.service.list_models()

    def _models_listed(self, entries: list[ModelEntry]) -> None:
        self.notes.end(Topic.LIBRARY)
        self.picker.set_entries(entries)
        wanted = self._wanted_path or self.model_path
        usable = self.picker.usable_paths()
        if wanted not in usable:
            wanted = usable[0] if usable else ""
        if not wanted:
            self.label.show_message("No model yet")
            self.notes.show(Topic.NO_MODEL, NO_MODEL)
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

    def _model_loaded(self, model: LoadedModel) -> None:
        self.model = model
        # what went wrong with models or predictions before is over: this one works
        self.notes.end(Topic.NO_MODEL, Topic.MODEL, Topic.PREDICTION)
        self.bars.set_classes(model.class_names)
        thing = self._thing()
        self.canvas.set_hint(f"Draw {thing} here" if thing else "Draw here")
        self.canvas.setToolTip(f"Draw {thing or 'something'} with the mouse or a pen; drop an "
                               "image file here")
        self.picker.show_model(model.path, opened_label(model.path, model.architecture,
                                                        model.dataset), model.declines)
        self.status.emit(f"Model: {Path(model.path).stem} ({model.architecture}, "
                         f"{model.dataset})")
        self.modelChanged.emit(model.path)
        # results still coming from the previous model are older than this request: dropped
        self._latest_shown = max(self._latest_shown, self.request_prediction())

    def _model_failed(self, path: str, message: str, detail: str = "") -> None:
        self.notes.show(Topic.MODEL, message, error=True, detail=detail)
        if self.model is not None:  # the previous model stays in use
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
        if not self.notes.showing(Topic.PREDICTION, message):
            self.notes.show(Topic.PREDICTION, message, error=True)

    def manage_library(self) -> ModelLibraryDialog:
        """Model ▸ Manage Model Library…: rename or delete saved models (the dialog, open)."""
        dialog = ModelLibraryDialog(self.picker.library_entries(), self.model_path, self)
        dialog.changed.connect(lambda path: self.refresh_models(select=path))
        dialog.open()
        return dialog

    # --- prediction ---------------------------------------------------------------------
    def request_prediction(self, explain: bool | None = None) -> int:
        """Ask for a prediction of the canvas as it is now (blank: clear the bars), explained
        too (`explain`; by default unless a stroke is under way); returns the request's number
        (0 when there is no model to ask)."""
        explain = not self.canvas.stroke_under_way if explain is None else explain
        if self.model is None:
            self.why.requested(0, explain)
            return 0
        number = self.service.request_prediction(self.canvas.to_array(), explain=explain)
        self.why.requested(number, explain)
        if self.canvas.is_blank():
            self._latest_shown = number
            self._show_blank()
        return number

    def _show_blank(self) -> None:
        self.bars.clear_probabilities()
        self.view.set_image(None)
        thing = self._thing()
        self.label.show_message(f"Draw {thing}" if thing else "Draw something")

    def _thing(self) -> str:
        """What the model in use recognises, in words ('' when it cannot be told)."""
        if self.class_names == [str(i) for i in range(10)]:
            return "a digit"
        dataset = self.model.dataset if self.model else ""
        return "a piece of clothing" if dataset.startswith("fashion") else ""

    def _show_result(self, number: int, prediction: Prediction) -> None:
        if number < self._latest_shown or prediction.class_names != self.class_names:
            return  # an older drawing (or model), overtaken by one already shown
        self._latest_shown = number
        self.notes.end(Topic.PREDICTION)  # the model in use recognises drawings again
        if prediction.no_ink:
            self._show_blank()
            return
        show_prediction(self.label, self.bars, prediction, self._thing())  # or declined
        self.view.set_image(prediction.view)

    # --- images -------------------------------------------------------------------------
    def save_drawing(self) -> None:
        """File ▸ Save Drawing as PNG… (Ctrl+S)."""
        try:
            said = save_drawing(self, self.canvas.paper_image())
        except DigitpadError as exc:
            self.notes.show(Topic.SAVE, str(exc), error=True)
            return
        if said:
            self.notes.end(Topic.SAVE)
            self.status.emit(said)

    def choose_file(self) -> bool:
        """File → Open: pick an image and put it on the canvas; False when none was picked."""
        path, _ = QFileDialog.getOpenFileName(self, "Open an image", start_folder("image"),
                                              IMAGE_FILTER)
        if path:
            remember_folder("image", path)
            self.open_file(path)
        return bool(path)

    def open_file(self, path: str) -> None:
        """Load an image file onto the canvas (decoded in the background), or explain in the
        message bar why not; `openFinished(path, error)` says when it is done."""
        self.status.emit(f"Opening {Path(path).name}…")
        self.images.open_file(path)

    def open_image_data(self, data: ImageData) -> None:
        """Load pasted or dropped image data onto the canvas, checked as a file is."""
        self.images.open_data(data)

    def _image_read(self, image: QImage, what: str) -> None:
        self.load_qimage(image)
        self.status.emit(f"Opened {Path(what).name}")
        self.openFinished.emit(what, "")

    def _image_failed(self, what: str, message: str) -> None:
        self.notes.show(Topic.IMAGE, message, error=True)
        self.status.emit("")
        self.openFinished.emit(what, message)

    def load_qimage(self, image: QImage) -> None:
        """Put an image on the canvas (replacing the drawing; undoable): light ink on a dark
        ground as dark ink on light paper, so strokes add ink, unless the model in use tells an
        image from its negative (photo preprocessing)."""
        if image.isNull():
            self.notes.show(Topic.IMAGE, "That image is empty or could not be read.", error=True)
            return
        self.notes.end(Topic.IMAGE)  # an image that could not be opened before is forgotten
        self.canvas.load_image(image, self.model.negatives_alike if self.model else True)

    def paste(self) -> None:
        """Edit → Paste: an image or an image file from the clipboard."""
        mime = QGuiApplication.clipboard().mimeData()
        data = image_data(mime, PASTED)
        if data is not None:
            self.open_image_data(data)
        elif mime is not None and mime.hasUrls() and mime.urls()[0].isLocalFile():
            self.open_file(mime.urls()[0].toLocalFile())
        else:
            self.notes.show(Topic.IMAGE, "The clipboard holds no image to paste.",
                            timeout_ms=4000)
