"""Why this digit: which pixels pushed the model toward a class, as a heat map over the model's
input and over the person's own image.

Captum's Integrated Gradients (Sundararajan et al. 2017), from a black-paper baseline (every
pixel at "no ink", normalised as the model sees it). What it attributes is the log of the
probability the bars show for the target (the real classes' softmax at the model's
temperature, a "not a digit" output left out): the evidence for this class *rather than the
others*. On a 7 that differs from a 1 only by its bar, that puts most of the heat on the bar
(0.57-0.68 of it in tests/core/explain/test_attribution.py), where the raw logit spreads it
over bar and stem alike (0.49-0.56: the stem speaks for 1 as much as for 7). IG's attributions
add up to how far the image moves that value from blank paper, and against the black baseline
only pixels with ink get any, so the heat sits on the strokes. Chosen over Grad-CAM (a coarse
map at the last conv layer's 7x7 or less, and no conv layer at all in softmax/MLP) and
Occlusion (one forward pass per patch position: ~100 passes for 28x28 at stride 2-3, against
IG's 32 in one batch).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import torch
from captum.attr import IntegratedGradients
from PIL import Image

from digitpad.core.decline import reject_index
from digitpad.core.explain.records import Attribution
from digitpad.core.predictor import Predictor

# 32: on the bundled model's 7 the bar's share of the heat is 0.640 at 32 steps, 0.644 at 8,
# 0.636 at 128; ~25 ms for digitnet, ~65 ms for resnet18 at 28x28, on 1 CPU thread
STEPS = 32
SEGMENTS = 4  # pieces of the path, 8 steps each: a waiting prediction waits for one at most


def attribute(predictor: Predictor, image: np.ndarray | Image.Image, target: str,
              steps: int = STEPS, cancelled: Callable[[], bool] | None = None,
              ) -> Attribution | None:
    """The evidence in `image` for class `target` (a class name of the predictor's model).

    Only the positive part is kept (evidence for the target), normalised to a maximum of 1;
    all zeros when nothing speaks for it. ValueError when the image holds no ink (predict
    says so first) or `target` is not one of the model's classes.

    The path from black paper to the image is integrated in SEGMENTS pieces (IG adds up along
    a path: the pieces' attributions sum to the whole's), the predictor's lock taken for each
    piece only, so a prediction waiting for the lock runs between pieces, and `cancelled` is
    asked between them: when it says True (a newer drawing is waiting) this returns None."""
    started = time.perf_counter()
    index = predictor.class_names.index(target)  # ValueError for an unknown class
    prepared = predictor.prepare(image)
    if prepared is None:
        raise ValueError("the image holds no ink: there is nothing to explain")
    x, prep = prepared
    mean = torch.tensor(predictor.meta["mean"], dtype=torch.float32).view(1, -1, 1, 1)
    std = torch.tensor(predictor.meta["std"], dtype=torch.float32).view(1, -1, 1, 1)
    black = ((torch.zeros_like(x) - mean) / std).to(x.dtype)  # a 0 pixel, as the model sees it
    pieces = SEGMENTS if steps >= 2 * SEGMENTS else 1
    total = np.zeros(tuple(x.shape), np.float32)
    for piece in range(pieces):
        if piece and cancelled is not None and cancelled():
            return None
        # Gradients on for this block and this thread only, even when called in inference mode
        # (tensors made before it are inference tensors: cloned in here, they are not)
        with predictor.lock, torch.inference_mode(False), torch.enable_grad():
            model = predictor.model
            if model.training:  # never expected (Predictor puts it in eval); never changed here
                raise RuntimeError("attribution needs the model in eval mode")
            device = next(iter(model.parameters()), x).device
            base, path = black.clone().to(device), (x.clone() - black.clone()).to(device)
            shown = _shown_log_probs(model, reject_index(predictor.meta), predictor.temperature)
            found = IntegratedGradients(shown).attribute(
                base + path * ((piece + 1) / pieces), baselines=base + path * (piece / pieces),
                target=index, n_steps=max(1, steps // pieces))
            total += found.detach().float().cpu().numpy()
    heat = np.clip(total[0].sum(axis=0), 0, None)
    peak = float(heat.max())
    heat = (heat / peak if peak > 0 else heat).astype(np.float32)
    if prep.placement is not None:
        source = prep.placement.to_source(heat)
    else:  # every preprocessing mode records one; kept total all the same
        source = np.zeros(_source_shape(image), np.float32)
    method = f"Integrated Gradients (Captum, {steps} steps, black-paper baseline)"
    return Attribution(target, method, heat, source, time.perf_counter() - started)


def _shown_log_probs(model: torch.nn.Module, reject: int | None, temperature: float | None):
    """The function attributed: image batch -> log of the probabilities the bars show (the
    real classes in class_names order; for a model that outputs log-probabilities, softmax
    of those is the probabilities themselves, as core.decline.answer has it)."""

    def forward(x: torch.Tensor) -> torch.Tensor:
        outputs = model(x).float()
        if reject is not None:
            outputs = torch.cat([outputs[:, :reject], outputs[:, reject + 1 :]], dim=1)
        return torch.log_softmax(outputs / (temperature or 1.0), dim=1)

    return forward


def _source_shape(image: np.ndarray | Image.Image) -> tuple[int, int]:
    if isinstance(image, Image.Image):
        return image.height, image.width
    return tuple(np.asarray(image).shape[:2])  # type: ignore[return-value]
