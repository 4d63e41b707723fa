"""Putting a run back as it was at the end of its last epoch: weights, optimizer, scheduler and
random states, each checked against the live object it goes into before anything is loaded
(torch's own load_state_dict methods check little: a wrong shape or type would only fail at
the next step, mid-training, with a traceback)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from digitpad.core.resume_codec import PackError, kind_problem, tensor_problem, unpack
from digitpad.core.resume_state import ResumeState
from digitpad.core.safe_text import printable

MAX_STATE_LIST = 1000  # values in one list of an optimizer's per-weight state (L-BFGS: ~20)


def weights_to_continue(state: ResumeState) -> dict[str, torch.Tensor]:
    """The weights training goes on from: the last ones, or the file's own when those are the
    same (and when fine-tuning)."""
    if not state.meta.get("last_weights"):
        return state.weights
    return {key: state.tensors[f"last.{key}"] for key in state.weights}


def with_extra_output(weights: dict[str, torch.Tensor],
                      target: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The weights with the output layer widened by one class where the model being trained has
    one more output (fine-tuning with an extra "not a digit" class): the new row starts at zero,
    every other weight as saved. Nothing changes when the shapes already fit."""
    out = dict(weights)
    for key, saved in weights.items():
        want = target.get(key)
        if (want is not None and saved.dim() in (1, 2) and want.shape[0] == saved.shape[0] + 1
                and want.shape[1:] == saved.shape[1:] and key.endswith(("weight", "bias"))):
            out[key] = torch.cat([saved, torch.zeros_like(saved[:1])])
    return out


def restore(state: ResumeState, model: nn.Module, optimizer: torch.optim.Optimizer,
            scheduler: Any, per_step: bool, generator: torch.Generator,
            device: torch.device) -> None:
    """Load the snapshot into a model, optimizer and scheduler freshly built from the run's
    config; a `fine_tune` state loads the weights only. ResumeError when something does not
    fit (nothing is half-loaded that training would then use: the caller gives up)."""
    weights = weights_to_continue(state)
    if state.fine_tune:  # a digit model fine-tuned to say "not a digit" gets one more output
        weights = with_extra_output(weights, model.state_dict())
    try:
        model.load_state_dict(weights, strict=True)
    except RuntimeError as exc:  # read_resume checked the shapes: only a changed architecture
        raise state.fail(f"its weights do not fit the model ({printable(str(exc), 120)})") \
            from None
    if state.fine_tune:
        return
    meta = state.meta
    try:
        saved = unpack(meta["optimizer"], state.tensors, set(), "optimizer")
        saved_scheduler = unpack(meta["scheduler"], state.tensors, set(), "scheduler")
    except PackError as exc:  # read_resume unpacked them once already
        raise state.fail(f"bad resume state: {printable(str(exc), 200)}") from None
    problem = _optimizer_problem(saved, optimizer)
    if problem is None:
        problem = _scheduler_problem(saved_scheduler, scheduler, per_step, meta)
    if problem:
        raise state.fail(problem)
    optimizer.load_state_dict(saved)
    if scheduler is not None:
        scheduler.load_state_dict(saved_scheduler)
    _restore_random_states(state, generator, device)


def _optimizer_problem(saved: Any, optimizer: torch.optim.Optimizer) -> str | None:
    fresh = optimizer.state_dict()
    name = type(optimizer).__name__
    if not isinstance(saved, dict) or set(saved) != {"state", "param_groups"}:
        return "its optimizer state is not an optimizer's state"
    problem = kind_problem(saved["param_groups"], fresh["param_groups"], "optimizer settings")
    if problem:
        return f"its optimizer state does not suit {name}: {problem}"
    params = [p for group in optimizer.param_groups for p in group["params"]]
    total = sum(p.numel() for p in params)
    if not isinstance(saved["state"], dict):
        return "its optimizer state is not an optimizer's state"
    for index, values in saved["state"].items():
        if isinstance(index, bool) or not isinstance(index, int) or \
                not 0 <= index < len(params) or not isinstance(values, dict):
            return f"its optimizer state names a weight {name} does not have ({index!r:.40})"
        shapes = {tuple(params[index].shape), (), (1,), (total,)}
        for key, value in values.items():
            where = f"optimizer state {printable(str(key), 40)} of weight {index}"
            problem = _state_value_problem(value, shapes, where)
            if problem:
                return problem
    return None


def _state_value_problem(value: Any, shapes: set[tuple[int, ...]], where: str) -> str | None:
    """A per-weight optimizer value: a number, a flag, None, a tensor shaped like its weight
    (or a scalar, or all weights flattened, as L-BFGS keeps), or a short list of those."""
    if isinstance(value, list):
        if len(value) > MAX_STATE_LIST:
            return f"{where} holds too many values"
        for item in value:
            problem = f"{where} nests lists" if isinstance(item, list) else \
                _state_value_problem(item, shapes, where)
            if problem:
                return problem
        return None
    if value is None or isinstance(value, (bool, int, float)):
        return None
    problem = tensor_problem(value, where)
    if problem:
        return problem
    if tuple(value.shape) not in shapes:
        return f"{where} has shape {tuple(value.shape)}, which fits no weight"
    return None


def _scheduler_problem(saved: Any, scheduler: Any, per_step: bool,
                       meta: dict[str, Any]) -> str | None:
    if (saved is None) != (scheduler is None) or meta["scheduler_per_step"] != per_step:
        return "its scheduler state does not match the scheduler its settings name"
    if scheduler is None:
        return None
    fresh = scheduler.state_dict()
    problem = kind_problem(saved, fresh, "scheduler")
    if problem:
        return f"its scheduler state does not suit {type(scheduler).__name__}: {problem}"
    expected = meta["global_step"] if per_step else meta["epoch"]
    if saved.get("last_epoch") != expected:
        return (f"its scheduler has taken {saved.get('last_epoch')!r:.20} steps, not "
                f"the {expected} its run took")
    if "total_steps" in fresh:
        # OneCycleLR plans its whole schedule for a number of steps: a run given more epochs
        # (--epochs) follows the schedule planned for the new total from the next step on
        saved["total_steps"], saved["_schedule_phases"] = (
            fresh["total_steps"], fresh["_schedule_phases"])
    return None


def _restore_random_states(state: ResumeState, generator: torch.Generator,
                           device: torch.device) -> None:
    rng = state.meta["rng"]
    try:
        torch.set_rng_state(state.tensors[rng["torch"]])
        generator.set_state(state.tensors[rng["generator"]])
        cuda = [state.tensors[key] for key in rng["cuda"]]
        if device.type == "cuda" and cuda and len(cuda) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(cuda)
    except (RuntimeError, ValueError) as exc:
        raise state.fail(f"its random state cannot be restored ({printable(str(exc), 120)})") \
            from None
