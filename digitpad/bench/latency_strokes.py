"""`digitpad bench latency`'s next-stroke rows: does explaining a finished drawing hold up the
bars of the next one?

When a stroke ends, the prediction thread computes the bars and then, if Why this digit or
Inside the network is showing, the explanation (core.explain.explain: 32 Integrated-Gradients
passes and a hooked forward pass). It cannot stop an explanation half way, so a stroke begun
straight after the release waits for it. Measured in the real window (offscreen), in one run
with both off and with both on: a short stroke is drawn and released, the next stroke is
pressed `gap_ms` later (0: as fast as a hand cannot), and the clock runs from that press
until the Draw tab's bars show the answer to a request made at or after it (the press itself
asks for one). Each pair then rests, so the pairs do not overlap.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from digitpad.bench.latency_window import open_bench_window
from digitpad.core.errors import DigitpadError

FIRST = [(0.3, 0.3), (0.5, 0.5), (0.7, 0.7)]  # the stroke that is released (fractions)
SECOND = [(0.7, 0.3), (0.5, 0.5), (0.3, 0.7)]  # the stroke pressed right after it
SPACING_MS = 35  # between moves: past the canvas's 30 ms throttle of `changed`
NEXT_STROKE_GAP_MS = 25  # bench latency's gap: the release's explanation is still running
REST_MS = 600  # after each pair: the second stroke's own explanation finishes


def bench_next_stroke(model_path: Path, pairs: int = 20, warmup: int = 2,
                      showing: tuple[str, ...] = ("why", "inside"), gap_ms: int = 0,
                      timeout_s: float = 120.0) -> dict[str, Any]:
    """Press-to-bars of a stroke begun `gap_ms` after another ended, with what `showing` names
    on ("why": Why this digit, "inside": Inside the network; none: neither); p50/p95 in ms
    over `pairs`."""
    from PySide6.QtCore import QEventLoop, QTimer

    from digitpad.bench.latency import percentiles
    from digitpad.bench.mouse_strokes import MOVE, PRESS, RELEASE, canvas_point, send

    window = open_bench_window(model_path, timeout_s)
    tab, canvas, service, loop = window.draw_tab, window.draw_tab.canvas, window.service, \
        QEventLoop()
    explained = bool(showing)
    if "why" in showing:
        tab.why.action.trigger()
    if "inside" in showing:
        window.inside_dock.show()
    state: dict[str, Any] = {"pressed": 0.0, "after": None, "error": "", "explained": 0}
    timings: list[float] = []
    service.explained.connect(lambda *_: state.update(explained=state["explained"] + 1))

    def at(kind: Any, point: tuple[float, float]) -> None:
        send(canvas, kind, canvas_point(canvas, *point))

    def draw_first() -> None:
        if len(timings) >= pairs + warmup:
            loop.quit()
            return
        canvas.clear()
        at(PRESS, FIRST[0])
        for delay, point in enumerate(FIRST[1:], 1):
            QTimer.singleShot(delay * SPACING_MS, lambda p=point: at(MOVE, p))
        QTimer.singleShot(len(FIRST) * SPACING_MS, release_first)

    def release_first() -> None:
        at(RELEASE, FIRST[-1])  # the finished drawing: its bars, then (if on) its explanation
        QTimer.singleShot(gap_ms, press_second)

    def press_second() -> None:
        state["after"] = service.requests_made  # the press's own request comes next
        state["pressed"] = time.perf_counter()
        at(PRESS, SECOND[0])

    def shown(number: int, _prediction: Any) -> None:
        if state["after"] is None or number <= state["after"]:
            return  # the first stroke's answers
        timings.append(1000 * (time.perf_counter() - state["pressed"]))
        state["after"] = None
        for delay, point in enumerate(SECOND[1:], 1):
            QTimer.singleShot(delay * SPACING_MS, lambda p=point: at(MOVE, p))
        QTimer.singleShot(len(SECOND) * SPACING_MS, lambda: at(RELEASE, SECOND[-1]))
        QTimer.singleShot(len(SECOND) * SPACING_MS + REST_MS, draw_first)

    service.predicted.connect(shown)  # after DrawTab._show_result, connected first
    guard = QTimer(singleShot=True, interval=int(timeout_s * 1000))
    guard.timeout.connect(lambda: (state.update(error="timed out"), loop.quit()))
    guard.start()
    QTimer.singleShot(SPACING_MS, draw_first)
    loop.exec()
    guard.stop()
    window.shutdown()
    window.hide()
    window.deleteLater()
    measured = timings[warmup:]
    if not measured:
        raise DigitpadError(f"No next stroke reached the bars ({state['error'] or 'none'}).")
    if explained and not state["explained"]:
        raise DigitpadError("Why this digit was on but no drawing was explained.")
    return {"press_to_bars": percentiles(measured), "explained": state["explained"],
            "gap_ms": gap_ms}
