"""Issue 12 (trial finding): for ~15 s after start-up on a loaded machine the Train form showed
values that looked real but were spin-box minimums (learning rate 0.000001, batch size 1, epochs
1) and empty Optimizer and Schedule boxes, while the model list loaded. Until the choices arrive
those fields read "Loading…" and cannot be edited; then they show the recipe."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from digitpad.gui.train import train_tab


def test_the_form_reads_loading_until_the_models_are_listed(qtbot, library, monkeypatch):
    from tests.gui.helpers import open_main_window

    listed = train_tab._training_choices
    release = threading.Event()

    def slow_choices():  # noqa: ANN202 - as on a loaded machine: the list takes a while
        release.wait(60)
        return listed()

    monkeypatch.setattr(train_tab, "_training_choices", slow_choices)
    window = open_main_window(qtbot, library, monkeypatch)  # the Draw tab's model is loaded
    tab = window.train_tab
    form = tab.form
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    qtbot.waitUntil(form.lr.isVisible)
    try:
        for box in (form.lr, form.batch_size, form.epochs):
            assert box.text() == "Loading…" and not box.isEnabled()
        for box in (form.optimizer, form.scheduler):
            assert box.currentText() == "" and box.placeholderText() == "Loading…"
            assert not box.isEnabled()
        assert not tab.start_button.isEnabled()
        qtbot.mouseClick(form.lr, Qt.MouseButton.LeftButton)  # a click changes nothing
        qtbot.keyClicks(form.lr, "5")
        assert form.lr.text() == "Loading…"
    finally:
        release.set()
    qtbot.waitUntil(tab.start_button.isEnabled, timeout=60_000)
    for box in (form.lr, form.batch_size, form.epochs):
        assert box.isEnabled() and "Loading" not in box.text() and box.text()
    for box in (form.optimizer, form.scheduler):
        assert box.isEnabled() and box.currentText()
    # the smallest learning rate typed by a person now reads as itself
    form.lr.setFocus()
    form.lr.selectAll()
    qtbot.keyClicks(form.lr, "0.000001")
    qtbot.keyClick(form.lr, Qt.Key.Key_Tab)
    assert form.lr.text() == "0.000001" and form.lr.value() == form.lr.minimum()
    window.close()
