"""`digitpad bench open-world`: mouse-drawn digits and non-digits, declines, AUROC, ECE."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

from digitpad.bench import held_out_strokes
from digitpad.bench.open_world import (
    HELD_OUT,
    SEEN,
    Shape,
    format_rows,
    make_shapes,
    seen_templates,
)
from digitpad.core import not_digit_strokes
from tests.conftest import PROJECT_ROOT
from tests.core.hostile_files import run_digitpad

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the QApplication is made

ROW_NUMBERS = ("digits_correct", "digits_declined", "not_digits_declined_seen",
               "not_digits_declined_held_out", "not_digits_declined_generated",
               "not_digits_declined_mouse", "auroc", "ece")


def with_decline(src: Path, dst: Path, block: dict | None) -> Path:
    """A copy of the model file `src` with metadata "decline" set to `block` (None: removed)."""
    payload = torch.load(src, weights_only=True)
    payload["meta"].pop("decline", None)
    if block is not None:
        payload["meta"]["decline"] = block
    torch.save(payload, dst)
    return dst


@pytest.fixture(scope="session")
def plain_and_declining(trained_model_file: Path, tmp_path_factory) -> tuple[Path, Path]:
    """The small trained digitnet without a decline rule, and with one that declines whatever it
    is not 99.9% sure of."""
    folder = tmp_path_factory.mktemp("open-world")
    return (with_decline(trained_model_file, folder / "plain.pt", None),
            with_decline(trained_model_file, folder / "picky.pt",
                         {"score": "max_probability", "threshold": 0.999}))


def shape(name: str, strokes) -> Shape:
    return Shape(digit=HELD_OUT, template=name, size=0.6, shift_x=0.0, shift_y=0.0, pen=14,
                 slant=0.0, rotation=0.0, aspect=1.0, wobble=0.0, seed=1,
                 lines=tuple(tuple(s) for s in strokes))


def test_held_out_templates_are_not_the_training_templates():
    held, trained = set(held_out_strokes.TEMPLATES), set(not_digit_strokes.TEMPLATES)
    assert not held & trained
    assert held_out_strokes.SCRIBBLE not in trained
    assert len(held) >= 20
    assert set(seen_templates()) == trained  # "seen" is exactly what the generator trains on


def test_every_held_out_template_and_scribble_draws_ink_with_the_mouse(qtbot):
    from digitpad.bench.mouse_drawn import draw_case, make_canvas
    from digitpad.core.preprocess import preprocess

    canvas = make_canvas()
    qtbot.addWidget(canvas)
    drawings = [*held_out_strokes.TEMPLATES.items(),
                *((f"scribble {i}", held_out_strokes.scribble(i)) for i in range(3))]
    for name, strokes in drawings:
        draw_case(canvas, shape(name, strokes))
        paper = canvas.to_array()
        assert (paper < 128).mean() > 0.002, name  # real mouse strokes left ink
        view = preprocess(paper, "digit")
        assert view is not None and view.view.max() > 0, name


def test_shapes_are_deterministic_and_cover_every_template():
    shapes = make_shapes(per_kind=2, seed=3)
    assert shapes == make_shapes(per_kind=2, seed=3)
    assert shapes != make_shapes(per_kind=2, seed=4)
    names = {(s.digit, s.template) for s in shapes}
    assert {t for k, t in names if k == SEEN} == set(not_digit_strokes.TEMPLATES)
    assert {t for k, t in names if k == HELD_OUT} == {
        *held_out_strokes.TEMPLATES, held_out_strokes.SCRIBBLE}
    assert held_out_strokes.scribble(5) == held_out_strokes.scribble(5)


def test_mnist_scores_match_evaluate_and_count_declines_as_wrong(plain_and_declining,
                                                                 small_mnist):
    from digitpad.bench.open_world_scores import ModelScores
    from digitpad.core.evaluation import evaluate
    from digitpad.core.predictor import Predictor
    from digitpad.core.splits import Split

    plain_path, picky_path = plain_and_declining
    plain, picky = Predictor.from_file(plain_path), Predictor.from_file(picky_path)
    test = Split(small_mnist.test.images[:1000], small_mnist.test.labels[:1000])
    expected = evaluate(plain.model, test, plain.meta["mean"], plain.meta["std"], 10).accuracy
    got = ModelScores(plain)._mnist(test)
    assert got["mnist_test_accuracy"] == pytest.approx(expected)
    assert got["mnist_test_declined"] == 0 and got["mnist_test_images"] == 1000
    strict = ModelScores(picky)._mnist(test)
    declined = strict["mnist_test_declined"]
    assert declined > 0.3
    assert expected - declined <= strict["mnist_test_accuracy"] <= min(expected, 1 - declined)
    assert strict["mnist_test_accuracy"] < expected
    assert strict["ece"] == pytest.approx(got["ece"])  # same probabilities, same calibration


def test_a_model_that_does_not_read_digits_is_refused_in_one_line():
    from digitpad.bench.open_world_scores import check_digit_model
    from digitpad.core.errors import DigitpadError
    from digitpad.core.predictor import Predictor

    fashion = PROJECT_ROOT / "resources" / "models" / "fashion.pt"
    with pytest.raises(DigitpadError, match="^fashion.pt does not read the digits 0 to 9") as e:
        check_digit_model(Predictor.from_file(fashion), fashion)
    assert "\n" not in str(e.value)


def test_a_file_as_the_failures_folder_is_refused_before_the_run(tmp_path):
    from digitpad.bench.open_world import bench_open_world
    from digitpad.core.errors import DigitpadError

    taken = tmp_path / "taken"
    taken.write_text("mine")
    with pytest.raises(DigitpadError, match="Cannot save failures in .*a file; pass a folder"):
        bench_open_world(["/nonexistent/model.pt"], 1, 1, 0, 0, None, str(taken / "out"))
    assert taken.read_text() == "mine"


@pytest.mark.slow
def test_bench_open_world_from_the_command_line(plain_and_declining, tmp_path):
    plain, picky = plain_and_declining
    failures = tmp_path / "failures"
    result = run_digitpad(
        ["bench", "open-world", "--model", str(picky), "--model", str(plain), "--per-digit", "2",
         "--per-kind", "2", "--generated", "40", "--data-dir", str(tmp_path / "no-data"),
         "--json", "--save-failures", str(failures)], tmp_path / "library", timeout=300)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["digits"] == 20 and out["generated"] == 40
    assert out["seen"] == 2 * len(not_digit_strokes.TEMPLATES)
    assert out["ece_on"] == "mouse digits"  # no MNIST in --data-dir
    strict, lenient = out["rows"]
    for row in out["rows"]:
        for key in ROW_NUMBERS:
            assert isinstance(row[key], float) and 0 <= row[key] <= 1, key
        assert row["mnist_test_accuracy"] is None
    assert strict["can_decline"] and strict["decline_score"] == "max_probability"
    assert strict["not_digits_declined_mouse"] >= 0.9
    assert strict["not_digits_declined_generated"] >= 0.9
    assert strict["digits_declined"] >= 0.3
    assert strict["digits_correct"] <= 1 - strict["digits_declined"] + 1e-9  # (0.1 vs 1 - 0.9)
    assert not lenient["can_decline"] and lenient["decline_score"] is None
    for key in ("digits_declined", "not_digits_declined_seen", "not_digits_declined_held_out",
                "not_digits_declined_generated"):
        assert lenient[key] == 0, key
    assert strict["auroc"] == pytest.approx(lenient["auroc"])  # both rank by max probability
    table = dict(format_rows(out))
    assert table["picky.pt"].split()[0] == "max_probability"
    assert table["plain.pt"].split()[0] == "never"
    declined = list((failures / "model-1").glob("*-declined.png"))
    accepted = list((failures / "model-2").glob("*-as-*.png"))
    assert declined and len(accepted) == 2 * (len(not_digit_strokes.TEMPLATES)
                                              + len(held_out_strokes.TEMPLATES) + 5)
