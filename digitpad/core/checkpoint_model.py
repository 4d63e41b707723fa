"""The architecture a model file names, rebuilt from its metadata alone and checked: on the
"meta" device (shapes, no memory) against the weight limit and the file's own tensors before
anything is unpacked, then, once loaded, one blank image through it (checkpoint.py loads)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from digitpad.core.checkpoint_archive import human, short
from digitpad.core.errors import CheckpointError, DigitpadError
from digitpad.core.models.registry import build_model, recorded_options

MAX_WEIGHT_BYTES = 2 * 2**30  # far above any architecture offered (resnet18: 45 MB)


def rebuild(meta: dict[str, Any], name: str, device: str) -> nn.Module:
    """The architecture the metadata names, built on `device` (never fetching ImageNet weights)."""
    options = recorded_options(meta["architecture"], dict(meta["model_options"]))
    if "pretrained" in options:
        options["pretrained"] = False  # the file holds the weights; never fetch ImageNet ones
    try:
        with torch.device(device):
            return build_model(
                meta["architecture"], len(meta["class_names"]), meta["in_channels"],
                meta["image_size"], options,
            )
    except DigitpadError as exc:
        raise CheckpointError(f"{name} cannot be used: {exc}") from None
    except (TypeError, ValueError, KeyError, RuntimeError) as exc:
        raise CheckpointError(f"{name} has metadata this digitpad cannot use ({short(exc)}).") \
            from None


def check_architecture(meta: dict[str, Any], shapes: dict[str, Any], name: str) -> int:
    """Build the model on the "meta" device (shapes only, no memory) and check that its
    weights fit the limit and that the file's tensors are exactly those weights; returns
    their size in bytes."""
    arch = meta["architecture"]
    skeleton = rebuild(meta, name, "meta")
    needed = sum(t.numel() * t.element_size() for t in skeleton.state_dict().values())
    if needed > MAX_WEIGHT_BYTES:
        raise CheckpointError(
            f"Refused to load {name}: its metadata describes a {arch} of {human(needed)} "
            f"(limit {human(MAX_WEIGHT_BYTES)})."
        )
    try:
        skeleton.load_state_dict(shapes, strict=True)
    except RuntimeError as exc:
        raise CheckpointError(
            f"{name} does not match the {arch} architecture it names ({short(exc)})."
        ) from None
    return needed


def check_forward(model: nn.Module, meta: dict[str, Any], name: str) -> None:
    """One blank image of the file's size must go through to one score per class (a forward
    on the "meta" device would check this without computing, but its first use costs seconds)."""
    arch, n, side = meta["architecture"], len(meta["class_names"]), meta["image_size"]
    try:
        with torch.inference_mode():
            out = model(torch.zeros(1, meta["in_channels"], side, side))
    except Exception as exc:  # noqa: BLE001 - whatever the layers object to
        raise CheckpointError(
            f"{name} has bad metadata: image_size {side} does not suit the {arch} "
            f"architecture ({short(exc)})."
        ) from None
    if tuple(out.shape) != (1, n):
        raise CheckpointError(f"{name} cannot be used: its {arch} gives {tuple(out.shape)} "
                              f"scores for {n} classes.")
