"""The model library: bundled models first, then the user's saved ones, known by name or file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digitpad.core.errors import CheckpointError, DigitpadError
from digitpad.core.paths import expand_user, model_library_dir
from digitpad.core.regular_files import check_regular
from digitpad.core.resources import resource_path
from digitpad.core.safe_text import printable

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
    problem: str = ""  # non-empty when the file cannot be used (with its technical reason)
    summary: str = ""  # the problem in words a person can act on ('' : the problem itself)
    declines: bool = False  # it carries its own "not a digit" rule (meta["decline"], issue 14)

    @property
    def label(self) -> str:
        """A one-line description for pickers and tables (an unusable file's problem as its
        summary: the technical reason is `problem`, for tooltips and the CLI)."""
        if self.problem:
            return f"{self.name} (unusable: {self.summary or self.problem})"
        acc = f", {self.accuracy:.2%}" if self.accuracy is not None else ""
        return f"{self.name} ({self.architecture}, {self.dataset}{acc})"


# path -> (what its stat said, its metadata or the reason it is unusable): metadata only, never
# weights (read_meta reads none), and one entry per file, replaced when the file changes
_meta_cache: dict[str, tuple[tuple[int, int, int, int], dict[str, Any] | tuple[str, str]]] = {}


def _entry(name: str, path: Path, bundled: bool) -> ModelEntry:
    """One library entry, read in isolation: whatever is wrong with it makes it unusable, with
    the reason, and never affects the others."""
    from digitpad.core.checkpoint import read_meta  # torch import only when listing for real

    try:
        info = check_regular(path, CheckpointError, "model file", path.name)  # never blocks
        key = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)
        cached = _meta_cache.get(str(path))
        if cached is None or cached[0] != key:
            try:
                cached = (key, read_meta(path))
            except CheckpointError as exc:
                cached = (key, (str(exc), exc.summary))
            _meta_cache[str(path)] = cached
        meta = cached[1]
        if isinstance(meta, tuple):
            return ModelEntry(name, path, bundled, problem=meta[0], summary=meta[1])
        metrics = meta.get("metrics", {})  # validated: accuracies are in [0, 1] or absent
        accuracy = metrics.get("test_accuracy", metrics.get("val_accuracy"))
        return ModelEntry(
            name, path, bundled, meta["architecture"], meta.get("dataset", ""),
            None if accuracy is None else float(accuracy),
            declines=isinstance(meta.get("decline"), dict),
        )
    except CheckpointError as exc:
        return ModelEntry(name, path, bundled, problem=str(exc), summary=exc.summary)
    except Exception as exc:  # noqa: BLE001 - one odd file must not take the library down
        return ModelEntry(name, path, bundled, problem=f"cannot be read ({type(exc).__name__})")


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
        files = [p for p in folder.glob("*.pt") if not p.name.startswith(".")]
        files.sort(key=_modified, reverse=True)
        entries += [_entry(p.stem, p, False) for p in files]
    return entries


def _modified(path: Path) -> float:
    """When a library file last changed (0 for a dangling link or a loop: listed last)."""
    try:
        return path.stat().st_mtime  # stat never blocks, even on a FIFO
    except OSError:
        return 0.0


def resolve_model(spec: str | None, library: Path | None = None) -> Path:
    """A model file from a path, a bundled name, or a library name (None: the default model)."""
    spec = spec or DEFAULT_MODEL
    path = expand_user(spec, "The model path")
    if path.suffix and (os.path.lexists(path) or os.sep in spec or "/" in spec):
        return path  # a file (or a broken link to one): checked when it is loaded
    if spec in BUNDLED:
        bundled = bundled_model_path(spec)
        if bundled.is_file():
            return bundled
        raise DigitpadError(
            f"The bundled model {spec!r} is not installed; train one with 'digitpad train' "
            "and pass it with --model FILE."
        )
    candidate = (library or model_library_dir()) / f"{spec}.pt"
    if os.path.lexists(candidate):
        return candidate  # even a FIFO or a broken link: loading says what is wrong with it
    names = [entry.name for entry in list_models(library)]
    known = printable(", ".join(names) if names else "none yet", 400)
    raise DigitpadError(
        f"No model called {printable(repr(spec), 100)} (known models: {known}); "
        "or give a file path."
    )


def library_path_for(name: str, library: Path | None = None) -> Path:
    """A new file in the model library for a user-given name, reserved for the caller.

    The name is made file-safe and cut to a length every file system takes; the file is created
    empty and exclusively (NAME-2.pt, NAME-3.pt… when taken), so two runs saving at once never
    get the same path. Saving replaces it atomically; saving.release() removes it if unused.
    """
    from digitpad.core.saving import reserve_in_library

    return reserve_in_library(name, library or model_library_dir())


def _library_file(path: str | os.PathLike, library: Path | None) -> Path:
    """`path` when it is a model file directly in the library folder; else DigitpadError."""
    folder = (library or model_library_dir()).resolve()
    file = Path(path)
    if file.suffix != ".pt" or file.parent.resolve() != folder or not os.path.lexists(file):
        raise DigitpadError(f"{printable(file.name, 100)} is not a model in the library "
                            f"({printable(str(folder), 200)}).")
    return file


def delete_model(path: str | os.PathLike, library: Path | None = None) -> None:
    """Remove a model from the library (bundled models and files elsewhere are refused)."""
    file = _library_file(path, library)
    try:
        file.unlink()
    except OSError as exc:
        raise DigitpadError(f"{printable(file.name, 100)} could not be deleted "
                            f"({exc.strerror or exc}).") from None
    _meta_cache.pop(str(file), None)


def rename_model(path: str | os.PathLike, name: str, library: Path | None = None) -> Path:
    """Give a library model a new name (made file-safe); returns its new path. A name that is
    taken or empty is refused, and the model is never overwritten or lost."""
    from digitpad.core.saving import safe_stem

    file = _library_file(path, library)
    stem = safe_stem(name.strip()) if name.strip() else ""
    if not stem or stem in BUNDLED:
        raise DigitpadError(f"{printable(repr(name), 100)} cannot be a model's name.")
    target = file.with_name(f"{stem}.pt")
    if target == file:
        return file
    try:
        os.link(file, target)  # fails if the name is taken: nothing is replaced
    except FileExistsError:
        raise DigitpadError(f"There is already a model called {printable(stem, 100)}.") from None
    except OSError:
        if os.path.lexists(target):
            raise DigitpadError(f"There is already a model called {printable(stem, 100)}."
                                ) from None
        try:
            os.rename(file, target)  # no hard links here (say, FAT): checked just above
        except OSError as exc:
            raise DigitpadError(f"{printable(file.name, 100)} could not be renamed "
                                f"({exc.strerror or exc}).") from None
        return target
    file.unlink()
    _meta_cache.pop(str(file), None)
    return target
