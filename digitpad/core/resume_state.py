"""Resumable runs: what a model file keeps so that training can go on where it stopped.

A snapshot is taken at the end of every epoch: the weights as they are then (the *last*
weights; the file's own weights stay the best ones), the optimizer's and the scheduler's state,
the epoch and global step, the random states (the CPU generator that shuffles and augments,
torch's global RNG, CUDA's when training there), a fingerprint of the data and the history of
per-epoch metrics. A run stopped mid-epoch is resumed from the end of its last epoch, so a
resumed run repeats exactly what the uninterrupted one would have done.

In the file it is checkpoint.py's "resume" section: plain metadata (validated here with
pydantic) and a flat table of tensors (packed by resume_codec). Every problem with it is one
ResumeError, "cannot resume from FILE: …"; the model itself still loads and predicts.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import torch
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from torch import nn

from digitpad.core.checkpoint import load_for_resume, read_resume_section
from digitpad.core.errors import DigitpadError
from digitpad.core.model_meta import describe_error, plain_data_problem
from digitpad.core.resume_codec import PackError, pack, tensor_problem, unpack
from digitpad.core.safe_text import printable

RESUME_VERSION = 1
MAX_EPOCHS = 1_000_000


class ResumeError(DigitpadError):
    """A model file that cannot be trained on from where it stopped (it still predicts)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"cannot resume from {name}: {reason}.")


@dataclass(frozen=True)
class HistoryEntry:
    """One epoch's metrics, as the Train tab's charts draw them."""

    epoch: int
    global_step: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float

    @classmethod
    def of(cls, record: Any) -> HistoryEntry:
        """The entry for a records.EpochEnd."""
        return cls(record.epoch, record.global_step, float(record.train_loss),
                   float(record.train_accuracy), float(record.val_loss),
                   float(record.val_accuracy))


_Count = Annotated[int, Field(strict=True, ge=0, le=2**62)]
_Real = Annotated[float, Field(strict=True, allow_inf_nan=False)]
_Name = Annotated[str, Field(strict=True, max_length=200)]


class _Schema(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class _Entry(_Schema):
    epoch: Annotated[int, Field(strict=True, ge=1, le=MAX_EPOCHS)]
    global_step: _Count
    train_loss: _Real
    train_accuracy: Annotated[float, Field(strict=True, ge=0, le=1)]
    val_loss: _Real
    val_accuracy: Annotated[float, Field(strict=True, ge=0, le=1)]


class _Data(_Schema):
    fingerprint: Annotated[str, Field(strict=True, max_length=128)]
    train_images: _Count
    val_images: _Count


class _Rng(_Schema):
    torch: _Name
    generator: _Name
    cuda: Annotated[list[_Name], Field(max_length=256)] = []


class _Meta(_Schema):
    version: Literal[1]
    epoch: Annotated[int, Field(strict=True, ge=1, le=MAX_EPOCHS)]  # epochs finished
    global_step: _Count
    steps_per_epoch: Annotated[int, Field(strict=True, ge=1, le=2**40)]
    scheduler_per_step: Annotated[bool, Field(strict=True)]
    last_weights: Annotated[bool, Field(strict=True)]  # False: the last weights are the best
    history: Annotated[list[_Entry], Field(min_length=1, max_length=MAX_EPOCHS)]
    optimizer: Any
    scheduler: Any
    rng: _Rng
    data: _Data


@dataclass(frozen=True)
class ResumeState:
    """A run's snapshot, packed as saved: plain `meta` and a flat table of CPU `tensors`.

    Read back from a file (read_resume) it also has the file's own, best `weights`, its
    metadata `model_meta` and its shown name `source`. With an empty `meta` (`fine_tune`) it
    is a file without resume state: training starts a new schedule from its weights."""

    meta: dict[str, Any]
    tensors: dict[str, torch.Tensor]
    source: str = ""
    weights: dict[str, torch.Tensor] = field(default_factory=dict)
    model_meta: dict[str, Any] = field(default_factory=dict)

    @property
    def fine_tune(self) -> bool:
        """True for a file with no resume state: only its weights carry over."""
        return not self.meta

    @property
    def epoch(self) -> int:
        """Epochs finished (0 when fine-tuning)."""
        return int(self.meta.get("epoch", 0))

    @property
    def global_step(self) -> int:
        """Optimisation steps taken (0 when fine-tuning)."""
        return int(self.meta.get("global_step", 0))

    @property
    def history(self) -> list[HistoryEntry]:
        """The per-epoch metrics so far, oldest first."""
        return [HistoryEntry(**entry) for entry in self.meta.get("history", [])]

    def section(self) -> dict[str, Any]:
        """The checkpoint's "resume" section."""
        return {"meta": self.meta, "tensors": self.tensors}

    def fail(self, reason: str) -> ResumeError:
        """The one-line error for this file."""
        return ResumeError(self.source or "the model", reason)


def capture(model: nn.Module, optimizer: torch.optim.Optimizer, scheduler: Any,
            generator: torch.Generator, *, epoch: int, global_step: int, steps_per_epoch: int,
            scheduler_per_step: bool, history: list[HistoryEntry], last_is_best: bool,
            data: dict[str, Any], device: torch.device) -> ResumeState:
    """A snapshot of a run at the end of epoch `epoch` (copies: training may go on)."""
    tensors: dict[str, torch.Tensor] = {}
    if not last_is_best:
        for key, value in model.state_dict().items():  # (channels-last while training)
            tensors[f"last.{key}"] = value.detach().to(
                "cpu", copy=True, memory_format=torch.contiguous_format)
    optimizer_state = pack(optimizer.state_dict(), "optimizer", tensors)
    scheduler_state = None if scheduler is None else pack(scheduler.state_dict(), "scheduler",
                                                           tensors)
    tensors["rng.torch"] = torch.get_rng_state()
    tensors["rng.generator"] = generator.get_state()
    cuda = []
    if device.type == "cuda":  # dropout on the GPU draws from CUDA's generators
        for i, rng in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{i}"] = rng.cpu()
            cuda.append(f"rng.cuda.{i}")
    meta = {
        "version": RESUME_VERSION, "epoch": epoch, "global_step": global_step,
        "steps_per_epoch": steps_per_epoch, "scheduler_per_step": scheduler_per_step,
        "last_weights": not last_is_best, "history": [vars(e).copy() for e in history],
        "optimizer": optimizer_state, "scheduler": scheduler_state,
        "rng": {"torch": "rng.torch", "generator": "rng.generator", "cuda": cuda},
        "data": dict(data),
    }
    return ResumeState(meta, tensors)


def data_summary(train: Any, val: Any) -> dict[str, Any]:
    """How to tell the data again: the sizes of the splits and a hash of their pixels and
    labels (BLAKE2: about 50 ms for all of MNIST)."""
    digest = hashlib.blake2b(digest_size=16)
    for split in (train, val):
        for tensor in (split.images, split.labels):
            digest.update(str(tuple(tensor.shape)).encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().data)
    return {"fingerprint": digest.hexdigest(), "train_images": len(train),
            "val_images": len(val)}


def check_data(resume: ResumeState, summary: dict[str, Any]) -> None:
    """ResumeError unless `summary` (data_summary of the data loaded now) is the data the run
    trained on."""
    if resume.fine_tune:
        return
    then = resume.meta["data"]
    if (then["train_images"], then["val_images"]) != (summary["train_images"],
                                                      summary["val_images"]):
        raise resume.fail(
            f"the data now has {summary['train_images']:,} training and "
            f"{summary['val_images']:,} validation images; it trained on "
            f"{then['train_images']:,} and {then['val_images']:,}")
    if then["fingerprint"] != summary["fingerprint"]:
        raise resume.fail("the data found now holds other images than it trained on")


def read_resume(path: str | os.PathLike) -> ResumeState:
    """The model file's resume state, checked against the model it belongs to. A file with no
    resume state gives a `fine_tune` state (its weights only). CheckpointError when the model
    itself cannot be used, ResumeError when only its resume state cannot."""
    model, model_meta, section = load_for_resume(path)
    name = printable(Path(path).name or str(path))
    weights = {k: v.detach() for k, v in model.state_dict().items()}
    if section is None:
        return ResumeState({}, {}, name, weights, model_meta)
    meta, tensors = _checked(section, name)
    state = ResumeState(meta, tensors, name, weights, model_meta)
    _check_tensors(state, weights)
    return state


def read_history(path: str | os.PathLike) -> list[HistoryEntry]:
    """The per-epoch metrics a model file keeps ([] when it keeps none), for charts; no
    weight is read. CheckpointError for an unusable file, ResumeError for a bad history."""
    _, section = read_resume_section(path)
    if section is None:
        return []
    meta, _ = _checked(section, printable(Path(path).name or str(path)))
    return [HistoryEntry(**entry) for entry in meta["history"]]


def _checked(section: Any, name: str) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """The resume section's metadata, validated, and its tensor table, checked for type."""
    if not isinstance(section, dict) or set(section) != {"meta", "tensors"}:
        raise ResumeError(name, "its resume state is not laid out as digitpad saves it")
    meta, tensors = section["meta"], section["tensors"]
    if not isinstance(tensors, dict) or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in tensors.items()):
        raise ResumeError(name, "its resume state's tensors are not a table of tensors")
    problem = plain_data_problem(meta, "resume")
    if problem is None and isinstance(meta, dict) and meta.get("version") != RESUME_VERSION:
        problem = (f"its resume state is version {printable(repr(meta.get('version')), 40)}; "
                   f"this digitpad reads version {RESUME_VERSION}")
    if problem:
        raise ResumeError(name, problem)
    try:
        checked = _Meta.model_validate(meta)
    except ValidationError as exc:
        raise ResumeError(name, "bad resume state: " + describe_error(exc.errors()[0])) from None
    history = checked.history
    if len(history) != checked.epoch or [e.epoch for e in history] != list(
            range(1, checked.epoch + 1)):
        raise ResumeError(name, f"its history does not list epochs 1 to {checked.epoch}")
    if history[-1].global_step != checked.global_step or \
            checked.global_step > checked.epoch * checked.steps_per_epoch:
        raise ResumeError(name, f"its step count ({checked.global_step}) does not fit its "
                          f"{checked.epoch} epoch(s) of {checked.steps_per_epoch} steps")
    return meta, tensors


def _check_tensors(state: ResumeState, weights: dict[str, torch.Tensor]) -> None:
    """Every tensor is where the metadata says, used once, plain, of the right shape."""
    meta, tensors, used = state.meta, state.tensors, set()
    for name, tensor in tensors.items():
        problem = tensor_problem(tensor, printable(name, 80))
        if problem:
            raise state.fail(problem)
    try:
        unpack(meta["optimizer"], tensors, used, "optimizer")
        unpack(meta["scheduler"], tensors, used, "scheduler")
    except PackError as exc:
        raise state.fail(f"bad resume state: {printable(str(exc), 200)}") from None
    if meta["last_weights"]:
        for key, best in weights.items():
            last = tensors.get(f"last.{key}")
            problem = tensor_problem(last, f"its last weights {printable(key, 80)}",
                                     tuple(best.shape))
            if problem:
                raise state.fail(problem)
            used.add(f"last.{key}")
    rng = meta["rng"]
    for key in (rng["torch"], rng["generator"], *rng["cuda"]):
        rng_state = tensors.get(key)
        if rng_state is None or rng_state.dtype != torch.uint8 or rng_state.dim() != 1 or \
                key in used:
            raise state.fail(f"its random state {printable(key, 80)} is missing or not bytes")
        used.add(key)
    for key in (rng["torch"], rng["generator"]):
        if tensors[key].numel() != torch.get_rng_state().numel():
            raise state.fail("its CPU random state is not the size torch's generator keeps")
    extra = sorted(set(tensors) - used)
    if extra:
        raise state.fail(f"its resume state holds tensors nothing uses "
                         f"({printable(', '.join(extra[:3]), 120)})")

