"""How many CPU threads a training run uses, chosen by timing its own steps (issue 17).

One thread per core is fastest on a quiet machine, but beside other busy programs torch's
OpenMP threads wait for each other at every barrier while the OS runs something else: measured
on 2 cores, 2 threads ran 25-45% slower than 1 beside one busy process, and 10x slower at a
load of 6. No fixed choice is right for a laptop that is sometimes busy, so the run measures.

`ThreadChoice` times real training steps (per image, so a short last batch does not count
against its thread count) at 1 thread and at one per core (and half of that where there are 4
or more cores), starting with the count in use: after a switch, one step to settle, then at
least `MIN_STEPS` timed steps and `MIN_SECONDS` of them; a count whose first timed step is
1.5 times the best so far (or whose settling step is 3 times) is dropped at once, and on
Linux a larger count is not tried at all when, while the first count ran, the cores had less
idle time than its extra threads need (/proc/stat: other programs are using them). It keeps the
fastest by median, and measures again when the step time moves by more than a third from what
the choice measured (the machine got busy, or quiet), and otherwise every `recheck_every` steps
(an epoch); never so often that trying the other counts costs more than `BUDGET` of the run.

Written here rather than taken from a library: nothing maintained does this for torch
(OpenMP's own dynamic adjustment, OMP_DYNAMIC, is not supported by the libgomp torch uses).
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable

MIN_STEPS = 3
MIN_SECONDS = 0.05
SETTLE = 1  # steps after a switch not timed (threads waking, caches)
DROP = 1.5  # a count this many times slower than the best on its first timed step is dropped
MOVE = 4 / 3  # a running step time this far from the measured one starts a new measurement
WINDOW = 8  # running steps whose median is compared
BUDGET = 0.03  # at most this share of the run's time spent measuring counts not chosen
IDLE_PER_THREAD = 0.5  # idle cores (while the first count ran) each further thread needs


def cpu_jiffies() -> tuple[float, float] | None:
    """(idle, total) CPU time so far, summed over the cores this process may run on, from
    Linux's /proc/stat; None elsewhere or when it cannot be read."""
    try:
        allowed = os.sched_getaffinity(0)
        idle = total = 0.0
        with open("/proc/stat", encoding="ascii") as stat:
            for line in stat:
                name, *fields = line.split()
                if not name.startswith("cpu"):
                    break  # the per-core lines come first
                if name == "cpu" or int(name[3:]) not in allowed:
                    continue
                values = [float(v) for v in fields[:8]]
                idle += values[3] + values[4]  # idle, iowait
                total += sum(values)
        return (idle, total) if total else None
    except (AttributeError, OSError, ValueError, IndexError):
        return None


def cores() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def candidates(n_cores: int) -> list[int]:
    """The counts worth timing: 1, half the cores (from 4), one per core."""
    counts = [1]
    if n_cores >= 4:
        counts.append(n_cores // 2)
    if n_cores > 1:
        counts.append(n_cores)
    return counts


class ThreadChoice:
    """Call `before_step()` (it sets and returns the thread count for the step) and then
    `after_step(seconds, images)` around every training step."""

    def __init__(self, n_cores: int | None = None, recheck_every: int = 1000,
                 set_threads: Callable[[int], None] | None = None, before: int = 0,
                 jiffies: Callable[[], tuple[float, float] | None] = cpu_jiffies) -> None:
        if set_threads is None:
            import torch

            set_threads, before = torch.set_num_threads, torch.get_num_threads()
        self._set = set_threads
        self._jiffies = jiffies
        self._n_cores = n_cores or cores()
        self._idle_at: tuple[float, float] | None = None  # when the first count began
        self.skipped = 0  # counts not tried: the cores were busy with other work
        self._before = before  # the count to put back at the end (0: leave it)
        self.counts = candidates(self._n_cores)
        self.recheck_every = max(1, recheck_every)
        self.current = 0  # the count set now (0: not set yet)
        self.chosen = 0  # 0 until the first measurement ends
        self.measurements = 0
        self._timed: dict[int, list[tuple[float, int]]] = {}  # count -> (seconds, images)
        self._queue: list[int] = []
        self._first = 0  # the count a measurement starts with (the one running before)
        self._settle = 0
        self._settled: list[tuple[int, float, int]] = []  # untimed (count, seconds, images)
        self._reference = 0.0  # seconds per image of the chosen count when measured
        self._recent: list[float] = []
        self._since = 0  # steps since the last measurement ended
        self._gap = self.recheck_every
        self._start_measuring()

    def restore(self) -> None:
        """Put back the thread count the process had before the run."""
        if self._before and self.current and self.current != self._before:
            self._set(self._before)
            self.current = self._before

    def before_step(self) -> int:
        want = self._queue[0] if self._queue else self.chosen
        if want != self.current:
            self.current = want
            self._settle = SETTLE
        # set every step (0.1 us): torch gives a thread the process's latest count on its
        # first use, which another thread (the app's predictions) may have set meanwhile
        self._set(want)
        return self.current

    def after_step(self, seconds: float, images: int) -> None:
        if self._queue:
            self._measure(seconds, max(1, images))
        else:
            self._run(seconds / max(1, images))

    def _start_measuring(self) -> None:
        self._timed = {count: [] for count in self.counts}
        self._settled = []
        # the chosen count (else 1 thread) first: the others are timed against it, and one
        # far slower is dropped after a step or two
        first = self.chosen or self.counts[0]
        self._queue = [first, *(c for c in self.counts if c != first)]
        self._first = first
        self._idle_at = self._jiffies()

    def _measure(self, seconds: float, images: int) -> None:
        count = self._queue[0]
        others = [_per_image(t) for c, t in self._timed.items() if t and c != count]
        if self._settle:
            self._settle -= 1
            self._settled.append((count, seconds, images))
            if others and seconds / images > 2 * DROP * min(others):
                self._queue.pop(0)  # even settling, that slow: not worth a timed step
                self._settle = 0
                if not self._queue:
                    self._finish()
            return
        timed = self._timed[count]
        timed.append((seconds, images))
        if len(timed) == 1 and others and seconds / images > DROP * min(others):
            self._queue.pop(0)  # far slower than another count: no more steps spent on it
        elif len(timed) >= MIN_STEPS and sum(s for s, _ in timed) >= MIN_SECONDS:
            self._queue.pop(0)
            if count == self._first:
                self._skip_what_busy_cores_cannot_run()
        if not self._queue:
            self._finish()

    def _skip_what_busy_cores_cannot_run(self) -> None:
        """Leave out the larger counts when, while the first count ran, too few cores were
        idle for their extra threads: beside busy programs one step of such a count can cost
        ten or twenty of the first's (threads waiting at barriers for a core), and the idle
        time tells that without paying for it."""
        now = self._jiffies()
        if self._idle_at is None or now is None or now[1] <= self._idle_at[1]:
            return  # no reading (not Linux) or too short a time: try them
        idle = (now[0] - self._idle_at[0]) / (now[1] - self._idle_at[1]) * self._n_cores
        keep = [c for c in self._queue if c <= self._first
                or idle >= IDLE_PER_THREAD * (c - self._first)]
        self.skipped += len(self._queue) - len(keep)
        self._queue = keep

    def _finish(self) -> None:
        speeds = {c: _per_image(t) for c, t in self._timed.items() if t}
        self.chosen = min(speeds, key=lambda c: (speeds[c], c))
        self._reference = speeds[self.chosen]
        self.measurements += 1
        self._recent, self._since = [], 0
        # what trying the other counts cost beyond running the chosen one instead (the first
        # count's steps would have run anyway), and the steps that must follow before the
        # next measurement to keep that under BUDGET of the run
        steps = [*self._settled, *((c, s, n) for c, t in self._timed.items() for s, n in t)]
        steps = [(s, n) for c, s, n in steps if c != self._first] or [(0.0, 1)]
        extra = sum(max(0.0, s - self._reference * n) for s, n in steps)
        per_step = self._reference * statistics.mean(n for _, n in steps)
        self._gap = max(self.recheck_every, int(extra / (BUDGET * per_step)))

    def _run(self, per_image: float) -> None:
        self._since += 1
        self._recent = (self._recent + [per_image])[-WINDOW:]
        moved = False
        if len(self._recent) == WINDOW:
            now = statistics.median(self._recent)
            moved = not (self._reference / MOVE <= now <= self._reference * MOVE)
        if len(self.counts) > 1 and (self._since >= self._gap or (
                moved and self._since >= max(4 * WINDOW, self._gap // 4))):
            self._start_measuring()


def _per_image(steps: list[tuple[float, int]]) -> float:
    """Median seconds per image over timed steps."""
    return statistics.median(s / n for s, n in steps)


def for_run(threads: int, device_type: str, distributed: bool,
            recheck_every: int) -> ThreadChoice | None:
    """A ThreadChoice for a training run, or None where the count is not ours to choose:
    `threads` given (--threads N), not the CPU, a process of a distributed run (the launcher
    shares the cores out), or OMP_NUM_THREADS set by the person."""
    if threads or device_type != "cpu" or distributed or os.environ.get("OMP_NUM_THREADS"):
        return None
    return ThreadChoice(recheck_every=recheck_every)
