"""`digitpad finetune`: teach a digit model someone's handwriting from a folder of their digits
(core.personal.finetune), with a tqdm bar and the before/after table the app shows."""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
from pathlib import Path
from typing import Any

from digitpad.cli_args import positive_int, seed

HELP = ("Fine-tune a digit model on one person's handwriting: a folder with a subfolder per "
        "digit (0 … 9) holding their drawings, as the app's My handwriting tab keeps them "
        "(the default) or any image folder of digits. A share of each digit is held out to "
        "measure it; batches mix the samples with MNIST so it keeps reading everyone else's "
        "writing. Prints accuracy before and after, on the held-out samples and on the MNIST "
        "test set, and saves the model in the library (\"<base> — yours\") or to --out.")


def held_out_share(text: str) -> float:
    """A share from 0 (hold nothing out) to below 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to below 1, not {text}"
                                         ) from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to below 1 (0.2 holds out 1 in 5), "
                                         f"not {text}")
    return value


def add_finetune_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--samples", metavar="DIR",
                   help="the folder of digits (default: the app's My handwriting samples)")
    p.add_argument("--base", default="digits",
                   help="the model to start from, a name or file (default: the bundled digits)")
    p.add_argument("--out", metavar="FILE", help="save here instead of in the model library")
    p.add_argument("--data-dir", help="where MNIST is (replay and the test; default: "
                   "$DIGITPAD_DATA_DIR, else the per-user data folder)")
    p.add_argument("--held-out", type=held_out_share, default=0.2,
                   help="share of each digit's samples kept out to measure it (default 0.2)")
    p.add_argument("--steps", type=positive_int, default=100, help="training steps (default 100)")
    p.add_argument("--threads", type=positive_int, help="torch threads (default: torch's)")
    p.add_argument("--seed", type=seed, default=0)
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")


def run_finetune(args: argparse.Namespace) -> int:
    """Fine-tune, print the table, save; Ctrl+C stops and saves nothing (exit 130)."""
    from tqdm import tqdm  # here, not at the top: the window starts through this module's parser

    from digitpad.core.control import TrainControl
    from digitpad.core.paths import handwriting_dir, model_library_dir
    from digitpad.core.personal.finetune import FineTuneConfig, default_out, fine_tune
    from digitpad.core.personal.report import FineTuneReport
    from digitpad.core.records import Finished, Notice, Step
    from digitpad.core.safe_text import json_safe, printable
    from digitpad.core.saving import check_writable, save_run

    samples = Path(args.samples) if args.samples else handwriting_dir()
    out = Path(args.out) if args.out else None
    name = default_out(args.base)
    check_writable(out or model_library_dir() / f"{name}-99.pt", "the fine-tuned model")
    config = FineTuneConfig(samples=str(samples), base=args.base, data_dir=args.data_dir,
                            held_out=args.held_out, steps=args.steps, threads=args.threads,
                            seed=args.seed)
    control = TrainControl()

    def on_interrupt(signum: int, frame: Any) -> None:
        control.request_stop()
        signal.signal(signum, signal.default_int_handler)
        tqdm.write("Stopping; nothing will be saved (Ctrl+C again to abort).", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    bar: tqdm | None = None
    finished: Finished | None = None
    try:
        for record in fine_tune(config, control):
            if isinstance(record, Step):
                if bar is None:
                    bar = tqdm(total=record.total_steps, unit="step", desc="fine-tune",
                               leave=False, file=sys.stderr)
                bar.update(1)
                if record.global_step % 10 == 0:
                    bar.set_postfix(loss=f"{record.loss:.3f}")
            elif isinstance(record, Notice):
                tqdm.write(printable(record.message, 400), file=sys.stderr)
            elif isinstance(record, Finished):
                finished = record
    finally:
        if bar is not None:
            bar.close()
        signal.signal(signal.SIGINT, previous)
    assert finished is not None
    if finished.model is None:
        print(printable(finished.message, 400), file=sys.stderr)
        return 130
    finished.meta["command"] = shlex.join(["digitpad", *getattr(args, "argv", [])])
    saved = save_run(finished, out, name)
    report = FineTuneReport.from_metrics(finished.metrics)
    if args.json:
        print(json.dumps(json_safe({**{k: finished.metrics[k] for k in (
            "personal_before", "personal_after", "personal_held_out", "personal_trained",
            "mnist_before", "mnist_after", "train_seconds")}, "saved": saved.path}),
            allow_nan=False))
    else:
        print(report.table())
    if saved.problem:
        print(f"digitpad: error: {printable(saved.problem, 400)} Saved it to "
              f"{printable(saved.path)} instead.", file=sys.stderr)
    if not args.json:
        print(f"saved {printable(saved.path)}")
    return 1 if saved.problem else 0
