"""Threads chosen by timing the run's own steps (issue 17), on a simulated machine whose step
time depends on the thread count and on how busy it is."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from digitpad.core.thread_choice import BUDGET, ThreadChoice, candidates

BATCH = 128


def run(choice: ThreadChoice, steps: int, seconds: Callable[[int, int], float]) -> float:
    """Total seconds of `steps` steps, where seconds(step, threads) is one step's time."""
    total = 0.0
    for i in range(steps):
        t = seconds(i, choice.before_step())
        choice.after_step(t, BATCH)
        total += t
    return total


def machine(per_thread: dict[int, float]) -> Callable[[int, int], float]:
    return lambda i, threads: per_thread[threads]


def new(n_cores: int = 2, jiffies=lambda: None, **kw: int) -> tuple[ThreadChoice, list[int]]:
    """A choice that sets no real threads and, unless told, reads no idle time."""
    calls: list[int] = []
    return ThreadChoice(n_cores, set_threads=calls.append, jiffies=jiffies, **kw), calls


class Clock:
    """Fake /proc/stat: `idle` of the 2 cores idle while time passes, 100 jiffies a step."""

    def __init__(self, idle: float) -> None:
        self.idle, self.ticks = idle, 0

    def __call__(self) -> tuple[float, float]:
        self.ticks += 1
        return self.ticks * 100 * self.idle / 2, self.ticks * 100.0


def test_the_counts_tried_are_one_half_and_all_cores() -> None:
    assert candidates(1) == [1] and candidates(2) == [1, 2] and candidates(8) == [1, 4, 8]


@pytest.mark.parametrize("speeds, best", [
    ({1: 0.030, 2: 0.016}, 2),  # quiet: two threads nearly twice as fast
    ({1: 0.030, 2: 0.040}, 1),  # beside one busy process: two threads 25-45% slower
    ({1: 0.030, 2: 0.300}, 1),  # loaded: ten times slower
])
def test_it_keeps_the_faster_count_and_loses_little_finding_it(speeds, best) -> None:
    choice, _ = new(recheck_every=170)
    total = run(choice, 2000, machine(speeds))
    assert choice.chosen == best and choice.current == best
    fastest = 2000 * min(speeds.values())
    assert total <= fastest / 0.95  # within 95% of the best fixed choice
    assert total <= fastest * (1 + 2 * BUDGET)


def test_a_count_far_slower_is_dropped_after_its_settling_step() -> None:
    choice, calls = new()
    times = {1: 0.01, 2: 0.5}
    steps_at: dict[int, int] = {1: 0, 2: 0}
    while choice.chosen == 0:
        threads = choice.before_step()
        steps_at[threads] += 1
        choice.after_step(times[threads], BATCH)
    assert choice.chosen == 1
    assert steps_at[2] == 1  # its settling step alone was slow enough
    assert calls[0] == 1  # one thread is tried first


def test_when_the_machine_gets_busy_it_changes_to_one_thread_and_back_when_quiet() -> None:
    def day(i: int, threads: int) -> float:
        busy = 500 <= i < 1500
        if busy:
            return {1: 0.030, 2: 0.300}[threads]
        return {1: 0.030, 2: 0.016}[threads]

    choice, _ = new(recheck_every=300)  # as an epoch of 300 steps
    seen: list[int] = []
    for i in range(2000):
        threads = choice.before_step()
        choice.after_step(day(i, threads), BATCH)
        seen.append(choice.chosen)
    assert seen[499] == 2
    assert 1 in seen[500:600]  # busy: within 100 steps it runs on one thread
    assert seen[1499] == 1
    assert seen[-1] == 2  # quiet again: back to one per core


def test_one_core_is_one_thread_and_nothing_to_measure() -> None:
    choice, calls = new(n_cores=1)
    run(choice, 50, machine({1: 0.02}))
    assert set(calls) == {1} and choice.chosen == 1 and choice.measurements == 1


def test_a_count_somewhat_slower_is_dropped_after_one_timed_step() -> None:
    choice, _ = new()
    times = {1: 0.010, 2: 0.017}  # 1.7 times: settling does not tell, the first timed step does
    steps_at = {1: 0, 2: 0}
    while choice.chosen == 0:
        threads = choice.before_step()
        steps_at[threads] += 1
        choice.after_step(times[threads], BATCH)
    assert choice.chosen == 1 and steps_at[2] == 2


@pytest.mark.parametrize("idle, tries_two", [(0.1, False), (0.9, True)])
def test_with_no_idle_core_the_second_thread_is_not_even_tried(idle, tries_two) -> None:
    """Beside busy programs one step on two threads can cost twenty on one: the cores' idle
    time while one thread ran says so without paying for that step."""
    choice, calls = new(jiffies=Clock(idle))
    times = {1: 0.010, 2: 0.200}
    while choice.chosen == 0:
        choice.after_step(times[choice.before_step()], BATCH)
    assert choice.chosen == 1
    assert (2 in calls) is tries_two and choice.skipped == (0 if tries_two else 1)
