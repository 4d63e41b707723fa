"""`digitpad bench latency` also times what is computed after the bars: the evidence for the
best guess and every layer's activations (p50/p95 each)."""

from __future__ import annotations

from digitpad.bench import latency
from digitpad.cli import main
from digitpad.core.resources import resource_path


def test_bench_explain_times_attribution_and_layers():
    result = latency.bench_explain(resource_path("models", "digits.pt"), calls=4, warmup=1)
    for part in ("attribution", "layers"):
        p = result[part]
        assert p["n"] == 4 and 0 < p["p50_ms"] <= p["p95_ms"]
    assert result["target"] == "7" and "Integrated Gradients" in result["method"]


def test_the_latency_table_shows_them(capsys):
    assert main(["bench", "latency", "--model", "digits", "--calls", "10", "--no-gui"]) == 0
    out = capsys.readouterr().out
    assert "why this digit p50 / p95 (evidence for 7)" in out and "(10 samples)" in out
    assert "what each layer sees p50 / p95" in out
