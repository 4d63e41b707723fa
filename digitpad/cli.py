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
from digitpad.bench_args import add_bench_parsers
from digitpad.cli_args import add_data_args, add_decline_args, positive_int
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

    add_bench_parsers(sub)
    return parser


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
