"""`digitpad bench busy` (issue 17): every model and condition gets a row of three measured
speeds, and the busy processes it starts are gone when it ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from digitpad.bench.busy import busy_processes, conditions


def test_conditions_are_quiet_then_all_cores_but_one_then_all() -> None:
    assert conditions(2) == [("quiet", 0), ("1 busy process", 1), ("2 busy processes", 2)]
    assert conditions(1) == [("quiet", 0), ("1 busy process", 1)]


def test_the_busy_processes_spin_and_are_killed_even_after_an_error() -> None:
    with pytest.raises(RuntimeError), busy_processes(2) as hogs:
        assert all(h.poll() is None for h in hogs)  # running
        raise RuntimeError("a benchmark failed")
    assert all(h.returncode is not None for h in hogs)


def test_the_json_has_a_row_per_model_and_condition(shared_data) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "digitpad", "bench", "busy", "--models", "softmax,mlp",
         "--steps", "12", "--data-dir", str(shared_data), "--json"],
        capture_output=True, text=True, timeout=300, env={**os.environ})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    rows = result["rows"]
    n = result["cores"]
    assert [(r["model"], r["condition"]) for r in rows] == [
        (m, c) for c, _ in conditions(n) for m in ("softmax", "mlp")]
    for row in rows:
        assert row["fixed_1"] > 0 and row["fixed_all"] > 0 and row["auto"] > 0
        assert row["auto_threads"] in {1, n} | ({n // 2} if n >= 4 else set())
        best = max(row["fixed_1"], row["fixed_all"])
        assert row["auto_vs_best"] == pytest.approx(row["auto"] / best)
