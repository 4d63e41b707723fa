"""The one way to find files shipped inside the package (bundled models, icons)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a file in the installed `digitpad.resources` package (wheel, editable, bundle)."""
    return Path(str(files("digitpad.resources").joinpath(*parts)))
