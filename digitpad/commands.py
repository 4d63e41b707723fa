"""The work behind each CLI command (argument parsing lives in cli.py)."""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from digitpad.core.errors import DigitpadError, ImageError


def _fmt_time(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _download_progress() -> Any:
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
    control = TrainControl()
    stopped_by: int | None = None

    def on_signal(signum: int, frame: Any) -> None:
        nonlocal stopped_by
        stopped_by = stopped_by or signum
        control.request_stop()
        again = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
        signal.signal(signum, again)
        key = "Ctrl+C" if signum == signal.SIGINT else "SIGTERM"
        tqdm.write(f"Stopping after this batch and saving the best weights ({key} again to "
                   "abort without saving)…", file=sys.stderr)

    progress = _download_progress()  # a stop while loading: train() yields Finished at once
    previous = {signum: signal.signal(signum, on_signal) for signum in _STOP_SIGNALS}
    bar: tqdm | None = None
    finished: Finished | None = None
    try:
        try:  # the time left is train()'s own (Step.eta), as the Train tab shows it
            for record in train(config, control, progress=progress, resume=resume):
                if isinstance(record, Step):
                    if bar is None:
                        bar = tqdm(total=record.steps_per_epoch, unit="batch", leave=False,
                                   desc=f"epoch {record.epoch}/{config.epochs}", file=sys.stderr,
                                   bar_format=_BAR_FORMAT)
                    bar.update(1)
                    if record.step % 10 == 0 or record.step == record.steps_per_epoch:
                        bar.set_postfix(loss=f"{record.loss:.4f}",
                                        img_s=f"{record.images_per_s:.0f}",
                                        left=_fmt_time(record.eta))
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
        assert finished is not None
        print(_shown(finished.message))
        if finished.model is None:
            return _STOP_SIGNALS[stopped_by] if stopped_by else 1
        metrics = finished.metrics
        if "test_accuracy" in metrics:
            print(f"test accuracy {metrics['test_accuracy']:.2%}  "
                  f"training time {_fmt_time(metrics['train_seconds'])}"
                  f"{calibration_text(metrics)}")
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


def _print_epoch(record: Any) -> None:
    best = "  *best*" if record.is_best else ""
    print(
        f"epoch {record.epoch}/{record.epochs}  train loss {record.train_loss:.4f} "
        f"acc {record.train_accuracy:.2%}  val loss {record.val_loss:.4f} "
        f"acc {record.val_accuracy:.2%}  {record.images_per_s:,.0f} img/s  "
        f"elapsed {_fmt_time(record.elapsed)}  eta {_fmt_time(record.eta)}{best}",
        flush=True,
    )


def run_eval(args: argparse.Namespace) -> int:
    """`digitpad eval`: accuracy, per-class accuracy and confusion on the test split."""
    from digitpad.core.calibration import split_ece
    from digitpad.core.checkpoint import load_model
    from digitpad.core.datasets import load_dataset
    from digitpad.core.evaluation import evaluate
    from digitpad.core.model_library import resolve_model
    from digitpad.core.safe_text import json_safe, printable

    path = resolve_model(args.model)
    model, meta = load_model(path)  # the metadata is validated: types and ranges hold
    config = meta.get("config") or {}
    val_split, seed = config.get("val_split"), config.get("seed")
    dataset = load_dataset(
        args.dataset, data_dir=args.data_dir, val_split=0.1 if val_split is None else val_split,
        seed=seed or 0, channels=meta["in_channels"], image_size=meta["image_size"],
        progress=_download_progress(), limit=args.limit,
    )
    names = list(meta["class_names"])
    model_name, data_name = printable(path.name), printable(dataset.name)
    if len(dataset.class_names) != len(names):
        raise DigitpadError(
            f"{model_name} knows {len(names)} classes but {data_name} has "
            f"{len(dataset.class_names)}; evaluate it on the kind of data it was trained on."
        )
    split = dataset.test if dataset.test is not None else dataset.val
    which = "test" if dataset.test is not None else "validation"
    start = time.perf_counter()
    result = evaluate(model, split, meta["mean"], meta["std"], len(names))
    temperature = meta.get("temperature")  # None: the file was not calibrated
    ece = split_ece(model, split, meta["mean"], meta["std"], temperature)
    if args.json:
        print(json.dumps(json_safe({
            "model": str(path), "dataset": dataset.name, "split": which, "images": len(split),
            "accuracy": result.accuracy, "loss": result.loss, "ece": ece,
            "temperature": temperature, "calibrated": temperature is not None,
            "per_class": dict(zip(names, result.per_class)), "confusion": result.confusion,
        }), allow_nan=False))
        return 0
    print(f"{model_name} on {data_name} ({which} split, {len(split):,} images, "
          f"{time.perf_counter() - start:.1f}s): accuracy {result.accuracy:.2%}, "
          f"loss {result.loss:.4f}, ECE {ece:.2%} "
          f"({'uncalibrated' if temperature is None else f'temperature {temperature:.3g}'})")
    shown = [printable(n, 40) for n in names]  # class names come from the file
    width = max(len(n) for n in shown)
    print("per class: " + "  ".join(f"{n}: {a:.1%}" for n, a in zip(shown, result.per_class)))
    print("confusion (rows: true, columns: predicted):")
    cell = max(5, max(len(str(v)) for row in result.confusion for v in row) + 1)
    print(" " * (width + 1) + "".join(f"{i:>{cell}}" for i in range(len(names))))
    for name, row in zip(shown, result.confusion):
        print(f"{name:>{width}} " + "".join(f"{v:>{cell}}" for v in row))
    return 0


def run_predict(args: argparse.Namespace) -> int:
    """`digitpad predict`: top-k classes for each image; bad images reported one line each."""
    from digitpad.core.images import open_image
    from digitpad.core.model_library import resolve_model
    from digitpad.core.predictor import Predictor
    from digitpad.core.safe_text import json_safe, printable

    predictor = Predictor.from_file(resolve_model(args.model))  # refused unless it predicts
    results, failures = [], 0
    for image_path in args.images:
        try:
            prediction = predictor.predict(open_image(image_path))
        except ImageError as exc:
            failures += 1
            print(f"digitpad: error: {printable(exc, 2000)}", file=sys.stderr)
            results.append({"image": image_path, "label": None, "confidence": 0.0,
                            "probabilities": {}, "no_ink": False, "error": str(exc)})
            continue
        probs = dict(zip(predictor.class_names, prediction.probabilities))
        results.append({"image": image_path, "label": prediction.label,
                        "confidence": prediction.confidence, "probabilities": probs,
                        "no_ink": prediction.no_ink})
        if not args.json:
            shown = printable(image_path, 2000)
            if prediction.no_ink:
                print(f"{shown}: no ink (the image looks blank)")
            else:
                top = ", ".join(f"{printable(n)} {p:.1%}" for n, p in prediction.top(args.top))
                print(f"{shown}: {top}")
    if args.json:
        print(json.dumps(json_safe(results), allow_nan=False))
    return 1 if failures else 0


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
             "problem": e.problem or None}
            for e in entries
        ]), allow_nan=False))
        return 0
    if entries:
        print(f"{'name':<28} {'architecture':<12} {'dataset':<16} {'accuracy':>9}  file")
        for e in entries:
            name = printable(e.name, 80)  # file names and metadata are untrusted text
            if e.problem:
                print(f"{name:<28} unusable: {printable(e.problem, 400)}")
                continue
            acc = f"{e.accuracy:.2%}" if e.accuracy is not None else "-"
            print(f"{name:<28} {printable(e.architecture):<12} {printable(e.dataset, 80):<16} "
                  f"{acc:>9}  {printable(e.path, 400)}")
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

