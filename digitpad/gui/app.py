"""Start the desktop app: show the window first, load torch and the model afterwards."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from digitpad import __version__
from digitpad.core.errors import DigitpadError
from digitpad.desktop_entry import APP_ID
from digitpad.gui.app_icon import app_icon
from digitpad.gui.workers.gui_thread_gc import collect_on_gui_thread


def run(argv: Sequence[str] | None = None) -> int:
    """Create the application and main window and run the event loop; returns the exit code.

    Raises DigitpadError, before Qt would abort the process, when the platform plugin Qt is
    going to load cannot load the system libraries it links (named, with the install line).
    """
    arguments = list(argv or sys.argv)
    if QApplication.instance() is None:
        from digitpad.gui.platform_libraries import startup_problem

        problem = startup_problem(argv=arguments)
        if problem:
            raise DigitpadError(problem)
    app = QApplication.instance() or QApplication(arguments)
    app.setOrganizationName("digitpad")
    app.setApplicationName("digitpad")
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("digitpad")
    app.setDesktopFileName(APP_ID)  # Wayland matches windows to the installed menu entry
    app.setWindowIcon(app_icon())
    collect_on_gui_thread(app)  # worker threads never run Python's cycle collector
    from digitpad.gui.main_window import MainWindow, deferred_start

    window = MainWindow()
    window.show()
    from digitpad.gui import startup_probe  # `digitpad bench startup` only; inert otherwise

    startup_probe.install(window)
    app.aboutToQuit.connect(window.shutdown)  # also when quitting without closing the window
    deferred_start(window)
    return app.exec()
