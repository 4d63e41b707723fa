"""Mouse-drawn digits: scripted mouse strokes on the real canvas, read by a real model."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from digitpad.bench.digit_strokes import DIGITS, TEMPLATES
from digitpad.bench.mouse_drawn import (
    PEN_WIDTHS,
    Case,
    draw_case,
    evaluate_mouse_drawn,
    make_cases,
)


@pytest.fixture
def canvas(qtbot):
    from digitpad.gui.canvas.drawing_canvas import DrawingCanvas

    widget = DrawingCanvas()
    qtbot.addWidget(widget)
    widget.resize(420, 420)
    widget.show()
    return widget


@pytest.fixture(scope="session")
def quick_digit_model(shared_data, tmp_path_factory):
    """A small digitnet trained on real MNIST for a few seconds."""
    from digitpad.core.config import TrainConfig
    from digitpad.core.training import train

    config = TrainConfig(dataset="mnist", data_dir=str(shared_data), model="digitnet", epochs=3,
                         limit=6000, threads=1)
    path = tmp_path_factory.mktemp("mouse-model") / "quick-digits.pt"
    list(train(config))[-1].save(str(path))
    return path


def plain_case(digit: str, template: str, **changes) -> Case:
    case = Case(digit=digit, template=template, size=0.7, shift_x=0.0, shift_y=0.0, pen=18,
                slant=0.0, rotation=0.0, aspect=1.0, wobble=0.0, seed=1)
    return dataclasses.replace(case, **changes)


def ink_box(canvas) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the ink as fractions of the paper."""
    ink = canvas.to_array() < 128
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    side = ink.shape[0]
    return cols[0] / side, rows[0] / side, (cols[-1] + 1) / side, (rows[-1] + 1) / side


@pytest.mark.parametrize("digit", DIGITS)
def test_every_template_draws_its_strokes_with_the_mouse(canvas, qtbot, digit):
    finished: list[int] = []
    canvas.strokeFinished.connect(lambda: finished.append(1))
    for template, strokes in TEMPLATES[digit]:
        finished.clear()
        draw_case(canvas, plain_case(digit, template))
        assert not canvas.is_blank(), template
        assert len(finished) == len(strokes), template  # one press ... release per stroke
        left, top, right, bottom = ink_box(canvas)
        assert 0.6 < bottom - top < 0.8, template  # 70% of the paper tall, plus the pen
        assert canvas.to_array().min() < 60  # real ink, not a faint trace


def test_a_new_case_replaces_the_last_drawing_with_the_cases_brush(canvas):
    draw_case(canvas, plain_case("8", "one-stroke"))
    draw_case(canvas, plain_case("1", "bar", pen=6))
    assert canvas.brush_size == 6
    left, top, right, bottom = ink_box(canvas)
    assert right - left < 0.06  # only the thin bar is left; the 8 was cleared


def test_size_position_and_slant_follow_the_case(canvas):
    draw_case(canvas, plain_case("0", "oval", size=0.3, shift_x=-1, shift_y=1, pen=10))
    left, top, right, bottom = ink_box(canvas)
    assert left < 0.05 and bottom > 0.95  # bottom-left corner
    assert right < 0.35 and top > 0.65
    draw_case(canvas, plain_case("1", "bar", slant=20))
    ink = canvas.to_array() < 128
    rows = np.flatnonzero(ink.any(axis=1))
    top_x = np.flatnonzero(ink[rows[0] + 10]).mean()
    bottom_x = np.flatnonzero(ink[rows[-1] - 10]).mean()
    assert top_x > bottom_x + 50  # leaning right: the top is further right than the foot


def test_cases_are_deterministic_for_a_seed_and_vary_the_drawing():
    cases = make_cases(per_digit=6, seed=3)
    assert cases == make_cases(per_digit=6, seed=3)
    assert cases[0].strokes() == make_cases(per_digit=6, seed=3)[0].strokes()
    assert cases != make_cases(per_digit=6, seed=4)
    assert len(cases) == 60 and {c.digit for c in cases} == set(DIGITS)
    for digit in DIGITS:  # every template of every digit gets drawn
        drawn = {c.template for c in cases if c.digit == digit}
        assert drawn == {name for name, _ in TEMPLATES[digit]}
    assert {c.pen for c in cases} <= set(PEN_WIDTHS) and len({c.pen for c in cases}) > 3
    assert all(0.25 <= c.size <= 0.9 and -20 <= c.slant <= 20 for c in cases)
    for case in cases:  # the whole digit, pen included, stays on the paper
        points = np.array([p for s in case.strokes() for p in s])
        assert points.min() >= 0 and points.max() <= 1


def test_a_model_reads_mouse_drawn_digits_well_above_chance(quick_digit_model):
    result = evaluate_mouse_drawn(quick_digit_model, cases_per_digit=10, seed=0)
    assert result["cases"] == 100
    assert set(result["per_digit"]) == set(DIGITS)
    assert result["accuracy"] >= 0.7
    wrong = sum(r["total"] - r["correct"] for r in result["per_digit"].values())
    assert len(result["failures"]) == wrong == sum(n for _, _, n in result["confusions"])
    for failure in result["failures"]:
        assert failure["predicted"] != failure["case"]["digit"]
        assert failure["view"].shape == (28, 28)


def test_bench_mouse_command_prints_json_for_a_model(tmp_path, capsys, quick_digit_model):
    import json

    from digitpad.cli import main

    assert main(["bench", "mouse", "--model", str(quick_digit_model), "--per-digit", "2",
                 "--save-failures", str(tmp_path / "fails"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["cases"] == 20 and set(result["per_digit"]) == {str(d) for d in range(10)}
    assert all("view" not in f for f in result["failures"])
    assert (tmp_path / "fails" / "failures.png").is_file()
