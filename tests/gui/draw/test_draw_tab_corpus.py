"""The Draw tab opening every awkward image in the corpus, as a person would, one after another:
the right digit, a cleared guess for a blank picture, or a clear message with the drawing kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QThreadPool

from tests.gui.helpers import draw_digit, shown_label
from tests.image_corpus import NO_INK, build_corpus, mnist_seven


@pytest.fixture(scope="module")
def corpus(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> list:
    return build_corpus(tmp_path_factory.mktemp("gui-corpus"), mnist_seven(shared_data))


def test_every_corpus_file_on_the_draw_tab(window, qtbot, corpus):
    tab = window.draw_tab
    wrong = {}
    for case in corpus:
        tab.clear_button.click()
        draw_digit(tab.canvas, "0")  # something on the canvas that each file replaces, or not
        qtbot.waitUntil(lambda: shown_label(window) == "0", timeout=10_000)
        with qtbot.waitSignal(tab.openFinished, timeout=60_000) as opened:
            tab.open_file(str(case.path))
        error = opened.args[1]
        if case.is_error:
            ok = (case.path.name in error and all(w in error.lower() for w in case.words)
                  and tab.messages.isVisible() and case.path.name in tab.messages.text()
                  and shown_label(window) == "0")  # the drawing and its guess are kept
            if not ok:
                wrong[case.name] = error or "no error"
            continue
        if error:
            wrong[case.name] = error
            continue
        want = None if case.expect == NO_INK else case.expect
        try:
            qtbot.waitUntil(lambda want=want: shown_label(window) == want, timeout=10_000)
        except AssertionError:
            wrong[case.name] = f"shows {shown_label(window)}"
    assert not wrong, wrong
    # and the app still works: draw a digit by hand
    tab.clear_button.click()
    draw_digit(tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)


def test_a_huge_image_is_decoded_off_the_gui_thread(window, qtbot, corpus):
    tab = window.draw_tab
    huge = next(case for case in corpus if case.path.name == "huge.png")
    draw_digit(tab.canvas, "0")
    qtbot.waitUntil(lambda: shown_label(window) == "0", timeout=10_000)
    finished: list = []
    tab.openFinished.connect(lambda *args: finished.append(args))
    tab.open_file(str(huge.path))
    # open_file came back at once: the drawing is still there and decoding goes on elsewhere
    assert not finished and shown_label(window) == "0"
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    assert finished == [(str(huge.path), "")]
    qtbot.waitUntil(lambda: shown_label(window) == "7", timeout=10_000)


def test_only_the_last_of_several_quickly_opened_files_is_shown(window, qtbot, corpus):
    tab = window.draw_tab
    by_name = {case.path.name: case for case in corpus}
    finished: list = []
    tab.openFinished.connect(lambda *args: finished.append(args))
    tab.open_file(str(by_name["huge.png"].path))
    tab.open_file(str(by_name["sliver.png"].path))
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    assert finished == [(str(by_name["sliver.png"].path), "")]
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)
    # the huge file's decoding ends later; its result, already overtaken, is dropped
    assert QThreadPool.globalInstance().waitForDone(60_000)
    QCoreApplication.processEvents()  # deliver the queued result
    assert len(finished) == 1 and shown_label(window) == "1"
