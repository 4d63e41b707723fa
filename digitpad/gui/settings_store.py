"""Reading remembered settings safely: every value is checked; a bad one becomes the default.

A settings file can be hand-edited, copied from another version, or damaged; whatever it holds,
the app must start. Each value read from QSettings is checked for its type and range here (and
nowhere else); the ones that fail are dropped, so the widget keeps its default, and named once in
`notice()`. The checks are a small table rather than a schema library: the values are a dozen
flat fields, partly Qt types (QByteArray), and each bad one is replaced on its own while the good
ones are kept, which is what the table does directly.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QByteArray, QDir, QSettings

from digitpad.core.config import TrainConfig  # no torch: TrainConfig loads models only to resolve
from digitpad.gui.canvas.drawing_canvas import MAX_BRUSH, MIN_BRUSH

MAX_TEXT = 4096  # longer remembered text (paths, names) is refused, not shown

# The Train form's ranges; train_settings.py builds its spin boxes from these.
BATCH_SIZE_RANGE = (1, 4096)
EPOCHS_RANGE = (1, 500)
SEED_RANGE = (0, 2**31 - 1)
LIMIT_RANGE = (0, 10_000_000)
LR_RANGE = (1e-6, 10.0)

_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")
# View ▸ Not a Digit: the model's own rule, never, or below this top probability (in percent)
DECLINE_CHOICES = ("model", "never", "50", "70", "90")


def as_int(value: object, low: int, high: int) -> int:
    """`value` as a whole number in low..high (an int, or its text); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, str):
        value = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"not a whole number from {low} to {high}")
    return value


def as_float(value: object, low: float, high: float) -> float:
    """`value` as a finite number in low..high (a number, or its text); ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("not a number")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"not a number from {low} to {high}")
    return number


def as_bool(value: object) -> bool:
    """`value` as True/False (a bool, 0/1, or 'true'/'false' as INI files write them)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int)) else ""
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError("not true or false")


def as_text(value: object) -> str:
    """`value` if it is text of a sensible length; ValueError otherwise."""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValueError("not a short text")
    return value


def _check_option(value: object) -> str | int | float | bool:
    if isinstance(value, (bool, int)) or (isinstance(value, float) and math.isfinite(value)):
        return value
    return as_text(value)


@dataclass(frozen=True)
class TrainSettings:
    """What the Train form remembers: its TrainConfig and the name to save the model under.

    Fields the form leaves as None (the model's recipe fills them in, see TrainConfig.resolved)
    are not stored, so a recipe value is never copied into the settings.
    """

    config: TrainConfig = field(default_factory=TrainConfig)
    save_name: str = ""

    def to_value(self) -> dict[str, Any]:
        """One plain value for QSettings (a flat table, as earlier versions stored it)."""
        values = {key: getattr(self.config, key) for key in _TRAIN_CHECKS}
        values = {key: value for key, value in values.items() if value is not None}
        values["model_options"] = dict(self.config.model_options)
        values["save_name"] = self.save_name
        return values


def _options(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("not a table of options")
    return {as_text(k): _check_option(v) for k, v in value.items()}


# The remembered TrainConfig fields, each with its check (the Train form's ranges). Other keys
# are ignored: those an earlier version copied from the recipe (step_size, gamma, momentum,
# weight_decay) are filled in again by TrainConfig.resolved().
_TRAIN_CHECKS: dict[str, Any] = {
    "dataset": as_text, "data_dir": as_text, "model": as_text, "model_options": _options,
    "optimizer": as_text, "lr": lambda v: as_float(v, *LR_RANGE),
    "batch_size": lambda v: as_int(v, *BATCH_SIZE_RANGE),
    "epochs": lambda v: as_int(v, *EPOCHS_RANGE), "scheduler": as_text,
    "augment": as_bool, "device": as_text, "seed": lambda v: as_int(v, *SEED_RANGE),
    "limit": lambda v: as_int(v, *LIMIT_RANGE) or None,
}


def read_train(value: object) -> tuple[TrainSettings | None, list[str]]:
    """The remembered Train form (None when nothing usable was stored), and the names of the
    values refused: each bad field is dropped on its own and the rest kept."""
    if not isinstance(value, dict):
        return None, [] if value is None else ["train"]
    fields: dict[str, Any] = {}
    refused: list[str] = []
    for key, check in _TRAIN_CHECKS.items():
        if value.get(key) is None:
            continue
        try:
            fields[key] = check(value[key])
        except (TypeError, ValueError, OverflowError):
            refused.append(f"train/{key}")
    save_name = ""
    if value.get("save_name") is not None:
        try:
            save_name = as_text(value["save_name"])
        except ValueError:
            refused.append("train/save_name")
    return TrainSettings(TrainConfig(**fields), save_name), refused


@dataclass
class Remembered:
    """What the window restores at start-up; `refused` names the values replaced by defaults."""

    geometry: QByteArray | None = None
    brush: int | None = None
    model: str = ""
    train: TrainSettings | None = None
    decline: str = "model"  # one of DECLINE_CHOICES
    refused: list[str] = field(default_factory=list)


_UNREADABLE = object()


def _value(settings: QSettings, key: str) -> object:
    try:
        return settings.value(key)
    except Exception:  # noqa: BLE001 - a value Qt or PySide cannot convert is just unusable
        return _UNREADABLE


def read_settings(settings: QSettings) -> Remembered:
    """Read and check the remembered window, brush, model and training settings."""
    found = Remembered()
    geometry = _value(settings, "window/geometry")
    if isinstance(geometry, (bytes, bytearray)):
        geometry = QByteArray(bytes(geometry))
    if isinstance(geometry, QByteArray):
        found.geometry = geometry
    elif geometry is not None:
        found.refused.append("window/geometry")
    brush = _value(settings, "brush")
    if brush is not None:
        try:
            found.brush = as_int(brush, MIN_BRUSH, MAX_BRUSH)
        except (TypeError, ValueError, OverflowError):
            found.refused.append("brush")
    model = _value(settings, "model")
    if model is not None:
        try:
            found.model = as_text(model)
        except ValueError:
            found.refused.append("model")
    decline = _value(settings, "decline")
    if decline is not None:
        if isinstance(decline, str) and decline in DECLINE_CHOICES:
            found.decline = decline
        else:
            found.refused.append("decline")
    train = _value(settings, "train")
    found.train, refused = read_train(train)
    found.refused += refused
    return found


def forget(settings: QSettings, found: Remembered) -> None:
    """Remove the refused values of `found` from `settings` (the good ones stay), so the next
    start does not trip on them."""
    for key in found.refused:
        if not key.startswith("train/"):
            settings.remove(key)
    if found.train is not None and any(key.startswith("train/") for key in found.refused):
        settings.setValue("train", found.train.to_value())
    settings.sync()


_NAMES = {"window/geometry": "window size and position", "brush": "brush size",
          "model": "last model", "train": "training settings",
          "decline": "View ▸ Not a Digit choice"}


def notice(refused: list[str], file_name: str = "") -> str:
    """One sentence naming the settings that were reset ('' when none were)."""
    if not refused:
        return ""
    names = [_NAMES.get(key) or f"training setting “{key.split('/', 1)[1]}”" for key in refused]
    where = f" in {file_name}" if file_name else ""
    return (f"Some remembered settings{where} could not be used and were reset to their "
            f"defaults: {', '.join(dict.fromkeys(names))}.")


# --- where file dialogs open ------------------------------------------------------------------
# Each kind of dialog opens in the folder last used for it, else the user's home (never the
# folder the app was started from). FOLDER_PURPOSES names the kinds.
FOLDER_PURPOSES = ("image", "model", "drawing", "data", "image_folder")


def start_folder(purpose: str, settings: QSettings | None = None) -> str:
    """The folder a file dialog for `purpose` opens in: the one last used for it if it is
    still a folder (a checked value, like every remembered one), else the home folder."""
    value = _value(settings or QSettings(), f"folders/{purpose}")
    try:
        folder = as_text(value) if value is not None else ""
    except ValueError:
        folder = ""
    return folder if folder and os.path.isabs(folder) and os.path.isdir(folder) else (
        QDir.homePath())


def remember_folder(purpose: str, chosen: str, settings: QSettings | None = None) -> None:
    """Remember where `chosen` (a file, or a folder picked in a folder dialog) was picked: the
    folder that holds it, where the next dialog for `purpose` opens."""
    folder = os.path.dirname(os.path.normpath(chosen)) if chosen else ""
    if folder and len(folder) <= MAX_TEXT:
        (settings or QSettings()).setValue(f"folders/{purpose}", folder)
