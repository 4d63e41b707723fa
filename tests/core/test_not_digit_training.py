"""Training to decline (issue 14): generated non-digits in every batch, the two methods, the
fitted rule and the recipe in the saved file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from torch.nn import functional as F

from digitpad.core.config import TrainConfig
from digitpad.core.datasets import Dataset
from digitpad.core.decline import NOT_A_DIGIT
from digitpad.core.errors import DigitpadError
from digitpad.core.not_digit_training import OUTLIER_WEIGHT, loss_with_not_digits, vary_aspect
from digitpad.core.predictor import Predictor
from digitpad.core.splits import make_dataset
from tests.core.conftest import run_to_end


def test_outlier_exposure_adds_the_cross_entropy_to_uniform_on_non_digits() -> None:
    loss = loss_with_not_digits(F.cross_entropy, "uniform")
    outputs = torch.tensor([[3.0, 0.0, 0.0], [1.0, 1.0, 1.0], [5.0, 0.0, 0.0]])
    labels = torch.tensor([0, -1, -1])
    digit_part = F.cross_entropy(outputs[:1], labels[:1])
    uniform_part = (-F.log_softmax(outputs[1:], 1).mean(1)).mean()
    assert float(loss(outputs, labels)) == pytest.approx(
        float(digit_part + OUTLIER_WEIGHT * uniform_part))
    # an even output is the best a non-digit can get: log(3) per row
    even = loss(torch.zeros(1, 3), torch.tensor([-1]))
    assert float(even) == pytest.approx(OUTLIER_WEIGHT * math.log(3))
    assert loss_with_not_digits(F.cross_entropy, "class") is F.cross_entropy


def test_some_training_digits_are_widened_or_narrowed() -> None:
    """Learning "not a digit" must not teach that a stretched digit is one: about 15% of every
    batch is drawn wider or narrower, the rest is left exactly as it was."""
    x = torch.zeros(600, 1, 28, 28)
    x[:, :, 4:24, 12:16] = 1.0  # an upright bar, 4 px wide and 20 tall
    out = vary_aspect(x, torch.Generator().manual_seed(0))
    again = vary_aspect(x, torch.Generator().manual_seed(0))
    assert torch.equal(out, again)
    changed = (out != x).flatten(1).any(1)
    assert 0.10 < float(changed.float().mean()) < 0.20
    heights = (out[changed].sum(3) > 0.5).sum(2).squeeze(1).float()  # rows with ink
    ink = out[changed].flatten(1).sum(1)
    # one side scaled by 1/1.6 .. 1, the other kept: a wider bar is shorter, a narrower one
    # as tall and thinner; either way it has less ink than the 80 px it had
    assert float(heights.min()) <= 15 and float(heights.max()) >= 19
    assert float(ink.max()) < 80 and float(ink.min()) > 80 / 1.6 * 0.75  # (resampling)
    assert torch.equal(out[~changed], x[~changed])


@pytest.mark.parametrize("method", ["uniform", "class"])
def test_a_run_with_non_digits_saves_a_rule_and_its_recipe(
        small_mnist: Dataset, tmp_path: Path, method: str) -> None:
    config = TrainConfig(dataset="mnist", model="digitnet", epochs=1, seed=3, threads=1,
                         not_digits=400, not_digit_method=method)
    records, finished = run_to_end(config, dataset=small_mnist)
    assert finished.reason == "completed"
    assert any("not-a-digit" in getattr(r, "message", "") for r in records)
    meta, metrics = finished.meta, finished.metrics
    assert meta["decline"]["score"] == ("class" if method == "class" else meta["decline"]["score"])
    assert meta["decline"]["score"] in (("class",) if method == "class"
                                        else ("max_probability", "energy"))
    assert math.isfinite(meta["decline"]["threshold"])
    assert meta["not_digits"]["seed"] == 3 and meta["not_digits"]["method"] == method
    assert meta["not_digits"]["held_out"] >= 200
    assert 0.98 <= metrics["val_digits_kept"] <= 1.0
    assert 0.0 <= metrics["val_not_digits_declined"] <= 1.0
    assert 0.0 <= metrics["val_decline_auroc"] <= 1.0
    names = meta["class_names"]
    expected = 11 if method == "class" else 10
    assert len(names) == expected and (names[-1] == NOT_A_DIGIT) == (method == "class")
    path = tmp_path / f"{method}.pt"
    finished.save(str(path))
    predictor = Predictor.from_file(path)  # the saved file loads, with its rule
    assert predictor.can_decline and predictor.class_names == [str(d) for d in range(10)]


def test_the_same_seed_gives_the_same_model(small_mnist: Dataset) -> None:
    config = TrainConfig(dataset="mnist", model="mlp", epochs=1, seed=5, threads=1, limit=600,
                         not_digits=200)
    first = run_to_end(config, dataset=small_mnist)[1]
    second = run_to_end(config, dataset=small_mnist)[1]
    for a, b in zip(first.model.state_dict().values(), second.model.state_dict().values()):
        assert torch.equal(a, b)
    assert first.meta["decline"] == second.meta["decline"]


def test_data_that_is_not_drawn_digits_is_refused_before_training(small_mnist: Dataset) -> None:
    plain = make_dataset("clothes", "clothes", list(small_mnist.class_names), small_mnist.train,
                         small_mnist.val, None, mode="plain", channels=1, dark_background=True,
                         augment_style="fashion")
    config = TrainConfig(dataset="mnist", model="digitnet", epochs=1, threads=1, not_digits=100)
    with pytest.raises(DigitpadError, match="clothes is not, so leave out --not-digits"):
        run_to_end(config, dataset=plain)


def test_settings_for_non_digits_are_checked() -> None:
    with pytest.raises(DigitpadError, match="not-a-digit method"):
        TrainConfig(not_digit_method="magic").resolved()
    with pytest.raises(DigitpadError, match="number of not-a-digit images"):
        TrainConfig(not_digits=-1).resolved()
    with pytest.raises(DigitpadError, match="decline score"):
        TrainConfig(decline_score="class").resolved()
