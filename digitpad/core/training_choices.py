"""What can be trained here, as plain values: architectures, optimizers, schedulers, devices.

The GUI asks for this on a background thread (building each model once to count its
parameters imports torch), and `digitpad models` prints it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from digitpad.core.config import OPTIMIZERS, SCHEDULERS
from digitpad.core.devices import device_problems
from digitpad.core.models.registry import REGISTRY, build_model, parameter_count


def parameter_counts(classes: int = 10) -> dict[str, int]:
    """Each architecture's parameter count for `classes` output classes (its default options);
    an image folder's class count changes the size of the output layer."""
    counts = {}
    for name, spec in REGISTRY.items():
        options = {"pretrained": False} if "pretrained" in spec.options else None
        model = build_model(name, classes, spec.image_channels, spec.image_size, options)
        counts[name] = parameter_count(model)
    return counts


def describe_architectures() -> list[dict[str, Any]]:
    """One dict per registry entry: name, description, parameters (10 classes), recipe, options."""
    described = []
    counts = parameter_counts(10)
    for name, spec in REGISTRY.items():
        described.append({
            "name": name,
            "description": spec.description,
            "parameters": counts[name],
            "recipe": asdict(spec.recipe),
            "options": dict(spec.options),
            "choices": {key: list(values) for key, values in spec.choices.items()},
            "image_channels": spec.image_channels,
            "image_size": spec.image_size,
        })
    return described


def training_choices() -> dict[str, Any]:
    """Everything a training form offers: architectures, optimizers, schedulers, devices."""
    return {
        "models": describe_architectures(),
        "optimizers": list(OPTIMIZERS),
        "schedulers": list(SCHEDULERS),
        "devices": device_problems(),  # name -> None when usable, else why not
    }
