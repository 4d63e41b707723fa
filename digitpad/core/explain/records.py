"""The records the explain features hand around (to the CLI, and across threads to the GUI).

Plain numpy arrays and strings only, so the GUI can draw them without importing torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Attribution:
    """Which pixels pushed the model toward `target` (a class name).

    `input_heat` is over the model's input (H, W of what it sees), `source_heat` over the image
    the person gave (the canvas, the file), mapped back through the preprocessing's crop, scale
    and centring (core.explain.placement). Both are float32 in [0, 1]: 1 is the strongest
    evidence *for* the target; evidence against is left out (clipped to 0)."""

    target: str
    method: str  # e.g. "Integrated Gradients (Captum, 32 steps)"
    input_heat: np.ndarray
    source_heat: np.ndarray
    seconds: float  # how long it took


@dataclass(frozen=True)
class LayerActivation:
    """One layer's output for one image.

    kind "maps": `values` is float32 (C, H, W), one feature map per channel (conv layers);
    kind "units": `values` is float32 (N,), one value per unit (linear layers, the output)."""

    name: str  # the module's name in the model, e.g. "features.0.0" or "layers.1"
    title: str  # what a learner reads, e.g. "Conv 1→24, 5×5" or "Linear 784→128"
    kind: str  # "maps" or "units"
    shape: tuple[int, ...]  # the output's shape without the batch dimension
    values: np.ndarray


@dataclass(frozen=True)
class FirstLayer:
    """What the first layer has learned, as small images a learner can look at.

    `images` is float32 (N, H, W) scaled to [-1, 1] (0 = no weight): conv filters (the input
    channels averaged) or, for softmax/MLP, each unit's 784 weights as a 28x28 picture."""

    name: str  # the module's name, e.g. "features.0.0"
    title: str  # e.g. "24 filters, 5×5" or "10 weight images, 28×28"
    images: np.ndarray
    labels: list[str] = field(default_factory=list)  # per image; e.g. the class names (softmax)


@dataclass(frozen=True)
class Explanation:
    """Everything explained about one drawing; parts not asked for are None / empty."""

    attribution: Attribution | None = None
    runner_up: Attribution | None = None  # "why not 7?": the evidence for the second class
    layers: list[LayerActivation] = field(default_factory=list)
    first_layer: FirstLayer | None = None
    layers_seconds: float = 0.0
    problem: str = ""  # why nothing could be explained (then everything else is empty)
