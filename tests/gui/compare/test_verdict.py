"""The banner's sentence and which answers are coloured (gui/compare/verdict.py)."""

from digitpad.gui.compare.verdict import NO_INK, NOT_A_DIGIT, answer_words, verdict


def test_agreement_says_what_they_all_say():
    assert verdict(["a", "b"], ["4", "4"]).text == "Both models say 4"
    result = verdict(["a", "b", "c"], ["4", "4", "4"])
    assert result.agree and result.text == "All 3 models say 4" and not result.differing


def test_the_answers_unlike_the_majority_are_coloured_or_all_without_one():
    two_to_one = verdict(["digitnet", "mlp", "cnn"], ["4", "9", "4"])
    assert not two_to_one.agree and two_to_one.differing == {1}
    assert two_to_one.text == "The models disagree: digitnet says 4, mlp says 9, cnn says 4"
    assert verdict(["a", "b"], ["4", "9"]).differing == {0, 1}
    assert verdict(["a", "b", "c"], ["1", "2", "3"]).differing == {0, 1, 2}


def test_declined_and_blank_are_answers_too():
    assert answer_words("4", True, False) == NOT_A_DIGIT
    assert answer_words(None, False, True) == NO_INK
    assert answer_words("4", False, False) == "4"
    assert verdict(["a", "b"], [NO_INK, NO_INK]).text == "No ink to compare"
    assert verdict(["a", "b"], [NOT_A_DIGIT, "4"]).text == \
        "The models disagree: a says not a digit, b says 4"
