"""Optimizers and learning-rate schedulers by name, from a resolved TrainConfig."""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

from digitpad.core.config import TrainConfig


def build_optimizer(config: TrainConfig, params: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
    """The optimizer a config names, with its learning rate, momentum and weight decay."""
    lr, wd, momentum = config.lr, config.weight_decay or 0.0, config.momentum or 0.0
    optim = torch.optim
    name = config.optimizer
    if name == "sgd":
        return optim.SGD(params, lr=lr, momentum=momentum, weight_decay=wd, nesterov=momentum > 0)
    if name == "rmsprop":
        return optim.RMSprop(params, lr=lr, momentum=momentum, weight_decay=wd)
    if name == "rprop":  # full-batch method; accepts no weight decay
        return optim.Rprop(params, lr=lr)
    if name == "lbfgs":  # needs a closure: the training loop provides one
        return optim.LBFGS(params, lr=lr, max_iter=5, history_size=20)
    classes = {
        "adam": optim.Adam, "adamw": optim.AdamW, "adadelta": optim.Adadelta,
        "adagrad": optim.Adagrad, "adamax": optim.Adamax, "asgd": optim.ASGD,
    }
    return classes[name](params, lr=lr, weight_decay=wd)


def build_scheduler(
    config: TrainConfig, optimizer: torch.optim.Optimizer, steps_per_epoch: int
) -> tuple[torch.optim.lr_scheduler.LRScheduler | None, bool]:
    """The scheduler and whether it steps every batch (True) or every epoch (False)."""
    if config.scheduler == "step":
        sched = torch.optim.lr_scheduler.StepLR(optimizer, config.step_size, config.gamma)
        return sched, False
    if config.scheduler == "onecycle":
        total = config.epochs * steps_per_epoch
        sched = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=config.lr, total_steps=total, pct_start=_warmup_fraction(total),
            cycle_momentum=config.optimizer in ("sgd", "rmsprop", "adam", "adamw"),
        )
        return sched, True
    return None, False


def _warmup_fraction(total_steps: int) -> float:
    """OneCycleLR's pct_start: a quarter of the steps warm up, unless that is exactly one step.

    OneCycleLR ends its warm-up phase at step `pct_start * total_steps - 1` and divides by that
    phase's length, so a warm-up of exactly one step (4 steps in all at 0.25, e.g. `--epochs 1
    --limit 600` on digitnet) divides by zero on the first step. Any other fraction works for
    every step count >= 1 (shorter warm-ups are skipped, longer ones have a length > 0).
    """
    for fraction in (0.25, 0.3, 0.5):
        if float(fraction * total_steps) - 1 != 0:
            return fraction
    return 0.25  # unreachable: only one step count can make each fraction's warm-up one step
