"""The one schema a model file's metadata must satisfy before anything is built from it.

A model file is untrusted: its metadata decides what gets allocated (the architecture and its
size, the preprocessing buffers) and what every prediction does. So all of it is validated at
once, on load, and a bad value is refused with its field named, e.g.
"m.pt has bad metadata: preprocess.size should be less than or equal to 1024 (got 60000)".
pydantic checks types and ranges (strictly: True is not 1, "1" is not 1, NaN is not a number);
the checks across fields (channels, sizes, the architecture's own options) follow it here, and
what only the architecture can tell (is the image big enough for its convolutions, how many
bytes its weights take) is checked by checkpoint.py on a model built on the "meta" device.
"""

from __future__ import annotations

import math
import re
import reprlib
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from digitpad.core.config import (  # the same bounds
    MAX_IMAGE_SIZE,
    MAX_NOT_DIGITS,
    MAX_SEED,
    MAX_THREADS,
)
from digitpad.core.decline import NOT_A_DIGIT
from digitpad.core.errors import CheckpointError, DigitpadError
from digitpad.core.models.registry import get_spec
from digitpad.core.preprocess import DIGIT_FIELD
from digitpad.core.safe_text import printable

REQUIRED = (
    "architecture", "model_options", "class_names", "in_channels", "image_size", "preprocess",
    "mean", "std",
)
MAX_CLASSES = 100_000
MAX_NAME = 1000  # characters in one class name
MAX_INT = MAX_SEED + 1  # no number in a model file is larger (a seed takes 64 bits)
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.05, 20.0  # core.calibration fits within these
MAX_DEPTH, MAX_ITEMS = 32, 1_000_000  # nesting and size of the metadata as a whole


def _int(ge: int | None = None, le: int | None = None) -> Any:
    return Annotated[int, Field(strict=True, ge=ge, le=le)]


def _float(**bounds: float) -> Any:
    return Annotated[float, Field(strict=True, allow_inf_nan=False, **bounds)]


def _one_or_three(value: int) -> int:
    if value not in (1, 3):
        raise PydanticCustomError("channels", "should be 1 (grey) or 3 (RGB)")
    return value


Channels = Annotated[_int(), AfterValidator(_one_or_three)]
Side = _int(1, MAX_IMAGE_SIZE)
Accuracy = _float(ge=0, le=1)
Text = Annotated[str, Field(strict=True)]
ClassName = Annotated[str, Field(strict=True, min_length=1, max_length=MAX_NAME)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")  # newer files may add fields


class Preprocess(_Strict):
    mode: Literal["digit", "plain"]  # digitpad.core.preprocess.MODES
    size: Side
    channels: Channels
    dark_background: Annotated[bool, Field(strict=True)] = False


class Metrics(_Strict):
    val_accuracy: Accuracy | None = None
    test_accuracy: Accuracy | None = None
    best_epoch: _int(0) | None = None
    train_seconds: _float(ge=0) | None = None
    selected_on_test: Annotated[bool, Field(strict=True)] | None = None


class Config(_Strict):
    """The TrainConfig a model was made with (TrainConfig.from_dict ignores unknown keys)."""

    dataset: Text | None = None
    model: Text | None = None
    model_options: dict[Text, Any] | None = None
    optimizer: Text | None = None
    scheduler: Text | None = None
    loss: Text | None = None
    device: Text | None = None
    lr: _float(gt=0) | None = None
    gamma: _float(gt=0) | None = None
    momentum: _float(ge=0, lt=1) | None = None
    weight_decay: _float(ge=0) | None = None
    label_smoothing: _float(ge=0, lt=1) | None = None
    batch_size: _int(1) | None = None
    epochs: _int(1) | None = None
    step_size: _int(1) | None = None
    augment: Annotated[bool, Field(strict=True)] | None = None
    seed: _int(0, MAX_SEED) | None = None
    threads: _int(0, MAX_THREADS) | None = None
    precision: Text | None = None
    val_split: _float(ge=0, lt=1) | None = None
    image_size: Side | None = None
    data_dir: Text | None = None
    limit: _int(1) | None = None
    not_digits: _int(0, MAX_NOT_DIGITS) | None = None
    not_digit_method: Text | None = None
    decline_score: Text | None = None
    not_digit_weight: _float(gt=0, le=10) | None = None


class Decline(_Strict):
    """core.decline's rule: decline when the score is below the threshold."""

    score: Literal["max_probability", "energy", "class"]
    threshold: _float(ge=-1e6, le=1e6)
    keep: Accuracy | None = None  # the share of validation digits it was fitted to let through


class ModelMeta(_Strict):
    architecture: Text
    model_options: dict[Text, Any]
    class_names: Annotated[list[ClassName], Field(min_length=1, max_length=MAX_CLASSES)]
    in_channels: Channels
    image_size: Side
    preprocess: Preprocess
    mean: Annotated[list[_float(ge=0, le=1)], Field(min_length=1, max_length=3)]
    std: Annotated[list[_float(gt=0, le=1)], Field(min_length=1, max_length=3)]
    dataset: Text = ""
    dataset_description: Text = ""
    config: Config | None = None
    metrics: Metrics = Field(default_factory=Metrics)
    parameters: _int(0) | None = None
    created: Text | None = None
    command: Text | None = None
    versions: dict[Text, Text] | None = None
    # softmax(outputs / temperature), core.calibration; absent in older files, meaning 1
    temperature: _float(ge=MIN_TEMPERATURE, le=MAX_TEMPERATURE) | None = None
    decline: Decline | None = None  # how it says "not a digit" (core.decline); absent: never


def validate_meta(meta: Any, name: str) -> None:
    """Raise CheckpointError naming the first bad field of a file's metadata, if any."""
    if not isinstance(meta, dict):
        raise CheckpointError(f"{name} is damaged: its metadata or weights are missing.")
    problem = plain_data_problem(meta)
    if problem:
        raise CheckpointError(f"{name} has bad metadata: {problem}.")
    missing = [key for key in REQUIRED if key not in meta]
    if missing:
        raise CheckpointError(f"{name} is damaged: metadata lacks {', '.join(missing)}.")
    try:
        checked = ModelMeta.model_validate(meta)
    except ValidationError as exc:
        problem = describe_error(exc.errors()[0])
        raise CheckpointError(f"{name} has bad metadata: {problem}.") from None
    try:
        spec = get_spec(checked.architecture)
    except DigitpadError as exc:
        raise CheckpointError(f"{name} cannot be used: {exc}") from None
    problem = _options_problem(checked, spec) or _consistency_problem(checked)
    if problem:
        raise CheckpointError(f"{name} has bad metadata: {problem}.")


def plain_data_problem(value: Any, where: str = "metadata") -> str | None:
    """What makes `value` more than plain data (dicts with text keys, lists, text, finite
    numbers, True/False/None), or None. Tensors and other objects have no place in metadata;
    a pickle can also nest without end or share one list a million times, hence the limits."""
    count = 0
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:
        item, at, depth = stack.pop()
        count += 1
        if count > MAX_ITEMS or depth > MAX_DEPTH:
            return "metadata is nested too deeply or holds too many values"
        if item is None or isinstance(item, (bool, str)):
            continue
        if isinstance(item, int):
            if abs(item) > MAX_INT:
                return f"{at} holds a number too large to be real"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"{at} should be a finite number (got {item})"
        elif isinstance(item, dict):
            for key, sub in item.items():
                if not isinstance(key, str):
                    return f"{at} has a key that is not text ({_shown(key)})"
                stack.append((sub, f"{at}.{key}" if at != "metadata" else key, depth + 1))
        elif isinstance(item, (list, tuple)):
            stack.extend((sub, f"{at}[{i}]", depth + 1) for i, sub in enumerate(item))
        else:
            return f"{at} should be plain data, not a {type(item).__name__}"
    return None


_KIND = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}


def _options_problem(meta: ModelMeta, spec: Any) -> str | None:
    """The architecture's own options: known names, their defaults' types, choices, bounds."""
    bounds = getattr(spec, "bounds", {})
    for key, value in meta.model_options.items():
        where = f"model_options.{key}"
        if key not in spec.options:
            known = ", ".join(spec.options) or "none"
            return f"{where} is not an option of {spec.name} (its options: {known})"
        default = spec.options[key]
        if type(value) is not type(default):  # True is not a width, nor 1 a switch
            kind = _KIND.get(type(default), type(default).__name__)
            return f"{where} should be {kind} (got {_shown(value)})"
        allowed = spec.choices.get(key)
        if allowed and value not in allowed:
            return f"{where} should be one of {', '.join(map(str, allowed))} (got {_shown(value)})"
        low, high = bounds.get(key, (None, None))
        if low is not None and not low <= value <= high:
            return f"{where} should be from {low} to {high} (got {_shown(value)})"
    return None


def _consistency_problem(meta: ModelMeta) -> str | None:
    """What the fields say about each other: one set of channels, one image size."""
    prep, channels = meta.preprocess, meta.in_channels
    if prep.channels != channels:
        return f"preprocess.channels is {prep.channels} but in_channels is {channels}"
    for field in ("mean", "std"):
        values = getattr(meta, field)
        if len(values) != channels:
            return f"{field} should have {channels} value(s), one per channel (got {len(values)})"
    if prep.size != meta.image_size:
        return f"preprocess.size is {prep.size} but image_size is {meta.image_size}"
    if meta.decline is not None and meta.decline.score == "class" and (
        len(meta.class_names) < 3 or meta.class_names[-1] != NOT_A_DIGIT
    ):
        return (f"decline.score \"class\" needs a last class named \"{NOT_A_DIGIT}\" after at "
                "least two real ones")
    if prep.mode == "digit" and meta.image_size != DIGIT_FIELD:
        return (f"image_size should be {DIGIT_FIELD} for the digit preprocessing "
                f"(got {meta.image_size})")
    return None


_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 2, 60, 60, 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = 4


def _shown(value: Any) -> str:
    return printable(_REPR.repr(value), 80)


def describe_error(error: dict[str, Any]) -> str:
    """One pydantic error as "field should be … (got …)"."""
    where = ""
    for part in error["loc"]:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    where = printable(where or "metadata", 80)
    if error["type"] == "missing":
        return f"{where} is missing"
    message = re.sub(r"^(Input|Value|List|String|Dictionary|Tuple) should", "should", error["msg"])
    message = re.sub(r"^Value error, | after validation| or instance of \w+", "", message)
    return f"{where} {message[:1].lower()}{message[1:]} (got {_shown(error.get('input'))})"
