"""The real main window (offscreen) with a given model in use, for the latency benchmarks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from digitpad.core.errors import DigitpadError


def open_bench_window(model_path: Path, timeout_s: float = 60.0) -> Any:
    """A shown MainWindow (1000×680) whose Draw tab uses `model_path`; DigitpadError if the
    model does not load within `timeout_s`. Call window.shutdown() when done."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from digitpad.gui.main_window import MainWindow
    from digitpad.gui.workers.gui_thread_gc import collect_on_gui_thread

    app = QApplication.instance() or QApplication([])
    collect_on_gui_thread(app)
    window = MainWindow()
    window.app_kept_alive = app  # the QApplication must outlive the window
    window.resize(1000, 680)
    window.show()
    loop, error = QEventLoop(), []
    window.service.modelLoaded.connect(lambda *_: loop.quit())
    window.service.modelFailed.connect(lambda _, message, *__: (error.append(message),
                                                                loop.quit()))
    guard = QTimer(singleShot=True, interval=int(timeout_s * 1000))
    guard.timeout.connect(lambda: (error.append("timed out"), loop.quit()))
    guard.start()
    window.draw_tab.use_model(str(model_path))
    loop.exec()
    guard.stop()
    if window.draw_tab.model_path != str(model_path):
        window.shutdown()
        raise DigitpadError(f"The window could not load {model_path}: "
                            f"{error[0] if error else 'no answer'}")
    return window
