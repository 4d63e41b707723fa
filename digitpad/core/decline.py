"""Declining: when a model says "that is not a digit" (issue 14).

A model trained with generated non-digits (core.not_digit_training) carries a `decline` rule in its
metadata: a score computed from its outputs and a threshold under which the image is declined.

  max_probability  the top class's calibrated probability (Outlier Exposure trains the model to
                   spread its probability evenly over non-digits, so this falls on them)
  energy           T * logsumexp(logits / T), the negative free energy (Liu et al., NeurIPS
                   2020): higher for inputs like the training data
  class            1 - P("not a digit") for a model with an extra "not a digit" output

The threshold is fitted on the validation split so that a stated share of real digits (`keep`)
passes. A user can also ask for a plain max-probability threshold on any model, including files
trained without non-digit data, which otherwise never decline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import torch
from torch.nn import functional as F

SCORES = ("max_probability", "energy", "class")
NOT_A_DIGIT = "not a digit"  # the extra output's class name (score "class")
DEFAULT_KEEP = 0.995  # share of validation digits a fitted threshold lets through


@dataclass(frozen=True)
class DeclineRule:
    """How one model decides "not a digit": decline when score(outputs) < threshold."""

    score: str  # one of SCORES
    threshold: float
    source: str = "model"  # "model" (fitted in training) or "user" (a threshold asked for)

    def describe(self, value: float) -> str:
        """Why an image with this score was declined, in one sentence for a person."""
        if self.score == "energy":
            what = f"its evidence score {value:.2f} is below the {self.threshold:.2f}"
        elif self.score == "class":
            what = (f"it is {1 - value:.0%} sure this is not a digit (it declines above "
                    f"{1 - self.threshold:.0%})")
            return f"The model's own \"not a digit\" output says so: {what}."
        else:
            what = f"its best guess has {value:.0%}, below the {self.threshold:.0%}"
        who = "you set" if self.source == "user" else "this model needs to call it a digit"
        return f"The model is not sure enough: {what} {who}."


def rule_from_meta(meta: dict[str, Any]) -> DeclineRule | None:
    """The decline rule a model file carries (validated by core.model_meta), or None."""
    block = meta.get("decline")
    if not isinstance(block, dict):
        return None
    return DeclineRule(str(block["score"]), float(block["threshold"]))


def reject_index(meta: dict[str, Any]) -> int | None:
    """The index of the extra "not a digit" output, for a model trained with one."""
    rule = rule_from_meta(meta)
    return len(meta["class_names"]) - 1 if rule is not None and rule.score == "class" else None


def scores(outputs: torch.Tensor, score: str, temperature: float | None = None,
           reject: int | None = None) -> torch.Tensor:
    """The in-distribution score of each row of raw model outputs (higher: more digit-like)."""
    t = temperature or 1.0
    logits = outputs.float() / t
    if score == "energy":
        return t * torch.logsumexp(logits, dim=1)
    probs = F.softmax(logits, dim=1)
    if score == "class":
        if reject is None:
            raise ValueError("the class score needs the extra output's index")
        return 1 - probs[:, reject]
    if reject is not None:  # the digits' probabilities alone, renormalised
        probs = digit_probabilities(probs, reject)
    return probs.max(dim=1).values


class Answers(NamedTuple):
    """A batch answered as Predictor answers one image."""

    probs: torch.Tensor  # temperature-scaled, the real classes only
    scores: torch.Tensor | None  # the rule's score per row (None: no rule)
    declined: torch.Tensor  # bool per row


def answer(outputs: torch.Tensor, temperature: float | None, reject: int | None,
           rule: DeclineRule | None) -> Answers:
    """The probabilities (in `outputs`' precision) and the declines of raw model outputs: the
    one place Predictor, `digitpad eval`, training's test score and the benchmark decide."""
    from digitpad.core.calibration import scaled_probs  # calibration imports model_meta: us

    probs = digit_probabilities(scaled_probs(outputs, temperature), reject)
    if rule is None:
        return Answers(probs, None, torch.zeros(len(outputs), dtype=torch.bool))
    values = scores(outputs, rule.score, temperature, reject)
    return Answers(probs, values, values < rule.threshold)


def digit_probabilities(probs: torch.Tensor, reject: int | None) -> torch.Tensor:
    """Probabilities over the real classes only: the extra output dropped, the rest rescaled."""
    if reject is None:
        return probs
    kept = torch.cat([probs[:, :reject], probs[:, reject + 1 :]], dim=1)
    return kept / kept.sum(dim=1, keepdim=True).clamp_min(1e-12)


def fit_threshold(digit_scores: torch.Tensor, keep: float = DEFAULT_KEEP) -> float:
    """The threshold that lets `keep` of these (validation) digits through."""
    values = digit_scores.double().sort().values
    index = int((1 - keep) * len(values))  # this many digits fall under the threshold
    return float(values[min(index, len(values) - 1)])


def auroc(inside: torch.Tensor, outside: torch.Tensor) -> float:
    """Area under the ROC curve of telling digits (`inside`, higher scores) from non-digits: the
    chance that a random digit scores above a random non-digit (ties count half)."""
    both = torch.cat([inside.double(), outside.double()])
    ranks = _average_ranks(both)
    n_in, n_out = len(inside), len(outside)
    if not n_in or not n_out:
        return float("nan")
    rank_sum = float(ranks[:n_in].sum())
    return (rank_sum - n_in * (n_in + 1) / 2) / (n_in * n_out)


def _average_ranks(values: torch.Tensor) -> torch.Tensor:
    """1-based ranks, tied values sharing their average rank (the Mann-Whitney statistic)."""
    sorted_values, order = values.sort()
    _, inverse, counts = torch.unique_consecutive(
        sorted_values, return_inverse=True, return_counts=True)
    ends = counts.cumsum(0).double()
    average = ends - (counts.double() - 1) / 2
    ranks = torch.empty_like(values)
    ranks[order] = average[inverse]
    return ranks
