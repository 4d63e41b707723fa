"""The GUI-smoothness probe `digitpad bench gui` uses: a 10 ms QTimer on the GUI thread whose
tick-to-tick gaps show how long the event loop was kept from running (a smooth window shows gaps
close to 10 ms), and their percentiles."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

INTERVAL_MS = 10


def percentiles(gaps_ms: list[float]) -> dict[str, float]:
    """p50 / p99 / max of the gaps in ms, and how many there were (NaN with none)."""
    if not gaps_ms:
        return {"p50_ms": float("nan"), "p99_ms": float("nan"), "max_ms": float("nan"),
                "ticks": 0}
    values = np.asarray(gaps_ms)
    return {"p50_ms": float(np.percentile(values, 50)), "p99_ms": float(np.percentile(values, 99)),
            "max_ms": float(values.max()), "ticks": len(gaps_ms)}


class TimerProbe:
    """A QTimer ticking every `interval_ms` on the thread that makes it (the GUI thread); while
    `measuring` is True, each gap between two ticks is recorded in `gaps` (ms)."""

    def __init__(self, interval_ms: int = INTERVAL_MS) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.measuring = False
        self._last: float | None = None
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.measuring and self._last is not None:
            self.gaps.append(1000 * (now - self._last))
        self._last = now

    @property
    def ticking(self) -> bool:
        """True once the timer has ticked (gaps are measured from that tick on)."""
        return self._last is not None

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def percentiles(self) -> dict[str, Any]:
        return percentiles(self.gaps)
