"""TrainControl: the stop and pause requests a running training loop checks between batches."""

from __future__ import annotations

import threading


class TrainControl:
    """Thread-safe flags. Any thread may request; the training loop reads between batches."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def request_stop(self) -> None:
        """Ask the loop to stop after the current batch (also ends a pause)."""
        self._stop.set()
        self._running.set()

    def pause(self) -> None:
        """Ask the loop to wait before its next batch; weights and optimizer state are kept."""
        if not self._stop.is_set():
            self._running.clear()

    def resume(self) -> None:
        """Let a paused loop carry on."""
        self._running.set()

    @property
    def stop_requested(self) -> bool:
        """True once a stop was requested."""
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        """True while a pause is in force."""
        return not self._running.is_set()

    def wait_while_paused(self) -> None:
        """Block until resumed or stopped; returns at once when not paused."""
        self._running.wait()
