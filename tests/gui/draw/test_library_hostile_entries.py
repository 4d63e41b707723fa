"""The Draw tab with a hostile model library (issue 11): a FIFO, broken links, loops and files
with odd metadata are listed as unusable, the bundled models stay usable, nothing hangs, and a
model that would fail every prediction is refused when picked (the working one stays)."""

from __future__ import annotations

import os

import pytest

from tests.core.hostile_files import (
    build_hostile_library,
    edited_model,
    set_meta,
    unblock_fifo,
)
from tests.gui.helpers import draw_digit, open_main_window, shown_label


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_a_hostile_library_lists_bad_entries_as_unusable_and_nothing_hangs(
        qtbot, tmp_path, monkeypatch, request):
    library = tmp_path / "models"
    expected = build_hostile_library(library)
    # (the old code blocked its prediction thread opening the FIFO: let it go at the end)
    request.addfinalizer(lambda: unblock_fifo(library / "pipe.pt"))
    window = open_main_window(qtbot, library, monkeypatch)  # the bundled digits model loads
    picker = window.draw_tab.picker
    models = lambda: [i for i in range(picker.count()) if picker.itemData(i)]  # noqa: E731
    qtbot.waitUntil(lambda: len(models()) == 2 + len(expected), timeout=10_000)  # + headers
    assert window.draw_tab.model_path.endswith("digits.pt")
    items = {picker.itemText(i).split(" (")[0]: picker.model().item(i) for i in models()}
    for name in ("digits", "fashion", "good"):
        assert items[name].isEnabled(), name
    for name, says in expected.items():
        if says:
            matching = [item for text, item in items.items() if text == name]
            assert matching and not matching[0].isEnabled(), name
            assert says in matching[0].text() or says in (matching[0].toolTip() or ""), name
    draw_digit(window.draw_tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)
    window.close()  # the old code hung here, waiting for the blocked thread


def test_a_model_that_fails_every_prediction_is_refused_and_the_working_one_stays(
        qtbot, tmp_path, monkeypatch):
    window = open_main_window(qtbot, tmp_path / "models", monkeypatch)
    before = window.draw_tab.model_path
    bad = edited_model(tmp_path / "sharpen.pt", set_meta("preprocess.mode", "sharpen"))
    with qtbot.waitSignal(window.service.modelFailed, timeout=10_000):
        window.draw_tab.use_model(str(bad))
    assert window.draw_tab.model_path == before
    assert "sharpen.pt" in window.draw_tab.messages.text()
    assert "preprocess.mode" in window.draw_tab.messages.text()
    draw_digit(window.draw_tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)
    window.close()
