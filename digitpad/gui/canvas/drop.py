"""What a drag onto the canvas carries: a local file, image data from another program, or neither.

Plain functions rather than a mixin: PySide6 dispatches Qt's virtual event handlers only to
methods defined on the QWidget subclass itself, so DrawingCanvas keeps three one-line overrides.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QImage


def acceptable(mime: QMimeData) -> bool:
    """True for image data or at least one local file."""
    return mime.hasImage() or (mime.hasUrls() and any(u.isLocalFile() for u in mime.urls()))


def dropped_item(mime: QMimeData) -> str | QImage | None:
    """The first local file's path, else the image data, else None."""
    files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    if files:
        return files[0]
    if mime.hasImage():
        return QImage(mime.imageData())
    return None
