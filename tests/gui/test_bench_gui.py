"""`digitpad bench gui` runs end to end on a tiny config and reports every number it promises."""

from __future__ import annotations

import json
import math

from digitpad.cli import main


def test_bench_gui_reports_timer_gaps_and_both_speeds(shared_data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(tmp_path / "models"))
    code = main(["bench", "gui", "--data-dir", str(shared_data), "--model", "lenet5",
                 "--limit", "1500", "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    gap = result["timer_gap"]
    assert gap["ticks"] > 0 and 5 <= gap["p50_ms"] <= gap["p99_ms"] <= gap["max_ms"]
    assert result["gui_images_per_s"] > 0 and result["cli_images_per_s"] > 0
    assert math.isclose(result["gui_vs_cli"],
                        result["gui_images_per_s"] / result["cli_images_per_s"])
    assert "cores" in result["machine"]
