"""What the first layer has learned: filters for CNNs, weight images for softmax and MLPs,
found in the model itself and scaled together to [-1, 1]."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from digitpad.core.explain.first_layer import MAX_IMAGES, first_layer
from digitpad.core.models import build_model
from digitpad.core.predictor import Predictor
from digitpad.core.resources import resource_path

DIGITS = [str(i) for i in range(10)]


def _meta(channels: int = 1, size: int = 28, names: list[str] = DIGITS) -> dict:
    return {"in_channels": channels, "image_size": size, "class_names": names}


def _model(name: str, channels: int = 1, size: int = 28, classes: int = 10) -> nn.Module:
    options = {"pretrained": False} if name == "resnet18" else None
    torch.manual_seed(0)
    return build_model(name, classes, channels, size, options=options)


@pytest.mark.parametrize(("name", "module", "title", "shape"), [
    ("digitnet", "features.0.0", "Conv 1→16: 16 filters, 5×5", (16, 5, 5)),
    ("cnn", "conv1", "Conv 1→32: 32 filters, 3×3", (32, 3, 3)),
    ("lenet5", "features.0", "Conv 1→6: 6 filters, 5×5", (6, 5, 5)),
    ("mlp", "layers.1", "Linear 784→128: 128 weight images, 28×28", (128, 28, 28)),
])
def test_the_first_layer_of_each_architecture(name, module, title, shape):
    model = _model(name)
    layer = first_layer(model, _meta())
    assert (layer.name, layer.title, layer.images.shape) == (module, title, shape)
    assert layer.images.dtype == np.float32 and layer.labels == []
    assert np.abs(layer.images).max() == pytest.approx(1.0)
    weight = dict(model.named_modules())[module].weight.detach()
    expected = weight.reshape(shape[0], -1, *shape[1:]).mean(dim=1)
    np.testing.assert_allclose(layer.images, (expected / expected.abs().max()).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_softmax_weight_images_are_labelled_with_the_class_names():
    names = [*DIGITS, "not a digit"]
    model = _model("softmax", classes=11)
    layer = first_layer(model, _meta(names=names))
    assert layer.title == "Linear 784→11: 11 weight images, 28×28"
    assert layer.labels == names and layer.images.shape == (11, 28, 28)
    row = model.linear.weight.detach()[7].view(28, 28)
    top = model.linear.weight.detach().abs().max()
    np.testing.assert_allclose(layer.images[7], (row / top).numpy(), rtol=1e-5, atol=1e-7)


def test_resnet_filters_average_the_colour_channels():
    model = _model("resnet18", 3, 128)
    layer = first_layer(model, _meta(3, 128))
    assert layer.title == "Conv 3→64: 64 filters, 7×7" and layer.images.shape == (64, 7, 7)
    expected = model.net.conv1.weight.detach().mean(dim=1)
    np.testing.assert_allclose(layer.images, (expected / expected.abs().max()).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_many_filters_are_capped_and_the_title_says_so():
    model = build_model("digitnet", 10, 1, 28, options={"width": 200})
    layer = first_layer(model, _meta())
    assert layer.images.shape == (MAX_IMAGES, 5, 5)
    assert layer.title == f"Conv 1→200: 200 filters, 5×5 (first {MAX_IMAGES} shown)"


def test_a_model_with_nothing_reading_the_image_has_no_first_layer():
    assert first_layer(nn.Sequential(nn.Flatten(), nn.Linear(100, 10)), _meta()) is None


def test_weights_are_copies():
    model = _model("softmax")
    layer = first_layer(model, _meta())
    with torch.no_grad():
        model.linear.weight.zero_()
    assert np.abs(layer.images).max() == pytest.approx(1.0)


def test_the_bundled_models_filters():
    predictor = Predictor.from_file(resource_path("models", "digits.pt"))
    layer = first_layer(predictor.model, predictor.meta)
    assert layer.title == "Conv 1→24: 24 filters, 5×5" and layer.images.shape == (24, 5, 5)
    assert np.abs(layer.images).max() == pytest.approx(1.0)
