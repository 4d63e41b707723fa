"""Where digitpad keeps its data sets and models (nothing is created at import)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from digitpad.core.errors import DigitpadError

APP_NAME = "digitpad"
DATA_DIR_ENV = "DIGITPAD_DATA_DIR"
MODEL_DIR_ENV = "DIGITPAD_MODEL_DIR"
HANDWRITING_DIR_ENV = "DIGITPAD_HANDWRITING_DIR"


class PathError(DigitpadError):
    """A folder setting that cannot name a folder, e.g. '~nosuchuser/data'."""


def _user_dir() -> Path:
    """The per-user application data folder of this platform."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def expand_user(path: str | os.PathLike, what: str = "The path") -> Path:
    """`path` with a leading ~ or ~user expanded; PathError (one line) when that user does not
    exist or there is no home folder, where pathlib raises a bare RuntimeError."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        text = os.fspath(path)
        user = text[1:].replace("\\", "/").split("/", 1)[0]
        who = f"there is no user '{user}'" if user else "there is no home folder"
        raise PathError(f"{what} {text!r} starts with ~{user} but {who}; give the folder's "
                        "full path.") from None


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data set folder: `explicit`, else $DIGITPAD_DATA_DIR, else the user data folder."""
    if explicit is not None and str(explicit):
        return expand_user(explicit, "The data folder")
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return expand_user(env, DATA_DIR_ENV)
    return _user_dir() / "data"


def shown_data_dir() -> str:
    """The data set folder as text for a placeholder: never raises (the raw setting if unusable;
    using it later gives the error)."""
    try:
        return str(data_dir())
    except PathError:
        return os.environ.get(DATA_DIR_ENV, "")


def model_library_dir() -> Path:
    """The folder of saved models: $DIGITPAD_MODEL_DIR, else the user data folder."""
    env = os.environ.get(MODEL_DIR_ENV)
    if env:
        return expand_user(env, MODEL_DIR_ENV)
    return _user_dir() / "models"


def handwriting_dir() -> Path:
    """The folder of the person's own handwriting samples: $DIGITPAD_HANDWRITING_DIR, else the
    user data folder."""
    env = os.environ.get(HANDWRITING_DIR_ENV)
    if env:
        return expand_user(env, HANDWRITING_DIR_ENV)
    return _user_dir() / "handwriting"
