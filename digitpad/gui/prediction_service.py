"""PredictionService: loads models and predicts on a worker thread, always on the latest drawing.

The GUI thread hands over canvas arrays as fast as the pen moves; only the newest one waiting
is processed (older ones are dropped), so the bars never lag behind the pen and the GUI thread
never runs torch. torch itself is imported on the worker thread, after the window is shown.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from digitpad.core.errors import DigitpadError


class _Worker(QObject):
    modelLoaded = Signal(str, list, dict)  # path, class names, metadata summary
    modelFailed = Signal(str, str)  # path, message
    predicted = Signal(int, object)  # request number, result dict or None (no ink)
    modelsListed = Signal(list)  # list of dicts, one per model the app knows

    def __init__(self, pending: dict[str, Any], lock: threading.Lock) -> None:
        super().__init__()
        self._pending, self._lock = pending, lock
        self._predictor: Any = None

    @Slot(str)
    def load_model(self, path: str) -> None:
        try:
            from digitpad.core.predictor import Predictor

            predictor = Predictor.from_file(path)
        except DigitpadError as exc:
            self.modelFailed.emit(path, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - an unexpected file problem must not kill the app
            reason = f"{type(exc).__name__}: {exc}"
            self.modelFailed.emit(path, f"{path} could not be loaded ({reason}).")
            return
        self._predictor = predictor
        meta = predictor.meta
        summary = {
            "architecture": meta.get("architecture", ""),
            "dataset": meta.get("dataset", ""),
            "metrics": dict(meta.get("metrics", {})),
        }
        self.modelLoaded.emit(path, list(predictor.class_names), summary)

    @Slot()
    def predict_latest(self) -> None:
        with self._lock:
            number, image = self._pending.pop("request", (0, None))
            self._pending["scheduled"] = False
        if image is None or self._predictor is None:
            return
        try:
            prediction = self._predictor.predict(image)
        except Exception as exc:  # noqa: BLE001 - report, keep the app alive
            self.modelFailed.emit(str(self._predictor.path), f"Prediction failed: {exc}")
            return
        result = None
        if not prediction.no_ink:
            result = {"probabilities": prediction.probabilities, "view": prediction.view}
        self.predicted.emit(number, result)

    @Slot()
    def list_models(self) -> None:
        from digitpad.core.library import list_models

        self.modelsListed.emit([
            {"name": e.name, "path": str(e.path), "label": e.label, "bundled": e.bundled,
             "accuracy": e.accuracy, "dataset": e.dataset, "problem": e.problem}
            for e in list_models()
        ])


class PredictionService(QObject):
    """Owns the prediction thread. Call from the GUI thread; results arrive as signals."""

    modelLoaded = Signal(str, list, dict)
    modelFailed = Signal(str, str)
    predicted = Signal(int, object)
    modelsListed = Signal(list)
    _loadRequested = Signal(str)
    _predictRequested = Signal()
    _listRequested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: dict[str, Any] = {"scheduled": False}
        self._requests = 0
        self._thread = QThread(self)
        self._thread.setObjectName("digitpad-prediction")
        self._worker = _Worker(self._pending, self._lock)
        self._worker.moveToThread(self._thread)
        # the worker is Python-owned and outlives the thread (a deleteLater run by the finishing
        # thread can race with the Python wrapper being freed; see training_worker.py)
        self._loadRequested.connect(self._worker.load_model)
        self._predictRequested.connect(self._worker.predict_latest)
        self._listRequested.connect(self._worker.list_models)
        for name in ("modelLoaded", "modelFailed", "predicted", "modelsListed"):
            getattr(self._worker, name).connect(getattr(self, name))
        self._thread.start()

    def load_model(self, path: str) -> None:
        """Load a model file in the background; modelLoaded or modelFailed follows."""
        self._loadRequested.emit(path)

    def list_models(self) -> None:
        """List bundled and saved models in the background; modelsListed follows."""
        self._listRequested.emit()

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
        """Stop the thread after the current job; safe to call twice."""
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
