"""Where digitpad keeps its data sets and models (nothing is created at import)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "digitpad"
DATA_DIR_ENV = "DIGITPAD_DATA_DIR"
MODEL_DIR_ENV = "DIGITPAD_MODEL_DIR"


def _user_dir() -> Path:
    """The per-user application data folder of this platform."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data set folder: `explicit`, else $DIGITPAD_DATA_DIR, else the user data folder."""
    if explicit is not None and str(explicit):
        return Path(explicit).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return _user_dir() / "data"


def model_library_dir() -> Path:
    """The folder of saved models: $DIGITPAD_MODEL_DIR, else the user data folder."""
    env = os.environ.get(MODEL_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return _user_dir() / "models"


def ensure_dir(path: str | os.PathLike) -> Path:
    """Create `path` (and its parents) if needed and return it as a Path."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    return p
