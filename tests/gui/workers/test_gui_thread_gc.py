"""Python's cycle collector runs on the GUI thread, never on a worker (where destroying Qt
objects made on the GUI thread crashed the process)."""

from __future__ import annotations

import gc
import threading

from digitpad.gui.workers.gui_thread_gc import collect_on_gui_thread


class _Cycle:
    """A reference cycle that notes which thread finalises it."""

    def __init__(self, seen: list[threading.Thread]) -> None:
        self.seen = seen
        self.me = self

    def __del__(self) -> None:
        self.seen.append(threading.current_thread())


def test_a_cycle_is_collected_on_the_gui_thread_even_when_a_worker_allocates(qapp, qtbot):
    collector = collect_on_gui_thread(qapp)
    assert collect_on_gui_thread(qapp) is collector
    assert not gc.isenabled()
    seen: list[threading.Thread] = []
    _Cycle(seen)  # unreachable at once: only the cycle collector can free it
    kept: list[list[list[int]]] = []
    # far past generation 0's threshold: Python's own collector would run here, on the worker
    worker = threading.Thread(target=lambda: kept.append([[] for _ in range(50_000)]))
    worker.start()
    worker.join()
    assert seen == []
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert seen == [threading.main_thread()]
