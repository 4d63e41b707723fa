"""The model library: bundled models first, then the user's saved ones, known by name or file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from digitpad.core.errors import CheckpointError, DigitpadError
from digitpad.core.paths import model_library_dir
from digitpad.core.resources import resource_path

BUNDLED = {"digits": "digits.pt", "fashion": "fashion.pt"}
DEFAULT_MODEL = "digits"


@dataclass(frozen=True)
class ModelEntry:
    """One model the app can use."""

    name: str
    path: Path
    bundled: bool
    architecture: str = ""
    dataset: str = ""
    accuracy: float | None = None  # test accuracy when known, else validation accuracy
    problem: str = ""  # non-empty when the file cannot be used

    @property
    def label(self) -> str:
        """A one-line description for pickers and tables."""
        if self.problem:
            return f"{self.name} (unusable: {self.problem})"
        acc = f", {self.accuracy:.2%}" if self.accuracy is not None else ""
        return f"{self.name} ({self.architecture}, {self.dataset}{acc})"


_meta_cache: dict[tuple[str, int, int], dict] = {}


def _entry(name: str, path: Path, bundled: bool) -> ModelEntry:
    from digitpad.core.checkpoint import read_meta  # torch import only when listing for real

    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _meta_cache:
            _meta_cache[key] = read_meta(path)
        meta = _meta_cache[key]
    except (CheckpointError, OSError) as exc:
        return ModelEntry(name, path, bundled, problem=str(exc))
    metrics = meta.get("metrics", {})
    accuracy = metrics.get("test_accuracy", metrics.get("val_accuracy"))
    return ModelEntry(
        name, path, bundled, str(meta.get("architecture", "")), str(meta.get("dataset", "")),
        accuracy,
    )


def bundled_model_path(name: str) -> Path:
    """Where a bundled model lives inside the installed package."""
    return resource_path("models", BUNDLED[name])


def list_models(library: Path | None = None) -> list[ModelEntry]:
    """Bundled models (those present), then the library's *.pt files, newest first."""
    entries = [
        _entry(name, bundled_model_path(name), True)
        for name in BUNDLED
        if bundled_model_path(name).is_file()
    ]
    folder = library or model_library_dir()
    if folder.is_dir():
        files = sorted(folder.glob("*.pt"), key=lambda p: p.stat().st_mtime, reverse=True)
        entries += [_entry(p.stem, p, False) for p in files if not p.name.startswith(".")]
    return entries


def resolve_model(spec: str | None, library: Path | None = None) -> Path:
    """A model file from a path, a bundled name, or a library name (None: the default model)."""
    spec = spec or DEFAULT_MODEL
    path = Path(spec).expanduser()
    if path.suffix and (path.exists() or os.sep in spec or "/" in spec):
        return path  # a file: existence and contents are checked when it is loaded
    if spec in BUNDLED:
        bundled = bundled_model_path(spec)
        if bundled.is_file():
            return bundled
        raise DigitpadError(
            f"The bundled model {spec!r} is not installed; train one with 'digitpad train' "
            "and pass it with --model FILE."
        )
    candidate = (library or model_library_dir()) / f"{spec}.pt"
    if candidate.is_file():
        return candidate
    names = [entry.name for entry in list_models(library)]
    known = ", ".join(names) if names else "none yet"
    raise DigitpadError(f"No model called {spec!r} (known models: {known}); or give a file path.")


def library_path_for(name: str, library: Path | None = None) -> Path:
    """A new file in the model library for a user-given name, reserved for the caller.

    The name is made file-safe and cut to a length every file system takes; the file is created
    empty and exclusively (NAME-2.pt, NAME-3.pt… when taken), so two runs saving at once never
    get the same path. Saving replaces it atomically; saving.release() removes it if unused.
    """
    from digitpad.core.saving import reserve_in_library

    return reserve_in_library(name, library or model_library_dir())
