"""Benchmarks behind `digitpad bench`: numbers, measured side by side in one process.

One module per benchmark, each with a `bench_*` function returning plain JSON-able numbers and
a `format_rows(result)` for the table; `run_benchmark` picks one from the parsed arguments.
"""

from __future__ import annotations

import argparse
from typing import Any


def run_benchmark(args: argparse.Namespace) -> tuple[str, str, dict[str, Any]]:
    """(module with format_rows, table title, result) of the benchmark `args` names."""
    from digitpad.core.paths import data_dir

    if args.bench == "gui" and args.finetune:
        from digitpad.bench.gui_finetune import bench_gui_finetune

        return "digitpad.bench.gui_finetune", "GUI while fine-tuning", bench_gui_finetune(
            str(data_dir(args.data_dir)), args.timeout)
    if args.bench == "gui":
        from digitpad.bench.gui_smoothness import bench_gui

        return "digitpad.bench.gui_smoothness", "GUI while training", bench_gui(
            str(data_dir(args.data_dir)), args.model, args.epochs, args.limit, args.timeout,
            args.dataset, args.busy)
    if args.bench == "train":
        from digitpad.bench.train_speed import bench_train

        return "digitpad.bench.train_speed", "Time to test accuracy", bench_train(
            data_dir(args.data_dir), args.target, args.max_epochs, args.max_seconds,
            args.limit, args.threads, args.epochs, args.precision)
    if args.bench == "busy":
        from digitpad.bench.busy import bench_busy

        return "digitpad.bench.busy", "Training quiet and beside busy programs", bench_busy(
            data_dir(args.data_dir), args.models, args.steps)
    if args.bench == "models":
        from digitpad.bench.model_speed import bench_models

        return "digitpad.bench.model_speed", "Training speed per model", bench_models(
            args.models, args.batch_size, args.steps, args.warmup, args.threads)
    if args.bench == "latency":
        from digitpad.bench.latency import bench_latency

        return "digitpad.bench.latency", "Drawing to probabilities", bench_latency(
            args.model, args.data_dir, args.calls, args.moves, args.image_size, not args.no_gui)
    if args.bench == "mouse":
        from digitpad.bench.mouse_drawn import bench_mouse

        return "digitpad.bench.mouse_drawn", "Mouse-drawn digits", bench_mouse(
            args.model, args.per_digit, args.seed, args.save_failures)
    if args.bench == "open-world":
        from digitpad.bench.open_world import bench_open_world

        return "digitpad.bench.open_world", "Digits and non-digits drawn with the mouse", (
            bench_open_world(args.model, args.per_digit, args.per_kind, args.generated,
                             args.seed, args.data_dir, args.save_failures))
    if args.bench == "personal":
        from digitpad.bench.personal import bench_personal

        return "digitpad.bench.personal", "Fine-tuning on simulated writers", bench_personal(
            args.model, args.writers, args.per_digit, args.unseen, args.seed, args.data_dir,
            args.threads)
    from digitpad.bench.startup import bench_startup

    return "digitpad.bench.startup", "Cold start", bench_startup(
        args.model, args.data_dir, args.runs, args.timeout, args.executable)
