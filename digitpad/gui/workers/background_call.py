"""Run one plain function off the GUI thread and get its result back as a signal.

QThreadPool + QRunnable is Qt's own tool for short one-off jobs; the result crosses back to
the GUI thread through a queued signal of a QObject that lives there. Used for work that would
stall the window, such as the first torch import when listing what can be trained.

A job that might never return (opening a model file the user chose, which could be a FIFO or a
hung network mount) runs with `daemon=True` on a Python daemon thread instead: Qt waits for every
pool job when the application ends, and a QThread still running then aborts the process, while a
daemon thread is simply left behind. `wait_for_daemons` gives such jobs a bounded time to end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_daemons: set[threading.Thread] = set()
_daemons_lock = threading.Lock()


def wait_for_daemons(timeout_s: float) -> bool:
    """Wait up to `timeout_s` in all for daemon calls to end; True when none is left."""
    deadline = time.monotonic() + timeout_s
    with _daemons_lock:
        threads = list(_daemons)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in threads)


class BackgroundCall(QObject):
    """Calls `function()` off the GUI thread; emits `done(result)` or `failed(message)`.

    `tag` is the caller's own note of what the call is for (a request number, a file name),
    read back from `self.sender().tag` by the slot that receives the result."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, function: Callable[[], Any], parent: QObject | None = None,
                 daemon: bool = False, tag: object = None) -> None:
        super().__init__(parent)
        self.tag = tag
        self._function = function
        self._daemon = daemon
        self._running = False

    def start(self) -> None:
        """Start the call (ignored while one is already running)."""
        if self._running:
            return
        self._running = True
        done, failed, function = self.done, self.failed, self._function

        def job() -> None:
            try:
                try:
                    result = function()
                except Exception as exc:  # noqa: BLE001 - reported to the GUI, which carries on
                    failed.emit(f"{type(exc).__name__}: {exc}")
                else:
                    done.emit(result)
            except RuntimeError:
                pass  # the receiver was deleted meanwhile (the window closed): nobody to tell
            finally:
                with _daemons_lock:
                    _daemons.discard(threading.current_thread())

        self.done.connect(self._finished)
        self.failed.connect(self._finished)
        if self._daemon:
            thread = threading.Thread(target=job, name="digitpad-background", daemon=True)
            with _daemons_lock:
                _daemons.add(thread)
            thread.start()
        else:
            QThreadPool.globalInstance().start(QRunnable.create(job))

    def is_running(self) -> bool:
        """True between start() and the result arriving."""
        return self._running

    def _finished(self, *_args: object) -> None:
        self._running = False
        self.done.disconnect(self._finished)
        self.failed.disconnect(self._finished)
