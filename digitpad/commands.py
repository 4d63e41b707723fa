"""The work behind the train, models and bench commands (argument parsing lives in cli.py;
predict and eval have their own modules, predict_command.py and eval_command.py)."""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

if TYPE_CHECKING:
    from digitpad.core.records import Step


def _threads(record: Step) -> dict[str, int]:
    """The progress line's `threads=N` when the run chose the count by timing its steps."""
    return {"threads": record.threads} if record.threads else {}


def _fmt_time(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def download_progress() -> Any:
    bars: dict[str, tqdm] = {}

    def progress(update: Any) -> None:  # a records.DataProgress
        from digitpad.core.records import Unit

        bar = bars.get(update.what)
        if bar is None:
            unit = "B" if update.unit is Unit.BYTES else "img"
            bar = bars[update.what] = tqdm(total=update.total, desc=_shown(update.what),
                                           unit=unit, unit_scale=unit == "B",
                                           leave=False, file=sys.stderr)
        bar.update(update.done - bar.n)
        if update.total is not None and update.done >= update.total:
            bar.close()

    return progress


# tqdm's own "<remaining" is this epoch's only: the postfix's `left` is the whole run's
_BAR_FORMAT = ("{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
               "[{elapsed}, {rate_fmt}{postfix}]")
_STOP_SIGNALS = {signal.SIGINT: 130, signal.SIGTERM: 143}  # exit codes: 128 + the signal


def _shown(text: str) -> str:
    """An untrusted message (it may quote class, dataset or file names) safe for a terminal:
    control characters escaped line by line, so its own line breaks stay."""
    from digitpad.core.safe_text import printable

    return "\n".join(printable(line, 2000) for line in str(text).split("\n"))


def run_train(args: argparse.Namespace) -> int:
    """`digitpad train`: train with a tqdm bar per epoch, save the best weights (and the
    resume state, unless --no-resume-state); --resume FILE goes on from a saved run.

    The save target is checked before training. Ctrl+C or SIGTERM stops after the batch, saves
    the best weights and exits 130 or 143; a second one aborts. A save that fails at the end
    goes to a fallback folder (saving.save_run), so a finished run is never lost.
    """
    from digitpad.train_args import train_run

    config, resume = train_run(args)  # first: a flag --resume refuses is told before torch loads
    from digitpad.core.distributed.world import from_environment

    world = from_environment()  # one of the processes torchrun started, or None
    if world is not None or (args.nproc or 1) > 1:
        from digitpad.train_distributed import check_distributed, launch_or_follow

        check_distributed(config, resume, world.size if world else args.nproc)
        if world is None or not world.leader:  # the launcher, or a process that only trains
            return launch_or_follow(args, config, world)
    from digitpad.core.calibration import calibration_text
    from digitpad.core.control import TrainControl
    from digitpad.core.paths import model_library_dir
    from digitpad.core.records import EpochEnd, Finished, Notice, Step
    from digitpad.core.saving import check_writable, safe_stem, save_run
    from digitpad.core.training import train

    out = Path(args.out) if args.out else None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    default = f"{config.model}-{Path(config.dataset).name}-{stamp}"
    name = safe_stem(out.stem if out else Path(args.resume).stem if resume else default)
    library = model_library_dir()
    check_writable(out or library / f"{name}-99.pt", "the trained model")
    log = None
    if getattr(args, "log_dir", None):  # checked now: no tensorboard, or a folder not writable
        from digitpad.core.tensorboard_log import TensorBoardLog

        log = TensorBoardLog(args.log_dir, config)
    control = TrainControl()
    stopped_by: int | None = None

    def on_signal(signum: int, frame: Any) -> None:
        nonlocal stopped_by
        stopped_by = stopped_by or signum
        control.request_stop()
        key = "Ctrl+C" if signum == signal.SIGINT else "SIGTERM"
        if world is not None:  # the launcher has the terminal: it cannot be aborted from here
            tqdm.write(f"{key}: stopping all processes after this batch and saving the best "
                       "weights…", file=sys.stderr)
            return
        again = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
        signal.signal(signum, again)
        tqdm.write(f"Stopping after this batch and saving the best weights ({key} again to "
                   "abort without saving)…", file=sys.stderr)

    progress = download_progress()  # a stop while loading: train() yields Finished at once
    previous = {signum: signal.signal(signum, on_signal) for signum in _STOP_SIGNALS}
    bar: tqdm | None = None
    finished: Finished | None = None
    try:
        try:  # the time left is train()'s own (Step.eta), as the Train tab shows it
            for record in train(config, control, progress=progress, resume=resume,
                                world=world):
                if log is not None:
                    log.feed(record)
                if isinstance(record, Step):
                    if bar is None:
                        bar = tqdm(total=record.steps_per_epoch, unit="batch", leave=False,
                                   desc=f"epoch {record.epoch}/{config.epochs}", file=sys.stderr,
                                   bar_format=_BAR_FORMAT)
                    bar.update(1)
                    if record.step % 10 == 0 or record.step == record.steps_per_epoch:
                        bar.set_postfix(loss=f"{record.loss:.4f}",
                                        img_s=f"{record.images_per_s:.0f}",
                                        left=_fmt_time(record.eta), **_threads(record))
                elif isinstance(record, EpochEnd):
                    if bar is not None:
                        bar.close()
                        bar = None
                    _print_epoch(record)
                elif isinstance(record, Notice):
                    tqdm.write(_shown(record.message), file=sys.stderr)
                elif isinstance(record, Finished):
                    finished = record
        finally:
            if bar is not None:
                bar.close()
            if log is not None:
                log.close()
            if world is not None:
                world.leave()
        assert finished is not None
        if log is not None and log.folder.is_dir():
            print(f"TensorBoard log: {_shown(log.folder)} (tensorboard --logdir "
                  f"{_shown(shlex.quote(str(log.folder.parent)))})")
        print(_shown(finished.message))
        if finished.model is None:
            return _STOP_SIGNALS[stopped_by] if stopped_by else 1
        metrics = finished.metrics
        if "test_accuracy" in metrics:
            print(f"test accuracy {metrics['test_accuracy']:.2%}  "
                  f"training time {_fmt_time(metrics['train_seconds'])}"
                  f"{calibration_text(metrics)}")
        if "val_not_digits_declined" in metrics and "decline" in finished.meta:
            print(decline_text(metrics, finished.meta["decline"]["score"]))
        # how this model was made, so anyone can make it again (see resources/models/README.md)
        finished.meta["command"] = shlex.join(["digitpad", *getattr(args, "argv", [])])
        if args.no_resume_state:
            finished = replace(finished, resume=None)
        saved = save_run(finished, out, name, library)  # a stop signal now waits for the save
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if saved.problem:
        print(f"digitpad: error: {_shown(saved.problem)} Saved it to {_shown(saved.path)} "
              "instead, so the run is not lost.", file=sys.stderr)
    print(f"saved {_shown(saved.path)}")
    if stopped_by and finished.resume is not None:
        print(f"continue with: digitpad train --resume {_shown(shlex.quote(saved.path))}")
    if stopped_by:
        return _STOP_SIGNALS[stopped_by]
    return 1 if finished.reason == "diverged" or saved.problem else 0


def decline_text(metrics: dict[str, Any], score: str) -> str:
    """How well a model trained to decline does it, from its metrics (core.not_digit_training):
    'declines 96.1% of held-out non-digits, keeps 99.5% of validation digits (energy)'."""
    return (f"declines {metrics['val_not_digits_declined']:.1%} of held-out non-digits, keeps "
            f"{metrics['val_digits_kept']:.1%} of validation digits ({score})")


def _print_epoch(record: Any) -> None:
    best = "  *best*" if record.is_best else ""
    print(
        f"epoch {record.epoch}/{record.epochs}  train loss {record.train_loss:.4f} "
        f"acc {record.train_accuracy:.2%}  val loss {record.val_loss:.4f} "
        f"acc {record.val_accuracy:.2%}  {record.images_per_s:,.0f} img/s  "
        f"elapsed {_fmt_time(record.elapsed)}  eta {_fmt_time(record.eta)}{best}",
        flush=True,
    )


def run_models(args: argparse.Namespace) -> int:
    """`digitpad models`: bundled and saved models, then the architectures one can train.

    Each library file is read on its own: a bad one is listed as unusable with its reason."""
    from digitpad.core.model_library import list_models
    from digitpad.core.safe_text import json_safe, printable
    from digitpad.core.training_choices import describe_architectures

    entries = list_models()
    if args.json:
        print(json.dumps(json_safe([
            {"name": e.name, "file": str(e.path), "bundled": e.bundled,
             "architecture": e.architecture, "dataset": e.dataset, "accuracy": e.accuracy,
             "declines": e.declines, "problem": e.problem or None}
            for e in entries
        ]), allow_nan=False))
        return 0
    if entries:
        print(f"{'name':<28} {'architecture':<12} {'dataset':<16} {'accuracy':>9}  "
              f"{'declines':<10}  file")
        for e in entries:
            name = printable(e.name, 80)  # file names and metadata are untrusted text
            if e.problem:
                print(f"{name:<28} unusable: {printable(e.problem, 400)}")
                continue
            acc = f"{e.accuracy:.2%}" if e.accuracy is not None else "-"
            declines = "non-digits" if e.declines else "-"  # it has its own decline rule
            print(f"{name:<28} {printable(e.architecture):<12} {printable(e.dataset, 80):<16} "
                  f"{acc:>9}  {declines:<10}  {printable(e.path, 400)}")
        if any(e.declines and not e.problem for e in entries):
            print("declines non-digits: it answers 'not a digit' for letters, shapes and "
                  "scribbles (predict --no-decline turns that off)")
    else:
        print("No trained models yet: run 'digitpad train'.")
    print("\narchitectures for 'digitpad train --model NAME':")
    for arch in describe_architectures():
        print(f"  {arch['name']:<9} {arch['parameters']:>10,} params  {arch['description']}")
    return 0


def run_bench(args: argparse.Namespace) -> int:
    """`digitpad bench ...`: run one benchmark and print its table (or --json)."""
    from importlib import import_module

    from digitpad.bench import run_benchmark
    from digitpad.bench.report import machine_description, print_table

    machine = machine_description()  # first: a GUI run changes this process's thread count
    module, title, result = run_benchmark(args)
    result["machine"] = machine
    if args.json:
        print(json.dumps(result))
        return 0
    print_table(title, [("machine", machine), *import_module(module).format_rows(result)])
    return 0

