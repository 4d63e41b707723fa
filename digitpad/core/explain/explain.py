"""explain(): one call that explains a drawing, used by the GUI's prediction thread and the CLI."""

from __future__ import annotations

import time

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
) -> Explanation | None:
    """Explain `prediction` (what `predictor.predict(image)` returned) as asked: the evidence
    for its best guess (and for the runner-up), every layer's activations and the first
    layer's weights. None when there is nothing to explain (no ink)."""
    if prediction.no_ink:
        return None
    ranked = prediction.top(2)
    why = attribute(predictor, image, ranked[0][0]) if attribution else None
    why_not = (attribute(predictor, image, ranked[1][0])
               if attribution and runner_up and len(ranked) > 1 else None)
    started = time.perf_counter()
    seen = layer_activations(predictor, image) if layers else []
    weights = first_layer(predictor.model, predictor.meta) if layers else None
    return Explanation(why, why_not, seen, weights,
                       time.perf_counter() - started if layers else 0.0)
