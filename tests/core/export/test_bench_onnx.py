"""bench latency's ONNX row: onnxruntime and PyTorch timed on the same drawn 7 (issue 18)."""

from __future__ import annotations

from digitpad.bench.latency_onnx import bench_onnx, onnx_rows
from digitpad.core.model_library import resolve_model


def test_the_onnx_row_times_both_runtimes_on_the_same_drawing(shared_data):
    result = bench_onnx(resolve_model("digits"), calls=10, warmup=2, data_dir=shared_data)
    assert result["onnxruntime"]["n"] == 10 and result["pytorch"]["n"] == 10
    assert result["onnxruntime"]["p50_ms"] > 0 and result["pytorch"]["p50_ms"] > 0
    assert result["labels"] == ["7", "7"]
    assert result["round_trip"].startswith("100 MNIST test images, top-1 agreement 100%")
    rows = dict(onnx_rows(result))
    assert "ONNX predict p50 / p95, onnxruntime" in rows
    assert rows["  labels (onnxruntime, PyTorch)"].startswith("7 / 7")


def test_without_the_extra_the_row_says_why(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    result = bench_onnx(resolve_model("digits"), calls=2, warmup=0)
    assert "pip install 'digitpad[onnx]'" in result["skipped"]
    assert "not measured" in dict(onnx_rows(result))["ONNX (onnxruntime) predict"]
