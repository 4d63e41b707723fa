"""A model file made before an option existed keeps the architecture it was made with: digitnet
files from before pool_first (v1 to stop 28, the bundled ones among them) are conv-BN-ReLU-pool,
whatever today's default is, whether they are loaded, predicted from or trained further."""

from __future__ import annotations

import pytest
from torch import nn

from digitpad.core.checkpoint import load_model
from digitpad.core.config import TrainConfig
from digitpad.core.model_library import bundled_model_path
from digitpad.core.models.registry import build_model, get_spec, recorded_options
from digitpad.core.resume_state import read_resume
from digitpad.core.resume_training import config_to_continue


def _order(model: nn.Module) -> list[type]:
    return [type(m) for m in model.features[0]]


LEGACY = [nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.MaxPool2d]
POOL_FIRST = [nn.Conv2d, nn.MaxPool2d, nn.BatchNorm2d, nn.ReLU]


def test_a_new_digitnet_pools_first_and_its_file_names_every_option():
    assert _order(build_model("digitnet", 10)) == POOL_FIRST
    options = TrainConfig(model="digitnet").resolved().model_options
    assert options == {"width": 16, "pool_first": True}  # what a new file records
    assert _order(build_model("digitnet", 10, options={"pool_first": False})) == LEGACY


def test_options_a_file_does_not_name_take_their_legacy_values():
    assert recorded_options("digitnet", {}) == {"width": 24, "pool_first": False}
    assert recorded_options("digitnet", {"width": 48}) == {"width": 48, "pool_first": False}
    named = {"width": 16, "pool_first": True}
    assert recorded_options("digitnet", named) == named
    assert recorded_options("mlp", {"activation": "tanh"}) == {"activation": "tanh"}
    # an unknown architecture or a hostile value is left for the checks to refuse
    assert recorded_options("no-such-model", {"x": 1}) == {"x": 1}
    assert recorded_options(["digitnet"], {"x": 1}) == {"x": 1}
    assert set(get_spec("digitnet").legacy) <= set(get_spec("digitnet").options)


@pytest.mark.parametrize("name", ["digits", "fashion"])
def test_the_bundled_models_load_and_train_on_as_they_were_made(name):
    path = bundled_model_path(name)
    model, meta = load_model(path)
    assert "pool_first" not in meta["model_options"]
    assert _order(model) == LEGACY
    state = read_resume(path)
    config = config_to_continue(state, epochs=state.epoch + 1)  # as --resume and fine-tuning
    assert config.model_options == {"width": meta["model_options"]["width"],
                                    "pool_first": False}
