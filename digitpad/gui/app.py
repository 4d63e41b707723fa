"""Start the desktop app: show the window first, load torch and the model afterwards."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from digitpad import __version__
from digitpad.desktop_entry import APP_ID
from digitpad.gui.app_icon import app_icon


def run(argv: Sequence[str] | None = None) -> int:
    """Create the application and main window and run the event loop; returns the exit code."""
    app = QApplication.instance() or QApplication(list(argv or sys.argv))
    app.setOrganizationName("digitpad")
    app.setApplicationName("digitpad")
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("digitpad")
    app.setDesktopFileName(APP_ID)  # Wayland matches windows to the installed menu entry
    app.setWindowIcon(app_icon())
    from digitpad.gui.main_window import MainWindow, deferred_start

    window = MainWindow()
    window.show()
    from digitpad.gui import startup_probe  # `digitpad bench startup` only; inert otherwise

    startup_probe.install(window)
    app.aboutToQuit.connect(window.shutdown)  # also when quitting without closing the window
    deferred_start(window)
    return app.exec()
