"""Issue 12 item 16: Fashion-MNIST missing and no network. The message says so in words (no
"[Errno -2] Name or service not known", no command-line "--data-dir"), no empty
FashionMNIST/raw/ folder is left behind, and choosing the right folder starts the run at once."""

from __future__ import annotations

import socket
import urllib.error

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from digitpad.core.records import Started


def test_offline_missing_dataset_then_choosing_the_folder_starts_at_once(tab, qtbot, tmp_path,
                                                                         monkeypatch,
                                                                         shared_data):
    from digitpad.core import download

    def offline(url, part, progress, timeout):  # what urllib raises with no network
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr(download, "_fetch", offline)
    empty = tmp_path / "data"
    empty.mkdir()
    tab.apply_settings({"dataset": "fashion-mnist", "data_dir": str(empty), "model": "mlp",
                        "epochs": 1, "limit": 1000, "save_name": "offline"})
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    text = tab.messages.text()
    assert "no network" in text and "Errno" not in text and "--data-dir" not in text
    assert list(empty.iterdir()) == []  # no empty FashionMNIST/raw/ left behind
    button = tab.messages.action_button()
    assert button.isVisible() and button.text() == "Choose folder…"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(shared_data))
    with qtbot.waitSignal(tab.run.record, timeout=60_000,  # no second press of Start
                          check_params_cb=lambda r: isinstance(r, Started)):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
