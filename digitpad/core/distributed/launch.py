"""`digitpad train --nproc N`: start N training processes on this machine with torchrun's own
machinery (torch.distributed.run: a c10d rendezvous on a free port, one elastic agent watching
the workers), each running `python -m digitpad train …` without --nproc. When any process ends
badly the agent stops the others (SIGTERM; the leader then saves its best weights); Ctrl+C
here is passed on to them as SIGINT. The outcome is told in one line, not torchrun's report.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Sequence

# How long the agent lets the processes finish after a stop (the leader's last evaluation and
# its save) before it kills them: torchrun's default of 30 s can cut a save short.
SHUTDOWN_TIMEOUT_S = 600
STOPPED = {130, 143}  # the leader's exit after Ctrl+C or SIGTERM: it saved and said so


def without_nproc(argv: Sequence[str]) -> list[str]:
    """The train command's arguments for each process: `argv` less --nproc N / --nproc=N."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--nproc":
            skip = True
        elif not arg.startswith("--nproc="):
            out.append(arg)
    return out


def launch(nproc: int, train_argv: Sequence[str]) -> int:
    """Run `digitpad train train_argv…` in `nproc` processes; the exit status for the shell."""
    from torch.distributed.elastic.multiprocessing import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import get_args_parser, run

    for name in list(logging.root.manager.loggerDict):  # torchelastic's own levels: ours is the
        if name.startswith("torch.distributed"):    # one line below, not its report
            logging.getLogger(name).setLevel(logging.CRITICAL)
    # the cores shared out (torchrun would set 1 thread each, with a warning)
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // nproc)))
    args = get_args_parser().parse_args([
        "--standalone", f"--nproc-per-node={nproc}", f"--shutdown-timeout={SHUTDOWN_TIMEOUT_S}",
        "--max-restarts=0", "-m", "digitpad", "train", *train_argv,
    ])
    try:
        run(args)
    except ChildFailedError as exc:
        return _failed(exc.failures, nproc)
    except SignalException as exc:  # the agent has passed it on and waited for the processes
        return 130 if exc.sigval == signal.SIGINT else 143
    return 0


def _failed(failures: dict, nproc: int) -> int:
    """One line for what ended the processes (torchrun's ProcessFailure per rank)."""
    leader = failures.get(0)
    others = {rank: f for rank, f in failures.items() if rank != 0}
    # the leader failed and said why (the others were then stopped by the agent), or it was
    # stopped and saved while the others only stopped with it: nothing to add
    stopped_with_it = all(f.exitcode in (-signal.SIGTERM, -signal.SIGINT, *STOPPED)
                          for f in others.values())
    if leader is not None and leader.exitcode > 0 and (
            leader.exitcode not in STOPPED or stopped_with_it):
        return leader.exitcode
    if leader is not None and leader.exitcode < 0:  # its bar may be left mid-line: "\n"
        print(f"\ndigitpad: error: process 0 of {nproc} (pid {leader.pid}), the one that "
              f"saves, {_how(leader.exitcode)}, so training stopped and nothing was saved; "
              "the other processes were stopped.", file=sys.stderr)
        return 1
    parts = [f"process {rank} of {nproc} (pid {f.pid}) {_how(f.exitcode)}"
             for rank, f in sorted(others.items())]
    saved = ("process 0 saved the best weights so far (above)" if leader is None
             or leader.exitcode in STOPPED else
             f"process 0, which saves, {_how(leader.exitcode)}: see above")
    print(f"digitpad: error: {'; '.join(parts)}, so training stopped; {saved}.",
          file=sys.stderr)
    return 1


def _how(exitcode: int) -> str:
    if exitcode < 0:
        try:
            return f"was killed ({signal.Signals(-exitcode).name})"
        except ValueError:
            return f"was killed (signal {-exitcode})"
    return f"exited with status {exitcode}"
