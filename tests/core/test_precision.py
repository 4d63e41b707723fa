"""Training precision (core.precision): which number format a run's steps use, that a bfloat16
run trains as well and saves a plain float32 model, and the settings that go with it."""

from __future__ import annotations

import pytest
import torch

from digitpad.core import precision as precision_module
from digitpad.core.checkpoint import load_model, save_checkpoint
from digitpad.core.config import TrainConfig
from digitpad.core.errors import DigitpadError
from digitpad.core.models.registry import build_model
from digitpad.core.precision import Precision, choose
from digitpad.core.records import Notice, Started
from tests.core.conftest import run_to_end

CPU = torch.device("cpu")


@pytest.mark.parametrize("native", [True, False])
def test_auto_uses_bfloat16_only_for_conv_models_on_a_cpu_that_does_it_natively(
        monkeypatch, native):
    monkeypatch.setattr(precision_module, "cpu_has_native_bf16", lambda: native)
    conv = choose("auto", CPU, build_model("digitnet", 10, 1, 28, {}))
    mlp = choose("auto", CPU, build_model("mlp", 10, 1, 28, {}))
    assert conv == Precision(torch.bfloat16 if native else None, channels_last=True)
    assert mlp == Precision()  # no convolution: nothing measured to gain
    fp32 = choose("fp32", CPU, build_model("digitnet", 10, 1, 28, {}))
    assert fp32 == Precision(None, channels_last=True)  # a layout, still float32
    assert fp32.describe() == "float32, channels-last" and fp32.notice() == ""


def test_bf16_can_be_asked_for_and_describes_itself():
    forced = choose("bf16", CPU, build_model("lenet5", 10, 1, 28, {}))
    assert forced.dtype == torch.bfloat16 and forced.channels_last
    assert forced.describe() == "bfloat16 mixed, channels-last"
    assert "bfloat16" in forced.notice() and Precision().notice() == ""
    assert choose("bf16", CPU, build_model("mlp", 10, 1, 28, {})).describe() == "bfloat16 mixed"
    with pytest.raises(ValueError):
        choose("half", CPU, build_model("mlp", 10, 1, 28, {}))


def test_a_bfloat16_run_learns_and_saves_a_plain_float32_model(small_mnist, tmp_path):
    config = TrainConfig(model="digitnet", epochs=1, seed=0, threads=1, precision="bf16")
    records, finished = run_to_end(config, dataset=small_mnist)
    started = next(r for r in records if isinstance(r, Started))
    assert started.precision == "bfloat16 mixed, channels-last"
    assert any(isinstance(r, Notice) and "bfloat16" in r.message for r in records)
    assert finished.metrics["test_accuracy"] > 0.85
    weights = finished.model.state_dict()
    assert all(t.dtype == torch.float32 for t in weights.values() if t.is_floating_point())
    assert all(t.is_contiguous() for t in weights.values())  # not channels-last in the file
    path = tmp_path / "bf16.pt"
    save_checkpoint(path, finished.model, finished.meta)
    model, meta = load_model(path)
    assert meta["config"]["precision"] == "bf16"
    x = torch.rand(4, 1, 28, 28)
    with torch.no_grad():
        assert torch.equal(model.eval()(x), finished.model.eval()(x))


def test_a_float32_run_says_nothing_about_precision(small_mnist):
    config = TrainConfig(model="mlp", epochs=1, seed=0, threads=1, precision="fp32")
    records, _ = run_to_end(config, dataset=small_mnist)
    assert next(r for r in records if isinstance(r, Started)).precision == "float32"
    assert not any(isinstance(r, Notice) and "bfloat16" in r.message for r in records)


@pytest.mark.parametrize("bad", ["half", "", None, 16])
def test_an_unknown_precision_is_one_clear_error(bad):
    with pytest.raises(DigitpadError, match="Unknown precision"):
        TrainConfig(precision=bad).resolved()


@pytest.mark.parametrize("bad", [-0.1, 1.0, float("nan"), "0.1"])
def test_label_smoothing_must_be_a_share_below_one(bad):
    with pytest.raises(DigitpadError, match="label smoothing|Label smoothing"):
        TrainConfig(label_smoothing=bad).resolved()


def test_label_smoothing_comes_from_the_recipe_and_is_refused_with_nll():
    assert TrainConfig(model="digitnet").resolved().label_smoothing == 0.1
    assert TrainConfig(model="lenet5").resolved().label_smoothing == 0.0
    with pytest.raises(DigitpadError, match="NLL"):
        TrainConfig(model="mlp", label_smoothing=0.1).resolved()
    assert TrainConfig(model="mlp", loss="ce", label_smoothing=0.1).resolved()
