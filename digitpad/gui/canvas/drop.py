"""What a drag onto the canvas carries: a local file, image data from another program, or neither.

Plain functions rather than a mixin: PySide6 dispatches Qt's virtual event handlers only to
methods defined on the QWidget subclass itself, so DrawingCanvas keeps three one-line overrides.
Nothing is decoded here: the Draw tab loads what was dropped with the same checks as a file.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData

from digitpad.gui.canvas.image_io import ImageData, image_data

DROPPED = "dropped image"  # how messages name image data dropped without a file


def acceptable(mime: QMimeData) -> bool:
    """True for image data or at least one local file."""
    if mime.hasUrls() and any(u.isLocalFile() for u in mime.urls()):
        return True
    return mime.hasImage() or any(f.startswith("image/") for f in mime.formats())


def dropped_item(mime: QMimeData) -> str | ImageData | None:
    """The first local file's path, else the image data (not decoded yet), else None."""
    files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    if files:
        return files[0]
    return image_data(mime, DROPPED)
