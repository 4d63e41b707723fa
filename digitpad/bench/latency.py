"""`digitpad bench latency`: how long a drawing takes to become probabilities.

(a) `Predictor.predict` on a canvas-like image (a thick "7" drawn with PIL on white paper):
    p50/p95 over many calls after a warm-up, and the share of it that is preprocessing.
(b) Draw-to-bars in the real window (offscreen): with the left button held on the Draw tab's
    canvas, one synthetic MouseMove is sent at a time; the clock runs from just before the event
    is sent (the canvas paints the segment, emits `changed`, the Draw tab hands the canvas array
    to the prediction thread) until the Draw tab has put the new probabilities into the bars
    (PredictionService.predicted, after DrawTab._show_result); the bars' repaint itself is not
    included. The next move is sent 35 ms after the previous result is shown, past the canvas's
    30 ms `changed` throttle, so every move gets its own prediction.
(c) What the Draw tab computes after the bars for a finished drawing, on the same "7": the
    evidence for its best guess (core.explain.attribution.attribute) and every layer's
    activations (core.explain.activations.layer_activations), p50/p95 each.
(d) A stroke pressed just after another ended, with Why this digit and Inside the network off
    and on: how long the explanation of the finished drawing holds up the next one's bars
    (bench/latency_strokes.py).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.core.errors import DigitpadError

SEVEN = [(0.3, 0.22), (0.7, 0.22), (0.45, 0.8)]  # fractions of the canvas
MOVE_SPACING_MS = 35  # > the canvas's 30 ms throttle of `changed` during a stroke


def percentiles(ms: list[float]) -> dict[str, float]:
    """p50, p95, mean and count of a list of milliseconds."""
    values = np.asarray(ms, dtype=float)
    if not len(values):
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "mean_ms": float("nan"), "n": 0}
    return {"p50_ms": float(np.percentile(values, 50)), "p95_ms": float(np.percentile(values, 95)),
            "mean_ms": float(values.mean()), "n": len(values)}


def seven_image(side: int = 280) -> np.ndarray:
    """A canvas-like uint8 image: a thick black "7" on white, `side` pixels square."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (side, side), 255)
    points = [(x * side, y * side) for x, y in SEVEN]
    ImageDraw.Draw(image).line(points, fill=0, width=max(1, side // 10), joint="curve")
    return np.asarray(image)


def bench_predict(model_path: Path, calls: int = 500, warmup: int = 20,
                  side: int = 280) -> dict[str, Any]:
    """Time Predictor.predict (and preprocessing alone) on `seven_image(side)`."""
    import torch

    from digitpad.core.predictor import Predictor
    from digitpad.core.preprocess import preprocess

    predictor = Predictor.from_file(model_path)
    prep = dict(predictor.meta["preprocess"])
    image = seven_image(side)

    def prepare() -> object:
        return preprocess(image, prep.get("mode", "digit"), size=int(prep.get("size", 28)),
                          channels=int(prep.get("channels", 1)),
                          dark_background=bool(prep.get("dark_background", False)))

    def timed(call: Any) -> list[float]:
        for _ in range(warmup):
            call()
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            call()
            times.append(1000 * (time.perf_counter() - start))
        return times

    predict = percentiles(timed(lambda: predictor.predict(image)))
    preprocessing = percentiles(timed(prepare))
    return {"predict": predict, "preprocess": preprocessing,
            "preprocess_share": preprocessing["p50_ms"] / predict["p50_ms"],
            "image": [side, side], "label": predictor.predict(image).label,
            "torch_threads": torch.get_num_threads()}


def bench_explain(model_path: Path, calls: int = 100, warmup: int = 3,
                  side: int = 280) -> dict[str, Any]:
    """Time attribute() for the best guess and layer_activations() on `seven_image(side)`."""
    from digitpad.core.explain.activations import layer_activations
    from digitpad.core.explain.attribution import attribute
    from digitpad.core.predictor import Predictor

    predictor = Predictor.from_file(model_path)
    image = seven_image(side)
    guess = predictor.predict(image).best_guess

    def timed(call: Any) -> list[float]:
        for _ in range(warmup):
            call()
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            call()
            times.append(1000 * (time.perf_counter() - start))
        return times

    return {"attribution": percentiles(timed(lambda: attribute(predictor, image, guess))),
            "layers": percentiles(timed(lambda: layer_activations(predictor, image))),
            "method": attribute(predictor, image, guess).method, "target": guess}


def _along(points: list[tuple[float, float]], n: int) -> list[tuple[float, float]]:
    """`n` points spread evenly along a polyline (by length)."""
    pts = np.asarray(points)
    lengths = np.r_[0, np.cumsum(np.hypot(*np.diff(pts, axis=0).T))]
    at = np.linspace(0, lengths[-1], n)
    return list(zip(np.interp(at, lengths, pts[:, 0]), np.interp(at, lengths, pts[:, 1])))


def bench_draw(model_path: Path, moves: int = 200, warmup: int = 5,
               timeout_s: float = 60.0) -> dict[str, Any]:
    """Draw-to-bars latency of single mouse moves in the real window (see the module doc)."""
    from PySide6.QtCore import QEvent, QEventLoop, QTimer

    from digitpad.bench.latency_window import open_bench_window
    from digitpad.bench.mouse_strokes import MOVE, PRESS, RELEASE, canvas_point, send

    window = open_bench_window(model_path, timeout_s)
    tab, canvas, loop = window.draw_tab, window.draw_tab.canvas, QEventLoop()
    state: dict[str, Any] = {"error": "", "changes": 0, "sent": 0.0, "waiting": False}
    guard = QTimer(singleShot=True, interval=int(timeout_s * 1000))
    guard.timeout.connect(lambda: (state.update(error=state["error"] or "timed out"),
                                   loop.quit()))
    guard.start()

    path = _along(SEVEN, moves + warmup + 1)
    latencies: list[float] = []
    gui_thread: list[float] = []
    skipped = 0

    def send_at(kind: QEvent.Type, fx: float, fy: float) -> None:
        send(canvas, kind, canvas_point(canvas, fx, fy))

    def next_move() -> None:
        nonlocal skipped
        done = len(latencies) + skipped
        if done >= moves + warmup:
            loop.quit()
            return
        before = state["changes"]
        state["sent"] = time.perf_counter()
        state["waiting"] = True
        send_at(MOVE, *path[done + 1])
        if state["changes"] == before:  # throttled: no prediction for this move
            state["waiting"] = False
            skipped += 1
            QTimer.singleShot(MOVE_SPACING_MS, next_move)
        else:
            gui_thread.append(1000 * (time.perf_counter() - state["sent"]))

    def shown(number: int, result: Any) -> None:  # a core.predictor.Prediction
        if result.no_ink or not state["waiting"]:
            return  # the blank canvas's answer, or the press's (warm-up)
        if tab.bars.probabilities() != list(result.probabilities):
            return  # overtaken: not what the bars show
        state["waiting"] = False
        elapsed = 1000 * (time.perf_counter() - state["sent"])
        latencies.append(elapsed)
        QTimer.singleShot(MOVE_SPACING_MS, next_move)

    canvas.changed.connect(lambda: state.update(changes=state["changes"] + 1))
    window.service.predicted.connect(shown)  # after DrawTab._show_result, connected first
    send_at(PRESS, *path[0])
    QTimer.singleShot(MOVE_SPACING_MS * 3, next_move)
    loop.exec()
    guard.stop()
    send_at(RELEASE, *path[-1])
    window.shutdown()
    window.hide()
    window.deleteLater()
    measured = latencies[warmup:]
    if not measured:
        raise DigitpadError(f"No prediction reached the bars ({state['error'] or 'none came'}).")
    return {"draw_to_bars": percentiles(measured),
            "gui_thread": percentiles(gui_thread[warmup:len(latencies)]),
            "moves": len(measured), "throttled_moves": skipped,
            "canvas": [canvas.width(), canvas.height()]}


def bench_latency(model: str | None = None, data_dir: str | os.PathLike | None = None,
                  calls: int = 500, moves: int = 200, side: int = 280,
                  gui: bool = True) -> dict[str, Any]:
    """Both measurements with one model (see bench_model.benchmark_model for which)."""
    import tempfile

    from digitpad.bench.bench_model import benchmark_model

    with tempfile.TemporaryDirectory(prefix="digitpad-bench-") as scratch:
        path, chosen = benchmark_model(model, data_dir, Path(scratch))
        result: dict[str, Any] = {"model": chosen, "model_file": str(path)}
        result["predictor"] = bench_predict(path, calls, side=side)
        result["explain"] = bench_explain(path, max(10, calls // 5), side=side)
        from digitpad.bench.latency_onnx import bench_onnx

        result["onnx"] = bench_onnx(path, calls, side=side, data_dir=data_dir)
        result["gui"] = bench_draw(path, moves) if gui else None
        if gui:
            from digitpad.bench.latency_strokes import NEXT_STROKE_GAP_MS, bench_next_stroke

            pairs = max(6, moves // 10)
            result["next_stroke"] = {
                name: bench_next_stroke(path, pairs, showing=showing, gap_ms=NEXT_STROKE_GAP_MS)
                for name, showing in (("off", ()), ("on", ("why", "inside")))}
    return result


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The table `digitpad bench latency` prints."""
    def p50_95(p: dict[str, float]) -> str:
        return f"{p['p50_ms']:.2f} / {p['p95_ms']:.2f} ms ({p['n']} samples)"

    pred = result["predictor"]
    side = "×".join(str(v) for v in pred["image"])
    rows = [
        ("model", result["model"]),
        (f"Predictor.predict p50 / p95 ({side} px)", p50_95(pred["predict"])),
        ("  preprocessing alone p50 / p95", p50_95(pred["preprocess"])),
        ("  preprocessing share of p50", f"{pred['preprocess_share']:.0%} "
                                          f"({pred['torch_threads']} torch thread(s))"),
    ]
    explained = result.get("explain")
    if explained:
        rows += [
            (f"why this digit p50 / p95 (evidence for {explained['target']})",
             p50_95(explained["attribution"])),
            ("  method", explained["method"]),
            ("what each layer sees p50 / p95", p50_95(explained["layers"])),
        ]
    from digitpad.bench.latency_onnx import onnx_rows

    rows += onnx_rows(result.get("onnx"))
    gui = result.get("gui")
    if gui:
        rows += [
            ("draw-to-bars p50 / p95 (window)", p50_95(gui["draw_to_bars"])),
            ("  of which the mouse event", p50_95(gui["gui_thread"])),
        ]
    nxt = result.get("next_stroke")
    if nxt:
        gap = nxt["off"]["gap_ms"]
        rows += [
            (f"next stroke press-to-bars, pressed {gap} ms after a release", ""),
            ("  Why this digit and Inside the network off", p50_95(nxt["off"]["press_to_bars"])),
            ("  both on (the release's drawing explained)", p50_95(nxt["on"]["press_to_bars"])),
        ]
    return rows
