"""Run one plain function off the GUI thread and get its result back as a signal.

QThreadPool + QRunnable is Qt's own tool for short one-off jobs; the result crosses back to
the GUI thread through a queued signal of a QObject that lives there. Used for work that would
stall the window, such as the first torch import when listing what can be trained.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class BackgroundCall(QObject):
    """Calls `function()` on the global thread pool; emits `done(result)` or `failed(message)`."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, function: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._function = function
        self._running = False

    def start(self) -> None:
        """Start the call (ignored while one is already running)."""
        if self._running:
            return
        self._running = True
        done, failed, function = self.done, self.failed, self._function

        def job() -> None:
            try:
                result = function()
            except Exception as exc:  # noqa: BLE001 - reported to the GUI, which carries on
                failed.emit(f"{type(exc).__name__}: {exc}")
            else:
                done.emit(result)

        self.done.connect(self._finished)
        self.failed.connect(self._finished)
        QThreadPool.globalInstance().start(QRunnable.create(job))

    def is_running(self) -> bool:
        """True between start() and the result arriving."""
        return self._running

    def _finished(self, *_args: object) -> None:
        self._running = False
        self.done.disconnect(self._finished)
        self.failed.disconnect(self._finished)
