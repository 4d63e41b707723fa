"""What each layer sees: the layers are found in every architecture digitpad trains, their
values are the model's own (checked against running its parts by hand), and running it leaves
the model as it was."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from digitpad.core.explain.activations import MAX_MAPS, layer_activations, model_activations
from digitpad.core.models import build_model
from digitpad.core.predictor import Predictor
from digitpad.core.resources import resource_path

SIZES = {"resnet18": [(1, 28), (3, 128)]}


def _model(name: str, channels: int = 1, size: int = 28) -> nn.Module:
    options = {"pretrained": False} if name == "resnet18" else None
    torch.manual_seed(0)
    return build_model(name, 10, channels, size, options=options).eval()


def _layers(model: nn.Module) -> list[str]:
    return [n for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


@pytest.mark.parametrize(("name", "channels", "size"), [
    ("softmax", 1, 28), ("mlp", 1, 28), ("cnn", 1, 28), ("lenet5", 1, 28), ("digitnet", 1, 28),
    ("resnet18", 1, 28), ("resnet18", 3, 128)])
def test_every_conv_and_linear_layer_is_found_in_order_ending_with_the_output(name, channels,
                                                                              size):
    model = _model(name, channels, size)
    x = torch.randn(1, channels, size, size)
    records = model_activations(model, x)
    assert [r.name for r in records] == _layers(model)  # each runs once, in the order defined
    with torch.inference_mode():
        out = model(x)[0]
    last = records[-1]
    assert last.kind == "units" and last.title.startswith("Output: Linear ")
    assert last.title.endswith("· 10 classes")
    np.testing.assert_allclose(last.values, out.numpy(), rtol=1e-5, atol=1e-6)
    for record in records:
        assert record.values.dtype == np.float32 and np.isfinite(record.values).all()
        if record.kind == "maps":
            assert record.title.startswith("Conv ") and record.values.ndim == 3
            assert record.values.shape[0] == min(MAX_MAPS, record.shape[0])
            assert record.values.shape[1:] == record.shape[1:]
            shown = "×".join(map(str, record.shape))
            assert f"· {shown}" in record.title
            assert ("(first 32 shown)" in record.title) == (record.shape[0] > MAX_MAPS)
        else:
            assert record.values.shape == (min(record.shape[0], 512),)


@pytest.mark.parametrize("pool_first", [True, False])  # today's order, and the bundled files'
def test_digitnet_layers_are_shown_after_their_batch_norm_relu_and_pool(pool_first):
    torch.manual_seed(0)
    model = build_model("digitnet", 10, options={"width": 24, "pool_first": pool_first}).eval()
    x = torch.randn(1, 1, 28, 28)
    records = model_activations(model, x)
    assert [r.title for r in records] == [
        "Conv 1→24, 5×5 · 24×14×14",
        "Conv 24→48, 3×3 · 48×7×7 (first 32 shown)",
        "Conv 48→96, 3×3 · 96×3×3 (first 32 shown)",
        "Output: Linear 864→10 · 10 classes",
    ]
    with torch.inference_mode():
        stage1 = model.features[0](x)  # conv, BN, ReLU (in place), max-pool in either order
        stage2 = model.features[1](stage1)
    np.testing.assert_allclose(records[0].values, stage1[0].numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(records[1].values, stage2[0, :32].numpy(), rtol=1e-5, atol=1e-6)
    assert records[0].values.min() >= 0  # after the ReLU


def test_mlp_hidden_units_are_after_their_activation():
    model = _model("mlp")
    x = torch.randn(1, 1, 28, 28)
    records = model_activations(model, x)
    assert [r.title for r in records] == [
        "Linear 784→128 · 128 units", "Linear 128→64 · 64 units",
        "Output: Linear 64→10 · 10 classes"]
    with torch.inference_mode():
        hidden = model.layers[:3](x)[0]
    np.testing.assert_allclose(records[0].values, hidden.numpy(), rtol=1e-5, atol=1e-6)


def test_resnet_values_are_copied_before_the_shortcut_adds_to_them_in_place():
    """torchvision's BasicBlock does `out = bn2(conv2(...)); out += identity; relu(out)` in
    place: the conv2 layer must show bn2's output, not the sum written over it later."""
    model = _model("resnet18", 3, 128)
    x = torch.randn(1, 3, 128, 128)
    records = {r.name: r for r in model_activations(model, x)}
    net = model.net
    with torch.inference_mode():
        h = net.layer1(net.maxpool(net.relu(net.bn1(net.conv1(x)))))
        block = net.layer2[0]
        inner = block.bn2(block.conv2(block.relu(block.bn1(block.conv1(h)))))
        after = block(h)
    np.testing.assert_allclose(records["net.layer2.0.conv2"].values, inner[0, :32].numpy(),
                               rtol=1e-4, atol=1e-5)
    # the shortcut's conv group ends with the block's shared ReLU: the block's output
    np.testing.assert_allclose(records["net.layer2.0.downsample.0"].values,
                               after[0, :32].numpy(), rtol=1e-4, atol=1e-5)
    assert records["net.conv1"].title == "Conv 3→64, 7×7, stride 2 · 64×32×32 (first 32 shown)"
    # the last block's maps are shown before the global average pool, not as a 1×1 map
    assert records["net.layer4.1.conv2"].title == "Conv 512→512, 3×3 · 512×4×4 (first 32 shown)"


def test_the_model_is_left_as_it_was_training_mode_running_stats_and_no_hooks():
    model = _model("digitnet").train()
    first, second = (next(m for m in stage if isinstance(m, nn.BatchNorm2d))
                     for stage in model.features[:2])
    first.eval()  # a mix of modes must come back as it was
    stats = second.running_mean.clone()
    model_activations(model, torch.randn(4, 1, 28, 28))
    assert model.training and not first.training
    assert second.training
    assert torch.equal(second.running_mean, stats)  # ran in eval mode
    assert all(not m._forward_hooks for m in model.modules())


def test_layer_activations_of_the_bundled_model_on_a_drawing():
    predictor = Predictor.from_file(resource_path("models", "digits.pt"))
    drawing = np.full((280, 280), 255, np.uint8)
    drawing[40:240, 130:150] = 0  # a "1"
    records = layer_activations(predictor, drawing)
    assert [r.title for r in records][0] == "Conv 1→24, 5×5 · 24×14×14"
    assert records[-1].title == "Output: Linear 864→11 · 11 classes"  # with "not a digit"
    best = int(np.argmax(records[-1].values))
    assert predictor.meta["class_names"][best] == predictor.predict(drawing).best_guess == "1"
    assert layer_activations(predictor, np.full((280, 280), 255, np.uint8)) == []  # no ink
