"""`digitpad bench train`: seconds of training to reach a test accuracy, digitpad vs PyTorch's.

Both recipes train on the same MNIST training images in this process, one after the other, with
the same thread count on the CPU, and are scored on the official test images after every epoch
(the clock stops while they are scored). "default" is digitpad's own recipe (`digitnet` as
`TrainConfig(model="digitnet")` resolves it, with its one-cycle schedule over `epochs` epochs:
2 by default, the shortest that reaches 99% over three seeds; the app trains 8 for 99.5%) run
through the core `train()` generator with `val_split=0`, so its per-epoch validation is the
test set, and with the precision `digitpad train` would use (core.precision). "reference" is
the PyTorch examples MNIST recipe with its per-sample torchvision input path
(reference_recipe.py).
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from digitpad.bench.reference_recipe import ReferenceRun, test_accuracy, torchvision_layout
from digitpad.core.config import TrainConfig
from digitpad.core.control import TrainControl
from digitpad.core.datasets import Dataset, Split, load_dataset
from digitpad.core.errors import DatasetError
from digitpad.core.records import EpochEnd, Finished, Started, Step
from digitpad.core.training import train

DEFAULT_EPOCHS = 2  # digitpad's schedule in this benchmark (see the module's docstring)


def _first(split: Split, n: int | None) -> Split:
    return split if n is None else Split(split.images[:n], split.labels[:n])


def _idx_folder(data_dir: Path) -> Path:
    """Where load_dataset found (or put) the MNIST files: <data>/mnist/ or <data>/MNIST/raw/."""
    for folder in (data_dir / "mnist", data_dir / "MNIST" / "raw"):
        if any((folder / f"train-images-idx3-ubyte{ext}").is_file() for ext in ("", ".gz")):
            return folder
    raise DatasetError(f"No MNIST files in {data_dir}/mnist or {data_dir}/MNIST/raw.")


def _summary(seconds_to_target: float | None, accuracies: list[float], images: int,
             seconds: float, recipe: str) -> dict[str, Any]:
    return {
        "seconds_to_target": seconds_to_target,
        "final_accuracy": accuracies[-1] if accuracies else None,
        "epochs": len(accuracies),
        "accuracy_per_epoch": accuracies,
        "train_seconds": seconds,
        "images_trained": images,
        "images_per_s": images / seconds if seconds > 0 else None,
        "recipe": recipe,
    }


def run_default(dataset: Dataset, data_dir: Path, target: float, max_epochs: int,
                max_seconds: float, threads: int, epochs: int | None = DEFAULT_EPOCHS,
                precision: str = "auto") -> dict[str, Any]:
    """digitpad's recipe through core train() (`epochs` None: the recipe's own); training time
    is the time spent inside the generator, less the stretches that end in an EpochEnd
    (evaluation) or in Finished."""
    config = TrainConfig(dataset="mnist", model="digitnet", val_split=0.0, threads=threads,
                         device="cpu", data_dir=str(data_dir), epochs=epochs,
                         precision=precision).resolved()
    control = TrainControl()
    records = train(config, control, dataset=dataset)
    seconds, images, reached, accuracies, computed = 0.0, 0, None, [], "float32"
    while True:
        start = time.perf_counter()
        record = next(records)
        spent = time.perf_counter() - start
        if isinstance(record, Finished):
            break
        if isinstance(record, EpochEnd):  # this stretch was the evaluation on the test set
            accuracies.append(record.val_accuracy)
            if reached is None and record.val_accuracy >= target:
                reached = seconds
            if reached is not None or record.epoch >= max_epochs:
                control.request_stop()
            continue
        seconds += spent
        if isinstance(record, Started):
            computed = record.precision
        if isinstance(record, Step):
            images += config.batch_size  # every batch is full (the last partial one is dropped)
            if seconds >= max_seconds:
                control.request_stop()
    recipe = (f"digitnet, {config.optimizer} lr {config.lr:g} {config.scheduler} over "
              f"{config.epochs} epochs, batch {config.batch_size}, label smoothing "
              f"{config.label_smoothing:g}, augmented, in-memory batches, {computed}")
    return _summary(reached, accuracies, images, seconds, recipe)


def run_reference(root: Path, limit: int | None, target: float, max_epochs: int,
                  max_seconds: float) -> dict[str, Any]:
    """The PyTorch examples recipe; scored after every epoch (and once if stopped before one
    ended)."""
    run = ReferenceRun(root, limit)
    seconds, images, reached, accuracies = 0.0, 0, None, []
    for epoch, end_of_epoch, count, elapsed in run.batches():
        images, seconds = count, elapsed
        out_of_time = seconds >= max_seconds
        if not end_of_epoch:
            if not out_of_time:
                continue
            if accuracies:  # stopped mid-epoch: the last score stands, as in core train()
                break
        accuracies.append(test_accuracy(run.model, run.test_loader))
        if end_of_epoch and reached is None and accuracies[-1] >= target:
            reached = seconds
        if reached is not None or epoch >= max_epochs or out_of_time:
            break
    recipe = ("PyTorch examples Net, adadelta lr 1 step gamma 0.7, batch 64, "
              "torchvision MNIST + ToTensor/Normalize per sample, DataLoader")
    return _summary(reached, accuracies, images, seconds, recipe)


def bench_train(data_dir: str | os.PathLike, target: float = 0.99, max_epochs: int = 15,
                max_seconds: float = 3600.0, limit: int | None = None,
                threads: int = 0, epochs: int | None = DEFAULT_EPOCHS,
                precision: str = "auto") -> dict[str, Any]:
    """Train both recipes to `target` test accuracy (or the caps) and compare their times.

    `limit` keeps the first `limit` training and test images (quick runs); `threads` 0 means
    one per core; `epochs` and `precision` are digitpad's (run_default).
    """
    threads = threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    root = Path(data_dir).absolute()
    full = load_dataset("mnist", data_dir=root, val_split=0.0)  # the test set doubles as val
    test = _first(full.test, limit)
    dataset = replace(full, train=_first(full.train, limit), val=test, test=test)
    default = run_default(dataset, root, target, max_epochs, max_seconds, threads, epochs,
                          precision)
    with tempfile.TemporaryDirectory(prefix="digitpad-bench-") as tmp:
        torch.set_num_threads(threads)
        layout = torchvision_layout(_idx_folder(root), Path(tmp))
        reference = run_reference(layout, limit, target, max_epochs, max_seconds)
    d, r = default["seconds_to_target"], reference["seconds_to_target"]
    # when only the reference missed the target, it trained this long without reaching it: the
    # speed-up is at least its training time over the default's time to the target
    at_least = (reference["train_seconds"] / d
                if d is not None and d > 0 and r is None and reference["train_seconds"] else None)
    return {
        "default": default, "reference": reference,
        "speedup": r / d if d is not None and r is not None and d > 0 else None,
        "speedup_at_least": at_least,
        "target": target, "max_epochs": max_epochs, "max_seconds": max_seconds,
        "threads": threads, "train_images": len(dataset.train), "test_images": len(test),
    }


def _seconds(value: float | None) -> str:
    return "not reached" if value is None else f"{value:,.1f} s"


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The table `digitpad bench train` prints."""
    rows = [("data", f"{result['train_images']:,} training / {result['test_images']:,} test "
                     f"images, {result['threads']} thread(s), CPU")]
    for name in ("default", "reference"):
        r = result[name]
        acc = "-" if r["final_accuracy"] is None else f"{r['final_accuracy']:.2%}"
        rate = "-" if r["images_per_s"] is None else f"{r['images_per_s']:,.0f} img/s"
        rows += [
            (name, r["recipe"]),
            (f"  to {result['target']:.1%}", _seconds(r["seconds_to_target"])),
            ("  final accuracy / epochs", f"{acc} after {r['epochs']} epoch(s)"),
            ("  training speed", f"{rate} ({r['train_seconds']:,.1f} s of training)"),
        ]
    speedup, at_least = result["speedup"], result.get("speedup_at_least")
    if speedup is not None and math.isfinite(speedup):
        text = f"{speedup:.1f}x"
    elif at_least is not None:
        text = (f"more than {at_least:.1f}x (the reference did not reach "
                f"{result['target']:.1%} in {result['reference']['train_seconds']:,.0f} s)")
    else:
        text = "-"
    rows.append(("speed-up (reference s / default s)", text))
    return rows
