"""`digitpad bench latency` (the window part) and `digitpad bench startup` on tiny settings:
real mouse moves reach the bars, and a real `python -m digitpad` reports its start-up moments.
They check what is reported, never how fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from digitpad.bench.latency import bench_draw
from digitpad.bench.latency_strokes import bench_next_stroke
from digitpad.bench.startup import bench_startup, format_rows


@pytest.fixture(scope="module")
def small_model(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A digitnet trained briefly on 500 MNIST images (any weights do for timing)."""
    from digitpad.core.config import TrainConfig
    from digitpad.core.records import Finished
    from digitpad.core.training import train

    config = TrainConfig(dataset="mnist", data_dir=str(shared_data), epochs=1, limit=500,
                         threads=1, device="cpu")
    finished = next(r for r in train(config) if isinstance(r, Finished))
    return Path(finished.save(str(tmp_path_factory.mktemp("models") / "small.pt")))


def test_every_mouse_move_reaches_the_bars(small_model):
    result = bench_draw(small_model, moves=10, warmup=2)
    draw, gui = result["draw_to_bars"], result["gui_thread"]
    assert result["moves"] == draw["n"] == 10
    assert 0 < draw["p50_ms"] <= draw["p95_ms"]
    assert gui["n"] == 10 and 0 < gui["p50_ms"] <= gui["p95_ms"]
    assert result["throttled_moves"] >= 0 and min(result["canvas"]) > 0


def test_the_next_stroke_reaches_the_bars_with_the_explanations_on_and_off(small_model):
    on = bench_next_stroke(small_model, pairs=3, warmup=1, showing=("why", "inside"), gap_ms=25)
    off = bench_next_stroke(small_model, pairs=3, warmup=1, showing=(), gap_ms=25)
    for result in (on, off):
        timing = result["press_to_bars"]
        assert timing["n"] == 3 and 0 < timing["p50_ms"] <= timing["p95_ms"]
        assert result["gap_ms"] == 25
    assert on["explained"] >= 1 and off["explained"] == 0  # on: finished drawings explained


def test_startup_reports_window_then_model(small_model):
    result = bench_startup(str(small_model), runs=1, timeout_s=60)
    assert result["runs"] == 1 and len(result["window_shown_all"]) == 1
    assert 0 < result["window_shown_s"] <= result["model_loaded_s"]
    assert str(small_model) == result["model"]
    assert dict(format_rows(result))["runs"].startswith("1 fresh process")


def test_startup_can_time_another_executable(small_model, tmp_path):
    """As for a standalone bundle: here a launcher script that records it was the one used."""
    import sys

    marker = tmp_path / "launched"
    launcher = tmp_path / "digitpad-launcher"
    launcher.write_text(f'#!/bin/sh\ntouch "{marker}"\nexec "{sys.executable}" -m digitpad "$@"\n')
    launcher.chmod(0o755)
    result = bench_startup(str(small_model), runs=1, timeout_s=60, executable=str(launcher))
    assert marker.exists() and result["executable"] == str(launcher)
    assert 0 < result["window_shown_s"] <= result["model_loaded_s"]
    assert dict(format_rows(result))["started"] == str(launcher)
