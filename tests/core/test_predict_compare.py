"""`digitpad predict --model A --model B IMAGE…` compares models (issue 16): real processes on
real model files (the bundled one, a digitnet trained here, a model that always answers 3) and
real PNGs (MNIST test digits, a blank page, the bundled non-digit sample)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digitpad.core.resources import resource_path
from tests.core.compare_files import always_model, mnist_digit, save_png
from tests.core.hostile_files import run_digitpad

KEYS = {"model", "path", "label", "not_a_digit", "best_guess", "confidence", "probabilities",
        "decline_score", "decline_reason", "no_ink"}


@pytest.fixture(scope="module")
def files(tmp_path_factory, mnist_dir: Path) -> dict[str, Path]:
    import numpy as np

    folder = tmp_path_factory.mktemp("compare")
    return {
        "three": always_model(folder / "always-three.pt", "3"),
        "seven.png": save_png(folder / "seven.png", mnist_digit(mnist_dir, "7")),
        "3.png": save_png(folder / "3.png", mnist_digit(mnist_dir, "3")),
        "blank.png": save_png(folder / "blank.png", np.full((100, 100), 255, np.uint8)),
        "library": folder / "library",
    }


def predict(files: dict[str, Path], *args: str, code: int = 0):
    result = run_digitpad(["predict", *map(str, args)], files["library"], timeout=180)
    assert result.returncode == code and "Traceback" not in result.stderr, result.stderr
    return result


def images(files: dict[str, Path]) -> list[Path]:
    return [files["seven.png"], files["3.png"], files["blank.png"]]


def test_a_table_has_a_column_per_model_and_marks_the_images_they_disagree_on(files):
    lines = predict(files, "--model", "digits", "--model", files["three"],
                    *images(files)).stdout.splitlines()
    header, rule, seven, three, blank, summary = lines
    assert header.split() == ["image", "digits", "always-three"]
    assert set(rule) == {"-", " "}
    start = header.index("always-three")  # the columns line up under their headings
    assert seven.startswith(str(files["seven.png"]))
    assert seven[header.index("digits"):].startswith("7 ") and seven[start:].startswith("3 86%")
    assert seven.endswith("≠ disagree")
    assert three[header.index("digits"):].startswith("3 ") and three[start:].startswith("3 86%")
    assert "disagree" not in three
    assert blank.split()[1:] == ["no", "ink", "no", "ink"]  # no ink is the same answer
    assert summary == "The models disagree on 1 of 3 images."


def test_json_gives_every_models_answer_per_image_and_whether_they_agree(files):
    out = json.loads(predict(files, "--model", "digits", "--model", files["three"],
                             *images(files), "--json").stdout)
    assert [r["image"] for r in out] == [str(p) for p in images(files)]
    assert [r["agree"] for r in out] == [False, True, True]
    for result in out:
        assert [m["model"] for m in result["models"]] == ["digits", "always-three"]
        assert all(set(m) == KEYS for m in result["models"])
    seven_digits, seven_three = out[0]["models"]
    assert seven_digits["label"] == seven_digits["best_guess"] == "7"
    assert seven_three["label"] == "3" and seven_three["confidence"] == pytest.approx(0.858, 1e-3)
    assert seven_three["path"] == str(files["three"])
    for model in out[0]["models"]:
        assert sum(model["probabilities"].values()) == pytest.approx(1, abs=1e-4)
    assert all(m["no_ink"] and m["label"] is None for m in out[2]["models"])


def test_a_declined_image_is_not_a_digit_in_its_column_with_the_best_guess(files):
    sample = resource_path("models", "not-digits-sample.png")
    text = predict(files, "--model", "digits", "--model", files["three"], sample).stdout
    row = text.splitlines()[2]
    assert "not a digit (best guess " in row and row.endswith("≠ disagree")
    (result,) = json.loads(predict(files, "--model", "digits", "--model", files["three"],
                                   sample, "--json").stdout)
    declined, three = result["models"]
    assert declined["not_a_digit"] is True and declined["label"] is None
    assert declined["best_guess"] in declined["probabilities"] and declined["decline_reason"]
    assert three["label"] == "3" and result["agree"] is False
    # without declining, the bundled model's best guess is its answer
    (result,) = json.loads(predict(files, "--model", "digits", "--model", files["three"],
                                   sample, "--json", "--no-decline").stdout)
    assert result["models"][0]["label"] == declined["best_guess"]


def test_three_models_one_trained_here(files, trained_model_file):
    out = json.loads(predict(files, "--model", "digits", "--model", trained_model_file,
                             "--model", files["three"], files["seven.png"], "--json").stdout)
    names = [m["model"] for m in out[0]["models"]]
    assert names == ["digits", "digitnet-small", "always-three"]
    assert out[0]["agree"] is False  # the always-3 model reads the 7 as 3
    header = predict(files, "--model", "digits", "--model", trained_model_file, "--model",
                     files["three"], files["seven.png"]).stdout.splitlines()[0]
    assert header.split() == ["image", *names]


def test_the_same_model_twice_is_told_apart_and_agrees_with_itself(files):
    bundled = resource_path("models", "digits.pt")
    out = json.loads(predict(files, "--model", "digits", "--model", bundled,
                             *images(files), "--json").stdout)
    assert [m["model"] for m in out[0]["models"]] == ["digits", "digits (2)"]
    assert all(r["agree"] for r in out)


def test_a_model_that_cannot_be_loaded_is_named_in_one_line(files, tmp_path):
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a model")
    result = predict(files, "--model", "digits", "--model", broken, files["seven.png"], code=1)
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("digitpad: error: ") and "broken.pt" in line
    result = predict(files, "--model", files["three"], "--model", "nosuchmodel",
                     files["seven.png"], code=1)
    (line,) = result.stderr.strip().splitlines()
    assert "nosuchmodel" in line


def test_an_unreadable_image_is_one_line_and_the_others_are_still_compared(files, tmp_path):
    missing = tmp_path / "missing.png"
    result = predict(files, "--model", "digits", "--model", files["three"], files["seven.png"],
                     missing, code=1)
    (line,) = result.stderr.strip().splitlines()
    assert "missing.png" in line
    assert result.stdout.splitlines()[-1] == "The models disagree on 1 of 1 image."
    out = json.loads(predict(files, "--model", "digits", "--model", files["three"],
                             files["seven.png"], missing, "--json", code=1).stdout)
    assert out[1]["agree"] is None and out[1]["models"] == [] and "missing.png" in out[1]["error"]


def test_one_model_keeps_the_one_model_output(files):
    lines = predict(files, "--model", files["three"], files["seven.png"]).stdout.splitlines()
    (line,) = lines  # as without --model repeated: the top 3 (the other nine tie at 1.6%)
    assert line.startswith(f"{files['seven.png']}: 3 85.8%, ") and line.count("1.6%") == 2
