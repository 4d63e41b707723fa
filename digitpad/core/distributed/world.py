"""The processes of a distributed run, as torchrun describes them in the environment (RANK,
WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT), joined with torch.distributed: gloo on the CPU,
nccl on CUDA. Rank 0, the leader, alone prints, logs, evaluates and saves; what every rank
must agree on (stop, the step's loss, the epoch's tally) goes through one small all-reduce.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn

from digitpad.core.errors import DigitpadError

# How long a collective waits for a silent peer before failing (a dead one is noticed at once:
# its sockets close); long enough for rank 0's end-of-epoch evaluation of a big model.
TIMEOUT = timedelta(minutes=30)


@dataclass
class World:
    """This process's place in a distributed run."""

    rank: int
    size: int
    local_rank: int
    backend: str = ""

    @property
    def leader(self) -> bool:
        """Rank 0: the one process that prints, logs, evaluates and saves."""
        return self.rank == 0

    def connect(self, device: torch.device) -> torch.device:
        """Join the process group for `device` (nccl on CUDA, else gloo); the device this
        process trains on (on CUDA, its own GPU: cuda:LOCAL_RANK)."""
        if device.type == "cuda":
            if self.local_rank >= torch.cuda.device_count():
                raise DigitpadError(
                    f"Process {self.rank} has no GPU of its own: {torch.cuda.device_count()} "
                    "found on this machine; start at most that many processes per machine.")
            device = torch.device("cuda", self.local_rank)
            torch.cuda.set_device(device)
            self.backend = "nccl"
        else:
            self.backend = "gloo"
        dist.init_process_group(self.backend, timeout=TIMEOUT)
        self._device = device
        return device

    def wrap(self, model: nn.Module) -> tuple[nn.Module, str]:
        """`model` (already on the device) for training: batch norm synchronised across the
        processes where it can be (CUDA only: torch's SyncBatchNorm has no CPU kernel), then
        DistributedDataParallel, which all-reduces the gradients. With a notice for the run."""
        has_bn = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
        notice = ""
        if has_bn and self._device.type == "cuda":
            model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
            notice = " Batch norm is synchronised across them (SyncBatchNorm)."
        elif has_bn:
            notice = (" Batch norm statistics stay per process (SyncBatchNorm runs on GPUs "
                      "only); each still sees a fair sample of every batch.")
        ids = [self._device.index] if self._device.type == "cuda" else None
        return nn.parallel.DistributedDataParallel(model, device_ids=ids), notice

    def share_step(self, stop: bool, loss: float, correct: int, seen: int
                   ) -> tuple[bool, float, int, int]:
        """Every process's step put together: whether any was asked to stop, the loss over
        the whole batch, the images it got right and how many there were."""
        values = torch.tensor([float(stop), loss * seen, float(correct), float(seen)],
                              dtype=torch.float64, device=self._device)
        dist.all_reduce(values)
        any_stop, loss_sum, right, total = values.tolist()
        return any_stop > 0, loss_sum / max(1.0, total), int(right), int(total)

    def leave(self) -> None:
        """Leave the process group (at the end of the run, whatever happened)."""
        if dist.is_initialized():
            dist.destroy_process_group()


def from_environment() -> World | None:
    """The World torchrun (or `digitpad train --nproc`) started this process in; None for a
    plain single-process run (no WORLD_SIZE, or one process)."""
    try:
        size = int(os.environ.get("WORLD_SIZE", "1"))
        rank = int(os.environ.get("RANK", "0"))
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    except ValueError:
        raise DigitpadError("WORLD_SIZE, RANK and LOCAL_RANK must be whole numbers (they are "
                            "set by torchrun).") from None
    if size <= 1:
        return None
    if not 0 <= rank < size or local_rank < 0:
        raise DigitpadError(f"RANK {rank} does not fit WORLD_SIZE {size}.")
    return World(rank, size, local_rank)


def lost_touch(exc: BaseException) -> str:
    """The notice for a collective that failed mid-run (a process was killed or its machine
    went away): the leader then saves the best weights it has."""
    text = re.sub(r"\[[^\]]*\.(cc|cpp|h):\d+\]\s*", "", " ".join(str(exc).split()))
    reason = text.split(". ")[0][:160] or type(exc).__name__  # gloo's first sentence
    return (f"Lost touch with the other training processes ({reason}): stopping, and saving "
            "the best weights so far.")
