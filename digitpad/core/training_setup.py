"""Setting a training run up: its data loaded, the model, optimizer, scheduler and loss for it,
the data moved to the device (with DDP and a shard of each epoch in a distributed run), and the
`Started` record that describes it (used by core.training)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import torch
from torch import nn
from torch.nn import functional as F

from digitpad.core.config import TrainConfig
from digitpad.core.control import TrainControl
from digitpad.core.datasets import Dataset, load_dataset
from digitpad.core.distributed.shard import Shard, per_process_batch
from digitpad.core.distributed.world import World
from digitpad.core.models.registry import build_model, get_spec
from digitpad.core.not_digit_training import NotDigitData, loss_with_not_digits
from digitpad.core.optim import build_optimizer, build_scheduler
from digitpad.core.precision import Precision, choose
from digitpad.core.records import DataProgress, Started
from digitpad.core.thread_choice import ThreadChoice, for_run
from digitpad.core.train_step import MemorySafeStep
from digitpad.core.training_state import TrainState


class LoadingStopped(Exception):
    """Raised from the data-progress callback on a stop request (the downloader then removes
    its partial file)."""


def load_data(config: TrainConfig, control: TrainControl,
              progress: Callable[[DataProgress], None] | None) -> Dataset:
    """The run's dataset; LoadingStopped when a stop is requested while it loads."""
    def report(update: DataProgress) -> None:
        if control.stop_requested:
            raise LoadingStopped  # Stop while loading: give up the data, not the app
        if progress is not None:
            progress(update)

    return load_dataset(
        config.dataset, data_dir=config.data_dir, val_split=config.val_split, seed=config.seed,
        channels=get_spec(config.model).image_channels, image_size=config.image_size,
        progress=report, limit=config.limit,
    )


@dataclass
class Run:
    """What stays fixed while a run trains: settings, data on the device, model, step."""

    config: TrainConfig
    dataset: Dataset
    device: torch.device
    model: nn.Module
    stepper: MemorySafeStep
    images: torch.Tensor  # the training split, uint8, on the device
    labels: torch.Tensor
    mean: torch.Tensor
    std: torch.Tensor
    steps_per_epoch: int
    per_step_scheduler: bool  # the scheduler steps every batch rather than every epoch
    started: float  # time.perf_counter() at the start
    not_digits: NotDigitData | None = None  # generated non-digits to learn to decline
    world: World | None = None  # the processes of a distributed run (None: this one alone)
    shard: Shard | None = None  # this process's share of each epoch, in a distributed run
    trained: nn.Module | None = None  # what steps train: the model, or its DDP wrapper
    batch: int = 0  # images per step in this process (the batch size over the processes)
    notice: str = ""  # how the run is spread over processes, for the caller to show
    threads: ThreadChoice | None = None  # the CPU thread count, chosen by timing steps
    precision: Precision = Precision()  # the steps' number format and layout (float32: default)

    @property
    def total_steps(self) -> int:
        return self.steps_per_epoch * self.config.epochs


def set_up(config: TrainConfig, dataset: Dataset, device: torch.device, started: float,
           not_digits: NotDigitData | None = None, world: World | None = None
           ) -> tuple[Run, TrainState]:
    """Seed, build the model, optimizer and scheduler, and move the training data over; in a
    distributed run (`world`, connected), wrap the model in DDP and shard the epochs."""
    spec = get_spec(config.model)
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    num_classes = len(dataset.class_names)
    in_channels, image_size = dataset.train.images.shape[1], dataset.train.images.shape[-1]
    model = build_model(config.model, num_classes, in_channels, image_size, config.model_options)
    precision = choose(config.precision, device, model)
    model.to(device, memory_format=precision.memory_format)
    trained, shard, notice, n, batch = model, None, "", len(dataset.train), config.batch_size
    if world is not None:
        batch = per_process_batch(batch, world.size)
        shard = Shard(n, world.rank, world.size, config.seed)
        n = len(shard)
        trained, bn_notice = world.wrap(model)
        notice = (f"Training on {world.size} processes ({world.backend}, {device.type}): each "
                  f"steps on {batch} images of every batch of {config.batch_size}; DDP "
                  f"averages their gradients.{bn_notice}")
        # augmentation and mixed-in non-digits differ by process; the order is the shard's
        generator = torch.Generator().manual_seed(config.seed + world.rank)
    optimizer = build_optimizer(config, model.parameters())
    steps_per_epoch = max(1, n // batch if n >= 2 * batch else math.ceil(n / batch))
    scheduler, per_step = build_scheduler(config, optimizer, steps_per_epoch)
    use_nll = config.loss == "nll" or (config.loss == "auto" and spec.outputs == "log_probs")
    loss_fn = (F.nll_loss if use_nll
               else partial(F.cross_entropy, label_smoothing=config.label_smoothing or 0.0))
    if not_digits is not None:
        loss_fn = loss_with_not_digits(loss_fn, not_digits.method, config.not_digit_weight)
    run = Run(
        config, dataset, device, model,
        MemorySafeStep(trained, optimizer, loss_fn, batch, device, precision),
        dataset.train.images.to(device), dataset.train.labels.to(device),
        torch.tensor(dataset.mean, dtype=torch.float32, device=device),
        torch.tensor(dataset.std, dtype=torch.float32, device=device),
        steps_per_epoch, per_step, started, not_digits, world, shard, trained, batch, notice,
        for_run(config.threads, device.type, world is not None, steps_per_epoch), precision,
    )
    return run, TrainState(optimizer, scheduler, generator)


def started_record(run: Run) -> Started:
    data = run.dataset
    return Started(
        tuple(data.class_names), len(data.train), len(data.val),
        0 if data.test is None else len(data.test),
        "test" if data.val is data.test else "validation", data.description, run.config.model,
        sum(p.numel() for p in run.model.parameters()), str(run.device),
        torch.get_num_threads(), run.config.epochs, run.steps_per_epoch, run.total_steps,
        precision=run.precision.describe(),
    )
