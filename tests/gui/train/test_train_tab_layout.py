"""Issue 12 item 9: messages neither move the Train tab's controls nor cover them. A banner that
appeared at Start once pushed the buttons down under the mouse, so a click meant for Pause hit
Save as; the floating banner that replaced it then lay over the progress bar during a run (only
a 2-px strip showed, even while paused), and at 880×640 a two-line "Stopped: …" hid half of the
Dataset row. The messages now have a fixed room of their own, kept while no message shows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from digitpad.core.records import Finished, Notice, Paused


def _rect(widget: QWidget, tab: QWidget) -> QRect:
    return QRect(widget.mapTo(tab, QPoint(0, 0)), widget.size())


def _places(tab) -> dict[str, QRect]:  # noqa: ANN001
    widgets = {"start": tab.start_button, "pause": tab.pause_button, "stop": tab.stop_button,
               "save as": tab.form.save_name, "dataset": tab.form.dataset,
               "loss chart": tab.loss_chart, "progress bar": tab.progress.bar}
    return {name: _rect(w, tab) for name, w in widgets.items()}


def _settled(tab) -> dict[str, QRect]:  # noqa: ANN001
    """_places once the layout has taken the posted resize and layout requests (the same twice
    over a round of events; a window just resized has some pending)."""
    places = None
    for _ in range(20):
        QApplication.processEvents()
        now = _places(tab)
        if now == places:
            return now
        places = now
    raise AssertionError("the Train tab's layout never settled")


def covered(tab) -> list[str]:  # noqa: ANN001
    """The visible widgets of `tab` whose on-screen part (clipped by every widget they lie in,
    e.g. the form's scroll area) overlaps the message shown: [] when nothing is hidden."""
    bar = tab.messages
    assert bar.isVisible()
    area = _rect(bar, tab)
    hits = []
    for widget in tab.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or widget is bar or bar.isAncestorOf(
                widget):
            continue
        seen, parent = _rect(widget, tab), widget.parentWidget()
        while parent is not None and parent is not tab:
            seen = seen.intersected(_rect(parent, tab))
            parent = parent.parentWidget()
        if seen.intersects(area):
            name = getattr(widget, "text", lambda: "")() if hasattr(widget, "text") else ""
            hits.append(f"{type(widget).__name__} {name!r}".strip())
    return hits


def _dismiss(bar) -> QToolButton:  # noqa: ANN001
    return bar.findChildren(QToolButton)[-1]  # ✕


def test_a_dataset_message_at_start_moves_no_control(tab, qtbot, tmp_path):
    tab.apply_settings({"dataset": str(tmp_path / "no such images"), "model": "mlp"})
    before = _places(tab)
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.messages.isVisible)
    assert _places(tab) == before and covered(tab) == []
    qtbot.mouseClick(_dismiss(tab.messages), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.messages.isVisible())
    assert _places(tab) == before


def test_long_and_short_messages_move_and_cover_nothing(tab, qtbot):
    before, bar = _places(tab), tab.messages
    long_text = "A long error. " * 30 + "The end."
    for text, error in (("Loading mnist…", False), (long_text, True), ("Done.", False)):
        bar.show_message(text, error=error)
        qtbot.waitUntil(bar.isVisible)
        assert _places(tab) == before, text
        assert covered(tab) == [], text
        assert bar.text() == text  # all of it is kept
        assert bar.is_elided() == (text is long_text)
        assert bar.more_button().isVisible() == (text is long_text)
    # the whole of a long message: its tooltip, and More… shows it in a box
    bar.show_message(long_text, error=True)
    assert "The end." in bar._label.toolTip() and "The end." not in bar._label.shown_text()
    qtbot.mouseClick(bar.more_button(), Qt.MouseButton.LeftButton)
    box = next(w for w in tab.findChildren(QWidget) if w.objectName() == "whole message")
    qtbot.waitUntil(box.isVisible)
    assert box.text() == long_text
    box.close()
    bar.clear()
    assert _places(tab) == before


@pytest.mark.parametrize("size", [(880, 640), (1920, 1080)])
def test_run_messages_cover_nothing(window, qtbot, shared_data, size):
    """A real run, as a person watches it: the dataset line at Start, paused, the "Stopped: …"
    result; the progress bar shows whole throughout, at the minimum size and full HD."""
    try:
        window.resize(*size)
        tab = window.train_tab
        bar = window.tabs.tabBar()
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
        qtbot.waitUntil(lambda: tab.start_button.isEnabled(), timeout=60_000)
        qtbot.waitUntil(lambda: window.size().width() == size[0])
        tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "mlp",
                            "epochs": 3, "limit": 3000, "batch_size": 16, "save_name": "covered"})
        before = _settled(tab)
        with qtbot.waitSignal(tab.run.record, timeout=60_000, check_params_cb=lambda r: (
                isinstance(r, Notice) and r.message.startswith("MNIST:"))):
            qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(tab.messages.isVisible)  # "MNIST: 2,700 training / 300 validation…"
        assert tab.messages.text().startswith("MNIST:")
        assert covered(tab) == [] and _places(tab) == before
        with qtbot.waitSignal(tab.run.record, timeout=60_000,
                              check_params_cb=lambda r: isinstance(r, Paused)):
            qtbot.mouseClick(tab.pause_button, Qt.MouseButton.LeftButton)
        if tab.messages.isVisible():
            assert covered(tab) == []
        with qtbot.waitSignal(tab.run.record, timeout=60_000,
                              check_params_cb=lambda r: isinstance(r, Finished)):
            qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not tab.is_training(), timeout=30_000)
        qtbot.waitUntil(lambda: tab.messages.text().startswith("Stopped"))
        assert tab.messages.isVisible() and covered(tab) == [] and _places(tab) == before
        qtbot.mouseClick(_dismiss(tab.messages), Qt.MouseButton.LeftButton)
        assert _places(tab) == before  # and nothing moves when it goes
    finally:  # a failure mid-run must not leave the run (and a Quit question) behind
        window.train_tab.shutdown()
