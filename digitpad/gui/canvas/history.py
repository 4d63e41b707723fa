"""StrokeHistory: undo and redo for the canvas, as whole-image snapshots (no widgets here)."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

UNDO_LIMIT = 50  # 50 snapshots of 560×560 grey pixels: about 15 MB at most


class StrokeHistory(QObject):
    """Snapshots taken before each change; signals when undo or redo becomes (un)available."""

    undoAvailable = Signal(bool)
    redoAvailable = Signal(bool)

    def __init__(self, limit: int = UNDO_LIMIT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._undo: deque[QImage] = deque(maxlen=limit)
        self._redo: list[QImage] = []
        self._state = (False, False)

    @property
    def can_undo(self) -> bool:
        """Whether there is a change to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone change to redo."""
        return bool(self._redo)

    def checkpoint(self, image: QImage) -> None:
        """Remember `image` (copied) before a change; a new change forgets what was undone."""
        self._undo.append(image.copy())
        self._redo.clear()
        self._sync()

    def undo(self, current: QImage) -> QImage | None:
        """The image before the last change (`current` is kept for redo), or None."""
        if not self._undo:
            return None
        self._redo.append(current)
        previous = self._undo.pop()
        self._sync()
        return previous

    def redo(self, current: QImage) -> QImage | None:
        """The image after the change last undone (`current` is kept for undo), or None."""
        if not self._redo:
            return None
        self._undo.append(current)
        following = self._redo.pop()
        self._sync()
        return following

    def _sync(self) -> None:
        state = (self.can_undo, self.can_redo)
        previous, self._state = self._state, state
        if state[0] != previous[0]:
            self.undoAvailable.emit(state[0])
        if state[1] != previous[1]:
            self.redoAvailable.emit(state[1])
