"""ReviewGrid: the personal samples, one row per digit, as thumbnails to delete or relabel.

Select thumbnails (click, Shift/Ctrl+click, arrow keys) and press Delete, or type the digit a
drawing really is to move it to that row; the context menu offers both ("It's a…"). The files
are listed and decoded off the GUI thread (a few hundred samples take a second or so to decode),
only new ones each time; a file that is no image is left out of the grid and said so in a note,
never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QIcon, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTableWidget, QTableWidgetItem, QWidget

from digitpad.core.errors import DigitpadError
from digitpad.core.personal.samples import DIGITS, Sample, SampleStore
from digitpad.gui.canvas.image_io import array_to_qimage
from digitpad.gui.workers.background_call import BackgroundCall

THUMB = 40  # thumbnail side, pixels
PATH_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Listing:
    """What a background refresh found."""

    samples: list[Sample]
    thumbnails: dict[str, QImage]  # path → thumbnail, for samples not seen before
    unreadable: list[str]  # paths of files that are no image (left out)
    error: str = ""  # the folder could not be listed at all


def load_listing(store: SampleStore, known: set[str]) -> Listing:
    """List the store and make thumbnails of the samples not in `known` (off the GUI thread:
    QImage, unlike QPixmap, may be used on any thread)."""
    try:
        samples = store.samples()
    except (DigitpadError, OSError) as exc:
        return Listing([], {}, [], f"Your samples could not be listed: {exc}")
    thumbnails: dict[str, QImage] = {}
    unreadable: list[str] = []
    shown: list[Sample] = []
    for sample in samples:
        key = str(sample.path)
        if key in known:
            shown.append(sample)
            continue
        try:
            image = store.image(sample)
        except (DigitpadError, OSError, ValueError):
            unreadable.append(key)
            continue
        thumbnails[key] = array_to_qimage(image).scaled(
            THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)
        shown.append(sample)
    return Listing(shown, thumbnails, unreadable)


class ReviewGrid(QTableWidget):
    """One row per digit; each cell a sample. Delete / relabel act on the selected cells."""

    refreshed = Signal()  # the grid shows the store as it now is
    deleteRequested = Signal(list)  # [Sample], the selection: the tab deletes them
    relabelRequested = Signal(list, str)  # [Sample], the digit they really are

    def __init__(self, store: SampleStore | None, parent: QWidget | None = None) -> None:
        super().__init__(len(DIGITS), 0, parent)
        self.store = store
        self._thumbnails: dict[str, QPixmap] = {}
        self._samples: dict[str, Sample] = {}
        self._unreadable: list[str] = []
        self._error = ""
        self._refreshes = 0
        self._select_next: set[str] = set()  # paths to select once they show (moved ones)
        self.setVerticalHeaderLabels([f"{d}" for d in DIGITS])
        self.horizontalHeader().hide()
        self.horizontalHeader().setDefaultSectionSize(THUMB + 6)
        self.verticalHeader().setDefaultSectionSize(THUMB + 6)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setShowGrid(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAccessibleName("Your samples, one row per digit")
        self.setToolTip("Select drawings: Delete removes them, a digit key (0-9) moves them to "
                        "that digit; right-click for both")

    # --- reading the store ------------------------------------------------------------------
    def refresh(self) -> None:
        """List the store again (in the background); `refreshed` follows."""
        if self.store is None:
            self.refreshed.emit()
            return
        self._refreshes += 1
        store, known = self.store, set(self._thumbnails)
        call = BackgroundCall(lambda: load_listing(store, known), self, daemon=True,
                              tag=self._refreshes)
        call.done.connect(self._listed)
        call.failed.connect(self._list_failed)
        call.start()

    def _latest(self) -> bool:
        call = self.sender()
        if isinstance(call, BackgroundCall):
            call.deleteLater()
            return call.tag == self._refreshes
        return False

    def _listed(self, listing: Listing) -> None:
        if not self._latest():
            return
        for key, image in listing.thumbnails.items():
            self._thumbnails[key] = QPixmap.fromImage(image)
        self._samples = {str(s.path): s for s in listing.samples}
        for gone in set(self._thumbnails) - set(self._samples):
            del self._thumbnails[gone]
        self._unreadable, self._error = listing.unreadable, listing.error
        self._fill()
        self.refreshed.emit()

    def _list_failed(self, message: str) -> None:
        if self._latest():
            self._error = f"Your samples could not be listed ({message})."
            self.refreshed.emit()

    def select_when_shown(self, paths: list[Path]) -> None:
        """Select these samples once the next refresh shows them (a moved drawing stays
        selected, so that a second digit key moves it on)."""
        self._select_next = {str(p) for p in paths}

    def _fill(self) -> None:
        selected = {key for key in (self._key(i) for i in self.selectedItems()) if key}
        selected |= self._select_next
        self._select_next = set()
        rows = {d: [s for s in self._samples.values() if s.digit == d] for d in DIGITS}
        self.clearContents()
        self.setColumnCount(max((len(r) for r in rows.values()), default=0))
        for row, digit in enumerate(DIGITS):
            samples = sorted(rows[digit], key=lambda s: (s.created, s.path.name))
            header = QTableWidgetItem(f"{digit}  ({len(samples)})")
            header.setToolTip(f"{len(samples)} drawing{'s' * (len(samples) != 1)} of {digit}")
            self.setVerticalHeaderItem(row, header)
            for column, sample in enumerate(samples):
                key = str(sample.path)
                item = QTableWidgetItem()
                item.setIcon(QIcon(self._thumbnails[key]))
                item.setData(PATH_ROLE, key)
                item.setToolTip(f"A {digit}, drawn {_when(sample.created)}")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.setItem(row, column, item)
                item.setSelected(key in selected)

    # --- what is shown ----------------------------------------------------------------------
    def count(self, digit: str | None = None) -> int:
        """Samples shown (of `digit`, or in all)."""
        return sum(1 for s in self._samples.values() if digit is None or s.digit == digit)

    def note(self) -> str:
        """A line about what could not be shown ('' when everything is)."""
        if self._error:
            return self._error
        n = len(self._unreadable)
        if not n:
            return ""
        names = ", ".join(Path(p).name for p in self._unreadable[:3]) + ("…" if n > 3 else "")
        return (f"{n} file{'s' * (n != 1)} in the samples folder {'are' if n != 1 else 'is'} "
                f"not a readable image and left out ({names}).")

    def cell_of(self, path: str | Path) -> tuple[int, int] | None:
        """(row, column) of the sample saved at `path`, or None."""
        for row in range(self.rowCount()):
            for column in range(self.columnCount()):
                item = self.item(row, column)
                if item is not None and item.data(PATH_ROLE) == str(path):
                    return row, column
        return None

    def selected_samples(self) -> list[Sample]:
        """The samples selected, row by row."""
        items = sorted(self.selectedItems(), key=lambda i: (i.row(), i.column()))
        return [self._samples[k] for k in (self._key(i) for i in items) if k in self._samples]

    @staticmethod
    def _key(item: QTableWidgetItem) -> str:
        return item.data(PATH_ROLE) or ""

    # --- acting -----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        chosen = self.selected_samples()
        text = event.text()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if chosen and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.deleteRequested.emit(chosen)
        elif chosen and plain and len(text) == 1 and text in DIGITS:
            self.relabelRequested.emit(chosen, text)
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        item = self.itemAt(event.pos())
        if item is not None and not item.isSelected():
            self.clearSelection()
            item.setSelected(True)
        menu = self.context_menu()
        if menu is not None:
            menu.popup(event.globalPos() if event.globalPos() else self.mapToGlobal(QPoint()))

    def context_menu(self) -> QMenu | None:
        """The menu for the selection: "It's a…" 0-9, then Delete (None: nothing selected)."""
        chosen = self.selected_samples()
        if not chosen:
            return None
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        relabel = menu.addMenu("It's a…")
        digits = {s.digit for s in chosen}
        for digit in DIGITS:
            action = relabel.addAction(digit, lambda d=digit: self.relabelRequested.emit(
                self.selected_samples(), d))
            action.setEnabled(digits != {digit})
        menu.addSeparator()
        many = len(chosen) > 1
        menu.addAction(f"Delete {len(chosen)} drawings" if many else "Delete this drawing",
                       lambda: self.deleteRequested.emit(self.selected_samples()))
        return menu


def _when(created: float) -> str:
    from datetime import datetime

    try:
        return datetime.fromtimestamp(created).strftime("%d %b %Y, %H:%M")
    except (OverflowError, OSError, ValueError):
        return "at an unknown time"
