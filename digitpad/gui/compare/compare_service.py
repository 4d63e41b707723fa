"""CompareService: several models predict the same drawing on a thread of their own.

The Compare models dock must never slow the Draw tab's live bars, so it does not share their
PredictionService: it has its own thread and its own Predictors (one per model file, loaded on
that thread the first time a column asks for it, and loaded again when the file changes). The
GUI hands over a drawing with the model paths of the columns; only the newest request waiting is
run (latest wins), and a request under way stops between models when a newer one arrives or
`cancel()` says a new stroke has begun. Each column's answer is emitted as soon as it is ready,
as a `ColumnAnswer` carrying the core's own Prediction record (Qt queues it to the GUI thread).

torch is imported on this thread (or by the listing's daemon call), never on the GUI thread;
core records are named here only for type checkers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from digitpad.gui.workers.background_call import BackgroundCall

# the Draw tab's service's import of the core, under its lock: two threads importing torch at
# once can see each other's half-initialised modules
from digitpad.gui.workers.prediction_service import _import_core

if TYPE_CHECKING:  # importing them would import torch
    from digitpad.core.model_library import ModelEntry
    from digitpad.core.predictor import Prediction, Predictor

STOP_WAIT_S = 5.0  # shutdown waits this long for a prediction under way, then leaves it


@dataclass(frozen=True)
class ColumnAnswer:
    """One column's model on one request's drawing: its prediction, or why there is none."""

    number: int  # the request
    column: int
    path: str
    prediction: Prediction | None = None  # None: the model could not be loaded or failed
    error: str = ""  # what went wrong, in words a person can act on
    architecture: str = ""


class _Queue:
    """What the GUI thread and the compare thread share, under one condition: the newest
    request, cancellation and closing. A plain object, so it can be closed while its QObject is
    being destroyed."""

    def __init__(self) -> None:
        self.wake = threading.Condition()
        self.request: tuple[int, np.ndarray, tuple[str, ...]] | None = None
        self.requests = 0  # handed over so far (the newest one's number)
        self.cancelled = 0  # requests up to this number are not worth finishing
        self.decline: tuple[bool, float | None] = (True, None)  # Predictor.set_decline's args
        self.closed = False

    def close(self, *_args: object) -> None:
        with self.wake:
            self.closed = True
            self.wake.notify()

    def overtaken(self, number: int) -> bool:
        with self.wake:
            return self.closed or self.request is not None or number <= self.cancelled


class _Models:
    """The compare thread's Predictors by file, each with the file's stat when loaded: a file
    saved again (a model retrained under the same name) is loaded again; one that failed is not
    retried until it changes."""

    def __init__(self) -> None:
        self._loaded: dict[str, tuple[tuple[int, int], Predictor | str]] = {}

    def get(self, path: str) -> Predictor | str:
        """The Predictor for `path`, or the reason it cannot be used."""
        try:
            info = os.stat(path)
            key = (info.st_mtime_ns, info.st_size)
        except OSError as exc:
            return f"{os.path.basename(path)} cannot be opened ({exc.strerror or exc})."
        cached = self._loaded.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        result = _load(path)
        self._loaded[path] = (key, result)
        return result

    def keep_only(self, paths: Sequence[str]) -> None:
        """Forget the models no column uses any more (their memory goes with them)."""
        for path in [p for p in self._loaded if p not in paths]:
            del self._loaded[path]


def _load(path: str) -> Predictor | str:
    """Load `path` (imports torch): Predictor.from_file also refuses a model that fails on a
    test drawing, so a column's model can recognise drawings."""
    try:
        _import_core()
        from digitpad.core.errors import DigitpadError
        from digitpad.core.predictor import Predictor

        try:
            return Predictor.from_file(path)
        except DigitpadError as exc:
            return getattr(exc, "summary", "") or str(exc)
    except Exception as exc:  # noqa: BLE001 - an odd file must not stop the comparing
        return f"{os.path.basename(path)} could not be loaded ({type(exc).__name__}: {exc})."


def _list() -> list[ModelEntry]:
    _import_core()
    from digitpad.core.model_library import list_models

    return list_models()


class CompareService(QObject):
    """Owns the compare thread. Call from the GUI thread; answers arrive as `answered`."""

    answered = Signal(object)  # ColumnAnswer, one per column of a request (fewer if overtaken)
    modelsListed = Signal(list)  # core.model_library.ModelEntry, one per model the app knows
    listingFailed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue = _Queue()
        self._listings = 0
        queue = self._queue
        self.destroyed.connect(queue.close)  # the thread ends with its service, whoever owns it
        self._thread = threading.Thread(target=self._compare_forever, args=(queue,),
                                        daemon=True, name="digitpad-compare")
        self._thread.start()

    # --- the compare thread -----------------------------------------------------------------
    def _compare_forever(self, queue: _Queue) -> None:
        models = _Models()
        while True:
            with queue.wake:
                while queue.request is None and not queue.closed:
                    queue.wake.wait()
                if queue.closed:
                    return
                (number, image, paths), queue.request = queue.request, None
                decline = queue.decline
            models.keep_only(paths)
            for column, path in enumerate(paths):
                if queue.overtaken(number):
                    break  # a newer drawing waits, or a new stroke began
                if not path:
                    continue  # an empty column
                if not self._emit(self._answer(models, number, column, path, image, decline)):
                    return  # the service was deleted meanwhile

    @staticmethod
    def _answer(models: _Models, number: int, column: int, path: str, image: np.ndarray,
                decline: tuple[bool, float | None]) -> ColumnAnswer:
        predictor = models.get(path)
        if isinstance(predictor, str):
            return ColumnAnswer(number, column, path, error=predictor)
        architecture = str(predictor.meta.get("architecture", ""))
        try:
            predictor.set_decline(*decline)
            prediction = predictor.predict(image)
        except Exception as exc:  # noqa: BLE001 - one column fails, the others go on
            return ColumnAnswer(number, column, path, error=(
                f"{os.path.basename(path)} could not recognise the drawing "
                f"({type(exc).__name__}: {exc})."), architecture=architecture)
        return ColumnAnswer(number, column, path, prediction, architecture=architecture)

    def _emit(self, answer: ColumnAnswer) -> bool:
        try:
            self.answered.emit(answer)
            return True
        except RuntimeError:
            return False

    # --- the GUI thread -----------------------------------------------------------------------
    def request(self, image: np.ndarray, paths: Sequence[str]) -> int:
        """Compare `image` with the model in each of `paths` ('' for an empty column),
        replacing any request not yet started; returns the request's number."""
        with self._queue.wake:
            self._queue.requests += 1
            self._queue.request = (self._queue.requests, image, tuple(paths))
            self._queue.wake.notify()
            return self._queue.requests

    @property
    def requests(self) -> int:
        """How many requests were made so far (the newest one's number)."""
        with self._queue.wake:
            return self._queue.requests

    def cancel(self) -> None:
        """Drop the request waiting, and stop the one under way after its current model (the
        drawing is changing: its answers would be out of date at once)."""
        with self._queue.wake:
            self._queue.request = None
            self._queue.cancelled = self._queue.requests

    def set_decline(self, enabled: bool = True, below: float | None = None) -> None:
        """When the columns' models decline a drawing (Predictor.set_decline), from the next
        request on: as the Draw tab's View ▸ Not a Digit says."""
        with self._queue.wake:
            self._queue.decline = (enabled, below)

    def list_models(self) -> None:
        """List bundled and saved models in the background; modelsListed follows (unless a
        later list_models overtakes this one)."""
        self._listings += 1
        call = BackgroundCall(_list, self, daemon=True, tag=self._listings)
        call.done.connect(self._listed)
        call.failed.connect(self._list_failed)
        call.start()

    def _latest_listing(self) -> bool:
        call = self.sender()
        if not isinstance(call, BackgroundCall):
            return False
        call.deleteLater()
        return call.tag == self._listings and not self._queue.closed

    @Slot(object)
    def _listed(self, entries: list[Any]) -> None:
        if self._latest_listing():
            self.modelsListed.emit(entries)

    @Slot(str)
    def _list_failed(self, message: str) -> None:
        if self._latest_listing():
            self.listingFailed.emit(f"The model library could not be listed ({message}).")

    def shutdown(self) -> None:
        """Stop the compare thread after the model under way; safe to call twice."""
        self._queue.close()
        self._thread.join(STOP_WAIT_S)
