"""Watch it learn: what the model being trained has learned so far, looked at between epochs.

Once at the start of a run (before its first step) and after every epoch, the training loop
(core.training) asks `Watch.look` for two things, which travel in the Started and EpochEnd
records to the CLI and, across threads, to the Train tab:

- the first layer's filters or weight images (explain.first_layer), so a learner sees them go
  from noise to strokes;
- the activations of one fixed validation image through every layer (explain.activations):
  always the same image, the validation split's first, so the epochs compare.

Both are numpy copies (never tensors), and cheap: a copy of the first layer's weights and one
forward pass of one image, in eval mode under inference_mode, each module's train/eval mode
restored after (model_activations does that), so training itself is not changed: no batch norm
statistics move and no random numbers are drawn. They are not kept in the resume state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from digitpad.core.evaluation import normalise
from digitpad.core.explain.activations import model_activations
from digitpad.core.explain.first_layer import first_layer
from digitpad.core.explain.records import FirstLayer, LayerActivation

if TYPE_CHECKING:
    from digitpad.core.records import Started
    from digitpad.core.training_setup import Run


@dataclass(frozen=True)
class Look:
    """What the model has learned at one moment of a run."""

    first_layer: FirstLayer | None
    probe: list[LayerActivation]  # [] when there is no validation image to run


@dataclass(frozen=True)
class Probe:
    """The fixed validation image: as the model takes it, as a person sees it, and its class."""

    x: torch.Tensor  # (1, C, H, W), normalised, on the run's device
    image: np.ndarray  # uint8 (H, W) or (H, W, 3), read-only, owns its memory
    label: str


class Watch:
    """Looks at one run's model; made once per run (the probe image is chosen then)."""

    def __init__(self, run: Run) -> None:
        data = run.dataset
        images = data.train.images
        self.meta: dict[str, Any] = {  # what first_layer reads of a model file's metadata
            "in_channels": int(images.shape[1]), "image_size": int(images.shape[-1]),
            "class_names": list(data.class_names)}
        self.probe = probe_of(run)

    def look(self, model: torch.nn.Module) -> Look:
        """The first layer's images and the probe image's activations, for `model` as it is."""
        probe = [] if self.probe is None else model_activations(model, self.probe.x)
        return Look(first_layer(model, self.meta), probe)

    @staticmethod
    def started(record: Started, watch: Watch | None, model: torch.nn.Module) -> Started:
        """The run's Started record with what `watch` sees before the first step (nothing
        when there is no watch: a distributed run's processes other than the leader)."""
        if watch is None:
            return replace(record, first_layer=None, probe=[])
        look, probe = watch.look(model), watch.probe
        return replace(record, first_layer=look.first_layer, probe=look.probe,
                       probe_image=None if probe is None else probe.image,
                       probe_label="" if probe is None else probe.label)


def probe_of(run: Run) -> Probe | None:
    """The validation split's first image (the same one every epoch and every run on the same
    data and seed); None when the run has no validation images."""
    data = run.dataset
    if len(data.val) == 0:
        return None
    pixels = data.val.images[:1]  # uint8 (1, C, H, W), on the CPU
    x = normalise(pixels.to(run.device), run.mean, run.std)
    shown = pixels[0].permute(1, 2, 0).numpy()
    shown = shown[:, :, 0] if shown.shape[2] == 1 else shown
    image = np.ascontiguousarray(shown, dtype=np.uint8).copy()
    image.setflags(write=False)
    label = int(data.val.labels[0])
    names = data.class_names
    return Probe(x, image, str(names[label]) if 0 <= label < len(names) else str(label))
