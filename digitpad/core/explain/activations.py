"""What each layer sees: every Conv2d and Linear layer's output for one image.

The layers are found in the model itself, not listed per architecture: forward hooks on its
leaf modules record, in the order they run, what each one returns. Every Conv2d or Linear
starts a layer; the modules that run after it until the next Conv2d/Linear (batch norm, the
activation, pooling) belong to it, so a layer is shown as the network passes it on (after its
ReLU and pool, where the model has them as modules). A conv layer keeps its maps (the last
output of the group that is still a (C, H, W) map: a Flatten or Dropout after it does not turn
it into a vector); a linear layer its units. What the model finally returns is the "Output".
Operations that are not modules (F.relu, a residual sum) count with the modules after them: in
a ResNet block with a shortcut conv, that conv's layer shows the block's output (the sum, after
the block's ReLU), while the block's second conv shows its own output before the sum.

Only the outputs are copied (float32 numpy, safe to hand to another thread), and at most
MAX_MAPS maps and MAX_UNITS units per layer, so a ResNet-18 stays small; titles say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from PIL import Image
from torch import nn

from digitpad.core.explain.records import LayerActivation

if TYPE_CHECKING:
    from digitpad.core.predictor import Predictor

MAX_MAPS = 32  # feature maps kept per conv layer (the first ones); ResNet-18 has 512
MAX_UNITS = 512  # units kept per linear layer
LAYERS = (nn.Conv2d, nn.Linear)


def layer_activations(predictor: Predictor,
                      image: np.ndarray | Image.Image) -> list[LayerActivation]:
    """Every layer's activations for `image` as the predictor's model sees it (its own
    preprocessing); [] when the image has no ink. Holds the predictor's lock while the model
    runs."""
    prepared = predictor.prepare(image)
    if prepared is None:
        return []
    x, _ = prepared
    with predictor.lock:
        return model_activations(predictor.model, x)


def model_activations(model: nn.Module, x: torch.Tensor) -> list[LayerActivation]:
    """Run `model` on `x` (a batch; only its first image is recorded) and return each
    Conv2d/Linear layer's output, in the order the layers ran, then the output if no layer's
    output was already it. The model runs in eval mode under inference_mode; each module's
    train/eval mode is restored afterwards (so it can be called between training epochs)."""
    modes = {module: module.training for module in model.modules()}
    calls: list[tuple[str, nn.Module, torch.Tensor]] = []

    def recorder(name: str):  # noqa: ANN202
        def hook(module: nn.Module, _inputs: object, output: object) -> None:
            if isinstance(output, torch.Tensor):
                # a copy now: a later in-place op (ReLU(inplace), `out += identity`) changes it
                calls.append((name, module, _first(output)))
        return hook

    handles = [module.register_forward_hook(recorder(name))
               for name, module in model.named_modules() if not any(module.children())]
    try:
        model.eval()
        with torch.inference_mode():
            out = model(x)
    finally:
        for handle in handles:
            handle.remove()
        for module, training in modes.items():
            module.train(training)
    return _layers(calls, _first(out) if isinstance(out, torch.Tensor) else None)


def _first(tensor: torch.Tensor) -> torch.Tensor:
    """The first image's part of a batched output, trimmed to what is kept, copied to the CPU."""
    one = tensor.detach()[0] if tensor.dim() > 0 else tensor.detach()
    if one.dim() == 3:  # maps; 1×1 maps are shown as units (one value per channel)
        one = one[:MAX_MAPS] if one.shape[1:] != (1, 1) else one[:MAX_UNITS]
    return one.float().cpu().clone()


def _layers(calls: list[tuple[str, nn.Module, torch.Tensor]],
            output: torch.Tensor | None) -> list[LayerActivation]:
    groups: list[tuple[str, nn.Module, torch.Tensor, torch.Tensor]] = []  # name, layer, own, shown
    for name, module, value in calls:
        if isinstance(module, LAYERS):
            groups.append((name, module, value, value))
        elif groups:
            name0, layer, own, shown = groups[-1]
            keep = not isinstance(layer, nn.Conv2d) or (
                value.dim() == own.dim() == 3  # still maps; and not pooled away to 1×1
                and (value.shape[1:] != (1, 1) or own.shape[1:] == (1, 1)))
            groups[-1] = (name0, layer, own, value if keep else shown)
    records, shown_output = [], False
    for i, (name, layer, _own, shown) in enumerate(groups):
        is_output = i == len(groups) - 1 and output is not None and _same(shown, output)
        records.append(_record(name, layer, shown, is_output))
        shown_output = shown_output or is_output
    if output is not None and not shown_output:  # the model did more after its last layer
        records.append(_record("output", None, output, True))
    return records


def _same(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and bool(torch.equal(a, b))


def _record(name: str, layer: nn.Module | None, value: torch.Tensor,
            is_output: bool) -> LayerActivation:
    what = _describe(layer)
    full = getattr(layer, "out_channels", value.shape[0] if value.dim() else 1)
    if value.dim() == 3 and value.shape[1:] != (1, 1):
        shape = (full, *value.shape[1:])
        kept = f" (first {value.shape[0]} shown)" if value.shape[0] < full else ""
        title = f"{what} · {'×'.join(str(s) for s in shape)}{kept}"
        return LayerActivation(name, title, "maps", tuple(shape), value.numpy())
    flat = value.flatten()[:MAX_UNITS]  # a 1×1 map is a vector: one value per channel
    count = full if value.dim() == 3 else value.numel()
    kept = f" (first {flat.numel()} shown)" if flat.numel() < count else ""
    if is_output:
        title = f"Output{': ' + what if what else ''} · {count} classes{kept}"
    else:
        title = f"{what} · {count} units{kept}"
    return LayerActivation(name, title, "units", (count,), flat.numpy())


def _describe(layer: nn.Module | None) -> str:
    """'Conv 1→24, 5×5' / 'Conv 64→128, 3×3, stride 2' / 'Linear 784→128' ('' for none)."""
    if isinstance(layer, nn.Conv2d):
        kh, kw = layer.kernel_size
        stride = layer.stride[0] if layer.stride[0] == layer.stride[1] else layer.stride
        step = f", stride {stride}" if stride != 1 else ""
        return f"Conv {layer.in_channels}→{layer.out_channels}, {kh}×{kw}{step}"
    if isinstance(layer, nn.Linear):
        return f"Linear {layer.in_features}→{layer.out_features}"
    return ""
