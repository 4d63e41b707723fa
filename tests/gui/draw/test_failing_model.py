"""Models that fail or never load, in the real window: a failure is reported once and never
retried in a loop, a model that cannot recognise a drawing never replaces the working one, and a
load that never returns neither stops the model in use nor keeps the window from closing."""

from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.gui.helpers import draw_digit, open_main_window, shown_label, stroke

BUNDLED = Path(__file__).resolve().parents[3] / "resources" / "models" / "digits.pt"


@pytest.fixture(autouse=True)
def no_train_choices(monkeypatch):  # noqa: ANN001, ANN201
    """The Train tab's choices are not needed, and computing them would keep the CPU busy (before
    `window` opens: autouse fixtures come first)."""
    from digitpad.gui.train.train_tab import TrainTab

    monkeypatch.setattr(TrainTab, "load_choices", lambda self: None)


def still_draws_and_closes_at_once(window, qtbot) -> None:  # noqa: ANN001
    """The model in use still reads a drawn 1, and the window closes within 2 s."""
    draw_digit(window.draw_tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=5_000)
    began = time.monotonic()
    window.close()
    assert time.monotonic() - began < 2.0
    assert not window.isVisible()


def failing_predictions(monkeypatch, only: str | None = None) -> list[str]:
    """Make Predictor.predict raise (for files named `only`, or for every model); returns the
    list that each failing call is recorded in."""
    from digitpad.core.predictor import Predictor

    real = Predictor.predict
    calls: list[str] = []

    def predict(self, image):
        if only is None or (self.path is not None and self.path.name == only):
            calls.append(str(self.path))
            raise RuntimeError("this model cannot predict")
        return real(self, image)

    monkeypatch.setattr(Predictor, "predict", predict)
    return calls


def idle_cpu_seconds(qtbot, ms: int) -> float:
    """CPU time this process spends while the event loop idles for `ms` milliseconds."""
    before = time.process_time()
    qtbot.wait(ms)  # nothing is expected to happen: there is no signal to wait for
    return time.process_time() - before


def test_a_model_that_fails_on_every_drawing_is_refused_and_the_previous_one_stays(
        window, qtbot, tmp_path, monkeypatch):
    tab = window.draw_tab
    before = tab.model_path
    failing = tmp_path / "failing.pt"
    shutil.copy(BUNDLED, failing)
    calls = failing_predictions(monkeypatch, only="failing.pt")
    with qtbot.waitSignal(window.service.modelFailed, timeout=30_000) as failed:
        tab.use_model(str(failing))
    assert "failing.pt" in failed.args[1] and "cannot be used" in failed.args[1]
    assert tab.model_path == before  # the working model is still the one in use
    assert tab.messages.isVisible() and "failing.pt" in tab.messages.text()
    assert idle_cpu_seconds(qtbot, 600) < 0.3  # a blank canvas costs nothing
    assert len(calls) == 1  # the test prediction on opening it; never retried
    draw_digit(tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)
    assert len(calls) == 1


@pytest.mark.parametrize("change", [{"mode": "bogus"}, {"channels": 3}],
                         ids=["unknown preprocess mode", "channels do not match"])
def test_a_real_file_that_would_fail_on_every_drawing(window, qtbot, tmp_path, change):
    import torch

    payload = torch.load(BUNDLED, weights_only=True)
    payload["meta"]["preprocess"].update(change)
    bad = tmp_path / "would-fail.pt"
    torch.save(payload, bad)
    tab = window.draw_tab
    before = tab.model_path
    with qtbot.waitSignal(window.service.modelFailed, timeout=30_000) as failed:
        tab.use_model(str(bad))
    assert "would-fail.pt" in failed.args[1]
    assert tab.model_path == before and "would-fail.pt" in tab.messages.text()
    assert idle_cpu_seconds(qtbot, 600) < 0.3
    draw_digit(tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)


def test_a_prediction_that_fails_is_reported_once_and_not_retried(window, qtbot, monkeypatch):
    tab = window.draw_tab
    calls = failing_predictions(monkeypatch)  # the model in use fails from now on
    # Waited on as a condition, not with qtbot.waitSignal: the failure is emitted from the
    # prediction thread once per drawing change, and a queued emission reaching a finished
    # waitSignal blocker's Python slot crashed the test process (SIGSEGV in pytest-qt's
    # _quit_loop_by_signal), about one run in three.
    draw_digit(tab.canvas, "1")
    qtbot.waitUntil(lambda: "could not recognise" in tab.messages.text(), timeout=10_000)
    assert tab.messages.isVisible() and tab.label.text() == "No prediction"
    assert shown_label(window) is None
    made = len(calls)
    assert 1 <= made <= 10  # at most one per drawing change handed over, nothing more
    assert idle_cpu_seconds(qtbot, 600) < 0.3
    assert len(calls) == made  # idling asks for nothing
    stroke(tab.canvas, [(0.3, 0.5), (0.7, 0.5)])  # the next drawing asks again, once
    qtbot.waitUntil(lambda: len(calls) > made, timeout=5_000)
    assert tab.model_path  # the model stays in use


def test_a_model_load_that_never_returns_does_not_block_drawing_or_closing(
        window, qtbot, tmp_path, monkeypatch):
    from digitpad.core.predictor import Predictor

    release = threading.Event()
    real = Predictor.from_file.__func__

    def from_file(cls, path):
        if Path(path).name == "stuck.pt":
            release.wait(30)
        return real(cls, path)

    monkeypatch.setattr(Predictor, "from_file", classmethod(from_file))
    safety = threading.Timer(8, release.set)  # the old code would hang forever: fail instead
    safety.start()
    tab = window.draw_tab
    before = tab.model_path
    try:
        tab.use_model(str(tmp_path / "stuck.pt"))
        assert tab.label.text() == "Loading model…"
        still_draws_and_closes_at_once(window, qtbot)  # the model in use recognises meanwhile
        assert tab.model_path == before
    finally:
        release.set()
        safety.cancel()
    from digitpad.gui.workers.background_call import wait_for_daemons

    assert wait_for_daemons(30)


def _release_fifo(path: Path) -> None:
    """Let a reader blocked in opening the FIFO `path` go on (it then reads end of file)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    except OSError as exc:  # no reader waiting
        assert exc.errno == errno.ENXIO


@contextmanager
def releasing_readers(fifo: Path) -> Iterator[None]:
    """Whatever the block does, every reader it left blocked on `fifo` is let go before the
    test ends (for up to 10 s), so no daemon thread outlives the test."""
    from digitpad.gui.workers.background_call import wait_for_daemons

    try:
        yield
    finally:
        deadline = time.monotonic() + 10
        while not wait_for_daemons(0.2) and time.monotonic() < deadline:
            _release_fifo(fifo)


def test_opening_a_fifo_as_a_model_never_hangs_the_window(window, qtbot, tmp_path):
    from digitpad.gui.workers.background_call import wait_for_daemons

    fifo = tmp_path / "fifo.pt"
    os.mkfifo(fifo)
    tab = window.draw_tab
    before = tab.model_path
    with releasing_readers(fifo):
        tab.use_model(str(fifo))  # refused at once, or stuck: either way the window carries on
        still_draws_and_closes_at_once(window, qtbot)
        assert tab.model_path == before
    assert wait_for_daemons(5)


def test_a_fifo_in_the_library_is_listed_as_unusable(qtbot, library, monkeypatch):
    library.mkdir(parents=True)
    fifo = library / "fifo.pt"
    os.mkfifo(fifo)
    (library / "link-to-fifo.pt").symlink_to(fifo)
    with releasing_readers(fifo):
        window = open_main_window(qtbot, library, monkeypatch)  # the bundled model loads
        picker = window.draw_tab.picker
        for name in ("fifo.pt", "link-to-fifo.pt"):
            index = picker.findData(str(library / name))
            assert index >= 0 and not picker.model().item(index).isEnabled()
        still_draws_and_closes_at_once(window, qtbot)
