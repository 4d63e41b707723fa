"""What the first layer has learned, as small pictures: conv filters, or weight images.

For a CNN that is its first Conv2d's filters (the input channels averaged, so an RGB-adapted
ResNet's 7×7 filters read as grey); for softmax regression and MLPs, the first Linear that reads
the whole image: each unit's weights laid out as the image (H×W), which after training look like
blurry digits (softmax) or stroke detectors (MLP). All images of the set are scaled together by
their largest |weight|, so they compare: 0 stays 0, the strongest weight is ±1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

from digitpad.core.explain.records import FirstLayer

MAX_IMAGES = 128  # filters / weight images kept (the first ones); an MLP's 128 units all fit


def first_layer(model: nn.Module, meta: Mapping[str, Any]) -> FirstLayer | None:
    """The first layer's weights as images, or None when the model has neither a Conv2d nor a
    Linear reading the whole image. `meta` is the model file's metadata (in_channels,
    image_size, class_names), which tells the image's shape a Linear's weights are laid out in."""
    layers = [(name, m) for name, m in model.named_modules()
              if isinstance(m, (nn.Conv2d, nn.Linear))]
    conv = next(((name, m) for name, m in layers if isinstance(m, nn.Conv2d)), None)
    if conv is not None:
        return _filters(*conv)
    channels, side = int(meta["in_channels"]), int(meta["image_size"])
    for name, linear in layers:
        if linear.in_features == channels * side * side:
            last = linear is layers[-1][1]
            labels = [str(c) for c in meta["class_names"]] if last else []
            return _weight_images(name, linear, channels, side, labels)
    return None


def _filters(name: str, conv: nn.Conv2d) -> FirstLayer:
    with torch.no_grad():
        weights = conv.weight.detach().float().cpu().mean(dim=1)  # (out, kh, kw)
    count = weights.shape[0]
    kh, kw = conv.kernel_size
    title = (f"Conv {conv.in_channels}→{conv.out_channels}: {count} filters, {kh}×{kw}"
             f"{_kept(count)}")
    return FirstLayer(name, title, _scaled(weights[:MAX_IMAGES]))


def _weight_images(name: str, linear: nn.Linear, channels: int, side: int,
                   labels: list[str]) -> FirstLayer:
    with torch.no_grad():
        rows = linear.weight.detach().float().cpu()
        weights = rows.view(rows.shape[0], channels, side, side).mean(dim=1)
    count = weights.shape[0]
    title = (f"Linear {linear.in_features}→{linear.out_features}: {count} weight images, "
             f"{side}×{side}{_kept(count)}")
    return FirstLayer(name, title, _scaled(weights[:MAX_IMAGES]),
                      labels[:MAX_IMAGES] if len(labels) == count else [])


def _kept(count: int) -> str:
    return f" (first {MAX_IMAGES} shown)" if count > MAX_IMAGES else ""


def _scaled(weights: torch.Tensor) -> np.ndarray:
    """float32 copy in [-1, 1]: divided by the set's largest |weight| (all zero stays zero)."""
    top = float(weights.abs().max()) if weights.numel() else 0.0
    values = weights / top if top > 0 else weights
    return np.ascontiguousarray(values.numpy(), dtype=np.float32).copy()
