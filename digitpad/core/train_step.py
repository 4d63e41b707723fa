"""One optimisation step that survives running out of device memory.

When a batch does not fit, the same batch is retried in halves (then quarters, …): the gradient
of each part is accumulated, scaled by its share of the batch, so the optimizer still takes one
step per batch of the chosen size and the learning-rate schedule is unchanged. Only batch-norm
statistics see the smaller parts.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import torch
from torch import nn

from digitpad.core.errors import DigitpadError
from digitpad.core.precision import Precision


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a device (or host) allocation failure raised by torch."""
    if isinstance(exc, torch.OutOfMemoryError):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


class MemorySafeStep:
    """Runs optimisation steps for `model`, halving how many images go through at once on OOM."""

    def __init__(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        batch_size: int,
        device: torch.device,
        precision: Precision | None = None,
    ) -> None:
        self.model, self.optimizer, self.loss_fn, self.device = model, optimizer, loss_fn, device
        self.precision = precision or Precision()
        self.chunk = batch_size  # images per forward/backward pass

    def step(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, torch.Tensor, str]:
        """One optimizer step on (x, y): (loss, outputs, notice), the notice "" unless the step
        had to be split to fit in memory."""
        first = min(self.chunk, len(x))
        while True:
            try:
                loss, outputs = self._step(x, y)
            except Exception as exc:
                if not is_out_of_memory(exc):
                    raise
                self.optimizer.zero_grad(set_to_none=True)
                del exc  # drop the traceback's references to the failed pass's tensors
                self._free()
                if min(self.chunk, len(x)) <= 1:
                    raise DigitpadError(
                        f"Out of memory on {self.device} even with one image at a time: choose "
                        "a smaller model or image size, or the CPU."
                    ) from None
                self.chunk = min(self.chunk, len(x)) // 2
                continue
            notice = ""
            if self.chunk < first:
                notice = (
                    f"Out of memory on {self.device} with {first} images at once: going on "
                    f"with {self.chunk} at a time (each batch of {len(x)} still makes one step)."
                )
            return loss, outputs, notice

    def _step(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, torch.Tensor]:
        last: list[torch.Tensor] = []  # outputs of the latest closure call (LBFGS calls it often)

        def closure() -> torch.Tensor:
            self.optimizer.zero_grad(set_to_none=True)
            last.clear()
            total = torch.zeros((), device=x.device)
            images = self.precision.images(x)
            parts = list(zip(images.split(self.chunk), y.split(self.chunk)))
            for i, (xs, ys) in enumerate(parts):
                # under DDP only the last part's backward all-reduces: processes that split a
                # batch into different numbers of parts still meet once per step
                with self._no_sync() if i < len(parts) - 1 else nullcontext():
                    with self.precision.autocast():  # the loss in float32, outside it
                        out = self.model(xs).float()
                    loss = self.loss_fn(out, ys)
                    if len(ys) != len(y):
                        loss = loss * (len(ys) / len(y))
                    loss.backward()
                total += loss.detach()
                last.append(out.detach())
            return total

        loss = self.optimizer.step(closure)
        return float(loss), last[0] if len(last) == 1 else torch.cat(last)

    def _no_sync(self) -> AbstractContextManager[object]:
        no_sync = getattr(self.model, "no_sync", None)  # DistributedDataParallel's
        return no_sync() if no_sync is not None else nullcontext()

    def _free(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.empty_cache()
