"""The model registry: every architecture the app offers, by name, with its own training recipe."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from torch import nn

from digitpad.core.errors import DigitpadError
from digitpad.core.models.cnn import SmallCNN
from digitpad.core.models.digitnet import DigitNet
from digitpad.core.models.lenet5 import LeNet5
from digitpad.core.models.mlp import ACTIVATIONS, MLP
from digitpad.core.models.resnet18 import ResNet18
from digitpad.core.models.softmax import SoftmaxRegression
from digitpad.core.safe_text import printable


@dataclass(frozen=True)
class Recipe:
    """The settings a model trains well with, used wherever the user does not choose."""

    optimizer: str
    lr: float
    batch_size: int
    epochs: int
    scheduler: str = "none"
    step_size: int = 1
    gamma: float = 0.7
    momentum: float = 0.9
    weight_decay: float = 0.0
    label_smoothing: float = 0.0  # cross-entropy's (Szegedy et al. 2016)


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry: how to build the model and how it likes to be trained."""

    name: str
    description: str
    build: Callable[..., nn.Module]  # build(num_classes, in_channels, image_size, **options)
    recipe: Recipe
    options: Mapping[str, Any] = field(default_factory=dict)  # option -> default
    choices: Mapping[str, tuple] = field(default_factory=dict)  # option -> allowed values
    bounds: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # option -> (min, max)
    # option -> the value of a file (model or settings it records) that does not name it: the
    # value the model had before the option existed or its default changed
    legacy: Mapping[str, Any] = field(default_factory=dict)
    outputs: str = "logits"  # "logits" (cross-entropy) or "log_probs" (NLL)
    image_channels: int = 1  # channels it wants from an image folder
    image_size: int = 28  # side it wants from an image folder


def _flat(cls: type) -> Callable[..., nn.Module]:
    return lambda num_classes, in_channels, image_size, **kw: cls(
        num_classes, in_channels * image_size * image_size, **kw
    )


def _conv(cls: type) -> Callable[..., nn.Module]:
    return lambda num_classes, in_channels, image_size, **kw: cls(num_classes, in_channels, **kw)


REGISTRY: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in [
        ModelSpec(
            "digitnet",
            "digitpad's own fast CNN: 3 conv-pool-BN-ReLU stages + linear; >=99.3% MNIST",
            _conv(DigitNet),
            # width, pool_first, lr and label smoothing chosen by `digitpad bench train` (issue
            # 17's closing note): 2 epochs reach 99.0-99.1% over three seeds, 8 epochs 99.4%+
            Recipe("adamw", 1e-2, 128, 8, "onecycle", weight_decay=5e-4, label_smoothing=0.1),
            options={"width": 16, "pool_first": True},
            # width 256 is ~5.9M parameters (16: 29k); beyond that it is an allocation, not a model
            bounds={"width": (1, 256)},
            # files made before issue 17's change: width 24, conv-BN-ReLU-pool (the bundled
            # digits.pt and fashion.pt among them)
            legacy={"width": 24, "pool_first": False},
        ),
        ModelSpec(
            "softmax",
            "Softmax regression: one linear layer 784->10 (d2l Fashion-MNIST tutorial)",
            _flat(SoftmaxRegression),
            Recipe("sgd", 0.1, 256, 10, momentum=0.0),
        ),
        ModelSpec(
            "mlp",
            "MLP 784-128-64-10 with LogSoftmax + NLLLoss (PyTorch MNIST tutorial)",
            _flat(MLP),
            Recipe("sgd", 0.003, 64, 15),
            options={"activation": "relu"},
            choices={"activation": tuple(ACTIVATIONS)},
            outputs="log_probs",
        ),
        ModelSpec(
            "cnn",
            "Small CNN: two 3x3 convs + linear, Adadelta + StepLR (PyTorch examples)",
            lambda num_classes, in_channels, image_size, **kw: SmallCNN(
                num_classes, in_channels, **kw
            ),
            Recipe("adadelta", 1.0, 64, 14, "step", step_size=1, gamma=0.7),
            options={"input_size": 28},
            choices={"input_size": (28, 8)},
        ),
        ModelSpec(
            "lenet5",
            "LeNet-5: conv5-pool-conv5-pool + 120-84 classifier (LeCun 1998)",
            _conv(LeNet5),
            Recipe("adam", 1e-3, 128, 10),
        ),
        ModelSpec(
            "resnet18",
            "ResNet-18 transfer learning: ImageNet weights if on disk, new final layer",
            _conv(ResNet18),
            Recipe("sgd", 1e-3, 16, 10, "step", step_size=7, gamma=0.1),
            options={"adapter": "repeat", "pretrained": True},
            choices={"adapter": ("repeat", "conv1")},
            image_channels=3,
            image_size=128,
        ),
    ]
}


def get_spec(name: str) -> ModelSpec:
    """The registry entry for `name`, or a clear error listing the names that exist."""
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):  # TypeError: an unhashable name read from a file
        raise DigitpadError(
            f"Unknown model {printable(repr(name), 80)}; choose one of: {', '.join(REGISTRY)}."
        ) from None


def resolve_options(name: str, options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The model's options with the user's values checked, converted and filled in.

    Values may be text (`--option width=32`) or already typed (settings, model files); either
    way each must have its default's type, be one of its choices and lie within its bounds.
    """
    spec = get_spec(name)
    if options is not None and not isinstance(options, Mapping):
        raise DigitpadError(f"Model options must be KEY=VALUE pairs, not {type(options).__name__}.")
    resolved = dict(spec.options)
    for key, value in (options or {}).items():
        if key not in spec.options:
            known = ", ".join(spec.options) or "none"
            raise DigitpadError(
                f"Model {name!r} has no option {printable(repr(key), 80)} (its options: {known})."
            )
        default = spec.options[key]
        resolved[key] = _convert(name, key, value, default)
        allowed = spec.choices.get(key)
        if allowed and resolved[key] not in allowed:
            choices = ", ".join(str(c) for c in allowed)
            raise DigitpadError(f"Option {key} of {name!r} must be one of: {choices}.")
        low, high = spec.bounds.get(key, (None, None))
        if low is not None and not low <= resolved[key] <= high:
            raise DigitpadError(
                f"Option {key} of {name!r} must be from {low} to {high}, not {resolved[key]}."
            )
    return resolved


def recorded_options(name: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The options a file records, with those it does not name given the value they had when
    it was made (the spec's `legacy`), not today's default; unchecked (resolve_options checks).
    An unknown architecture's options are returned as they are, for get_spec to refuse."""
    spec = REGISTRY.get(name) if isinstance(name, str) else None
    return {**(spec.legacy if spec is not None else {}), **options}


def _convert(model: str, key: str, value: Any, default: Any) -> Any:
    kind = {bool: "true or false", int: "a whole number", str: "text"}.get(type(default), "value")
    shown = printable(repr(value), 80)
    if isinstance(value, str) and not isinstance(default, str):
        text = value.strip().lower()
        try:
            if isinstance(default, bool):
                if text not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(text)
                return text in ("true", "1", "yes")
            return type(default)(text)
        except ValueError:  # also int("9" * 5000): past Python's digit limit
            raise DigitpadError(f"Option {key} of {model!r} needs {kind}, not {shown}.") from None
    # bool is an int in Python: True must not pass as a width, nor 1 as a switch
    if type(value) is not type(default):
        raise DigitpadError(f"Option {key} of {model!r} needs {kind}, not {shown}.")
    return value


def build_model(
    name: str,
    num_classes: int,
    in_channels: int = 1,
    image_size: int = 28,
    options: Mapping[str, Any] | None = None,
) -> nn.Module:
    """Build a fresh model of the named architecture."""
    spec = get_spec(name)
    return spec.build(num_classes, in_channels, image_size, **resolve_options(name, options))


def parameter_count(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
