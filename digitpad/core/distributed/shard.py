"""Each process's share of an epoch: torch's DistributedSampler over the training split, so
every process draws the same seed-determined order and takes every N-th image of it. A
process's k-th batch of B/N images is then its part of the order's k-th batch of B: together
the processes step on exactly the batches one process would, in the same order."""

from __future__ import annotations

import torch
from torch.utils.data import DistributedSampler

from digitpad.core.errors import DigitpadError


def per_process_batch(batch_size: int, processes: int) -> int:
    """The images each process takes of a batch of `batch_size` (the global batch)."""
    if batch_size % processes:
        raise DigitpadError(
            f"A batch of {batch_size} does not split evenly over {processes} processes: "
            f"choose a --batch-size that is a multiple of {processes}.")
    return batch_size // processes


class Shard:
    """The order of this process's training images, epoch by epoch."""

    def __init__(self, n: int, rank: int, processes: int, seed: int) -> None:
        # drop_last=False pads with a few repeated images, so every process gets as many
        # batches as the others (DDP needs each step on every process)
        self.sampler = DistributedSampler(range(n), num_replicas=processes, rank=rank,
                                          shuffle=True, seed=seed, drop_last=False)

    def __len__(self) -> int:
        return len(self.sampler)

    def order(self, epoch: int, device: torch.device) -> torch.Tensor:
        """This process's image indices for `epoch`, in training order."""
        self.sampler.set_epoch(epoch)
        return torch.tensor(list(self.sampler), dtype=torch.long, device=device)
