"""Calibrated confidence: temperature scaling (Guo et al., ICML 2017) and the expected
calibration error (ECE) that measures it.

One temperature T > 0 divides a model's outputs before the softmax; it is fitted on the
validation split's outputs by minimising the negative log-likelihood, so it changes how sure the
model says it is but never which class it picks. For a model whose outputs are already
log-probabilities, dividing them by T and renormalising is the same softmax(outputs / T), so one
formula serves every model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from digitpad.core.evaluation import normalise
from digitpad.core.model_meta import MAX_TEMPERATURE, MIN_TEMPERATURE
from digitpad.core.splits import Split

ECE_BINS = 15


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor,
                               bins: int = ECE_BINS) -> float:
    """ECE over `bins` equal-width confidence bins: sum over bins of (share of samples in the
    bin) * |accuracy in the bin - mean confidence in the bin|. Bin b holds confidences in
    (b/bins, (b+1)/bins]; a confidence of exactly 0 falls in the first bin."""
    probs, labels = torch.as_tensor(probs, dtype=torch.float64), torch.as_tensor(labels)
    if len(labels) == 0:
        return 0.0
    confidence, predicted = probs.max(dim=1)
    correct = (predicted == labels).double()
    index = (torch.ceil(confidence * bins).long() - 1).clamp(0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            gap = (correct[mask].mean() - confidence[mask].mean()).abs().item()
            total += mask.double().mean().item() * gap
    return total


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The T in [MIN_TEMPERATURE, MAX_TEMPERATURE] minimising the NLL of softmax(logits / T).

    A bounded golden-section search on log T: the NLL is convex in 1/T, so one minimum; this
    is deterministic and needs no learning rate (LBFGS on log T can step out of bounds)."""
    logits, labels = logits.double(), labels.long()
    if len(labels) == 0:
        return 1.0

    def nll(log_t: float) -> float:
        return F.cross_entropy(logits / math.exp(log_t), labels).item()

    lo, hi = math.log(MIN_TEMPERATURE), math.log(MAX_TEMPERATURE)
    ratio = (math.sqrt(5) - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(80):  # shrinks the interval by 0.618 each time: far below float resolution
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = nll(b)
    return float(min(MAX_TEMPERATURE, max(MIN_TEMPERATURE, math.exp((lo + hi) / 2))))


def split_logits(model: nn.Module, split: Split, mean: Sequence[float], std: Sequence[float],
                 *, device: torch.device | str = "cpu",
                 batch_size: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """The model's raw outputs (float, on the CPU) for every image of `split`, and the labels."""
    device = torch.device(device)
    mean_t = torch.tensor(mean, dtype=torch.float32, device=device)
    std_t = torch.tensor(std, dtype=torch.float32, device=device)
    was_training = model.training
    model.eval()
    outputs = []
    with torch.inference_mode():
        for start in range(0, len(split), batch_size):
            images = split.images[start : start + batch_size].to(device)
            outputs.append(model(normalise(images, mean_t, std_t)).float().cpu())
    model.train(was_training)
    logits = torch.cat(outputs) if outputs else torch.zeros(0, 1)
    return logits, split.labels[: len(logits)].cpu().long()


def calibrate(model: nn.Module, split: Split, mean: Sequence[float], std: Sequence[float],
              *, device: torch.device | str = "cpu") -> dict[str, float]:
    """Fit a temperature on `split`; {"temperature", "ece_before", "ece_after"}."""
    logits, labels = split_logits(model, split, mean, std, device=device)
    temperature = fit_temperature(logits, labels)
    return {
        "temperature": temperature,
        "ece_before": expected_calibration_error(torch.softmax(logits.double(), 1), labels),
        "ece_after": expected_calibration_error(
            torch.softmax(logits.double() / temperature, 1), labels),
    }


def scaled_probs(outputs: torch.Tensor, temperature: float | None) -> torch.Tensor:
    """softmax(outputs / T) along dim 1; with no temperature, exactly the plain softmax."""
    if temperature is None:
        return torch.softmax(outputs, dim=1)
    return torch.softmax(outputs / temperature, dim=1)


def split_ece(model: nn.Module, split: Split, mean: Sequence[float], std: Sequence[float],
              temperature: float | None, *, device: torch.device | str = "cpu") -> float:
    """The ECE of the model's probabilities on `split`, scaled by `temperature` if any."""
    logits, labels = split_logits(model, split, mean, std, device=device)
    return expected_calibration_error(scaled_probs(logits.double(), temperature), labels)


def calibration_text(metrics: dict) -> str:
    """'  ECE 3.10% -> 0.85% (temperature 1.42)' for a run's metrics, '' if not calibrated."""
    if "temperature" not in metrics:
        return ""
    return (f"  ECE {metrics['ece_before']:.2%} -> {metrics['ece_after']:.2%} "
            f"(temperature {metrics['temperature']:.3g})")
