"""Moving the person's handwriting between machines: Export… writes every sample to one .zip,
Import… adds the samples of such a zip (digitpad.core.personal.sample_zip does the work and all
the checking; no torch here).

Both run off the GUI thread (BackgroundCall on a daemon thread): a hostile zip takes seconds to
check, and a file on a hung network mount may never answer, which must neither freeze the window
nor keep the app from quitting. One transfer at a time: while one runs, `busyChanged(True)` lets
the buttons and menu items grey out, and a second request is answered with one line. Results and
refusals are single lines (`status`, `failed`) that the tab shows as plain text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from digitpad.core.errors import DigitpadError
from digitpad.core.personal.sample_zip import ImportResult, export_zip, import_zip
from digitpad.core.personal.samples import SampleStore
from digitpad.core.safe_text import printable
from digitpad.gui.settings_store import remember_folder, start_folder
from digitpad.gui.workers.background_call import BackgroundCall

FOLDER_PURPOSE = "handwriting-zip"  # start_folder / remember_folder: where the last zip was
ZIP_FILTER = "Zip files (*.zip);;All files (*)"
NO_SAMPLES = "There are no samples to export yet: press Start to draw some."


@dataclass(frozen=True)
class _Refused:
    """A transfer that ended with a user-facing reason (a DigitpadError's one line)."""

    message: str


def _plural(n: int, word: str = "sample") -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def import_message(result: ImportResult, name: str) -> str:
    """The one line an import ends with: "Imported 48 samples (2 already there)."."""
    extras = []
    if result.duplicates:
        extras.append(f"{result.duplicates:,} already there")
    if result.ignored:
        extras.append(f"{_plural(result.ignored, 'other file')} left out")
    more = f" ({', '.join(extras)})" if extras else ""
    if result.added == 0:
        return f"Nothing new in {name}{more}."
    return f"Imported {_plural(result.added)} from {name}{more}."


def default_zip_name(today: date | None = None) -> str:
    """handwriting-2026-12-02.zip"""
    return f"handwriting-{(today or date.today()).isoformat()}.zip"


class SampleTransfer(QObject):
    """Export… / Import… of the samples in `store`, with their file dialogs over `window`."""

    status = Signal(str)  # a transfer ended well: one line for the status bar and the tab
    failed = Signal(str)  # refused or failed: one line, nothing changed
    imported = Signal(object)  # ImportResult: samples were added (the grid lists them again)
    busyChanged = Signal(bool)  # a transfer started (True) or ended (False)

    def __init__(self, store: SampleStore | None, window: QWidget) -> None:
        super().__init__(window)
        self.store = store
        self._window = window
        self._call: BackgroundCall | None = None
        self._what = ""  # "export" or "import", while one runs

    def is_busy(self) -> bool:
        """True while an export or import runs."""
        return self._call is not None

    def what(self) -> str:
        """"export" or "import" while one runs, else ""."""
        return self._what if self._call is not None else ""

    # --- the two actions ------------------------------------------------------------------
    def export_samples(self) -> None:
        """Ask for a file name (handwriting-<date>.zip in the folder last used) and write
        every sample to it in the background."""
        if not self._can_start():
            return
        store = self.store
        try:
            empty = store.total() == 0
        except (DigitpadError, OSError) as exc:
            self.failed.emit(f"Your samples could not be listed: {exc}")
            return
        if empty:
            self.failed.emit(NO_SAMPLES)
            return
        suggested = os.path.join(start_folder(FOLDER_PURPOSE), default_zip_name())
        chosen, _ = QFileDialog.getSaveFileName(self._window, "Export your handwriting",
                                                suggested, ZIP_FILTER)
        if not chosen or self.is_busy():  # cancelled, or one started meanwhile
            return
        remember_folder(FOLDER_PURPOSE, chosen)
        out = Path(chosen)
        if not out.suffix:
            out = out.with_suffix(".zip")
        self._start("export", lambda: export_zip(store, out), out)

    def import_samples(self) -> None:
        """Ask for a .zip and add its samples in the background, after the zip is checked
        whole (a refused zip changes nothing)."""
        if not self._can_start():
            return
        chosen, _ = QFileDialog.getOpenFileName(self._window, "Import handwriting",
                                                start_folder(FOLDER_PURPOSE), ZIP_FILTER)
        if not chosen or self.is_busy():
            return
        remember_folder(FOLDER_PURPOSE, chosen)
        path, store = Path(chosen), self.store
        self._start("import", lambda: import_zip(path, store), path)

    # --- running one -------------------------------------------------------------------------
    def _can_start(self) -> bool:
        if self.store is None:
            self.failed.emit("Your handwriting folder cannot be used, so there is nothing to "
                             "export or import.")
            return False
        if self.is_busy():
            self.failed.emit(f"An {self._what} is still under way; wait for it to finish.")
            return False
        return True

    def _start(self, what: str, function, path: Path) -> None:  # noqa: ANN001 - () -> result
        def run() -> object:
            try:
                return function()
            except (DigitpadError, OSError) as exc:  # the zip's one line; nothing changed
                return _Refused(str(exc))

        self._what = what
        self._call = BackgroundCall(run, self, daemon=True, tag=(what, path))
        self._call.done.connect(self._done)
        self._call.failed.connect(self._crashed)
        self.busyChanged.emit(True)
        self._call.start()

    def _end(self) -> tuple[str, Path]:
        call, self._call = self._call, None
        what, path = call.tag if call is not None else ("", Path())
        if call is not None:
            call.deleteLater()
        self.busyChanged.emit(False)
        return what, path

    def _done(self, result: object) -> None:
        what, path = self._end()
        name = printable(path.name or path, 120)
        if isinstance(result, _Refused):
            self.failed.emit(result.message)
        elif what == "export":
            self.status.emit(f"Exported {_plural(int(result))} to {printable(path)}.")
        elif isinstance(result, ImportResult):
            self.status.emit(import_message(result, name))
            if result.added:
                self.imported.emit(result)

    def _crashed(self, message: str) -> None:  # not a DigitpadError: a bug, said in one line
        what, path = self._end()
        self.failed.emit(f"The {what} of {printable(path.name or path, 120)} failed: "
                         f"{printable(message, 300)}")
