"""`digitpad predict` says "not a digit" (issue 14): real processes on real image and model files.

Models come from tests/core/decline_files.py: the bundled model with a decline rule written in,
with none (it never declines on its own), and with an extra "not a digit" output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.decline_files import DeclineFiles, build
from tests.core.hostile_files import run_digitpad

JSON_KEYS = {"image", "label", "not_a_digit", "best_guess", "confidence", "probabilities",
             "decline_score", "decline_reason", "no_ink"}


@pytest.fixture(scope="module")
def files(tmp_path_factory, mnist_dir: Path) -> DeclineFiles:
    return build(tmp_path_factory.mktemp("declines"), mnist_dir)


def predict(files: DeclineFiles, model: Path, *args: str, images: tuple[Path, ...] = ()):
    shown = images or (files.seven, files.odd, files.blank)
    result = run_digitpad(["predict", "--model", str(model), *args, *map(str, shown)],
                          files.plain.parent / "library", timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result


def percent(p: float) -> str:
    return f"{p:.0%}"  # the non-digit's confidence is well under 99.5% (asserted)


def test_a_declined_image_says_not_a_digit_with_its_best_guess(files):
    assert files.odd_confidence < 0.99
    lines = predict(files, files.max_probability).stdout.splitlines()
    assert lines[0].startswith(f"{files.seven}: 7 ") and "not a digit" not in lines[0]
    assert lines[1] == (f"{files.odd}: not a digit (best guess {files.guess}, "
                        f"{percent(files.odd_confidence)})")
    assert lines[2] == f"{files.blank}: no ink (the image looks blank)"  # not "not a digit"


def test_json_gives_label_null_not_a_digit_and_the_best_guess(files):
    seven, odd, blank = json.loads(predict(files, files.max_probability, "--json").stdout)
    assert set(seven) == set(odd) == set(blank) == JSON_KEYS
    assert odd["label"] is None and odd["not_a_digit"] is True
    assert odd["best_guess"] == files.guess
    assert odd["confidence"] == pytest.approx(files.odd_confidence, abs=1e-5)
    assert odd["decline_score"] == pytest.approx(files.odd_confidence, abs=1e-5)
    assert max(odd["probabilities"], key=odd["probabilities"].get) == files.guess
    assert sum(odd["probabilities"].values()) == pytest.approx(1, abs=1e-4)
    assert "not sure enough" in odd["decline_reason"]
    assert seven["label"] == seven["best_guess"] == "7" and seven["not_a_digit"] is False
    assert seven["decline_score"] > files.threshold and seven["decline_reason"] == ""
    assert blank["no_ink"] is True and blank["not_a_digit"] is False
    assert blank["label"] is None and blank["best_guess"] is None


def test_no_decline_gives_the_best_guess_as_the_answer(files):
    _, odd, _ = json.loads(predict(files, files.max_probability, "--no-decline", "--json").stdout)
    assert odd["label"] == odd["best_guess"] == files.guess and odd["not_a_digit"] is False
    assert odd["decline_score"] is None and odd["decline_reason"] == ""


def test_a_model_without_a_rule_never_declines_unless_a_threshold_is_set(files):
    _, odd, _ = json.loads(predict(files, files.plain, "--json").stdout)
    assert odd["label"] == files.guess and odd["not_a_digit"] is False
    seven, odd, _ = json.loads(predict(files, files.plain, "--decline-below",
                                       f"{files.threshold:.6f}", "--json").stdout)
    assert odd["label"] is None and odd["not_a_digit"] is True and odd["best_guess"] == files.guess
    assert "you set" in odd["decline_reason"]
    assert seven["label"] == "7"


def test_decline_below_as_a_percentage_replaces_the_models_own_rule(files):
    """Under the non-digit's confidence, the threshold lets it through a model that declines it
    on its own; the 7 passes either way."""
    low = f"{files.odd_confidence * 50:.4f}%"
    text = predict(files, files.max_probability, "--decline-below", low).stdout
    assert f"{files.odd}: {files.guess} " in text and "not a digit" not in text
    assert f"{files.seven}: 7 " in text


def test_a_model_with_a_not_a_digit_output(files):
    seven, odd, blank = json.loads(predict(files, files.klass, "--json",
                                           images=(files.seven, files.odd_class,
                                                   files.blank)).stdout)
    assert set(seven["probabilities"]) == {str(d) for d in range(10)}  # the real classes only
    assert sum(seven["probabilities"].values()) == pytest.approx(1, abs=1e-4)
    assert seven["label"] == "7" and seven["decline_score"] > 0.5
    assert odd["label"] is None and odd["not_a_digit"] is True and odd["decline_score"] < 0.5
    assert "not a digit" in odd["decline_reason"] and odd["best_guess"] in seven["probabilities"]
    assert blank["no_ink"] is True


@pytest.mark.parametrize("value", ["0", "1", "0%", "100%", "90", "-0.5", "1.5", "nan", "inf",
                                   "ninety", "", "0.5%%"])
def test_a_bad_decline_below_gets_one_clear_line(files, value):
    result = run_digitpad(["predict", "--decline-below", value, str(files.seven)],
                          files.plain.parent / "library", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "--decline-below" in errors[0]
    assert "between 0 and 1" in errors[0] and result.stdout == ""


def test_a_percentage_without_its_sign_is_explained(files):
    result = run_digitpad(["predict", "--decline-below", "90", str(files.seven)],
                          files.plain.parent / "library", timeout=60)
    assert result.returncode == 2 and "write 0.9 or 90%" in result.stderr


def test_no_decline_and_decline_below_together_are_refused(files):
    result = run_digitpad(["predict", "--no-decline", "--decline-below", "0.9", str(files.seven)],
                          files.plain.parent / "library", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not allowed with" in result.stderr
