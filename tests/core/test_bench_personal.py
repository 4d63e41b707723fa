"""`digitpad bench personal`: simulated writers the bundled model misreads, fine-tuned on."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from digitpad.bench.digit_strokes import DIGITS, TEMPLATES
from digitpad.bench.personal import format_rows, run_fine_tune, targets
from digitpad.bench.writers import QUIRKS, WRITERS
from digitpad.core.errors import DigitpadError
from digitpad.core.records import Finished, Notice
from digitpad.core.safe_text import json_safe
from tests.conftest import PROJECT_ROOT
from tests.core.hostile_files import run_digitpad

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the QApplication is made

BUNDLED = PROJECT_ROOT / "resources" / "models" / "digits.pt"


def test_writers_are_deterministic_and_draw_their_quirks_every_time():
    assert 5 <= len(WRITERS) <= 6
    assert len({w.name for w in WRITERS}) == len(WRITERS)
    for writer in WRITERS:
        cases = writer.cases(2, "train", 0)
        assert cases == writer.cases(2, "train", 0)
        assert cases != writer.cases(2, "unseen", 0)  # the test drawings are other drawings
        assert cases != writer.cases(2, "train", 1)
        assert Counter(c.digit for c in cases) == {d: 2 for d in DIGITS}
        assert 1 <= len(writer.quirks) <= 2
        assert len(set(writer.quirky_digits())) == len(writer.quirks)
        for case in cases:  # one template per digit: their style
            expected = writer.template(case.digit)
            assert (case.template, case.template_strokes()) == expected
            if case.digit in writer.quirky_digits():
                assert case.template in writer.quirks


def test_every_quirk_differs_from_the_ordinary_templates():
    assert {key for w in WRITERS for key in w.quirks} == set(QUIRKS)  # none unused
    for key, quirk in QUIRKS.items():
        assert key == f"{quirk.digit} {quirk.name}" and quirk.misread_as != quirk.digit
        mine = np.array([p for stroke in quirk.strokes for p in stroke])
        for name, strokes in TEMPLATES[quirk.digit]:  # another shape, not one moved a hair:
            theirs = np.array([p for stroke in strokes for p in stroke])
            gaps = np.linalg.norm(mine[:, None] - theirs[None], axis=2)
            hausdorff = max(gaps.min(axis=0).max(), gaps.min(axis=1).max())
            assert hausdorff > 0.15, (key, name)  # ink where the template has none, or back


def test_the_bundled_model_misreads_every_quirk_drawn_with_the_mouse(qtbot):
    """The point of the writers: what they write their own way, the base reads wrong, as the
    quirk says, while their ordinary digits are read right."""
    from digitpad.bench.mouse_drawn import make_canvas
    from digitpad.bench.personal import draw, read
    from digitpad.core.predictor import Predictor

    base = Predictor.from_file(BUNDLED)
    canvas = make_canvas()
    qtbot.addWidget(canvas)
    for writer in WRITERS:
        drawings = writer.cases(3, "unseen", 0)
        cases = [c for c in drawings if c.digit in writer.quirky_digits()]
        cases.append(next(c for c in drawings if c.digit == "3"))  # nobody's quirk: read right
        result = read(base, cases, draw(canvas, cases))
        assert result["per_digit"]["3"] == 1.0, writer.name
        for key in writer.quirks:
            quirk = QUIRKS[key]
            assert result["per_digit"][quirk.digit] <= 1 / 3, (writer.name, key, result)
            commonest = Counter(result["read_as"][quirk.digit]).most_common(1)[0][0]
            assert commonest == quirk.misread_as, (writer.name, key, result)


def _fake_fine_tune(seen: dict):
    """A fine-tune that checks what it is given and hands the base model back unchanged."""
    from digitpad.core.checkpoint import load_model

    def fine_tune(config):
        seen["config"] = config
        folder = Path(config.samples)
        seen["files"] = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.png"))
        from PIL import Image

        seen["first"] = np.asarray(Image.open(folder / "0" / "1.png"))
        seen["mode"] = Image.open(folder / "0" / "1.png").mode
        model, meta = load_model(config.base)
        yield Notice("fake")
        yield Finished("completed", "done", 1, {"mnist_before": 0.9932, "mnist_after": 0.9925,
                                                "train_seconds": 1.5}, 2.0, model, meta)
    return fine_tune


def test_samples_are_saved_as_the_canvas_holds_them_and_read_before_and_after(qtbot, tmp_path):
    from digitpad.bench.mouse_drawn import draw_case, make_canvas
    from digitpad.bench.personal import bench_writer
    from digitpad.core.predictor import Predictor

    base = Predictor.from_file(BUNDLED)
    canvas = make_canvas()
    qtbot.addWidget(canvas)
    writer, seen = WRITERS[0], {}
    row = bench_writer(writer, base, BUNDLED, canvas, per_digit=1, unseen=1, seed=0,
                       data_dir=tmp_path, threads=1, fine_tune=_fake_fine_tune(seen))
    config = seen["config"]
    assert config.held_out == 0.0 and config.base == str(BUNDLED) and config.threads == 1
    assert config.data_dir == str(tmp_path)
    assert seen["files"] == sorted(f"{d}/1.png" for d in DIGITS)
    draw_case(canvas, writer.cases(1, "train", 0)[0])  # the first 0 it drew for training
    assert seen["mode"] == "L" and np.array_equal(seen["first"], canvas.to_array())
    assert not Path(config.samples).exists()  # the temporary folder is gone
    assert row["samples"] == 10 and row["unseen"] == 10
    assert row["unseen_before"] == row["unseen_after"] == 0.9  # same model: the 1 misread
    assert row["quirky_digits"]["1"]["read_as_before"] == {"7": 1}
    assert (row["mnist_before"], row["mnist_after"], row["train_seconds"]) == (
        0.9932, 0.9925, 1.5)
    assert row["finetune_seconds"] > 0
    assert set(row["finetune_phases"]) == {"before_steps", "steps", "after_steps"}
    assert sum(row["finetune_phases"].values()) == pytest.approx(row["finetune_seconds"])


def test_a_fine_tune_that_does_not_complete_is_one_line():
    def stopped(config):
        yield Finished("stopped", "Stopped before the fine-tune ended.", 0, {}, 1.0)

    with pytest.raises(DigitpadError, match="did not complete: Stopped before"):
        run_fine_tune(stopped, None)
    with pytest.raises(DigitpadError, match="no result"):
        run_fine_tune(lambda config: iter([Notice("x")]), None)


def _row(name: str, before: float, after: float, mnist: tuple[float, float], seconds: float,
         samples: int = 50) -> dict:
    return {"name": name, "quirks": ["1 long flag"], "unseen_before": before,
            "unseen_after": after, "mnist_before": mnist[0], "mnist_after": mnist[1],
            "finetune_seconds": seconds, "train_seconds": seconds / 2, "samples": samples}


def test_targets_and_the_table_say_met_or_missed_with_the_worst_writer():
    good = [_row("a", 0.85, 0.99, (0.9932, 0.9930), 12.0), _row("b", 0.8, 0.975,
                                                                (0.9932, 0.9910), 14.5)]
    goals = targets(good)
    assert goals["unseen_after"] == {"target": 0.97, "worst": 0.975, "writer": "b", "met": True}
    assert goals["mnist_drop"]["writer"] == "b" and goals["mnist_drop"]["met"] is True
    assert goals["finetune_seconds"]["worst"] == 14.5 and goals["finetune_seconds"]["met"]
    bad = [*good, _row("c", 0.7, 0.95, (0.9932, 0.9890), 25.0)]
    goals = targets(bad)
    assert not goals["unseen_after"]["met"] and goals["unseen_after"]["writer"] == "c"
    assert not goals["mnist_drop"]["met"] and not goals["finetune_seconds"]["met"]
    result = {"model": "m\x1b[31m.pt", "seed": 0, "per_digit": 5, "unseen_per_digit": 20,
              "writers": bad, "targets": goals}
    rows = dict(format_rows(result))
    assert "\x1b" not in rows["model"]  # a model path is printed escaped
    assert rows["c"].split()[:6] == ["1", "long", "flag", "(7)", "70.0%", "→"]
    assert "95.0%" in rows["c"] and "99.32% → 98.90%" in rows["c"] and "25.0 s" in rows["c"]
    assert "fine-tune time, mean" not in rows  # no phases in these rows
    phased = [{**row, "finetune_phases": {"before_steps": 3.0, "steps": 8.0, "after_steps": 2.0}}
              for row in bad]
    assert dict(format_rows({**result, "writers": phased}))["fine-tune time, mean"] == (
        "3.0 s before the first step (samples, MNIST, scoring the base), 8.0 s of steps, "
        "2.0 s scoring the result")
    assert rows["target: unseen ≥ 97% after"] == "MISSED (worst 95.0%, c)"
    assert rows["target: MNIST drop ≤ 0.3 points"] == "MISSED (worst 0.42 points, c)"
    assert rows["target: fine-tune ≤ 20 s for 50 samples"] == "MISSED (slowest 25.0 s, c)"
    json.dumps(json_safe(result), allow_nan=False)
    fewer = targets([_row("d", 0.8, 0.98, (0.99, 0.99), 5.0, samples=10)])
    assert fewer["finetune_seconds"]["met"] is None  # only measured for 50 samples
    table = dict(format_rows({**result, "writers": [], "targets": fewer}))
    assert table["target: fine-tune ≤ 20 s for 50 samples"] == (
        "not measured (no writer had 50 samples)")


def test_bad_settings_are_one_line_before_anything_is_drawn(tmp_path, capsys):
    from digitpad.cli import main

    assert main(["bench", "personal", "--writers", "9", "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "digitpad: error: --writers must be 1 to 6 (there are 6 simulated writers), not 9.\n")
    assert main(["bench", "personal", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"digitpad: error: MNIST was not found in {tmp_path} ")
    assert "pass --data-dir" in err and err.count("\n") == 1
    fashion = PROJECT_ROOT / "resources" / "models" / "fashion.pt"
    mnist = tmp_path / "mnist"  # MNIST's four files as far as the early check looks
    mnist.mkdir()
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (mnist / name).write_bytes(b"")
    assert main(["bench", "personal", "--model", str(fashion), "--data-dir",
                 str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "digitpad: error: fashion.pt is not a model of the ten digits (0 … 9) prepared as "
        "drawings are; bench personal fine-tunes a digit model.\n")


@pytest.mark.slow
def test_bench_personal_fine_tunes_one_writer_end_to_end(shared_data, tmp_path):
    done = run_digitpad(["bench", "personal", "--writers", "1", "--unseen", "5", "--threads",
                         "1", "--data-dir", str(shared_data), "--json"], tmp_path / "library",
                        timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    (row,) = result["writers"]
    assert set(row) >= {"name", "quirks", "unseen_before", "unseen_after", "mnist_before",
                        "mnist_after", "finetune_seconds", "samples"}
    assert row["name"] == "continental" and row["samples"] == 50 and row["unseen"] == 50
    assert row["unseen_before"] <= 0.92  # its flagged 1s are read as 7s
    assert row["quirky_digits"]["1"]["after"] > row["quirky_digits"]["1"]["before"]
    assert row["unseen_after"] > row["unseen_before"]
    assert row["mnist_before"] - row["mnist_after"] < 0.01
    assert set(result["targets"]) == {"unseen_after", "mnist_drop", "finetune_seconds"}
    assert not list((tmp_path / "library").glob("*.pt"))  # the library is not touched
