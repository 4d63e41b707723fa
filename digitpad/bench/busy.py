"""`digitpad bench busy`: training speed quiet and beside busy programs, for fixed thread counts
and for the run's own choice (issue 17).

For each model and each condition — quiet; one busy process per core but one; one per core —
the same short training run (MNIST's first images, the model's own recipe, through core
`train()`) is timed three times: pinned to 1 thread, pinned to one per core, and automatic
(core/thread_choice.py: the run times its own steps and keeps the faster count). The busy
processes are Python loops this benchmark starts before the condition's runs and kills after
them; images/s is the training steps' own time (the run's last Step), so loading and
evaluating do not count.
"""

from __future__ import annotations

import math
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from digitpad.core.config import TrainConfig
from digitpad.core.datasets import Dataset, load_dataset
from digitpad.core.records import Finished, Step
from digitpad.core.splits import Split
from digitpad.core.thread_choice import cores
from digitpad.core.training import train

MODELS = ("mlp", "lenet5", "digitnet")
HOG = "while True:\n    pass\n"


@contextmanager
def busy_processes(n: int) -> Iterator[list[subprocess.Popen]]:
    """`n` processes that keep a core each busy until the block ends (killed even on error)."""
    hogs = [subprocess.Popen([sys.executable, "-c", HOG], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(n)]
    try:
        time.sleep(0.5 if n else 0)  # let them start spinning before anything is timed
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()


def conditions(n_cores: int) -> list[tuple[str, int]]:
    """(name, busy processes): quiet, one per core but one (when that is not 0), one per core."""
    out = [("quiet", 0)]
    if n_cores > 1:
        out.append((_busy_name(n_cores - 1), n_cores - 1))
    out.append((_busy_name(n_cores), n_cores))
    return out


def _busy_name(n: int) -> str:
    return f"{n} busy process{'es' if n > 1 else ''}"


def timed_run(model: str, dataset: Dataset, steps: int, threads: int) -> tuple[float, int]:
    """(images/s, the thread count of the last step: 0 when pinned) of `steps` steps."""
    config = TrainConfig(model=model, threads=threads).resolved()
    epochs = max(1, math.ceil(steps * config.batch_size / len(dataset.train)))
    config = replace(config, epochs=epochs)
    last: Step | None = None
    for record in train(config, dataset=dataset):
        if isinstance(record, Step):
            last = record
        elif isinstance(record, Finished) and last is None:
            raise RuntimeError(f"bench busy: the {model} run took no step ({record.message})")
    assert last is not None
    return last.images_per_s, last.threads


def small_mnist(data_dir: Path, steps: int) -> Dataset:
    """MNIST's first training images (enough for `steps` steps of the largest recipe batch,
    at most all there are) and 200 validation images; no test split (nothing to score)."""
    data = load_dataset("mnist", data_dir=data_dir, download=False)
    n = min(len(data.train), steps * 128)
    return replace(data, train=Split(data.train.images[:n], data.train.labels[:n]),
                   val=Split(data.val.images[:200], data.val.labels[:200]), test=None)


def bench_busy(data_dir: Path, models: list[str] | None = None, steps: int = 150,
               n_cores: int | None = None) -> dict[str, Any]:
    """One row per model and condition: images/s pinned to 1 thread, pinned to one per core,
    and automatic, with the count automatic ended on."""
    n_cores = n_cores or cores()
    dataset = small_mnist(data_dir, steps)
    rows = []
    for condition, hogs in conditions(n_cores):
        with busy_processes(hogs):
            for model in models or MODELS:
                fixed_1, _ = timed_run(model, dataset, steps, 1)
                fixed_all, _ = timed_run(model, dataset, steps, n_cores)
                auto, chose = timed_run(model, dataset, steps, 0)
                best = max(fixed_1, fixed_all)
                rows.append({"model": model, "condition": condition, "fixed_1": fixed_1,
                             "fixed_all": fixed_all, "auto": auto, "auto_threads": chose,
                             "auto_vs_best": auto / best if best else None})
    return {"cores": n_cores, "steps": steps, "training_images": len(dataset.train),
            "rows": rows}


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The table `digitpad bench busy` prints: images/s, a row per model and condition."""
    n = result["cores"]
    rows = [("runs", f"{result['steps']} training steps each on the first "
                     f"{result['training_images']:,} MNIST images, the model's own recipe"),
            ("model, condition", f"{'1 thread':>10} {f'{n} threads':>10} {'automatic':>10} "
                                 f"{'(chose)':>8} {'of best':>8}  (images/s)")]
    for row in result["rows"]:
        rows.append((f"{row['model']}, {row['condition']}",
                     f"{row['fixed_1']:>10,.0f} {row['fixed_all']:>10,.0f} {row['auto']:>10,.0f} "
                     f"{row['auto_threads']:>8} {row['auto_vs_best']:>8.0%}"))
    return rows
