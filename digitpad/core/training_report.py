"""What a run says about itself: advice when the loss diverges, and the metadata saved with
the model (how it was made, on what data, how well it did)."""

from __future__ import annotations

from torch import nn

from digitpad.core.checkpoint import now_iso, versions
from digitpad.core.config import TrainConfig
from digitpad.core.datasets import Dataset
from digitpad.core.models.registry import get_spec


def divergence_advice(config: TrainConfig, loss: float, epoch: int, step: int) -> str:
    """Why the loss probably stopped being a number, naming the settings most likely at fault:
    those set far from the model's own recipe first, the learning rate otherwise."""
    recipe = get_spec(config.model).recipe
    suspects = []
    if config.weight_decay and config.weight_decay > max(10 * recipe.weight_decay, 0.1):
        suspects.append(f"the weight decay ({config.weight_decay:g}) is very high; try "
                        f"{recipe.weight_decay:g}")
    if config.momentum and config.momentum >= 0.99 and config.optimizer in ("sgd", "rmsprop"):
        suspects.append(f"the momentum ({config.momentum:g}) is very close to 1; try 0.9")
    if config.lr > 3 * recipe.lr or not suspects:
        suspects.append(f"the learning rate ({config.lr:g}) is probably too high; try "
                        f"{config.lr / 10:g} or lower")
    return (f"The loss became {loss} at epoch {epoch}, step {step}: "
            f"{'; and '.join(suspects)}.")


def run_metadata(config: TrainConfig, dataset: Dataset, model: nn.Module, metrics: dict) -> dict:
    """The checkpoint's metadata for `model` trained as `config` says on `dataset`."""
    images = dataset.train.images
    return {
        "architecture": config.model,
        "model_options": dict(config.model_options),
        "class_names": list(dataset.class_names),
        "in_channels": int(images.shape[1]),
        "image_size": int(images.shape[-1]),
        "preprocess": dict(dataset.preprocess),
        "mean": [float(v) for v in dataset.mean],
        "std": [float(v) for v in dataset.std],
        "dataset": dataset.name,
        "dataset_description": dataset.description,
        "config": config.to_dict(),
        "metrics": metrics,
        "parameters": sum(p.numel() for p in model.parameters()),
        "created": now_iso(),
        "versions": versions(),
    }
