"""Quitting while a real MNIST training runs: close the window, "Stop the training and quit?"
→ Yes, and the window is gone within 2 s (it used to hang up to 10 s while the stopped run was
evaluated on the validation and test sets before it was saved)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from digitpad.core.records import Steps


def _answer_when_asked(qtbot, button: QMessageBox.StandardButton, seen: dict) -> None:  # noqa: ANN001
    """Once the question box is up, click `button` on it with the mouse (from inside its loop)."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen["text"] = box.text()
        seen["clicked"] = time.monotonic()
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def _start_full_mnist(window, qtbot, shared_data: Path, **changes: object):  # noqa: ANN001, ANN202
    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(tab.start_button.isEnabled, timeout=60_000)
    tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "digitnet",
                        "save_name": "quit test", **changes})
    with qtbot.waitSignal(tab.run.record, timeout=120_000,
                          check_params_cb=lambda r: isinstance(r, Steps)):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    return tab


class _WhenHidden(QObject):
    """Notes the moment a widget is hidden (the window vanishing from the screen)."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Hide and self.at is None:
            self.at = time.monotonic()
        return False


@pytest.mark.slow
def test_quitting_during_training_then_yes_closes_within_two_seconds(window, qtbot, shared_data):
    tab = _start_full_mnist(window, qtbot, shared_data)
    hidden = _WhenHidden()
    window.installEventFilter(hidden)
    seen: dict = {}
    _answer_when_asked(qtbot, QMessageBox.StandardButton.Yes, seen)
    window.close()  # the title bar's close button (what File ▸ Quit does too)
    assert "Stop the training and quit?" in seen["text"]
    assert not window.isVisible() and hidden.at is not None
    took = hidden.at - seen["clicked"]
    assert took < 2.0, f"the window took {took:.1f} s to close after Yes"
    # and closing still waited for the stopped run to save its weights: nothing is lost
    assert not tab.is_training()
    library = Path(os.environ["DIGITPAD_MODEL_DIR"])
    assert [p.name for p in library.glob("*.pt")] == ["quit-test.pt"]


@pytest.mark.slow
def test_no_keeps_the_training_running(window, qtbot, shared_data):
    tab = _start_full_mnist(window, qtbot, shared_data, limit=6000)
    seen: dict = {}
    _answer_when_asked(qtbot, QMessageBox.StandardButton.No, seen)
    window.close()  # the title bar's close button (what File ▸ Quit does too)
    assert window.isVisible() and tab.is_training()
    step = tab.progress.value()
    qtbot.waitUntil(lambda: tab.progress.value() > step, timeout=30_000)
    with qtbot.waitSignal(tab.run.ended, timeout=120_000):  # (pytest-qt closes the window next)
        qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
