"""Model files: state dict + metadata in one file, saved atomically, loaded with weights_only.

A checkpoint is a plain dict of tensors and JSON-like values, so `torch.load(weights_only=True)`
can read it without running any code from the file. A file is untrusted: only a regular file
is opened (regular_files), its zip is checked before anything is unpacked (checkpoint_archive),
its metadata against one schema (model_meta), and its architecture on the "meta" device before
the weights are loaded (checkpoint_model).

Format 2 adds an optional "resume" section, {"meta": plain data, "tensors": {name: tensor}}:
what is needed to train on (resume_state.py builds and checks it). Its tensors count in the
zip-bomb checks here; the rest of its checks are resume_state's, so a bad resume section never
stops the model itself from loading. A file saved without one is format 1, as before.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

import torch
from torch import nn

from digitpad import __version__
from digitpad.core.atomic_save import atomic_write
from digitpad.core.checkpoint_archive import Archive, human, inspect_archive, load_payload, short
from digitpad.core.checkpoint_model import check_architecture, check_forward, rebuild
from digitpad.core.errors import CheckpointError
from digitpad.core.model_meta import validate_meta
from digitpad.core.regular_files import check_regular, ensure_regular, nonblocking_opener
from digitpad.core.safe_text import printable

FORMAT = "digitpad-checkpoint"
FORMAT_VERSION = 2  # the newest format this digitpad reads (2: may hold a resume section)
# A resume section holds the last weights and the optimizer's state: with L-BFGS's history
# (optim.py: history_size 20, two vectors per entry) up to ~44 times the weights.
RESUME_FACTOR = 48


def _installed_version(package: str) -> str:
    """A package's version without importing it (importing torchvision costs over a second)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    """Versions of the software that made a file (stored in every checkpoint)."""
    return {
        "digitpad": __version__, "torch": str(torch.__version__),
        "torchvision": _installed_version("torchvision"), "python": platform.python_version(),
    }


def now_iso() -> str:
    """The current time in ISO 8601 with a timezone, to the second."""
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def save_checkpoint(path: str | os.PathLike, model: nn.Module, meta: dict[str, Any],
                    resume: Any = None) -> Path:
    """Write the model's weights and metadata to `path` atomically; return the final path.

    `resume` (a resume_state.ResumeState) adds what is needed to train on (format 2); without
    it the file is format 1, which every digitpad reads. The data goes to a temporary file in
    the same folder, is flushed to disk, then renamed over the target, so a crash or a full
    disk never leaves a half-written model behind.
    """
    path = Path(path)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    payload = {"format": FORMAT, "format_version": 1, "meta": meta, "state_dict": state}
    if resume is not None:
        payload.update(format_version=2, resume=resume.section())
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda handle: torch.save(payload, handle))
    except OSError as exc:
        raise CheckpointError(f"Cannot save the model to {path}: {exc.strerror or exc}.") from None
    return path


def read_checkpoint(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """The state dict and metadata of a model file, all checked (see load_model)."""
    _, state, meta, _ = _load(path)
    return state, meta


def read_meta(path: str | os.PathLike) -> dict[str, Any]:
    """Just the metadata of a model file, validated; no weight is read (safe on a zip bomb)."""
    return read_resume_section(path)[0]


def read_resume_section(path: str | os.PathLike) -> tuple[dict[str, Any], Any]:
    """The validated metadata and the file's resume section, unchecked and with "meta" tensors
    (shapes, no data), or None when it has none: nothing big is unpacked."""
    with _opened(path) as (handle, name):
        _, meta, _, section = _read(handle, name)
    return meta, section


def load_for_resume(path: str | os.PathLike) -> tuple[nn.Module, dict[str, Any], Any]:
    """load_model, plus the file's resume section as stored (None when it has none): checking
    it is resume_state's job, so a bad one never stops the model itself from loading."""
    model, _, meta, section = _load(path)
    return model, meta, section


def load_model(path: str | os.PathLike) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild the architecture from the file's metadata alone and load its weights (CPU).

    Everything is checked before anything big is allocated: the metadata against its schema,
    the architecture built on the "meta" device (no memory: how many bytes its weights take,
    do the file's tensors match them), the archive's declared sizes against those bytes. Only
    then are the weights unpacked; they must be finite and one blank image must go through.
    """
    model, _, meta, _ = _load(path)
    return model, meta


def _load(path: str | os.PathLike) -> tuple[nn.Module, dict[str, torch.Tensor], dict[str, Any],
                                             Any]:
    with _opened(path) as (handle, name):
        archive, meta, shapes, section = _read(handle, name)
        needed = check_architecture(meta, shapes, name)
        extra = _bytes(resume_tensors(section))  # unpacked too: torch.load reads the whole file
        if extra > RESUME_FACTOR * needed + 2**22:
            raise CheckpointError(
                f"Refused to load {name}: its resume state would unpack to {human(extra)}, far "
                f"more than training its {meta['architecture']} of {human(needed)} needs."
            )
        needed += extra
        if archive.data_bytes > _allowance(needed):
            raise CheckpointError(
                f"Refused to load {name}: its weight records would unpack to "
                f"{human(archive.data_bytes)}, but its {meta['architecture']} needs "
                f"{human(needed)} (a zip bomb?)."
            )
        payload = load_payload(handle, name, archive, "cpu")
    model = rebuild(meta, name, "cpu")
    state = payload.get("state_dict") if isinstance(payload, dict) else None
    try:
        model.load_state_dict(state, strict=True)  # type: ignore[arg-type]
    except (RuntimeError, TypeError, AttributeError) as exc:  # not what it held a moment ago
        raise CheckpointError(f"{name} changed while it was being read ({short(exc)}).") from None
    for key, tensor in state.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            shown = printable(key, 80)
            raise CheckpointError(f"{name} cannot be used: its weights hold NaN or infinity "
                                  f"({shown}), so every prediction would be meaningless.")
    check_forward(model.eval(), meta, name)
    section = payload.get("resume") if section is not None else None
    return model, state, meta, section


@contextmanager
def _opened(path: str | os.PathLike) -> Iterator[tuple[IO[bytes], str]]:
    """The model file, opened only if it is a regular file (never blocks on a FIFO)."""
    path = Path(path)
    check_regular(path, CheckpointError, "model file")
    name = printable(path.name or str(path))
    try:
        handle = open(path, "rb", opener=nonblocking_opener)
    except OSError as exc:
        raise CheckpointError(f"Cannot read model file {printable(path)}: "
                              f"{exc.strerror or exc}.") from None
    with handle:
        if ensure_regular(handle, CheckpointError, "model file", str(path)) == 0:
            raise CheckpointError(f"{name} is not a readable model file (the file is empty).")
        yield handle, name


def _read(handle: IO[bytes], name: str) -> tuple[Archive, dict[str, Any], dict[str, Any], Any]:
    """The archive's declared sizes, the validated metadata, the state dict and the resume
    section (None in a format 1 file) as "meta" tensors (shapes, no data): nothing but the
    small pickle is unpacked."""
    archive = inspect_archive(handle, name)
    payload = load_payload(handle, name, archive, "meta")
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{name} is not a digitpad model file.")
    version = payload.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        shown = printable(repr(version), 60)
        raise CheckpointError(f"{name} is damaged: its format_version should be a whole number "
                              f"from 1 (got {shown}).")
    if version > FORMAT_VERSION:
        raise CheckpointError(
            f"{name} was made by a newer digitpad (file format {version}); "
            "update digitpad to use it."
        )
    meta, state = payload.get("meta"), payload.get("state_dict")
    if not isinstance(meta, dict) or not isinstance(state, dict):
        raise CheckpointError(f"{name} is damaged: its metadata or weights are missing.")
    validate_meta(meta, name)
    if not all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise CheckpointError(f"{name} is damaged: its weights are not a table of tensors.")
    section = payload.get("resume") if version >= 2 else None
    held = _bytes(state) + _bytes(resume_tensors(section))
    if archive.data_bytes > _allowance(held):
        raise CheckpointError(
            f"Refused to load {name}: its weight records would unpack to "
            f"{human(archive.data_bytes)}, but its weights take {human(held)} (a zip bomb?)."
        )
    return archive, meta, state, section


def resume_tensors(section: Any) -> dict[str, torch.Tensor]:
    """The tensors of a resume section's table (whatever else it holds is resume_state's to
    refuse); {} for none."""
    table = section.get("tensors") if isinstance(section, dict) else None
    if not isinstance(table, dict):
        return {}
    return {k: v for k, v in table.items() if isinstance(v, torch.Tensor)}


def _bytes(tensors: dict[Any, torch.Tensor]) -> int:
    return sum(t.numel() * t.element_size() for t in tensors.values())


def _allowance(weight_bytes: int) -> int:
    """The most the weight records may declare: what the weights need, with a margin."""
    return int(weight_bytes * 1.5) + 2**20
