"""explain(): one call that explains a drawing, used by the GUI's prediction thread and the CLI."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PIL import Image

from digitpad.core.explain.activations import layer_activations
from digitpad.core.explain.attribution import attribute
from digitpad.core.explain.first_layer import first_layer
from digitpad.core.explain.records import Explanation
from digitpad.core.predictor import Prediction, Predictor


def explain(
    predictor: Predictor,
    image: np.ndarray | Image.Image,
    prediction: Prediction,
    *,
    attribution: bool = True,
    runner_up: bool = False,
    layers: bool = True,
    cancelled: Callable[[], bool] | None = None,
) -> Explanation | None:
    """Explain `prediction` (what `predictor.predict(image)` returned) as asked: every layer's
    activations and the first layer's weights (cheap, first), then the evidence for its best
    guess (and for the runner-up). None when there is nothing to explain (no ink), or when
    `cancelled` says True between the attribution's pieces (a newer drawing waits)."""
    if prediction.no_ink:
        return None
    started = time.perf_counter()
    seen = layer_activations(predictor, image) if layers else []
    weights = first_layer(predictor.model, predictor.meta) if layers else None
    seconds = time.perf_counter() - started if layers else 0.0
    ranked = prediction.top(2)
    why = why_not = None
    if attribution:
        why = attribute(predictor, image, ranked[0][0], cancelled=cancelled)
        if why is None:
            return None
        if runner_up and len(ranked) > 1:
            why_not = attribute(predictor, image, ranked[1][0], cancelled=cancelled)
            if why_not is None:
                return None
    return Explanation(why, why_not, seen, weights, seconds)
