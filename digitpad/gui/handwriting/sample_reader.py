"""SampleReader: asks the model in use what it reads in each kept sample, one at a time.

It borrows the Draw tab's PredictionService, which keeps only the newest request waiting (older
ones are dropped): so one sample is handed over at a time, the next when its answer comes. An
answer to a later request than ours means ours was overtaken (the Draw tab asked meanwhile), and
it is asked again; with no model loaded the service answers nothing, so after READ_TIMEOUT_MS a
sample counts as not read (it is then simply asked for again, as a misread one is).
"""

from __future__ import annotations

from collections import deque

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from digitpad.gui.workers.prediction_service import PredictionService

READ_TIMEOUT_MS = 15_000
MAX_RETRIES = 5  # overtaken this often in a row (the Draw tab busy): counted as not read


class SampleReader(QObject):
    """Queue samples with `ask`; `read(key, right)` follows for each, `idle` when all are."""

    read = Signal(str, bool)  # sample key, whether the model's answer was its digit
    idle = Signal()  # every sample asked about has its answer

    def __init__(self, service: PredictionService | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._queue: deque[tuple[str, str, np.ndarray]] = deque()
        self._asking: tuple[str, str, np.ndarray] | None = None
        self._number = 0
        self._retries = 0
        self._timer = QTimer(self, singleShot=True, interval=READ_TIMEOUT_MS)
        self._timer.timeout.connect(self._gave_up)
        if service is not None:
            service.predicted.connect(self._predicted)
            service.predictionFailed.connect(self._failed)

    def busy(self) -> bool:
        """Whether a sample is waiting for its answer."""
        return self._asking is not None

    def ask(self, key: str, digit: str, image: np.ndarray) -> None:
        """Have the model read `image`, a sample of `digit` saved as `key`."""
        if self.service is None:
            self.read.emit(key, False)
            return
        self._queue.append((key, digit, image))
        if self._asking is None:
            self._next()

    def forget(self) -> None:
        """Drop every question not answered yet (a new session, or the session stopped)."""
        self._queue.clear()
        self._asking = None
        self._timer.stop()

    def _next(self) -> None:
        if not self._queue:
            self._asking = None
            self.idle.emit()
            return
        self._asking = self._queue.popleft()
        self._retries = 0
        self._send()

    def _send(self) -> None:
        self._number = self.service.request_prediction(self._asking[2])
        self._timer.start()

    def _answer(self, right: bool) -> None:
        key = self._asking[0]
        self._timer.stop()
        self.read.emit(key, right)
        self._next()

    @Slot(int, object)
    def _predicted(self, number: int, prediction: object) -> None:
        if self._asking is None or number < self._number:
            return
        if number > self._number:  # ours was dropped for a newer request: ask again
            self._retries += 1
            if self._retries > MAX_RETRIES:
                self._answer(False)
            else:
                self._send()
            return
        self._answer(getattr(prediction, "label", None) == self._asking[1])

    @Slot(int, str)
    def _failed(self, number: int, _message: str) -> None:
        if self._asking is not None and number == self._number:
            self._answer(False)

    @Slot()
    def _gave_up(self) -> None:
        if self._asking is not None:
            self._answer(False)
