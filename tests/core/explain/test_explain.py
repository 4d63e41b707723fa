"""explain(): the evidence for the best guess and the runner-up, and the layers, in one call."""

from __future__ import annotations

import numpy as np

from digitpad.core.explain.explain import explain
from digitpad.core.predictor import Predictor
from digitpad.core.resources import resource_path
from tests.core.explain.test_attribution import seven_or_one


def test_explain_a_seven_with_its_runner_up():
    predictor = Predictor.from_file(resource_path("models", "digits.pt"))
    seven, _ = seven_or_one(True)
    prediction = predictor.predict(seven)
    got = explain(predictor, seven, prediction, runner_up=True)
    assert got.attribution.target == "7"
    assert got.runner_up.target == prediction.top(2)[1][0] != "7"
    assert got.attribution.source_heat.shape == seven.shape
    assert got.layers and got.layers[-1].kind == "units" and got.first_layer is not None
    only = explain(predictor, seven, prediction, layers=False)
    assert only.runner_up is None and only.layers == [] and only.first_layer is None
    blank = np.full((280, 280), 255, np.uint8)
    assert explain(predictor, blank, predictor.predict(blank)) is None
