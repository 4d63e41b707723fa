"""TrainConfig: everything that defines a training run, frozen and stored in each checkpoint.

Importing this module does not import torch: the GUI builds a TrainConfig on its own thread,
where torch must not be loaded (the window shows before it). The model registry (which imports
torch) is loaded only when a config is resolved or checked against its model.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from digitpad.core.errors import DigitpadError
from digitpad.core.safe_text import printable

OPTIMIZERS = (
    "sgd", "adam", "adamw", "adadelta", "adagrad", "adamax", "asgd", "rmsprop", "rprop", "lbfgs",
)
SCHEDULERS = ("none", "step", "onecycle")
LOSSES = ("auto", "ce", "nll")
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16")  # core.precision's settings (kept here: no torch needed)
NOT_DIGIT_METHODS = ("uniform", "class")  # core.not_digit_training
DECLINE_SCORES = ("auto", "max_probability", "energy")  # core.decline; "class" goes with "class"
MAX_NOT_DIGITS = 200_000  # generated images held in memory at once (28x28 bytes each)
# Bounds that keep a setting a mistake to report rather than a crash deep inside torch:
MAX_LR = 1e6  # torch keeps lr * gradient in float32 (overflows past ~3.4e38 with a traceback)
MAX_SEED = 2**64 - 1  # torch.Generator.manual_seed takes at most 64 bits
MAX_THREADS = 1024  # torch.set_num_threads would try to start that many threads
MAX_IMAGE_SIZE = 1024  # pixels per side; images are held in memory at this size


@dataclass(frozen=True)
class TrainConfig:
    """A training run. Fields left as None take the model's own recipe (see `resolved()`)."""

    dataset: str = "mnist"  # "mnist", "fashion-mnist" or a folder path
    model: str = "digitnet"
    model_options: dict[str, Any] = field(default_factory=dict)
    optimizer: str | None = None
    lr: float | None = None
    batch_size: int | None = None
    epochs: int | None = None
    scheduler: str | None = None
    step_size: int | None = None
    gamma: float | None = None
    momentum: float | None = None
    weight_decay: float | None = None
    label_smoothing: float | None = None  # cross-entropy's; a model's recipe may set it
    loss: str = "auto"
    augment: bool = True
    seed: int = 0
    device: str = "auto"
    threads: int = 0  # 0: torch's default
    precision: str = "auto"  # core.precision: bfloat16 where it is measured to help, or fp32
    val_split: float = 0.1
    image_size: int | None = None  # image folders only; None: the model's preferred size
    data_dir: str | None = None
    limit: int | None = None  # use at most this many training images (quick runs, tests)
    # Learning to decline (issue 14): this many generated non-digits mixed into training
    # (core.not_digits), taught as a uniform output (Outlier Exposure) or an extra class.
    not_digits: int = 0
    not_digit_method: str = "uniform"
    decline_score: str = "auto"  # the score the decline threshold is fitted on (uniform only)
    not_digit_weight: float = 0.5  # Outlier Exposure's λ: the uniform loss's weight
    # A TensorBoard log folder (core.tensorboard_log; the Train tab's setting, the CLI has
    # --log-dir): "" for none. The GUI's training worker takes it off before training, so it is
    # never stored with a model (a path on this machine, no part of how the model was made).
    log_dir: str = ""

    def resolved(self) -> TrainConfig:
        """A copy with the model's recipe filled in and every value checked."""
        from digitpad.core.models.registry import get_spec, resolve_options  # imports torch

        spec = get_spec(self.model)
        recipe = spec.recipe
        filled = {
            f.name: getattr(recipe, f.name)
            for f in fields(recipe)
            if getattr(self, f.name) is None
        }
        if self.image_size is None:
            filled["image_size"] = spec.image_size
        filled["model_options"] = resolve_options(self.model, self.model_options)
        config = replace(self, **filled)
        config.validate()
        return config

    def validate(self) -> None:
        """Raise DigitpadError with one clear sentence for the first bad value."""
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("scheduler", self.scheduler, SCHEDULERS)
        _choice("loss", self.loss, LOSSES)
        _choice("device", self.device, DEVICES)
        _choice("precision", self.precision, PRECISIONS)
        for what in ("lr", "gamma", "momentum", "weight_decay", "val_split", "label_smoothing"):
            _finite(what, getattr(self, what))
        _positive("learning rate", self.lr)
        if self.lr is not None and self.lr > MAX_LR:
            raise DigitpadError(
                f"The learning rate must be at most {MAX_LR:g}, not {self.lr:g}: every weight "
                "would jump by more than that in one step, which nothing can learn from."
            )
        _positive("batch size", self.batch_size, integer=True)
        _positive("epochs", self.epochs, integer=True)
        _positive("step size", self.step_size, integer=True)
        _positive("gamma", self.gamma)
        if self.gamma is not None and self.gamma > 1:
            raise DigitpadError(
                f"Gamma is StepLR's decay factor and must be at most 1, not {self.gamma:g} "
                "(above 1 the learning rate grows without bound)."
            )
        _positive("image size", self.image_size, integer=True)
        if self.image_size is not None and self.image_size > MAX_IMAGE_SIZE:
            raise DigitpadError(
                f"The image size must be at most {MAX_IMAGE_SIZE} pixels, not {self.image_size}."
            )
        if self.momentum is not None and not 0 <= self.momentum < 1:
            raise DigitpadError(f"Momentum must be in [0, 1), not {self.momentum}.")
        if self.weight_decay is not None and self.weight_decay < 0:
            raise DigitpadError(f"Weight decay cannot be negative ({self.weight_decay}).")
        if self.label_smoothing is not None and not 0 <= self.label_smoothing < 1:
            raise DigitpadError(f"Label smoothing must be in [0, 1), not {self.label_smoothing:g}.")
        if not 0 <= self.val_split < 1:
            raise DigitpadError(f"Validation split must be in [0, 1), not {self.val_split}.")
        _whole("seed", self.seed, 0, MAX_SEED)
        _whole("threads", self.threads, 0, MAX_THREADS)
        _whole("number of not-a-digit images", self.not_digits, 0, MAX_NOT_DIGITS)
        _choice("not-a-digit method", self.not_digit_method, NOT_DIGIT_METHODS)
        _choice("decline score", self.decline_score, DECLINE_SCORES)
        _finite("not-a-digit weight", self.not_digit_weight)
        if not 0 < self.not_digit_weight <= 10:
            raise DigitpadError(f"The not-a-digit weight must be above 0 and at most 10, not "
                                f"{self.not_digit_weight:g}.")
        if not isinstance(self.log_dir, str):
            raise DigitpadError(f"The log folder must be a path, not "
                                f"{printable(repr(self.log_dir), 60)}.")
        if self.limit is not None and self.limit < 2:
            raise DigitpadError(f"Limit must be at least 2 images, not {self.limit}.")
        if self.loss == "nll" and _outputs(self.model) != "log_probs":
            raise DigitpadError(
                f"NLL loss needs a model that outputs log-probabilities (mlp); "
                f"{self.model!r} outputs logits, so use --loss ce."
            )
        if self.label_smoothing and (self.loss == "nll" or (
                self.loss == "auto" and _outputs(self.model) == "log_probs")):
            raise DigitpadError("Label smoothing is cross-entropy's; it cannot be used with "
                                "NLL loss (--loss ce takes it).")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, for checkpoints and settings."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        """Rebuild a config, ignoring keys this version does not know."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def _outputs(model: str) -> str:
    """What the model's forward returns ("logits" or "log_probs"); loads the registry."""
    from digitpad.core.models.registry import get_spec  # imports torch

    return get_spec(model).outputs


_NAMES = {"lr": "learning rate", "val_split": "validation split", "weight_decay": "weight decay",
          "label_smoothing": "label smoothing"}


def _choice(what: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise DigitpadError(f"Unknown {what} {printable(repr(value), 60)}; choose one of: "
                            f"{', '.join(allowed)}.")


def _finite(what: str, value: object) -> None:
    """NaN and infinity are refused for every number (NaN slips through comparisons)."""
    if value is None:
        return
    name = _NAMES.get(what, what)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DigitpadError(f"The {name} must be a number, not {printable(repr(value), 60)}.")
    if not math.isfinite(value):
        raise DigitpadError(f"The {name} must be a finite number, not {value}.")


def _whole(what: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DigitpadError(f"The {what} must be a whole number from {low} to {high}, not "
                            f"{printable(repr(value), 60)}.")


def _positive(what: str, value: float | None, integer: bool = False) -> None:
    if value is None:
        return
    if integer and (isinstance(value, bool) or not isinstance(value, int)):
        raise DigitpadError(f"The {what} must be a whole number, not {printable(repr(value), 60)}.")
    if not isinstance(value, (int, float)) or not value > 0 or not math.isfinite(value):
        raise DigitpadError(f"The {what} must be a positive number, not "
                            f"{printable(repr(value), 60)}.")
