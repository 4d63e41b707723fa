"""The `digitpad` command: no arguments opens the window; subcommands train, eval, predict, models.

Core modules are imported inside each command, so `digitpad --help` and the window's start-up
never wait for torch.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence

from digitpad import __version__
from digitpad.cli_args import (
    add_data_args,
    add_decline_args,
    count,
    fraction,
    positive_float,
    positive_int,
    seed,
)
from digitpad.core.errors import DigitpadError
from digitpad.explain_command import HELP as EXPLAIN_HELP
from digitpad.explain_command import add_explain_arguments
from digitpad.export_command import HELP as EXPORT_HELP
from digitpad.export_command import add_export_arguments
from digitpad.finetune_command import HELP as FINETUNE_HELP
from digitpad.finetune_command import add_finetune_arguments
from digitpad.train_args import TRAIN_HELP, add_train_arguments


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="digitpad",
        description="Draw a digit and watch a PyTorch model recognise it. With no command, "
        "opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"digitpad {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (bundled model, window, device) and exit")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add digitpad to this user's application menu (Linux) and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("train", help="train a model and save it", description=TRAIN_HELP)
    add_train_arguments(p)

    p = sub.add_parser("eval", help="accuracy of a model on a dataset's test split",
                       description="Evaluate a model on the test split of a dataset.")
    p.add_argument("--model", help="a model file or name (default: the bundled digits model)")
    add_data_args(p, required=True)
    add_decline_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("predict", help="recognise images", description="Recognise image files.")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.add_argument("--model", action="append", help="a model file or name (default: the bundled "
                   "digits model); repeat to compare models side by side")
    p.add_argument("--top", type=positive_int, default=3,
                   help="how many classes to show (one model)")
    add_decline_args(p)
    p.add_argument("--json", action="store_true", help="print a JSON list")

    p = sub.add_parser("models", help="list the models digitpad knows",
                       description="List bundled and saved models.")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("finetune", help="teach a digit model your handwriting",
                       description=FINETUNE_HELP)
    add_finetune_arguments(p)

    p = sub.add_parser("explain", help="why the model answers what it does, as a heat map",
                       description=EXPLAIN_HELP)
    add_explain_arguments(p)

    p = sub.add_parser("export", help="export a model to ONNX, checked against PyTorch",
                       description=EXPORT_HELP)
    add_export_arguments(p)

    _add_bench_parsers(sub)
    return parser


def _add_bench_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="measure speed (prints a table, --json for numbers)",
                       description="Benchmarks, each run side by side in one process.")
    bench = p.add_subparsers(dest="bench", metavar="BENCHMARK", required=True)
    b = bench.add_parser("mouse", help="accuracy on digits drawn with the mouse on the canvas",
                         description="Draws scripted digits (several styles, sizes, positions, "
                         "pens and slants) on the real canvas with mouse events and reports the "
                         "model's accuracy per digit.")
    b.add_argument("--model", help="model file or name (default: the bundled digit model)")
    b.add_argument("--per-digit", type=positive_int, default=100, help="cases per digit")
    b.add_argument("--seed", type=seed, default=0)
    b.add_argument("--save-failures", metavar="DIR", help="save what the model saw when wrong")
    b.add_argument("--json", action="store_true")
    b = bench.add_parser("open-world", help="digits and non-digits drawn with the mouse: "
                         "accuracy, declines, AUROC, ECE per model",
                         description="Draws bench mouse's digits and non-digits (the generator's "
                         "own stroke templates, held-out letters, symbols, shapes and scribbles) "
                         "on the real canvas with mouse events, scores generated non-digits of "
                         "another seed, and reports per model: digits read (declines count as "
                         "wrong), non-digits declined, AUROC and ECE (on MNIST's test set when "
                         "the data folder has it).")
    b.add_argument("--model", action="append", help="model file or name; repeat to compare "
                   "(default: the bundled digit model)")
    b.add_argument("--per-digit", type=positive_int, default=50, help="mouse digits per digit")
    b.add_argument("--per-kind", type=positive_int, default=5,
                   help="mouse drawings per non-digit template (and 5x as many scribbles)")
    b.add_argument("--generated", type=count, default=1000,
                   help="generated non-digits scored as 28x28 images")
    b.add_argument("--seed", type=seed, default=0)
    b.add_argument("--data-dir", help="folder with mnist/ for the test-set ECE and accuracy "
                   "(default: as for train; never downloads)")
    b.add_argument("--save-failures", metavar="DIR",
                   help="save what the model saw for declined digits and accepted non-digits")
    b.add_argument("--json", action="store_true")
    b = bench.add_parser("personal", help="fine-tuning on simulated writers the bundled model "
                         "misreads: their unseen digits and MNIST before and after, and the time",
                         description="Simulated writers (ordinary digits plus a quirk or two the "
                         "model misreads, in a consistent hand) draw their digits on the real "
                         "canvas with mouse events; the app's fine-tune runs on --per-digit of "
                         "each, and their --unseen other drawings are read before and after.")
    b.add_argument("--model", help="the base model file or name (default: the bundled digits "
                   "model)")
    b.add_argument("--writers", type=positive_int, help="the first N writers (default: all)")
    b.add_argument("--per-digit", type=positive_int, default=5,
                   help="drawings per digit to fine-tune on")
    b.add_argument("--unseen", type=positive_int, default=20,
                   help="other drawings per digit to test on")
    b.add_argument("--seed", type=seed, default=0)
    b.add_argument("--data-dir", help="folder with mnist/ (replay and the MNIST test; default: "
                   "as for train; never downloads)")
    b.add_argument("--threads", type=count, default=0, help="CPU threads (0: one per core)")
    b.add_argument("--json", action="store_true")
    b = bench.add_parser("gui", help="GUI smoothness while the Train tab trains",
                         description="A 10 ms timer probe on the GUI thread while the Train tab "
                         "trains, and the GUI's training speed against the command line's.")
    b.add_argument("--dataset", default="mnist", help="as for train: mnist, fashion-mnist, a "
                   "folder of IDX files, or a class-per-folder image dataset (e.g. 1000 classes)")
    b.add_argument("--data-dir", help="folder with mnist/ (default: as for train)")
    b.add_argument("--model", default="digitnet")
    b.add_argument("--epochs", type=positive_int, default=1)
    b.add_argument("--limit", type=positive_int, default=8000, help="training images used")
    b.add_argument("--timeout", type=positive_float, default=300,
                   help="stop the GUI run after this many seconds")
    b.add_argument("--finetune", action="store_true",
                   help="instead, the same probe while the My handwriting tab fine-tunes on 50 "
                   "digits a simulated writer drew (temporary folders; --data-dir and --timeout "
                   "apply)")
    b.add_argument("--json", action="store_true")

    b = bench.add_parser("train", help="seconds to a test accuracy: digitpad vs PyTorch's recipe",
                         description="Train digitpad's default recipe and the PyTorch examples "
                         "MNIST recipe on the same images until each reaches --target accuracy "
                         "on the MNIST test set (scored every epoch, not timed).")
    b.add_argument("--data-dir", help="folder with mnist/ (default: as for train)")
    b.add_argument("--target", type=fraction, default=0.99, help="test accuracy to reach")
    b.add_argument("--max-epochs", type=positive_int, default=15,
                   help="stop each recipe after this many epochs (digitpad's stops at its "
                   "recipe's 8 anyway)")
    b.add_argument("--max-seconds", type=positive_float, default=3600,
                   help="stop each recipe after this much training time")
    b.add_argument("--limit", type=positive_int,
                   help="use only the first N training and test images (quick runs)")
    b.add_argument("--threads", type=count, default=0, help="CPU threads (0: one per core)")
    b.add_argument("--json", action="store_true")

    b = bench.add_parser("models", help="training images/s of every architecture",
                         description="A few training steps of each registry model on random "
                         "inputs of its size (resnet18 gets a tenth of the steps).")
    b.add_argument("--models", type=lambda t: [n.strip() for n in t.split(",") if n.strip()],
                   help="comma-separated names (default: all)")
    b.add_argument("--batch-size", type=positive_int, default=128)
    b.add_argument("--steps", type=positive_int, default=20, help="timed steps per model")
    b.add_argument("--warmup", type=count, default=3, help="untimed steps first")
    b.add_argument("--threads", type=count, default=0, help="CPU threads (0: one per core)")
    b.add_argument("--json", action="store_true")

    b = bench.add_parser("latency", help="drawing to probabilities: predictor and window",
                         description="Predictor.predict on a drawn 7, and draw-to-bars time of "
                         "single mouse moves in the real window (offscreen).")
    b.add_argument("--model", help="a model file or name (default: the bundled digits model, "
                   "else a stand-in trained on MNIST for a few seconds)")
    b.add_argument("--data-dir", help="MNIST for the stand-in model (default: as for train)")
    b.add_argument("--calls", type=positive_int, default=500, help="predictor calls timed")
    b.add_argument("--moves", type=positive_int, default=200, help="mouse moves timed")
    b.add_argument("--image-size", type=positive_int, default=280,
                   help="side of the drawn image given to the predictor")
    b.add_argument("--no-gui", action="store_true", help="skip the window measurement")
    b.add_argument("--json", action="store_true")

    b = bench.add_parser("startup", help="cold start: launch to window and to model loaded",
                         description="Starts 'python -m digitpad' offscreen in fresh processes "
                         "and reports the median times to the window and to the model.")
    b.add_argument("--model", help="as for latency")
    b.add_argument("--data-dir", help="MNIST for the stand-in model (default: as for train)")
    b.add_argument("--runs", type=positive_int, default=5)
    b.add_argument("--timeout", type=positive_float, default=60, help="seconds per run")
    b.add_argument("--executable", help="start this instead of 'python -m digitpad', e.g. a "
                   "standalone bundle's packaging/dist/digitpad/digitpad")
    b.add_argument("--json", action="store_true")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `digitpad` command; returns the exit code."""
    try:
        try:
            code = _main(argv)
        finally:  # also after --help: a full device is reported here rather than lost at exit
            sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader went away (`digitpad models | head -0`): stop quietly as Unix tools do.
        # Python would flush stdout again at exit and fail again: point it at /dev/null.
        _silence_stdout()
        return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by SIGPIPE
    except OSError as exc:  # the system refused something: a full disk, a name too long…
        _silence_stdout()
        from digitpad.core.safe_text import printable

        where = f" ({printable(exc.filename)})" if exc.filename else ""
        if not where and exc.errno in _WRITE_ERRORS:  # print() to a full or failing stdout
            where = " (writing the output)"
        _error(f"{exc.strerror or exc}{where}.")
        return 1


_WRITE_ERRORS = (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT)
# commands with a module of their own; the others are in digitpad/commands.py
_COMMAND_MODULES = {"predict": "digitpad.predict_command", "eval": "digitpad.eval_command",
                    "finetune": "digitpad.finetune_command", "explain": "digitpad.explain_command",
                    "export": "digitpad.export_command"}


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in saved models
    try:
        if args.self_test:
            from digitpad.self_test import run_self_test

            return run_self_test()
        if args.install_desktop_entry:
            from digitpad.desktop_entry import describe, install_desktop_entry

            print(describe(install_desktop_entry()))
            return 0
        if args.command is None:
            return _open_window()
        from importlib import import_module

        module = import_module(_COMMAND_MODULES.get(args.command, "digitpad.commands"))
        return getattr(module, f"run_{args.command}")(args)
    except DigitpadError as exc:
        _error(str(exc))
        return 1
    except KeyboardInterrupt:
        print("digitpad: interrupted", file=sys.stderr)
        return 130


def _error(message: str) -> None:
    """One `digitpad: error:` line; the message may quote untrusted names, so it is escaped."""
    from digitpad.core.safe_text import printable

    text = " ".join(printable(line, 2000) for line in message.splitlines() if line.strip())
    try:
        print(f"digitpad: error: {text}", file=sys.stderr)
    except OSError:
        pass  # stderr is gone too: nothing more can be said


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _open_window() -> int:
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        print("digitpad: error: there is no display to open the window on (no DISPLAY or "
              "WAYLAND_DISPLAY); the train, eval and predict commands work without one.",
              file=sys.stderr)
        return 1
    try:
        from digitpad.gui.app import run
    except ImportError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing in ("PySide6", "shiboken6", "pyqtgraph"):
            print(f"digitpad: error: the window needs {missing}, which is not installed "
                  "(pip install digitpad brings it).", file=sys.stderr)
            return 1
        raise
    return run()
