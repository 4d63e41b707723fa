"""Models side by side (issue 16), driven as a person would: real mouse strokes on the Draw tab,
models picked in the Compare models dock's combo boxes with real clicks and keys.

The library holds two real model files besides the bundled ones: softmax models that answer 3
(always-three) and 7 (always-seven) to any drawing (tests/core/compare_files.py), so which pairs
agree on a drawn 7 does not depend on how well a model was trained.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget

from digitpad.gui.compare.compare_column import IN_USE, NONE
from tests.core.compare_files import always_model
from tests.gui.helpers import draw_digit, menu_action

WAIT_MS = 60_000


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    always_model(folder / "always-three.pt", "3")
    always_model(folder / "always-seven.pt", "7")
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(folder))
    return folder


def compare_dock(window, qtbot) -> QDockWidget:  # noqa: ANN001
    """The window's Compare models dock, shown as a person shows it: View ▸ Compare Models's
    shortcut pressed on the window."""
    action = menu_action(window, "View", "Compare Models")
    assert action.isCheckable() and not action.isChecked()  # hidden until asked for
    keys = action.shortcut()[0]
    window.activateWindow()
    qtbot.keyClick(window, keys.key(), keys.keyboardModifiers())
    dock = window.findChild(QDockWidget, "compareModelsDock")
    assert action.isChecked() and dock.isVisible()
    qtbot.waitExposed(dock.widget())
    return dock


def pick(qtbot, combo, text: str) -> None:  # noqa: ANN001
    """Open `combo`'s list with a click, go to the item that starts with `text` with the arrow
    keys and take it with Return."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=5_000)
    row = next(i for i in range(combo.count()) if combo.itemText(i).startswith(text))
    key = Qt.Key.Key_Down if row > view.currentIndex().row() else Qt.Key.Key_Up
    while view.currentIndex().row() != row:
        qtbot.keyClick(view, key)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=5_000)
    assert combo.currentText().startswith(text)
    # the window is active again, as a window manager makes it (offscreen leaves the popup so)
    combo.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is combo.window(), timeout=5_000)


def wait_for_answers(qtbot, panel, count: int) -> None:  # noqa: ANN001
    """Until `count` columns show their answer to the newest drawing."""
    def answered() -> None:
        answers = panel.answers()
        assert len(answers) == count and all(a is not None for a in answers.values()), answers
    qtbot.waitUntil(answered, timeout=WAIT_MS)


def test_two_models_side_by_side_show_where_they_disagree(window, qtbot):
    dock = compare_dock(window, qtbot)
    panel = dock.widget()
    first, second, third = panel.columns
    qtbot.waitUntil(lambda: second.combo.count() > 3, timeout=WAIT_MS)  # the models are listed
    assert first.choice() == IN_USE and third.choice() == NONE
    assert window.draw_tab.model_path.endswith("digits.pt")
    before = panel.service.requests
    draw_digit(window.draw_tab.canvas, "7")  # one stroke, dozens of mouse moves
    pick(qtbot, second.combo, "always-seven")
    wait_for_answers(qtbot, panel, 2)
    assert panel.service.requests - before <= 2  # the stroke's end and the pick, not each move
    assert first.answer.text() == "7" and second.answer.text() == "7"
    assert panel.banner.text() == "Both models say 7"
    assert not first.differs() and not second.differs()
    assert first.bars.top_index() == 7 and second.bars.top_index() == 7

    second.combo.setFocus()  # now with the keyboard: type the start of its name
    qtbot.keyClicks(second.combo, "always-t")
    assert second.choice().endswith("always-three.pt")
    wait_for_answers(qtbot, panel, 2)
    assert second.answer.text() == "3"
    assert panel.banner.text() == "The models disagree: digits says 7, always-three says 3"
    assert first.differs() and second.differs()  # one against one: both coloured
    assert "%" in second.detail.text()

    pick(qtbot, third.combo, "always-seven")  # a third model sides with the bundled one
    wait_for_answers(qtbot, panel, 3)
    assert third.answer.text() == "7"
    assert panel.banner.text() == ("The models disagree: digits says 7, always-three says 3, "
                                   "always-seven says 7")
    assert [c.differs() for c in panel.columns] == [False, True, False]


def test_the_comparison_follows_the_drawing_and_clears_with_it(window, qtbot):
    dock = compare_dock(window, qtbot)
    panel = dock.widget()
    second = panel.columns[1]
    qtbot.waitUntil(lambda: second.combo.count() > 3, timeout=WAIT_MS)
    pick(qtbot, second.combo, "always-three")
    assert panel.banner.text() == "Draw on the Draw tab to compare the models"
    canvas = window.draw_tab.canvas
    draw_digit(canvas, "1")
    wait_for_answers(qtbot, panel, 2)
    assert panel.banner.text().startswith("The models disagree: digits says 1, ")
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)  # Edit ▸ Clear Canvas
    assert canvas.is_blank()
    qtbot.waitUntil(lambda: panel.banner.text() == "Draw on the Draw tab to compare the models",
                    timeout=WAIT_MS)
    assert panel.columns[0].answer.text() == "–" and second.bars.probabilities() is None
    draw_digit(canvas, "7")  # drawing again brings the answers back
    wait_for_answers(qtbot, panel, 2)
    assert panel.columns[0].answer.text() == "7"


def test_a_hidden_dock_compares_nothing_until_shown(window, qtbot):
    dock = compare_dock(window, qtbot)
    panel = dock.widget()
    qtbot.waitUntil(lambda: panel.columns[1].combo.count() > 3, timeout=WAIT_MS)
    menu_action(window, "View", "Compare Models").trigger()  # hidden again
    assert not dock.isVisible()
    before = panel.service.requests
    draw_digit(window.draw_tab.canvas, "7")
    qtbot.wait(600)  # several idle intervals (150 ms) pass: a hidden dock asks nothing
    assert panel.service.requests == before
    menu_action(window, "View", "Compare Models").trigger()
    wait_for_answers(qtbot, panel, 2)  # digits and the first other MNIST model
    assert panel.columns[0].answer.text() == "7"
    assert panel.service.requests == before + 1


def test_the_first_column_follows_the_model_in_use(window, qtbot, library):
    dock = compare_dock(window, qtbot)
    panel = dock.widget()
    first, second = panel.columns[:2]
    qtbot.waitUntil(lambda: second.combo.count() > 3, timeout=WAIT_MS)
    pick(qtbot, second.combo, "digits")
    draw_digit(window.draw_tab.canvas, "7")
    wait_for_answers(qtbot, panel, 2)
    assert panel.banner.text() == "Both models say 7"
    with qtbot.waitSignal(window.draw_tab.modelChanged, timeout=WAIT_MS):
        pick(qtbot, window.draw_tab.picker, "always-three")  # the Draw tab's own model picker
    def disagree() -> None:
        assert panel.banner.text() == "The models disagree: always-three says 3, digits says 7"
    qtbot.waitUntil(disagree, timeout=WAIT_MS)
    assert first.answer.text() == "3" and first.differs()
    assert str(library) in panel.paths()[0]


def test_a_model_that_cannot_be_loaded_says_so_in_its_column(window, qtbot, library):
    dock = compare_dock(window, qtbot)
    panel = dock.widget()
    second = panel.columns[1]
    qtbot.waitUntil(lambda: second.combo.count() > 3, timeout=WAIT_MS)
    pick(qtbot, second.combo, "always-three")
    (library / "always-three.pt").unlink()  # gone since it was listed (a file manager's delete)
    draw_digit(window.draw_tab.canvas, "7")

    def failed() -> None:
        assert panel.answers() == {0: "7", 1: None}
    qtbot.waitUntil(failed, timeout=WAIT_MS)
    assert second.answer.text() == "!" and "always-three.pt cannot be opened" in \
        second.detail.text()
    assert panel.banner.text() == "A model could not answer: see its column"
    assert panel.columns[0].answer.text() == "7"  # the other column still answers


def test_an_opened_image_is_compared_and_declining_follows_view_not_a_digit(window, qtbot):
    from digitpad.core.resources import resource_path

    dock = compare_dock(window, qtbot)
    panel = dock.widget()
    first, second = panel.columns[:2]
    qtbot.waitUntil(lambda: second.combo.count() > 3, timeout=WAIT_MS)
    pick(qtbot, second.combo, "always-three")
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=WAIT_MS):
        window.draw_tab.open_file(str(resource_path("models", "not-digits-sample.png")))
    wait_for_answers(qtbot, panel, 2)
    assert first.answer.text() == "not a digit" and first.bars.is_muted()
    assert first.detail.text().startswith("best guess ")
    assert panel.banner.text() == "The models disagree: digits says not a digit, " \
                                  "always-three says 3"
    window.not_digit.actions["never"].trigger()  # View ▸ Not a Digit ▸ Never Decline

    def a_digit() -> None:
        assert first.answer.text() not in ("not a digit", "–") and not first.bars.is_muted()
    qtbot.waitUntil(a_digit, timeout=WAIT_MS)
    assert first.answer.text() in [str(d) for d in range(10)]
