"""PredictionService: loads models in the background and predicts on a worker thread.

The GUI thread hands over canvas arrays as fast as the pen moves; only the newest one waiting
is processed (older ones are dropped), so the bars never lag behind the pen and the GUI thread
never runs torch. torch itself is imported off the GUI thread, after the window is shown.
Results reach the Draw tab as the core's own `Prediction` records, emitted by this service's
signals straight from the prediction thread (Qt queues them to the receivers' GUI thread).

Listing and loading models open files the user put in the library or picked, which might never
answer (a FIFO, a hung network mount). They run as daemon BackgroundCalls, not on the prediction
thread: the model in use keeps predicting while another loads, a newer load overtakes an older
one, and closing the window never waits for a file. A model that cannot be loaded (the core
also refuses one that fails on a test drawing) leaves the previous model in use. A prediction
that fails is reported once (`predictionFailed`) and never retried.

When to decline ("not a digit", View ▸ Not a Digit) is handed over like a request: the GUI
thread sets it under the same lock, and the prediction thread, which alone uses the Predictor,
applies it (Predictor.set_decline) to whichever model is in use before each prediction.

Why not superqt's workers: they run on the global QThreadPool (two threads on a two-core
machine, shared with image decoding and the Train tab's jobs, so a long decode would hold back
the live bars), none keeps "only the newest request", and importing superqt costs about 0.4 s
(its package imports all of its widgets), which would delay the window on start-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from digitpad.core.errors import DigitpadError
from digitpad.core.images import reads_negatives_alike
from digitpad.core.model_library import ModelEntry
from digitpad.gui.workers.background_call import BackgroundCall

if TYPE_CHECKING:  # the core's records, named for readers; importing them would import torch
    from digitpad.core.predictor import Prediction, Predictor

_import_lock = threading.Lock()
STOP_WAIT_S = 5.0  # closing waits this long for a prediction under way, then leaves it


@dataclass(frozen=True)
class LoadedModel:
    """A model taken into use: what the Draw tab shows about it."""

    path: str
    class_names: list[str]
    architecture: str = ""
    dataset: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)  # its accuracy, as saved
    # its preprocessing reads an image and its negative alike (core.images.reads_negatives_alike)
    negatives_alike: bool = True
    declines: bool = False  # it has its own "not a digit" rule (Predictor.can_decline)


@dataclass(frozen=True)
class ExplainWanted:
    """Which explanations the GUI is showing (set_explain); nothing by default."""

    attribution: bool = False
    runner_up: bool = False
    layers: bool = False

    @property
    def anything(self) -> bool:
        return self.attribution or self.layers


@dataclass(frozen=True)
class _LoadResult:
    path: str
    predictor: Predictor | None = None
    error: str = ""  # what a person can act on (CheckpointError.summary)
    detail: str = ""  # the technical reason, when the error leaves it out


def _import_core() -> None:
    """Import the torch-side core once, one thread at a time: listing and loading start
    together on two threads at start-up, and two threads importing torch's circular modules at
    once can each see the other's half-initialised module (an ImportError or AttributeError)."""
    with _import_lock:
        import digitpad.core.checkpoint  # noqa: F401
        import digitpad.core.model_library  # noqa: F401
        import digitpad.core.predictor  # noqa: F401


def _load(path: str) -> _LoadResult:
    """Load `path` (off the GUI thread; imports torch). Predictor.from_file refuses a model
    that fails on a test drawing, so a model taken into use can recognise drawings."""
    try:
        _import_core()
        from digitpad.core.predictor import Predictor

        return _LoadResult(path, Predictor.from_file(path))
    except DigitpadError as exc:
        summary = getattr(exc, "summary", "") or str(exc)
        return _LoadResult(path, error=summary, detail=str(exc) if summary != str(exc) else "")
    except Exception as exc:  # noqa: BLE001 - an unexpected file problem must not kill the app
        return _LoadResult(path, error=f"{path} could not be loaded ({type(exc).__name__}: "
                                       f"{exc}).")


def _list() -> list[ModelEntry]:
    _import_core()
    from digitpad.core.model_library import list_models

    return list_models()


class PredictionService(QObject):
    """Owns the prediction thread. Call from the GUI thread; results arrive as signals."""

    modelLoaded = Signal(object)  # LoadedModel
    # path, message, its technical detail ('' when none); the model in use, if any, stays
    modelFailed = Signal(str, str, str)
    predicted = Signal(int, object)  # request number, core.predictor.Prediction (no_ink: blank)
    predictionFailed = Signal(int, str)  # request number, message
    # request number, core.explain.records.Explanation: after `predicted`, for requests made
    # with explain=True while set_explain() asks for something, unless a newer request waits
    explained = Signal(int, object)
    modelsListed = Signal(list)  # core.model_library.ModelEntry, one per model the app knows
    listingFailed = Signal(str)  # message (the list shown stays)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # shared with the prediction thread, under _wake: the newest request and the model
        self._wake = threading.Condition()
        self._request: tuple[int, np.ndarray, bool] | None = None  # number, image, explain
        self._explain = ExplainWanted()
        self._predictor: Predictor | None = None
        self._decline: tuple[bool, float | None] = (True, None)  # Predictor.set_decline's args
        self._closed = False
        self._requests = 0
        self._loads = 0  # load requests so far; only the latest one's result is used
        self._listings = 0  # the same for listings
        self._thread = threading.Thread(target=self._predict_forever, daemon=True,
                                        name="digitpad-prediction")
        self._thread.start()

    # --- the prediction thread ------------------------------------------------------------
    def _predict_forever(self) -> None:
        """Predict the newest request with the model in use, until shut down."""
        while True:
            with self._wake:
                while self._request is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                (number, image, explain), self._request = self._request, None
                predictor, decline, wanted = self._predictor, self._decline, self._explain
            if predictor is not None:
                prediction = self._predict(predictor, number, image, decline)
                if explain and wanted.anything and prediction is not None:
                    self._explain_it(predictor, number, image, prediction, wanted)

    def _predict(self, predictor: Predictor, number: int, image: np.ndarray,
                 decline: tuple[bool, float | None]) -> Prediction | None:
        try:
            try:
                predictor.set_decline(*decline)  # cheap: it only picks the rule predict applies
                prediction: Prediction = predictor.predict(image)
            except Exception as exc:  # noqa: BLE001 - report once, keep the app alive
                name = getattr(predictor.path, "name", "The model")
                self.predictionFailed.emit(number, f"{name} could not recognise the drawing "
                                                   f"({type(exc).__name__}: {exc}).")
                return None
            self.predicted.emit(number, prediction)
            return prediction
        except RuntimeError:
            return None  # the service was deleted meanwhile (the window closed): nobody to tell

    def _newer_waiting(self) -> bool:
        """A newer drawing waits (or the window closes): an explanation under way gives up."""
        with self._wake:
            return self._request is not None or self._closed

    def _explain_it(self, predictor: Predictor, number: int, image: np.ndarray,
                    prediction: Prediction, wanted: ExplainWanted) -> None:
        """Explain the prediction just shown, unless a newer drawing is already waiting (the
        bars come first; an explanation of a drawing that has changed is worth nothing)."""
        if self._newer_waiting():
            return
        try:
            from digitpad.core.explain.explain import explain

            explanation = explain(predictor, image, prediction, attribution=wanted.attribution,
                                  runner_up=wanted.runner_up, layers=wanted.layers,
                                  cancelled=self._newer_waiting)
        except Exception as exc:  # noqa: BLE001 - the bars are shown; say why, keep going
            from digitpad.core.explain.records import Explanation

            explanation = Explanation(problem=f"{type(exc).__name__}: {exc}")
        try:
            if explanation is not None:
                self.explained.emit(number, explanation)
        except RuntimeError:
            pass  # the window closed meanwhile
    def request_prediction(self, image: np.ndarray, explain: bool = False) -> int:
        """Queue `image` (replacing any not yet started); returns its request number. With
        `explain`, what set_explain() asks for follows as `explained` (pass it for a finished
        drawing, not for every mouse move: explaining takes longer than predicting)."""
        with self._wake:
            self._requests += 1
            self._request = (self._requests, image, explain)
            self._wake.notify()
        return self._requests

    @property
    def requests_made(self) -> int:
        """How many predictions have been requested so far (the last request's number)."""
        with self._wake:
            return self._requests

    def set_explain(self, attribution: bool | None = None, runner_up: bool | None = None,
                    layers: bool | None = None) -> None:
        """What `explained` carries from now on (None leaves a part as it is): the attribution
        for the best guess, also for the runner-up, and the layers' activations."""
        with self._wake:
            old = self._explain
            self._explain = ExplainWanted(
                old.attribution if attribution is None else attribution,
                old.runner_up if runner_up is None else runner_up,
                old.layers if layers is None else layers)

    def set_decline(self, enabled: bool = True, below: float | None = None) -> None:
        """When predictions from now on decline an image (Predictor.set_decline): never, below a
        top probability `below` (0..1), or by the model's own rule; for every model used."""
        with self._wake:
            self._decline = (enabled, below)

    # --- loading and listing (daemon calls) -------------------------------------------------
    def _call(self, function: Callable[[], Any], number: int, done: Callable[[Any], None],
              failed: Callable[[str], None]) -> None:
        call = BackgroundCall(function, self, daemon=True, tag=number)
        call.done.connect(done)  # bound methods of this GUI-thread object: queued to it
        call.failed.connect(failed)
        call.start()

    def _latest(self, newest: int) -> bool:
        """Whether the call reporting is the newest of its kind (and forget it)."""
        call = self.sender()
        if not isinstance(call, BackgroundCall):
            return False
        call.deleteLater()
        return call.tag == newest and not self._closed

    def load_model(self, path: str) -> None:
        """Load a model file in the background; modelLoaded or modelFailed follows (unless a
        later load_model overtakes this one)."""
        self._loads += 1
        self._call(lambda: _load(path), self._loads, self._loaded, self._load_crashed)

    @Slot(object)
    def _loaded(self, result: _LoadResult) -> None:
        if not self._latest(self._loads):
            return  # overtaken by a newer load, or the window is closing
        predictor = result.predictor
        if predictor is None:
            self.modelFailed.emit(result.path, result.error, result.detail)
            return
        with self._wake:  # any prediction handed over from now on uses it
            self._predictor = predictor
        meta = predictor.meta
        prep = meta["preprocess"]  # checked on load (core.model_meta)
        self.modelLoaded.emit(LoadedModel(
            result.path, [str(name) for name in predictor.class_names],
            str(meta.get("architecture", "")), str(meta.get("dataset", "")),
            dict(meta["metrics"]) if isinstance(meta.get("metrics"), dict) else {},
            reads_negatives_alike(prep.get("mode", ""), prep.get("dark_background", False)),
            bool(predictor.can_decline)))

    @Slot(str)
    def _load_crashed(self, message: str) -> None:
        if self._latest(self._loads):
            self.modelFailed.emit("", f"The model could not be loaded ({message}).", "")

    def list_models(self) -> None:
        """List bundled and saved models in the background; modelsListed follows (unless a
        later list_models overtakes this one)."""
        self._listings += 1
        self._call(_list, self._listings, self._listed, self._list_failed)

    @Slot(object)
    def _listed(self, entries: list[ModelEntry]) -> None:
        if self._latest(self._listings):
            self.modelsListed.emit(entries)

    @Slot(str)
    def _list_failed(self, message: str) -> None:
        if self._latest(self._listings):
            self.listingFailed.emit(f"The model library could not be listed ({message}).")

    def shutdown(self) -> None:
        """Stop the prediction thread after the current prediction; safe to call twice.

        Loads and listings still under way are not waited for beyond a moment: a file that never
        answers must not keep the window from closing."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(STOP_WAIT_S)
