"""Issue 12 item 9: messages never move the Train tab's controls (a banner that appeared at Start
once pushed the buttons down under the mouse, so a click meant for Pause hit Save as)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt


def _places(tab) -> dict[str, QRect]:  # noqa: ANN001
    widgets = {"start": tab.start_button, "pause": tab.pause_button, "stop": tab.stop_button,
               "save as": tab.form.save_name, "dataset": tab.form.dataset,
               "loss chart": tab.loss_chart}
    return {name: QRect(w.mapTo(tab, w.rect().topLeft()), w.size())
            for name, w in widgets.items()}


def test_a_dataset_message_at_start_moves_no_control(tab, qtbot, tmp_path):
    tab.apply_settings({"dataset": str(tmp_path / "no such images"), "model": "mlp"})
    before = _places(tab)
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.messages.isVisible)
    assert _places(tab) == before
    qtbot.mouseClick(tab.messages.findChildren(type(tab.messages.action_button()))[-1],
                     Qt.MouseButton.LeftButton)  # ✕ dismisses it
    qtbot.waitUntil(lambda: not tab.messages.isVisible())
    assert _places(tab) == before


def test_long_and_short_messages_move_no_control(tab, qtbot):
    before, bar = _places(tab), tab.messages
    for text, error in (("Loading mnist…", False), ("A long error. " * 30, True), ("Done.", False)):
        tab.messages.show_message(text, error=error)
        qtbot.waitUntil(tab.messages.isVisible)
        assert _places(tab) == before, text
        # the whole message is shown, however long
        qtbot.waitUntil(lambda: bar.height() >= bar.heightForWidth(bar.width()) > 0)
        assert bar.width() == tab.width() and _places(tab) == before
    tab.messages.clear()
    assert _places(tab) == before
