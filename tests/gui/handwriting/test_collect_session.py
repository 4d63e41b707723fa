"""The guided session's plan (collect_session.CollectSession): round the digits in turn, Esc
skips one prompt, undo asks for the digit again, and "only the ones it misreads" stops asking
for a digit the model read right on its first samples."""

from __future__ import annotations

import pytest

from digitpad.gui.handwriting.collect_session import CHECK_FIRST, CollectSession


def test_it_goes_round_the_digits_until_each_has_its_number():
    session = CollectSession(2)
    asked = []
    while not session.done:
        asked.append(session.current)
        session.accept(f"k{len(asked)}")
    assert asked == list("0123456789") * 2
    assert session.accepted_count() == 20


def test_esc_skips_one_prompt_and_the_session_still_ends():
    session = CollectSession(1)
    session.skip()  # no 0
    assert session.current == "1"
    for n in range(9):
        session.accept(f"k{n}")
    assert session.done and session.accepted_count() == 9
    assert session.accepted_count("0") == 0 and session.progress["0"].skipped == 1


def test_undo_takes_back_the_last_sample_and_asks_for_its_digit_again():
    session = CollectSession(1)
    session.accept("a")
    session.accept("b")
    assert session.current == "2"
    assert session.undo_accept() == ("1", "b")
    assert session.current == "1" and session.accepted_count() == 1
    assert session.undo_accept() == ("0", "a")
    assert session.undo_accept() is None
    assert session.current == "0"


def test_a_digit_read_right_on_its_first_samples_needs_no_more():
    session = CollectSession(5, only_misread=True)
    for _ in range(CHECK_FIRST):  # two full rounds
        for digit in "0123456789":
            assert session.current == digit
            session.accept(f"{digit}-{session.accepted_count(digit)}")
    for n in range(CHECK_FIRST):
        session.record_reading(f"3-{n}", True)  # it reads 3s
    session.record_reading("4-0", True)
    session.record_reading("4-1", False)  # one 4 misread: 4 is asked for again
    asked = []
    while not session.done:
        asked.append(session.current)
        session.accept(f"{session.current}-{session.accepted_count(session.current)}")
    assert "3" not in asked and asked.count("4") == 3
    assert session.settled() == ["3"] and session.accepted_count("3") == CHECK_FIRST


def test_a_reading_that_comes_while_its_digit_is_shown_moves_the_prompt_on():
    session = CollectSession(3, only_misread=True, digits="01")
    for key in ("0a", "1a", "0b"):
        session.accept(key)
    assert session.current == "1"
    session.accept("1b")
    assert session.current == "0"
    session.record_reading("0a", True)
    session.record_reading("0b", True)
    assert session.move_on() and session.current == "1"
    assert not session.record_reading("gone", True)  # an undone sample's reading is ignored


def test_all_digits_mode_ignores_readings():
    session = CollectSession(3)
    session.accept("0a")
    session.record_reading("0a", True)
    assert session.needs("0") and not session.read_right("0")


def test_a_session_needs_at_least_one_sample_per_digit():
    with pytest.raises(ValueError):
        CollectSession(0)
