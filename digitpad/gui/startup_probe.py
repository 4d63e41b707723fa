"""The start-up probe behind `digitpad bench startup`; does nothing unless asked for.

When $DIGITPAD_STARTUP_PROBE holds a launch time (seconds since the epoch, taken by the parent
just before it started this process), the app prints `digitpad-startup <event> <seconds since
launch>` for `window_shown` (the first event-loop turn after show(), when the window has been
laid out and exposed) and `model_loaded` (the Draw tab's model is in, so a drawing can be
recognised), then quits. `model_failed` or `no_model` end the run too.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from digitpad.gui.main_window import MainWindow

ENV = "DIGITPAD_STARTUP_PROBE"
PREFIX = "digitpad-startup"


def install(window: MainWindow) -> None:
    """Report the start-up moments of `window` if $DIGITPAD_STARTUP_PROBE is set."""
    value = os.environ.get(ENV)
    if not value:
        return
    launched = float(value)

    def say(event: str, quit_app: bool = False) -> None:
        print(f"{PREFIX} {event} {time.time() - launched:.4f}", flush=True)
        if quit_app:
            QApplication.quit()

    def listed(entries: list) -> None:  # core.model_library.ModelEntry
        if not any(not entry.problem for entry in entries):
            say("no_model", quit_app=True)

    QTimer.singleShot(0, lambda: say("window_shown"))
    window.service.modelLoaded.connect(lambda *_: say("model_loaded", quit_app=True))
    def failed(path: str, message: str) -> None:
        print(f"{PREFIX} failure: {message}", file=sys.stderr, flush=True)  # says why, in the bench
        say("model_failed", quit_app=True)

    window.service.modelFailed.connect(failed)
    window.service.listingFailed.connect(lambda message: failed("", message))
    window.service.modelsListed.connect(listed)
