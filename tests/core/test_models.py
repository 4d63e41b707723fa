"""The model registry: every entry builds, runs and describes itself."""

from __future__ import annotations

import pytest
import torch

from digitpad.core.errors import DigitpadError
from digitpad.core.models.registry import REGISTRY, build_model, get_spec, parameter_count


@pytest.mark.parametrize("name", [n for n in REGISTRY if n != "resnet18"])
def test_each_model_maps_a_batch_to_class_scores(name):
    model = build_model(name, 10)
    out = model(torch.rand(3, 1, 28, 28))
    assert out.shape == (3, 10)
    assert parameter_count(model) > 0
    assert REGISTRY[name].description


def test_the_tutorial_details_are_kept():
    softmax = build_model("softmax", 10)
    assert softmax.linear.weight.std().item() == pytest.approx(0.01, rel=0.1)
    assert torch.all(softmax.linear.bias == 0)
    mlp = build_model("mlp", 10, options={"activation": "sigmoid"})
    linear = [m.out_features for m in mlp.modules() if isinstance(m, torch.nn.Linear)]
    assert linear == [128, 64, 10]
    assert torch.allclose(mlp(torch.rand(2, 1, 28, 28)).exp().sum(1), torch.ones(2))
    assert get_spec("mlp").outputs == "log_probs"
    assert get_spec("cnn").recipe.optimizer == "adadelta"


def test_cnn_can_work_at_8x8_like_the_tutorial():
    small = build_model("cnn", 10, options={"input_size": "8"})
    assert small(torch.rand(2, 1, 28, 28)).shape == (2, 10)
    assert parameter_count(small) < parameter_count(build_model("cnn", 10))
    with pytest.raises(DigitpadError, match="input_size"):
        build_model("cnn", 10, options={"input_size": 12})


def test_resnet18_adapts_to_grayscale_and_class_count():
    for adapter in ("repeat", "conv1"):
        model = build_model("resnet18", 3, 1, 28, {"adapter": adapter, "pretrained": False})
        assert model(torch.rand(2, 1, 28, 28)).shape == (2, 3)
    rgb = build_model("resnet18", 2, 3, 64, {"pretrained": False})
    assert rgb(torch.rand(2, 3, 64, 64)).shape == (2, 2)


def test_resnet18_loads_imagenet_weights_from_a_local_file(tmp_path, monkeypatch):
    from torchvision.models import resnet18

    reference = resnet18(weights=None)
    path = tmp_path / "resnet18-f37072fd.pth"
    torch.save(reference.state_dict(), path)
    monkeypatch.setenv("DIGITPAD_RESNET18_WEIGHTS", str(path))
    model = build_model("resnet18", 5, 3, 64)
    assert "ImageNet weights" in model.notice
    assert torch.equal(model.net.conv1.weight, reference.conv1.weight)


def test_unknown_model_and_option():
    with pytest.raises(DigitpadError, match="choose one of: digitnet"):
        build_model("vgg", 10)
    with pytest.raises(DigitpadError, match="no option 'depth'"):
        build_model("mlp", 10, options={"depth": 3})
