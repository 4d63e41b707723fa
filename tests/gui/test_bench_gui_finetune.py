"""`digitpad bench gui --finetune` runs end to end: 50 drawings into a temporary handwriting
folder, Fine-tune clicked on the real window, timer gaps while it runs, the press-to-table time
and the table; the temporary folders go afterwards and the user's are not touched."""

from __future__ import annotations

import functools
import json
import math
import os
import tempfile
from pathlib import Path

import pytest

from digitpad.bench import gui_finetune
from digitpad.cli import main

QUICK_STEPS = 20  # the figures are under test here, not how well it learns


@pytest.mark.slow
def test_bench_gui_finetune_reports_timer_gaps_and_the_table(shared_data: Path, tmp_path: Path,
                                                             monkeypatch, capsys) -> None:
    mine = tmp_path / "the user's own"
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(mine / "models"))
    monkeypatch.setenv("DIGITPAD_HANDWRITING_DIR", str(mine / "handwriting"))
    monkeypatch.setattr(gui_finetune, "bench_gui_finetune", functools.partial(
        gui_finetune.bench_gui_finetune, steps=QUICK_STEPS))
    before = set(os.listdir(tempfile.gettempdir()))
    code = main(["bench", "gui", "--finetune", "--data-dir", str(shared_data), "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    gap = result["timer_gap"]
    assert gap["ticks"] > 100 and 8 <= gap["p50_ms"] <= 15, gap  # a 10 ms timer, on time
    assert gap["p50_ms"] <= gap["p99_ms"] <= gap["max_ms"]
    assert 0 < result["finetune_seconds"] < 300
    assert math.isclose(gap["ticks"] * gap["p50_ms"] / 1000, result["finetune_seconds"],
                        rel_tol=0.5)  # the probe ran from the press to the table
    assert result["finetune_threads"] >= 1 and "cores" in result["machine"]
    config = result["config"]
    assert config["samples"] == 50 and config["steps"] == QUICK_STEPS
    assert config["base"] == "digits.pt"  # the bundled model, in use on an empty library
    what = [row[0] for row in result["report"]]
    assert what[0].startswith("Your drawings it did not learn from (10)"), what
    assert any(w.startswith("MNIST test") for w in what), what
    assert not mine.exists()  # the bench used folders of its own...
    left = {n for n in set(os.listdir(tempfile.gettempdir())) - before
            if n.startswith("digitpad-bench-gui-finetune-")}
    assert not left  # ...and removed them
    rows = dict(gui_finetune.format_rows(result))
    assert rows["timer gap p50 / p99 / max"].endswith("press to table)")
    assert rows["fine-tune: press to table"].startswith(f"{result['finetune_seconds']:.1f} s")
    assert " → " in rows[what[0]]


def test_bench_gui_finetune_without_mnist_says_so_in_one_line(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "no data"
    empty.mkdir()
    code = main(["bench", "gui", "--finetune", "--data-dir", str(empty)])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("digitpad: error: MNIST was not found in") and err.count("\n") == 1
