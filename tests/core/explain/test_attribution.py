"""Why this digit: the overlay is right, not decorative. On a 7 that differs from a 1 only by
its top bar, most of the evidence for "7" lies on the bar; it runs for every architecture and
for models with a "not a digit" output, and leaves the model and torch as they were."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from digitpad.core.explain.attribution import attribute
from digitpad.core.models import build_model
from digitpad.core.predictor import Predictor
from digitpad.core.resources import resource_path
from tests.core.explain.test_placement import dilated

MNIST = {"mean": [0.1307], "std": [0.3081]}


@pytest.fixture(scope="module")
def bundled() -> Predictor:
    return Predictor.from_file(resource_path("models", "digits.pt"))


def seven_or_one(bar: bool, pen: int = 12, slope: float = 0.6, length: int = 120):
    """A dark 7 on white paper (a bar, then a slanted stem from its right end), or the same
    stem alone with a stub of the bar's pen at its top (a 1); and the bar's region (the bar
    and a 6 px margin)."""
    image = np.full((280, 280), 255, np.uint8)
    region = np.zeros(image.shape, bool)
    top, left = 60, 80
    right = left + length - pen // 2
    if bar:
        image[top : top + pen, left : left + length] = 0
        region[top - 6 : top + pen + 6, left - 6 : left + length + 6] = True
    else:
        image[top : top + pen, right - pen // 2 : right + pen // 2] = 0
    for t in range(140):
        x = int(right - t * slope)
        image[top + pen + t, x - pen // 2 : x + pen // 2] = 0
    return image, region


def share(heat: np.ndarray, region: np.ndarray) -> float:
    return float(heat[region].sum() / heat.sum())


@pytest.mark.parametrize("style", [{}, {"pen": 8}, {"pen": 16}, {"slope": 0.3}, {"slope": 0.9},
                                   {"length": 90}, {"length": 150}])
def test_the_evidence_for_seven_is_on_its_bar(bundled, style):
    seven, bar = seven_or_one(True, **style)
    one, _ = seven_or_one(False, **style)
    assert bundled.predict(seven).label == "7" and bundled.predict(one).label == "1"
    why = attribute(bundled, seven, "7")
    assert why.target == "7" and "Integrated Gradients" in why.method and why.seconds > 0
    assert why.source_heat.shape == seven.shape and why.input_heat.shape == (28, 28)
    assert why.input_heat.max() == pytest.approx(1) and why.input_heat.min() >= 0
    assert 0.5 < why.source_heat.max() <= 1 and why.source_heat.min() >= 0  # interpolated
    assert why.input_heat.dtype == why.source_heat.dtype == np.float32
    assert share(why.source_heat, bar) > 0.55  # measured 0.58-0.72 over these styles
    # on the ink: within one field pixel (~7 px here) of it; none on the bare paper
    assert share(why.source_heat, dilated(seven < 128, 8)) > 0.95
    # the same image asked "why 1?" points elsewhere: more at the stem, less at the bar (by
    # at least 0.25 of the heat with the model before stop 25's; by 0.17 and 0.20 for the
    # default and slope-0.9 styles with the current one, which also sees widened digits)
    why_one = attribute(bundled, seven, "1")
    assert share(why_one.source_heat, bar) < share(why.source_heat, bar) - 0.15


def test_the_input_heat_and_the_source_heat_agree(bundled):
    seven, bar = seven_or_one(True)
    why = attribute(bundled, seven, "7")
    prep = bundled.prepare(seven)[1]
    np.testing.assert_allclose(prep.placement.to_source(why.input_heat), why.source_heat)


def test_the_model_stays_in_eval_mode_and_grads_stay_off(bundled):
    seven, _ = seven_or_one(True)
    before = {k: v.clone() for k, v in bundled.model.state_dict().items()}
    with torch.inference_mode():
        attribute(bundled, seven, "7")  # inside inference mode too (the worker thread's habit)
    attribute(bundled, seven, "7")
    assert not bundled.model.training
    assert torch.is_grad_enabled()  # pytest's default: left as it was
    with torch.no_grad():
        attribute(bundled, seven, "7")
        assert not torch.is_grad_enabled()
    assert all(p.grad is None for p in bundled.model.parameters())
    after = bundled.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # BN statistics untouched
    assert not bundled.lock.locked()


def test_no_ink_and_unknown_classes_are_clear_errors(bundled):
    with pytest.raises(ValueError, match="no ink"):
        attribute(bundled, np.full((280, 280), 255, np.uint8), "7")
    seven, _ = seven_or_one(True)
    with pytest.raises(ValueError):
        attribute(bundled, seven, "not a digit")  # the reject output is no class to explain
    with pytest.raises(ValueError):
        attribute(bundled, seven, "banana")


def _predictor(name: str, classes: int = 10, channels: int = 1, size: int = 28,
               reject: bool = False) -> Predictor:
    torch.manual_seed(0)
    options = {"pretrained": False} if name == "resnet18" else None
    model = build_model(name, classes + reject, channels, size, options=options)
    names = [str(i) for i in range(classes)] + (["not a digit"] if reject else [])
    meta = {"class_names": names, **MNIST,
            "preprocess": {"mode": "digit", "size": size, "channels": channels}}
    if channels == 3:
        meta.update(mean=[0.5] * 3, std=[0.25] * 3,
                    preprocess={"mode": "plain", "size": size, "channels": 3})
    if reject:
        meta["decline"] = {"score": "class", "threshold": 0.5}
    return Predictor(model, meta)


@pytest.mark.parametrize(("name", "channels", "size", "reject"), [
    ("softmax", 1, 28, False), ("mlp", 1, 28, False), ("cnn", 1, 28, False),
    ("lenet5", 1, 28, False), ("digitnet", 1, 28, False), ("digitnet", 1, 28, True),
    ("mlp", 1, 28, True), ("resnet18", 1, 28, False), ("resnet18", 3, 64, False)])
def test_every_architecture_is_explained(name, channels, size, reject):
    predictor = _predictor(name, channels=channels, size=size, reject=reject)
    image = np.full((120, 160, 3) if channels == 3 else (120, 160), 255, np.uint8)
    image[20:100, 70:82] = 0
    prediction = predictor.predict(image)
    why = attribute(predictor, image, prediction.best_guess)
    assert why.input_heat.shape == (size, size) and why.source_heat.shape == (120, 160)
    assert np.isfinite(why.input_heat).all() and why.input_heat.max() <= 1
    assert why.source_heat.max() > 0  # something spoke for its own best guess
    assert not predictor.model.training


def test_a_newer_drawing_cancels_it_between_pieces_of_the_path(bundled):
    seven, _ = seven_or_one(True)
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) >= 2  # a newer drawing arrives during the second piece

    assert attribute(bundled, seven, "7", cancelled=cancelled) is None
    assert len(asked) == 2 and not bundled.lock.locked()
    kept = attribute(bundled, seven, "7", cancelled=lambda: False)
    assert kept is not None and kept.input_heat.max() == 1.0
