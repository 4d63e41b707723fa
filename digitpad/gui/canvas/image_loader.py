"""ImageLoader: image files, pasted and dropped images decoded off the GUI thread, for the canvas.

Every way an image reaches the canvas from outside the app (File ▸ Open, a dropped file, Edit ▸
Paste, dropped image data) goes through here and through image_io's size-checked loaders, so
each is accepted or refused alike, with the same one-line message. Decoding runs on a pool
thread (a photo of 8000x8000 pixels takes seconds), so the window stays responsive; when several
images arrive quickly, only the last one is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QImage

from digitpad.core.errors import DigitpadError
from digitpad.gui.canvas.image_io import ImageData, load_image_data, load_image_file
from digitpad.gui.workers.background_call import BackgroundCall


class ImageLoader(QObject):
    """Decodes one image at a time in the background; the newest request wins."""

    loaded = Signal(QImage, str)  # the image, what it came from (a path or "pasted image")
    failed = Signal(str, str)  # what it came from, one sentence saying why it cannot be used

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest: BackgroundCall | None = None

    def open_file(self, path: str) -> None:
        """Decode the image file `path`."""
        self._start(path, lambda: load_image_file(path))

    def open_data(self, data: ImageData) -> None:
        """Decode pasted or dropped image data."""
        self._start(data.name, lambda: load_image_data(data))

    def _start(self, what: str, decode: Callable[[], QImage]) -> None:
        def read() -> QImage | str:
            try:
                return decode()
            except DigitpadError as exc:
                return str(exc)

        # connected to bound methods: queued to this (GUI) thread, whichever thread emits
        call = BackgroundCall(read, self, tag=what)
        call.done.connect(self._read)
        call.failed.connect(self._crashed)
        self._latest = call
        call.start()

    @Slot(object)
    def _read(self, result: QImage | str) -> None:
        self._finish(self.sender(), result)

    @Slot(str)
    def _crashed(self, message: str) -> None:
        call = self.sender()
        what = Path(str(getattr(call, "tag", ""))).name or "the image"
        self._finish(call, f"Could not open '{what}' ({message}).")

    def _finish(self, call: object, result: QImage | str) -> None:
        if not isinstance(call, BackgroundCall):
            return
        call.deleteLater()
        if call is not self._latest:
            return  # another image came since: only the latest is shown
        self._latest = None
        if isinstance(result, str):
            self.failed.emit(call.tag, result)
        else:
            self.loaded.emit(result, call.tag)
