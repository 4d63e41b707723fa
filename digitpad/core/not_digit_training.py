"""Training a digit model to decline non-digits (issue 14): generated outliers in every batch.

With `TrainConfig.not_digits = N`, N images from core.not_digits join training (plus a tenth as
many, from another seed, held out to fit the decline threshold). Every batch of digits gets half
as many non-digits, drawn at random and augmented like the digits, and 15% of the digits are
widened or narrowed (`vary_aspect`: a stretched digit is still a digit). Two ways to teach them:

  uniform  Outlier Exposure (Hendrycks et al., ICLR 2019): the loss adds, with weight 0.5, the
           cross-entropy from the model's output on a non-digit to the uniform distribution, so
           it learns to be unsure on them; declining is then a threshold on the max probability
           or on the energy score, whichever tells validation digits from non-digits better.
  class    an extra output, "not a digit", trained as an 11th class.

After training (and temperature scaling), `fit_decline` sets the threshold so that 99.5% of the
validation digits pass, as they are and in two augmented copies (drawn digits vary more than
MNIST's), and measures how many held-out non-digits it declines.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from digitpad.core.calibration import split_logits
from digitpad.core.config import TrainConfig
from digitpad.core.decline import (
    DEFAULT_KEEP,
    NOT_A_DIGIT,
    DeclineRule,
    answer,
    auroc,
    fit_threshold,
    scores,
)
from digitpad.core.errors import DigitpadError
from digitpad.core.evaluation import normalise
from digitpad.core.not_digits import generate
from digitpad.core.safe_text import printable
from digitpad.core.splits import Dataset, Split

OUTLIER_WEIGHT = 0.5  # λ of Outlier Exposure, the paper's value for vision (the default)
PER_DIGIT = 0.5  # non-digits added to a batch per digit in it
VAL_SHARE = 0.1  # held-out non-digits, as a share of the training ones (at least MIN_VAL)
MIN_VAL = 200
VARIED_COPIES = 2  # augmented copies of the validation digits the threshold must also keep
# training digits widened or narrowed, so the model knows such digits (measured: a third cost
# 0.3 points of MNIST and declined no more than 0.15 did)
ASPECT_SHARE = 0.15


@dataclass
class NotDigitData:
    """The generated non-digits of one run, on the training device."""

    method: str  # "uniform" or "class"
    train: torch.Tensor  # uint8 (n, 1, 28, 28)
    val: torch.Tensor  # uint8, held out: another seed
    recipe: dict[str, Any]
    target: int  # the label they get: -1 (uniform) or the extra class's index


def prepare(config: TrainConfig, dataset: Dataset,
            device: torch.device) -> tuple[Dataset, NotDigitData | None]:
    """The data set (with the extra class for the "class" method) and its non-digits, or
    (dataset, None) when the run does not learn to decline. DigitpadError for data that is not
    28x28 greyscale digits drawn like the Draw tab's."""
    if not config.not_digits:
        return dataset, None
    shape = tuple(dataset.train.images.shape[1:])
    if dataset.preprocess.get("mode") != "digit" or shape != (1, 28, 28):
        raise DigitpadError(
            "Learning what is not a digit needs 28x28 greyscale digits prepared as the Draw tab "
            f"prepares a drawing (MNIST); {printable(dataset.name, 80)} is not, so leave out "
            "--not-digits.")
    train = generate(config.not_digits, config.seed, data_dir=config.data_dir)
    val = generate(max(MIN_VAL, round(config.not_digits * VAL_SHARE)), config.seed + 1,
                   data_dir=config.data_dir)
    recipe = dict(train.recipe, held_out=len(val.images), method=config.not_digit_method,
                  weight=config.not_digit_weight, per_digit=PER_DIGIT)
    target = -1
    if config.not_digit_method == "class":
        target = len(dataset.class_names)
        dataset = replace(dataset, class_names=[*dataset.class_names, NOT_A_DIGIT])
    data = NotDigitData(config.not_digit_method, _tensor(train.images, device),
                        _tensor(val.images, device), recipe, target)
    return dataset, data


def _tensor(images: Any, device: torch.device) -> torch.Tensor:
    return torch.from_numpy(images).unsqueeze(1).to(device)


def loss_with_not_digits(base: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                         method: str, weight: float = OUTLIER_WEIGHT,
                         ) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The training loss: `base` on digits; for "uniform", plus `weight` (λ) times the
    cross-entropy to the uniform distribution on rows labelled -1 (non-digits)."""
    if method == "class":
        return base  # the extra class is just a class

    def loss(outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        known = labels >= 0
        total = base(outputs[known], labels[known]) if bool(known.any()) else outputs.sum() * 0
        others = outputs[~known]
        if len(others):
            total = total + weight * (-F.log_softmax(others.float(), 1).mean(1)).mean()
        return total

    return loss


def mix_in(data: NotDigitData, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator,
           prepare_batch: Callable[[torch.Tensor], torch.Tensor]) -> tuple[torch.Tensor,
                                                                         torch.Tensor]:
    """The batch with non-digits appended (after the digits): `prepare_batch` augments and
    normalises a uint8 batch as the digits were."""
    count = max(1, round(len(x) * PER_DIGIT))
    index = torch.randint(len(data.train), (count,), generator=generator).to(data.train.device)
    extra = prepare_batch(data.train[index])
    labels = torch.full((count,), data.target, dtype=y.dtype, device=y.device)
    return torch.cat([x, extra]), torch.cat([y, labels])


def fit_decline(model: nn.Module, data: NotDigitData, config: TrainConfig, val: Split,
                mean: Any, std: Any, temperature: float | None,
                device: torch.device) -> tuple[dict[str, Any], dict[str, float]]:
    """The model file's `decline` block and the figures that go with it (validation digits
    kept, held-out non-digits declined, AUROC), for the score that declines most of them.
    The digits it must keep are the validation split as it is and as drawn differently
    (`varied_digits`), since a person's drawing is further from MNIST than MNIST is."""
    digits, _ = split_logits(model, varied_digits(val), mean, std, device=device)
    others, _ = split_logits(model, Split(data.val, torch.zeros(len(data.val), dtype=torch.long)),
                             mean, std, device=device)
    reject = data.target if data.method == "class" else None
    if data.method == "class":
        candidates = ["class"]
    elif config.decline_score == "auto":
        candidates = ["max_probability", "energy"]
    else:
        candidates = [config.decline_score]
    best: tuple[float, float, str, float, float] | None = None
    for score in candidates:
        inside = scores(digits, score, temperature, reject)
        outside = scores(others, score, temperature, reject)
        threshold = fit_threshold(inside, DEFAULT_KEEP)
        declined = float((outside < threshold).double().mean())
        area = auroc(inside, outside)
        kept = float((inside >= threshold).double().mean())
        if best is None or (declined, area) > (best[0], best[1]):
            best = (declined, area, score, threshold, kept)
    assert best is not None
    declined, area, score, threshold, kept = best
    block = {"score": score, "threshold": threshold, "keep": DEFAULT_KEEP}
    figures = {"val_digits_kept": kept, "val_not_digits_declined": declined,
               "val_decline_auroc": area}
    return block, figures


def scored_on_test(model: nn.Module, data: NotDigitData, test: Split, mean: Any, std: Any,
                 temperature: float | None, decline: dict[str, Any],
                 device: torch.device) -> dict[str, float]:
    """Test accuracy as `digitpad predict` answers (the best real class; with an extra output,
    that output left out), the share the rule declines, and the accuracy with declines wrong."""
    logits, labels = split_logits(model, test, mean, std, device=device)
    reject = data.target if data.method == "class" else None
    rule = DeclineRule(decline["score"], decline["threshold"])
    answers = answer(logits, temperature, reject, rule)
    right, declined = answers.probs.argmax(1) == labels, answers.declined
    return {"test_accuracy": float(right.double().mean()),
            "test_declined": float(declined.double().mean()),
            "test_accuracy_with_declines": float((right & ~declined).double().mean())}


def varied_digits(val: Split, copies: int = VARIED_COPIES, seed: int = 0) -> Split:
    """The split plus `copies` augmented copies of it (the digit augmentation: rotation, shear,
    scale, shift, thicker and thinner strokes; and widened or narrowed 0.6-1.6x, as people draw
    and as pictures get stretched), seeded, as uint8."""
    from digitpad.core.augment import augment_batch

    generator = torch.Generator().manual_seed(seed)
    images = [val.images]
    for _ in range(copies):
        varied = _aspect(augment_batch(val.images.float().div(255), "digit", generator),
                         generator)
        images.append(varied.mul(255).round().clamp(0, 255).to(torch.uint8))
    return Split(torch.cat(images), val.labels.repeat(copies + 1))


def vary_aspect(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """The float batch with a random 15% of its digits widened or narrowed 0.6-1.6x (as
    `varied_digits`): without them in training, a model that learns "not a digit" takes a
    stretched picture of a 3 for one, and the threshold that keeps such digits declines less."""
    pick = torch.rand(len(x), generator=generator) < ASPECT_SHARE
    if not bool(pick.any()):
        return x
    out = x.clone()
    index = pick.nonzero().squeeze(1).to(x.device)
    out[index] = _aspect(x[index].cpu(), generator).to(x.device)
    return out


def _aspect(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Each image widened or narrowed by a random factor in 0.6-1.6, its longer side kept (as
    the digit preprocessing fits the longer side into its box)."""
    n = len(x)
    factor = torch.exp(torch.empty(n).uniform_(math.log(0.6), math.log(1.6),
                                              generator=generator))
    width, height = factor / factor.clamp_min(1), 1 / factor.clamp_min(1)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 1, 1] = 1 / width, 1 / height  # output -> input coordinates
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


def batch_preparer(style: str, augment: bool, mean: torch.Tensor, std: torch.Tensor,
                   generator: torch.Generator) -> Callable[[torch.Tensor], torch.Tensor]:
    """uint8 batch -> augmented (if `augment`), normalised float batch, as digits are."""
    from digitpad.core.augment import augment_batch

    def prepare_batch(images: torch.Tensor) -> torch.Tensor:
        x = images.float().div_(255)
        if augment:
            x = augment_batch(x, style, generator)
        return normalise(x, mean, std)

    return prepare_batch
