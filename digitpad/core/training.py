"""The training loop: one plain generator, used by the CLI (tqdm) and the GUI (a QThread).

`train()` yields small records (see records.py) and checks its TrainControl between batches,
so the caller decides how to show progress and when to stop or pause.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator

import torch
from torch import nn
from torch.nn import functional as F

from digitpad.core.augment import augment_batch
from digitpad.core.checkpoint import now_iso, versions
from digitpad.core.config import TrainConfig
from digitpad.core.control import TrainControl
from digitpad.core.datasets import Dataset, load_dataset
from digitpad.core.devices import resolve_device
from digitpad.core.evaluation import evaluate, normalise
from digitpad.core.models.registry import build_model, get_spec
from digitpad.core.optim import build_optimizer, build_scheduler
from digitpad.core.records import EpochEnd, Finished, Notice, Step
from digitpad.core.train_step import MemorySafeStep

Record = Notice | Step | EpochEnd | Finished
MISTAKES_KEPT = 32


def train(
    config: TrainConfig,
    control: TrainControl | None = None,
    *,
    dataset: Dataset | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> Iterator[Record]:
    """Train a model as `config` says, yielding records; the last one is always `Finished`.

    `dataset` skips loading (tests, benchmarks); `progress(what, done, total)` reports dataset
    loading and downloading. Raises DigitpadError (before any step) for unusable settings/data.
    """
    config = config.resolved()
    control = control or TrainControl()
    started = time.perf_counter()
    if config.threads:
        torch.set_num_threads(config.threads)
    device, fallback = resolve_device(config.device)
    if fallback:
        yield Notice(fallback)
    spec = get_spec(config.model)
    if dataset is None:
        yield Notice(f"Loading {config.dataset}…")
        dataset = load_dataset(
            config.dataset, data_dir=config.data_dir, val_split=config.val_split,
            seed=config.seed, channels=spec.image_channels, image_size=config.image_size,
            progress=progress, limit=config.limit,
        )
    yield Notice(dataset.description)

    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    num_classes = len(dataset.class_names)
    in_channels, image_size = dataset.train.images.shape[1], dataset.train.images.shape[-1]
    model = build_model(config.model, num_classes, in_channels, image_size, config.model_options)
    if getattr(model, "notice", ""):
        yield Notice(model.notice)
    model.to(device)
    optimizer = build_optimizer(config, model.parameters())
    n, batch = len(dataset.train), config.batch_size
    steps_per_epoch = max(1, n // batch if n >= 2 * batch else math.ceil(n / batch))
    scheduler, per_step = build_scheduler(config, optimizer, steps_per_epoch)
    use_nll = config.loss == "nll" or (config.loss == "auto" and spec.outputs == "log_probs")
    loss_fn = F.nll_loss if use_nll else F.cross_entropy
    mean = torch.tensor(dataset.mean, dtype=torch.float32, device=device)
    std = torch.tensor(dataset.std, dtype=torch.float32, device=device)
    images = dataset.train.images.to(device)
    labels = dataset.train.labels.to(device)
    total_steps = steps_per_epoch * config.epochs
    stepper = MemorySafeStep(model, optimizer, loss_fn, batch, device)

    best_state: dict[str, torch.Tensor] | None = None
    best_acc, best_epoch, global_step = -1.0, 0, 0
    train_time, eval_time, reason, message = 0.0, 0.0, "completed", ""
    last_eval = None
    for epoch in range(1, config.epochs + 1):
        model.train()
        order = torch.randperm(n, generator=generator).to(device)
        epoch_start, seen, loss_sum, correct = time.perf_counter(), 0, 0.0, 0
        epoch_train_time = 0.0  # this epoch's training steps only
        for step in range(1, steps_per_epoch + 1):
            control.wait_while_paused()
            if control.stop_requested:
                reason = "stopped"
                break
            t0 = time.perf_counter()
            idx = order[(step - 1) * batch : step * batch]
            x = images[idx].float().div_(255)
            if config.augment:
                x = augment_batch(x, dataset.augment_style, generator)
            x, y = normalise(x, mean, std), labels[idx]
            loss_value, outputs, oom_notice = stepper.step(x, y)
            if per_step and scheduler is not None:
                scheduler.step()
            global_step += 1
            step_time = time.perf_counter() - t0
            train_time += step_time
            epoch_train_time += step_time
            if oom_notice:
                yield Notice(oom_notice)
            if not math.isfinite(loss_value):
                reason = "diverged"
                message = divergence_advice(config, loss_value, epoch, step)
                break
            seen += len(idx)
            loss_sum += loss_value * len(idx)
            correct += int((outputs.argmax(1) == y).sum())
            rate = seen / max(1e-9, time.perf_counter() - epoch_start)
            lr = optimizer.param_groups[0]["lr"]
            yield Step(epoch, step, steps_per_epoch, global_step, total_steps, loss_value, lr, rate)
        if reason == "diverged":
            break
        if reason == "stopped" and (best_state is not None or seen == 0):
            break
        t0 = time.perf_counter()
        last_eval = evaluate(
            model, dataset.val, dataset.mean, dataset.std, num_classes, device=device,
            keep_mistakes=MISTAKES_KEPT,
        )
        eval_time += time.perf_counter() - t0
        is_best = last_eval.accuracy > best_acc
        if is_best:
            best_acc, best_epoch = last_eval.accuracy, epoch
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if not per_step and scheduler is not None:
            scheduler.step()
        elapsed = time.perf_counter() - started
        done_fraction = global_step / total_steps
        eta = (train_time / max(done_fraction, 1e-9)) * (1 - done_fraction) + (
            eval_time / epoch
        ) * (config.epochs - epoch)
        yield EpochEnd(
            epoch, config.epochs, global_step, loss_sum / max(1, seen), correct / max(1, seen),
            last_eval.loss, last_eval.accuracy, last_eval.confusion, elapsed,
            0.0 if reason == "stopped" else eta, seen / max(1e-9, epoch_train_time), is_best,
            last_eval.misclassified,
        )
        if reason == "stopped":
            break

    elapsed = time.perf_counter() - started
    if best_state is None:
        yield Finished(reason, message or "Stopped before any weights were worth keeping.",
                       0, {}, elapsed)
        return
    model.load_state_dict(best_state)
    metrics = {"val_accuracy": best_acc, "best_epoch": best_epoch, "train_seconds": train_time}
    if dataset.test is not None and config.val_split > 0:
        yield Notice("Evaluating the best weights on the test set…")
        test = evaluate(model, dataset.test, dataset.mean, dataset.std, num_classes, device=device)
        metrics["test_accuracy"] = test.accuracy
    elif dataset.test is not None:
        metrics["test_accuracy"], metrics["selected_on_test"] = best_acc, True
    if not message:
        verb = {"completed": "Finished", "stopped": "Stopped"}[reason]
        message = f"{verb}: best validation accuracy {best_acc:.2%} (epoch {best_epoch})."
    meta = _metadata(config, dataset, model, metrics, in_channels, image_size)
    yield Finished(reason, message, best_epoch, metrics, time.perf_counter() - started,
                   model.cpu().eval(), meta)


def divergence_advice(config: TrainConfig, loss: float, epoch: int, step: int) -> str:
    """Why the loss probably stopped being a number, naming the settings most likely at fault:
    those set far from the model's own recipe first, the learning rate otherwise."""
    recipe = get_spec(config.model).recipe
    suspects = []
    if config.weight_decay and config.weight_decay > max(10 * recipe.weight_decay, 0.1):
        suspects.append(f"the weight decay ({config.weight_decay:g}) is very high; try "
                        f"{recipe.weight_decay:g}")
    if config.momentum and config.momentum >= 0.99 and config.optimizer in ("sgd", "rmsprop"):
        suspects.append(f"the momentum ({config.momentum:g}) is very close to 1; try 0.9")
    if config.lr > 3 * recipe.lr or not suspects:
        suspects.append(f"the learning rate ({config.lr:g}) is probably too high; try "
                        f"{config.lr / 10:g} or lower")
    return (f"The loss became {loss} at epoch {epoch}, step {step}: "
            f"{'; and '.join(suspects)}.")


def _metadata(
    config: TrainConfig, dataset: Dataset, model: nn.Module, metrics: dict,
    in_channels: int, image_size: int,
) -> dict:
    return {
        "architecture": config.model,
        "model_options": dict(config.model_options),
        "class_names": list(dataset.class_names),
        "in_channels": int(in_channels),
        "image_size": int(image_size),
        "preprocess": dict(dataset.preprocess),
        "mean": [float(v) for v in dataset.mean],
        "std": [float(v) for v in dataset.std],
        "dataset": dataset.name,
        "dataset_description": dataset.description,
        "config": config.to_dict(),
        "metrics": metrics,
        "parameters": sum(p.numel() for p in model.parameters()),
        "created": now_iso(),
        "versions": versions(),
    }
