"""`digitpad bench latency`'s ONNX row: the same model exported (core.export) and run through
onnxruntime behind the same Predictor code, on the same drawn 7, against PyTorch's predict.

Both use the same number of threads (torch's). The export's own round trip runs first, as it
always does; without the onnx extra the row says so instead of a number."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from digitpad.core.errors import DigitpadError


def bench_onnx(model_path: Path, calls: int = 500, warmup: int = 20, side: int = 280,
               data_dir: Any = None) -> dict[str, Any]:
    """p50/p95 of predict through onnxruntime and through PyTorch, alternating call by call
    so that a busy machine slows both alike; or {"skipped": why}."""
    import torch

    from digitpad.bench.latency import percentiles, seven_image
    from digitpad.core.predictor import Predictor

    try:
        from digitpad.core.export.onnx_export import export_onnx
        from digitpad.core.export.onnx_predictor import onnx_predictor

        with tempfile.TemporaryDirectory(prefix="digitpad-bench-onnx-") as scratch:
            out = Path(scratch) / "model.onnx"
            check = export_onnx(model_path, out, data_dir=data_dir, samples=100).check
            runtime = onnx_predictor(out)
    except DigitpadError as exc:
        return {"skipped": str(exc)}
    pytorch = Predictor.from_file(model_path)
    image = seven_image(side)
    times: dict[str, list[float]] = {"onnxruntime": [], "pytorch": []}
    for i in range(warmup + calls):
        for name, predictor in (("onnxruntime", runtime), ("pytorch", pytorch)):
            start = time.perf_counter()
            predictor.predict(image)
            if i >= warmup:
                times[name].append(1000 * (time.perf_counter() - start))
    return {"onnxruntime": percentiles(times["onnxruntime"]),
            "pytorch": percentiles(times["pytorch"]),
            "labels": [runtime.predict(image).label, pytorch.predict(image).label],
            "round_trip": check.describe(), "threads": torch.get_num_threads()}


def onnx_rows(result: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The table rows for bench_onnx's result (none when it was not run)."""
    if not result:
        return []
    if "skipped" in result:
        return [("ONNX (onnxruntime) predict", f"not measured: {result['skipped']}")]

    def p50_95(p: dict[str, float]) -> str:
        return f"{p['p50_ms']:.2f} / {p['p95_ms']:.2f} ms ({p['n']} samples)"

    return [("ONNX predict p50 / p95, onnxruntime", p50_95(result["onnxruntime"])),
            ("  PyTorch predict, same calls interleaved", p50_95(result["pytorch"])),
            ("  labels (onnxruntime, PyTorch)", " / ".join(map(str, result["labels"]))
             + f" ({result['threads']} thread(s))")]
