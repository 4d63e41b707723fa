"""PredictionService: loads models in the background and predicts on a worker thread.

The GUI thread hands over canvas arrays as fast as the pen moves; only the newest one waiting
is processed (older ones are dropped), so the bars never lag behind the pen and the GUI thread
never runs torch. torch itself is imported off the GUI thread, after the window is shown.

Listing and loading models open files the user put in the library or picked, which might never
answer (a FIFO, a hung network mount). They run as daemon BackgroundCalls, not on the prediction
thread: the model in use keeps predicting while another loads, a newer load overtakes an older
one, and closing the window never waits for a file. A model that cannot be loaded (the core
also refuses one that fails on a test drawing) leaves the previous model in use. A prediction
that fails is reported once (`predictionFailed`) and never retried.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from digitpad.core.errors import DigitpadError
from digitpad.gui.workers.background_call import BackgroundCall

_import_lock = threading.Lock()


def _import_core() -> None:
    """Import the torch-side core once, one thread at a time: listing and loading start
    together on two threads at start-up, and two threads importing torch's circular modules at
    once can each see the other's half-initialised module (an ImportError or AttributeError)."""
    with _import_lock:
        import digitpad.core.checkpoint  # noqa: F401
        import digitpad.core.model_library  # noqa: F401
        import digitpad.core.predictor  # noqa: F401


def _load(path: str) -> dict[str, Any]:
    """Load `path` (off the GUI thread; imports torch). Predictor.from_file refuses a model
    that fails on a test drawing, so a model taken into use can recognise drawings."""
    try:
        _import_core()
        from digitpad.core.predictor import Predictor

        predictor = Predictor.from_file(path)
    except DigitpadError as exc:
        return {"path": path, "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - an unexpected file problem must not kill the app
        return {"path": path, "error": f"{path} could not be loaded ({type(exc).__name__}: "
                                       f"{exc})."}
    names = [str(name) for name in predictor.class_names]
    meta = predictor.meta
    metrics = meta.get("metrics")
    summary = {
        "architecture": str(meta.get("architecture", "")),
        "dataset": str(meta.get("dataset", "")),
        "metrics": dict(metrics) if isinstance(metrics, dict) else {},
    }
    return {"path": path, "predictor": predictor, "class_names": names, "summary": summary}


def _list() -> list[dict]:
    _import_core()
    from digitpad.core.model_library import list_models

    return [
        {"name": e.name, "path": str(e.path), "label": e.label, "bundled": e.bundled,
         "accuracy": e.accuracy, "dataset": e.dataset, "problem": e.problem}
        for e in list_models()
    ]


class _Worker(QObject):
    """Lives on the prediction thread; predicts with the model it was last given."""

    predicted = Signal(int, object)  # request number, result dict or None (no ink)
    predictionFailed = Signal(int, str)  # request number, message

    def __init__(self, pending: dict[str, Any], lock: threading.Lock) -> None:
        super().__init__()
        self._pending, self._lock = pending, lock
        self._predictor: Any = None

    @Slot(object)
    def use(self, predictor: object) -> None:
        self._predictor = predictor

    @Slot()
    def predict_latest(self) -> None:
        with self._lock:
            number, image = self._pending.pop("request", (0, None))
            self._pending["scheduled"] = False
        if image is None or self._predictor is None:
            return
        try:
            prediction = self._predictor.predict(image)
        except Exception as exc:  # noqa: BLE001 - report once, keep the app alive
            name = getattr(self._predictor.path, "name", "The model")
            self.predictionFailed.emit(number, f"{name} could not recognise the drawing "
                                               f"({type(exc).__name__}: {exc}).")
            return
        result = None
        if not prediction.no_ink:
            result = {"probabilities": prediction.probabilities, "view": prediction.view}
        self.predicted.emit(number, result)


class PredictionService(QObject):
    """Owns the prediction thread. Call from the GUI thread; results arrive as signals."""

    modelLoaded = Signal(str, list, dict)  # path, class names, metadata summary
    modelFailed = Signal(str, str)  # path, message (the model in use, if any, stays)
    predicted = Signal(int, object)
    predictionFailed = Signal(int, str)
    modelsListed = Signal(list)  # list of dicts, one per model the app knows
    _useRequested = Signal(object)
    _predictRequested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: dict[str, Any] = {"scheduled": False}
        self._requests = 0
        self._loads = 0  # load requests so far; only the latest one's result is used
        self._closed = False
        self._listings = 0  # the same for listings
        self._thread = QThread(self)
        self._thread.setObjectName("digitpad-prediction")
        self._worker = _Worker(self._pending, self._lock)
        self._worker.moveToThread(self._thread)
        # the worker is Python-owned and outlives the thread (a deleteLater run by the finishing
        # thread can race with the Python wrapper being freed; see training_worker.py)
        self._useRequested.connect(self._worker.use)
        self._predictRequested.connect(self._worker.predict_latest)
        self._worker.predicted.connect(self.predicted)
        self._worker.predictionFailed.connect(self.predictionFailed)
        self._thread.start()

    def _call(self, function: Any, number: int, done: Any, failed: Any) -> None:
        call = BackgroundCall(function, self, daemon=True)
        call.setProperty("number", number)
        call.done.connect(done)
        call.failed.connect(failed)
        call.start()

    def _latest(self, newest: int) -> bool:
        """Whether the call reporting is the newest of its kind (and forget it)."""
        call = self.sender()
        if not isinstance(call, BackgroundCall):
            return False
        latest = call.property("number") == newest
        call.deleteLater()
        return latest and not self._closed

    def load_model(self, path: str) -> None:
        """Load a model file in the background; modelLoaded or modelFailed follows (unless a
        later load_model overtakes this one)."""
        self._loads += 1
        self._call(lambda: _load(path), self._loads, self._loaded, self._load_crashed)

    @Slot(object)
    def _loaded(self, result: dict[str, Any]) -> None:
        if not self._latest(self._loads):
            return  # overtaken by a newer load, or the window is closing
        self._use(result)

    def _use(self, result: dict[str, Any]) -> None:
        if "error" in result:
            self.modelFailed.emit(result["path"], result["error"])
            return
        self._useRequested.emit(result["predictor"])  # queued ahead of any later prediction
        self.modelLoaded.emit(result["path"], result["class_names"], result["summary"])

    @Slot(str)
    def _load_crashed(self, message: str) -> None:
        if self._latest(self._loads):
            self._use({"path": "", "error": f"The model could not be loaded ({message})."})

    def list_models(self) -> None:
        """List bundled and saved models in the background; modelsListed follows (unless a
        later list_models overtakes this one)."""
        self._listings += 1
        self._call(_list, self._listings, self._listed, self._list_failed)

    @Slot(object)
    def _listed(self, entries: list[dict]) -> None:
        if self._latest(self._listings):
            self.modelsListed.emit(entries)

    @Slot(str)
    def _list_failed(self, message: str) -> None:
        if self._latest(self._listings):
            self.modelFailed.emit("", f"The model library could not be listed ({message}).")

    def request_prediction(self, image: np.ndarray) -> int:
        """Queue `image` (replacing any not yet started); returns its request number."""
        with self._lock:
            self._requests += 1
            self._pending["request"] = (self._requests, image)
            schedule = not self._pending["scheduled"]
            self._pending["scheduled"] = True
        if schedule:
            self._predictRequested.emit()
        return self._requests

    def shutdown(self) -> None:
        """Stop the prediction thread after the current prediction; safe to call twice.

        Loads and listings still under way are not waited for beyond a moment: a file that never
        answers must not keep the window from closing."""
        self._closed = True
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
