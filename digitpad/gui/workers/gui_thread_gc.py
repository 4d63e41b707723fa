"""Collect Python's reference cycles on the GUI thread only.

Python's cyclic garbage collector runs on whichever thread happens to allocate when a
generation fills up. When that is a worker (building a model for the Train tab's list, a
prediction) and the cycle holds Qt wrappers made on the GUI thread (a closed dialog, a
widget's lambda), Qt objects are destroyed on the wrong thread and the process can crash:
CI saw exactly that, a segfault "Garbage-collecting" inside a background call.

pyqtgraph (already the charts' library) ships the well-known remedy: turn automatic
collection off and collect on a GUI-thread timer with the same generation thresholds.
"""

from __future__ import annotations

from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QCoreApplication

_ATTRIBUTE = "_digitpad_gui_thread_gc"


def collect_on_gui_thread(app: QCoreApplication, interval_s: float = 0.5) -> GarbageCollector:
    """Make cyclic garbage collection run on the GUI thread's timer for `app`'s lifetime.

    Idempotent: a second call returns the collector already installed."""
    existing = getattr(app, _ATTRIBUTE, None)
    if existing is not None:
        return existing
    collector = GarbageCollector(interval=interval_s)
    setattr(app, _ATTRIBUTE, collector)  # kept alive, and its timer, as long as the app
    return collector
