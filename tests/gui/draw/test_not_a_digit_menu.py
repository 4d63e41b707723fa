"""View ▸ Not a Digit (issue 14): the model's own judgement, never, or a threshold for any model;
exclusive, applied to the drawing on the canvas at once, remembered, and a bad remembered value
reset with a notice. Waits are on what the window shows (see test_not_a_digit)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSettings

from digitpad.gui.draw.decline_view import DECLINED
from digitpad.gui.draw.not_digit_menu import OWN_NO, OWN_YES
from tests.gui.draw.decline_models import (
    DECLINE_ALL,
    digit_model,
    draw_7,
    draw_w,
    no_train_choices,
    open_with,
    wait_text,
)
from tests.gui.helpers import menu_action

__all__ = ["no_train_choices"]  # the autouse fixture, for this module too


def choose(window, text: str) -> None:  # noqa: ANN001
    """Pick View ▸ Not a Digit ▸ `text…` as a person does: the menu's action, triggered."""
    submenu = menu_action(window, "View", "Not a Digit").menu()
    found = [a for a in submenu.actions() if a.text().replace("&", "").startswith(text)]
    assert len(found) == 1, text
    found[0].trigger()


def checked(window) -> list[str]:  # noqa: ANN001
    submenu = menu_action(window, "View", "Not a Digit").menu()
    return [a.text().replace("&", "") for a in submenu.actions() if a.isChecked()]


def shows_7(text: str) -> bool:
    return text.startswith("7 — ")


@pytest.fixture
def unsure_plain(library):  # noqa: ANN001, ANN201
    """A model that never declines by itself and is never sure (about 17-30% for a drawing)."""
    return digit_model(library / "unsure.pt", unsure=True)


def test_a_threshold_declines_with_a_model_that_never_declines_by_itself(
        qtbot, library, monkeypatch, unsure_plain):
    window = open_with(qtbot, library, monkeypatch, unsure_plain)
    assert checked(window) == ["Use the Model's Own Judgement"]
    assert window.not_digit.actions["model"].statusTip() == OWN_NO
    draw_7(window.draw_tab.canvas)
    wait_text(window, qtbot, shows_7)  # its own judgement: none, so a digit, however unsure
    choose(window, "Decline Below 90%")  # the same drawing, recognised again at once
    wait_text(window, qtbot, DECLINED)
    assert checked(window) == ["Decline Below 90% Confidence"]
    tip = window.draw_tab.label.toolTip()
    assert tip.startswith("Best guess 7 (") and "you set" in tip
    assert window.draw_tab.bars.is_muted()
    assert QSettings().value("decline") == "90"
    choose(window, "Never Decline")
    wait_text(window, qtbot, shows_7)
    assert not window.draw_tab.bars.is_muted()
    choose(window, "Decline Below 50%")
    wait_text(window, qtbot, DECLINED)
    choose(window, "Use the Model's Own Judgement")
    wait_text(window, qtbot, shows_7)
    assert checked(window) == ["Use the Model's Own Judgement"]
    assert QSettings().value("decline") == "model"
    window.close()


def test_never_decline_overrules_a_models_own_rule(qtbot, library, monkeypatch):
    model = digit_model(library / "declines-all.pt", DECLINE_ALL, unsure=True)
    window = open_with(qtbot, library, monkeypatch, model)
    assert window.not_digit.actions["model"].statusTip() == OWN_YES
    draw_w(window.draw_tab.canvas)
    wait_text(window, qtbot, DECLINED)
    choose(window, "Never Decline")
    wait_text(window, qtbot, lambda text: text != DECLINED and " — " in text)
    choose(window, "Use the Model's Own Judgement")
    wait_text(window, qtbot, DECLINED)
    window.close()


def test_the_choice_is_remembered_and_in_force_for_the_first_drawing(
        qtbot, library, monkeypatch, unsure_plain):
    window = open_with(qtbot, library, monkeypatch, unsure_plain)
    choose(window, "Decline Below 70%")
    window.close()
    again = open_with(qtbot, library, monkeypatch, unsure_plain)
    assert checked(again) == ["Decline Below 70% Confidence"]
    draw_7(again.draw_tab.canvas)
    wait_text(again, qtbot, DECLINED)
    again.close()


def test_an_unusable_remembered_choice_is_reset_with_a_notice(qtbot, library, monkeypatch,
                                                              unsure_plain):
    QSettings().setValue("decline", "sometimes")
    window = open_with(qtbot, library, monkeypatch, unsure_plain)
    assert checked(window) == ["Use the Model's Own Judgement"]
    assert "View ▸ Not a Digit choice" in window.draw_tab.messages.text()
    draw_7(window.draw_tab.canvas)
    wait_text(window, qtbot, shows_7)
    window.close()


def test_the_submenus_mnemonics_are_unique(qtbot, library, monkeypatch, unsure_plain):
    window = open_with(qtbot, library, monkeypatch, unsure_plain)
    for menu in (menu_action(window, "View", "Not a Digit").menu(),
                 next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")):
        letters = [re.search(r"&(\w)", a.text()) for a in menu.actions() if not a.isSeparator()]
        assert all(letters), [a.text() for a in menu.actions()]
        keys = [m.group(1).lower() for m in letters]
        assert len(keys) == len(set(keys)), keys
    window.close()
