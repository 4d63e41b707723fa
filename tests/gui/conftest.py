"""GUI test set-up: offscreen by default, and settings that never touch the user's own."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def gui_thread_gc(qapp):  # noqa: ANN001, ANN201
    """As the app does: Python's cycle collector runs on the GUI thread only."""
    from digitpad.gui.workers.gui_thread_gc import collect_on_gui_thread

    return collect_on_gui_thread(qapp)


@pytest.fixture(autouse=True)
def collect_after_each_test(gui_thread_gc):  # noqa: ANN001, ANN201
    """A test that never runs the event loop would never collect: collect (by the usual
    generation thresholds) on the GUI thread after each test."""
    yield
    gui_thread_gc.check()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, qapp):  # noqa: ANN001, ANN201
    """QSettings in a fresh temporary folder for each test."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    QCoreApplication.setOrganizationName("digitpad-test")
    QCoreApplication.setApplicationName("digitpad-test")
    return folder


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(folder))
    return folder


@pytest.fixture
def offline_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder, with every download failing as it does without a network."""
    from digitpad.core import datasets
    from digitpad.core.download import DownloadError

    def offline(*_args: object, **_kwargs: object) -> None:
        raise DownloadError("Could not download (offline).", "no network")

    monkeypatch.setattr(datasets, "download_file", offline)
    folder = tmp_path / "nothing here"
    folder.mkdir()
    return folder


@pytest.fixture
def window(qtbot, library, monkeypatch, isolated_settings):  # noqa: ANN001, ANN201
    """The main window as the app starts it on an empty model library (so the bundled digit
    model): shown at its first-run size, a model loaded; closed after the test. A module can
    override `library` to start it on a library of its own."""
    from tests.gui.helpers import open_main_window

    win = open_main_window(qtbot, library, monkeypatch)
    yield win
    win.close()


@pytest.fixture
def train_tab_ready(window, qtbot):  # noqa: ANN001, ANN201
    """`window` once its Train tab's choices are loaded and Start can be pressed (a few seconds
    more: `pytestmark = pytest.mark.usefixtures("train_tab_ready")` in a module that needs it)."""
    qtbot.waitUntil(window.train_tab.start_button.isEnabled, timeout=60_000)
    return window


@pytest.fixture
def tab(qtbot, library, isolated_settings):
    from digitpad.gui.train.train_tab import TrainTab

    widget = TrainTab()
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.load_choices()
    qtbot.waitUntil(widget.start_button.isEnabled, timeout=60_000)
    yield widget
    assert widget.shutdown()
