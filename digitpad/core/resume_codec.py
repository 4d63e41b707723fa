"""Torch's optimizer and scheduler state dicts as plain data plus one flat table of tensors, and
the checks that a table read from a file is fit to load into a live optimizer or scheduler.

Why not store the state dicts as torch gives them (torch.load(weights_only=True) could read
them)? They nest tensors under integer keys and tuples, and the model file's checks work on two
simple shapes: plain metadata (model_meta.plain_data_problem: text keys, finite numbers,
bounded nesting) and a flat {name: tensor} table whose bytes checkpoint.py accounts for before
anything is unpacked. So each state dict is packed into exactly those shapes:

- a tensor becomes {"t": NAME}, NAME its key in the table;
- a dict becomes {"k": [keys], "v": [values]} (keys text or whole numbers);
- a tuple becomes {"tuple": [values]}, a list stays a list;
- NaN and infinity become {"float": "nan" | "inf" | "-inf"}; other plain values stay as they are.

`unpack` turns that back and refuses anything else, naming where. What a file can put there is
plain data and tensors only (no code can come from it), but a wrong type or shape would only
fail deep inside torch, mid-training, with a traceback: `kind_problem` and `tensor_problem`
catch those first.
"""

from __future__ import annotations

import math
from typing import Any

import torch

MAX_LIST = 100_000  # values in one list (L-BFGS keeps a few dozen)
_PLAIN = torch.contiguous_format  # how a file keeps tensors (training may use channels-last)
_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
# what torch's optimizers and RNGs keep: floats, step counts, random states
_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int64,
           torch.int32, torch.uint8, torch.bool)


class PackError(ValueError):
    """A packed value that is not what pack() writes; the message says where."""


def pack(value: Any, prefix: str, tensors: dict[str, torch.Tensor]) -> Any:
    """`value` (a state dict or part of one) as plain data; its tensors are copied to the CPU
    into `tensors` under names starting with `prefix`."""
    if isinstance(value, torch.Tensor):
        name = f"{prefix}.{len(tensors)}"
        tensors[name] = value.detach().to("cpu", copy=True, memory_format=_PLAIN)
        return {"t": name}
    if isinstance(value, dict):
        return {"k": list(value), "v": [pack(v, prefix, tensors) for v in value.values()]}
    if isinstance(value, tuple):
        return {"tuple": [pack(v, prefix, tensors) for v in value]}
    if isinstance(value, list):
        return [pack(v, prefix, tensors) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": str(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot pack a {type(value).__name__} ({prefix})")


def unpack(value: Any, tensors: dict[str, Any], used: set[str], where: str) -> Any:
    """The value pack() packed, its tensors taken from `tensors` (each name once, recorded in
    `used`); PackError names the first thing that is not what pack() writes."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        if len(value) > MAX_LIST:
            raise PackError(f"{where} holds {len(value):,} values")
        return [unpack(v, tensors, used, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, dict):
        raise PackError(f"{where} should be plain data, not a {type(value).__name__}")
    form = set(value)
    if form == {"t"}:
        name = value["t"]
        if not isinstance(name, str) or name not in tensors:
            raise PackError(f"{where} names a tensor the file does not hold")
        if name in used:
            raise PackError(f"{where} names a tensor used twice")
        used.add(name)
        return tensors[name]
    if form == {"tuple"} and isinstance(value["tuple"], list):
        return tuple(unpack(value["tuple"], tensors, used, where))
    if form == {"float"} and value["float"] in _FLOATS:
        return _FLOATS[value["float"]]
    if form == {"k", "v"} and isinstance(value["k"], list) and isinstance(value["v"], list):
        keys, values = value["k"], value["v"]
        if len(keys) != len(values):
            raise PackError(f"{where} has {len(keys)} keys for {len(values)} values")
        if not all(isinstance(k, str) or _whole(k) for k in keys) or len(set(keys)) < len(keys):
            raise PackError(f"{where} has keys that are not distinct text or whole numbers")
        return {k: unpack(v, tensors, used, f"{where}.{k}") for k, v in zip(keys, values)}
    raise PackError(f"{where} is not a packed value (keys {', '.join(map(str, form))[:80]})")


def kind_problem(saved: Any, fresh: Any, where: str) -> str | None:
    """How `saved` (read from a file) differs in kind from `fresh` (what this digitpad's own
    optimizer or scheduler holds now): the same keys, the same lengths, the same types (a whole
    number may stand for a float), finite numbers. None when it could take its place."""
    if isinstance(fresh, dict):
        if not isinstance(saved, dict):
            return f"{where} should be a table"
        if set(saved) != set(fresh):
            odd = sorted(map(str, set(saved) ^ set(fresh)))[:3]
            return f"{where} does not have the entries this digitpad keeps ({', '.join(odd)})"
        for key, value in fresh.items():
            problem = kind_problem(saved[key], value, f"{where}.{key}")
            if problem:
                return problem
        return None
    if isinstance(fresh, (list, tuple)):
        if not isinstance(saved, type(fresh)) or len(saved) != len(fresh):
            return f"{where} should be a {type(fresh).__name__} of {len(fresh)}"
        for i, (a, b) in enumerate(zip(saved, fresh)):
            problem = kind_problem(a, b, f"{where}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(fresh, float) and _whole(saved):
        return None
    if type(saved) is not type(fresh):
        return f"{where} should be a {type(fresh).__name__}, not a {type(saved).__name__}"
    if isinstance(fresh, float) and not math.isfinite(saved) and math.isfinite(fresh):
        return f"{where} should be a finite number"
    if isinstance(fresh, torch.Tensor):
        return tensor_problem(saved, where, tuple(fresh.shape))
    return None


def tensor_problem(value: Any, where: str, shape: tuple[int, ...] | None = None) -> str | None:
    """Why `value` is not a plain, dense tensor of finite numbers (of `shape`, if given)."""
    if not isinstance(value, torch.Tensor):
        return f"{where} should be a tensor"
    if value.layout != torch.strided or value.dtype not in _DTYPES or value.is_quantized:
        return f"{where} is not a plain tensor ({value.layout}, {value.dtype})"
    if shape is not None and tuple(value.shape) != shape:
        return f"{where} has shape {tuple(value.shape)}, not {shape}"
    if value.is_floating_point() and value.device.type != "meta" and \
            not bool(torch.isfinite(value).all()):
        return f"{where} holds NaN or infinity"
    return None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
