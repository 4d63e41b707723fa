"""`digitpad train` in a distributed run (core/distributed): the checks made before any
process starts, the launcher (`--nproc N`), and the processes other than the leader, which
train in step with it and print nothing. The leader is commands.run_train itself."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from digitpad.core.errors import DigitpadError


def check_distributed(config: Any, resume: Any, processes: int) -> None:
    """DigitpadError for what a distributed run cannot do (told before any process starts)."""
    from digitpad.core.distributed.shard import per_process_batch

    if getattr(sys, "frozen", False):  # torchrun starts `python -m digitpad` per process
        raise DigitpadError("--nproc needs digitpad installed from pip: the standalone app "
                            "cannot start the Python processes torchrun runs.")
    if resume is not None:
        raise DigitpadError("--resume continues in one process: leave out --nproc (a model "
                            "trained on several processes can be resumed in one).")
    if config.optimizer == "lbfgs":
        raise DigitpadError("LBFGS evaluates the loss a varying number of times per step, "
                            "which processes cannot keep in step: choose another --optimizer "
                            "for --nproc.")
    per_process_batch(config.batch_size, processes)


def check_machine(config: Any, processes: int) -> None:
    """DigitpadError for more processes than this machine has GPUs (CUDA) or cores (CPU): each
    would load torch and the data only to wait for the others. (Checked by the launcher; a
    torchrun job on several machines is its owner's to size.)"""
    import os

    import torch

    gpus = torch.cuda.device_count() if config.device in ("auto", "cuda") else 0
    have, what = (gpus, "GPU") if gpus else (os.cpu_count() or 1, "CPU core")
    if processes > have:
        raise DigitpadError(
            f"--nproc {processes} is more processes than this machine has {what}s ({have}): "
            f"use at most {have}.")


def launch_or_follow(args: argparse.Namespace, config: Any, world: Any) -> int:
    """Start the processes (world None: this is `digitpad train --nproc N`), or be one of
    those that train without printing (world not the leader); the exit status."""
    if world is None:
        from digitpad.core.distributed.launch import launch, without_nproc

        check_machine(config, args.nproc)
        argv = list(getattr(args, "argv", []))
        return launch(args.nproc, without_nproc(argv[argv.index("train") + 1 :]))
    return _follow(config, world)


# After an error, how long a process other than the leader waits for the leader (which most
# likely met the same error, the data being the same) to say it and end the run, before it
# says its own: one line, not one per process.
FOLLOWER_GRACE_S = 10.0


def _follow(config: Any, world: Any) -> int:
    import time

    from digitpad.core.control import TrainControl
    from digitpad.core.safe_text import printable
    from digitpad.core.training import train

    control = TrainControl()

    def on_signal(signum: int, frame: Any) -> None:
        control.request_stop()  # all processes stop at the same step; the leader saves

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for _record in train(config, control, world=world):
            pass
    except DigitpadError as exc:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the leader's end ends this at once
        time.sleep(FOLLOWER_GRACE_S)
        print(f"digitpad: error: process {world.rank}: {printable(str(exc), 2000)}",
              file=sys.stderr)
        return 1
    finally:
        world.leave()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0  # a stop is the leader's to report: a non-zero exit would make torchrun kill it
