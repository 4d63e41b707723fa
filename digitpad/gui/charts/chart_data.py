"""What the live charts store: growing point series and the smoothed loss (no Qt, no torch).

The smoothed loss is TensorBoard's bias-corrected exponential moving average, with one change:
TensorBoard's weight is a fixed slider (its default 0.6 is tuned for points logged every N steps,
and a fixed 0.95 per step lagged badly on short runs: 0.15 against a raw 0.02 at step 40). Here the
average's span grows with the run, SPAN_FRACTION of the steps seen so far, up to SPAN_MAX steps
(weight 0.95, the old fixed one), so the smoothed line always trails the raw one by a
small share of what the chart shows. The span is at least SPAN_MIN steps, so the first steps'
batch-to-batch noise is damped too.
"""

from __future__ import annotations

import math

import numpy as np

SPAN_FRACTION = 0.1  # the EMA spans about this share of the steps so far …
SPAN_MIN = 5.0  # … at least this many steps (weight 1 - 2 / (5 + 1) = 2/3) …
SPAN_MAX = 39.0  # … up to this many steps (weight 1 - 2 / (39 + 1) = 0.95)


class GrowingSeries:
    """x and y float64 arrays with amortised O(1) appends (capacity doubles when full)."""

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity)
        self._y = np.empty(capacity)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def extend(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Append the points (xs[i], ys[i])."""
        end = self._n + len(xs)
        if end > len(self._x):
            capacity = max(end, 2 * len(self._x))
            for name in ("_x", "_y"):
                grown = np.empty(capacity)
                grown[: self._n] = getattr(self, name)[: self._n]
                setattr(self, name, grown)
        self._x[self._n : end] = xs
        self._y[self._n : end] = ys
        self._n = end

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Views of the points so far (stay valid: stored points are never overwritten)."""
        return self._x[: self._n], self._y[: self._n]


def add_point(series: GrowingSeries, x: float, y: float) -> None:
    """Append one point, skipping a non-finite value (a diverged epoch gets no marker)."""
    if math.isfinite(y):
        series.extend(np.array([float(x)]), np.array([y]))


class LossSmoother:
    """Bias-corrected EMA whose span grows with the run (see the module docstring)."""

    def __init__(self) -> None:
        self._ema, self._norm, self._count, self._last = 0.0, 0.0, 0, math.nan

    def smooth(self, values: np.ndarray) -> np.ndarray:
        """The smoothed value after each of `values` (nan: a gap, keeps the previous value)."""
        out = np.empty(len(values))
        ema, norm, count, last = self._ema, self._norm, self._count, self._last
        for i, value in enumerate(values.tolist()):
            if not math.isnan(value):
                count += 1
                span = min(SPAN_MAX, max(SPAN_MIN, SPAN_FRACTION * count))
                keep = 1.0 - 2.0 / (span + 1.0)
                ema = keep * ema + (1.0 - keep) * value
                norm = keep * norm + (1.0 - keep)  # 1 - keep**count for a fixed weight
                last = ema / norm
            out[i] = last
        self._ema, self._norm, self._count, self._last = ema, norm, count, last
        return out


def huge_range(values: np.ndarray, ratio: float) -> bool:
    """True when the positive finite `values` span more than `ratio` (max / min)."""
    positive = values[np.isfinite(values) & (values > 0)]
    return len(positive) > 1 and float(positive.max()) > ratio * float(positive.min())
