"""The number format and memory layout a training run computes in (issue 17).

A convolutional model's steps on the CPU run about 1.5x faster with its images and weights in
channels-last layout (oneDNN's fast path), still in float32, and on a CPU with native bfloat16
arithmetic (AVX-512 BF16 or AMX) another 1.2-1.3x faster under bfloat16 autocast, reaching the
same accuracy: the weights, the optimizer and the loss stay float32, only the convolutions and
matrix products round their inputs to bfloat16 (measured on 2-core AMD EPYC and Xeon machines;
`digitpad bench models` shows both beside plain float32). "auto" uses bfloat16 where the CPU
does it natively; "fp32" keeps every number float32; "bf16" asks for bfloat16 wherever torch
can run it. Channels-last goes with any of them on the CPU (a layout, not a precision); on
CUDA nothing changes unless asked, as none of it was measured there. Evaluation, calibration
and prediction always run in float32 on the float32 weights, so a model file is the same
whichever was used.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import torch
from torch import nn

from digitpad.core.config import PRECISIONS


def cpu_has_native_bf16() -> bool:
    """True when this CPU computes in bfloat16 natively (without it, torch emulates it slowly).

    torch exposes the check only as private helpers (they are what its own compiler uses);
    a torch without them counts as no.
    """
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in checks)


def _has_conv(model: nn.Module) -> bool:
    return any(isinstance(m, nn.Conv2d) for m in model.modules())


@dataclass(frozen=True)
class Precision:
    """How each training step runs: `dtype` for autocast (None: float32 throughout) and
    whether images and weights are channels-last."""

    dtype: torch.dtype | None = None
    channels_last: bool = False
    device_type: str = "cpu"

    @property
    def memory_format(self) -> torch.memory_format:
        return torch.channels_last if self.channels_last else torch.contiguous_format

    def autocast(self) -> AbstractContextManager[object]:
        """The context a forward pass runs in."""
        if self.dtype is None:
            return nullcontext()
        return torch.autocast(self.device_type, dtype=self.dtype)

    def images(self, x: torch.Tensor) -> torch.Tensor:
        """A batch laid out as the model's weights are (a no-op when already so)."""
        return x.contiguous(memory_format=self.memory_format) if x.ndim == 4 else x

    def notice(self) -> str:
        """A line for the run's log when the steps are not plain float32 ("" when they are)."""
        if self.dtype is None:
            return ""
        return (f"Training steps in {self.describe()} (the weights stay float32; evaluation "
                "and the saved model are float32).")

    def describe(self) -> str:
        """E.g. "bfloat16 mixed, channels-last" or "float32"."""
        words = ["bfloat16 mixed" if self.dtype == torch.bfloat16 else "float32"]
        if self.channels_last:
            words.append("channels-last")
        return ", ".join(words)


def choose(setting: str, device: torch.device, model: nn.Module) -> Precision:
    """The Precision for `setting` ("auto", "fp32" or "bf16") on `device` for `model`.

    On the CPU a convolutional model is channels-last whatever the setting; "auto" adds
    bfloat16 on a CPU with native bfloat16; "bf16" autocasts on the CPU, and on CUDA where the
    GPU supports bfloat16. Elsewhere: plain float32.
    """
    if setting not in PRECISIONS:
        raise ValueError(f"unknown precision {setting!r}; expected one of {PRECISIONS}")
    kind = device.type
    channels_last = kind == "cpu" and _has_conv(model)
    bf16 = {
        "auto": kind == "cpu" and channels_last and cpu_has_native_bf16(),
        "fp32": False,
        "bf16": kind == "cpu" or (kind == "cuda" and torch.cuda.is_bf16_supported()),
    }[setting]
    return Precision(torch.bfloat16 if bf16 else None, channels_last, kind)
