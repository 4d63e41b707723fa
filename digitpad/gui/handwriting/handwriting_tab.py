"""The My handwriting tab: collect your own digits in a guided session (left), review them
(right: delete, relabel), and, below the review, the place where the Fine-tune panel goes.

The samples live in a SampleStore (digitpad.core.personal.samples, no torch): the user data
folder's handwriting/ by default, one PNG per drawing in <digit>/.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.errors import DigitpadError
from digitpad.core.personal.samples import Sample, SampleStore
from digitpad.gui.handwriting.collect_panel import CollectPanel
from digitpad.gui.handwriting.review_grid import ReviewGrid
from digitpad.gui.handwriting.sample_transfer import SampleTransfer
from digitpad.gui.widgets.message_bar import MessageBar
from digitpad.gui.widgets.plain_text import plain_label
from digitpad.gui.workers.prediction_service import PredictionService


class HandwritingTab(QWidget):
    """Collect, review and (once the lead adds its panel) fine-tune on your own handwriting."""

    status = Signal(str)  # one line for the status bar
    samplesChanged = Signal()  # the personal set changed (kept, taken back, deleted, moved)

    def __init__(self, service: PredictionService | None = None,
                 parent: QWidget | None = None, store: SampleStore | None = None) -> None:
        super().__init__(parent)
        self.store_error = ""
        if store is None:
            try:
                store = SampleStore()
            except (DigitpadError, OSError) as exc:
                self.store_error = f"Your handwriting folder cannot be used: {exc}"
        self.store = store
        self.collect = CollectPanel(store, service, self)
        self.grid = ReviewGrid(store, self)
        self.transfer = SampleTransfer(store, self)  # Export… / Import… (.zip)
        self._deleted: list[tuple[str, object]] = []  # (digit, image) of the last delete
        self._build()
        self.collect.samplesChanged.connect(self._changed)
        self.collect.finished.connect(lambda kept: self.status.emit(
            f"Done: {kept} samples kept in {self.store.root}"))
        self.grid.refreshed.connect(self._show_counts)
        self.grid.deleteRequested.connect(self.delete_samples)
        self.grid.relabelRequested.connect(self.relabel_samples)
        self.delete_button.clicked.connect(lambda: self.delete_samples(
            self.grid.selected_samples()))
        self.grid.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()
        self._wire_transfer()
        if self.store_error:
            self.notes.show_message(self.store_error, error=True)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        # listed when shown (not at start-up, while the window and the model load), and again
        # each time: samples corrected on the Draw tab, imported, or removed by hand show up
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """List the samples folder again (only new files are decoded)."""
        self.grid.refresh()

    def _build(self) -> None:
        heading = QFont(self.font())
        heading.setBold(True)
        self.review_title = plain_label("Your samples")
        self.review_title.setFont(heading)
        self.review_help = plain_label(
            "Select drawings and press Delete, or type the digit one really is to move it; "
            "right-click for both.")
        self.review_help.setWordWrap(True)
        self.review_help.setEnabled(False)  # greyed: an explanation
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected drawings (Delete)")
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save all your samples as one .zip (to move them to "
                                      "another computer, or keep a copy)")
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Add the samples of a .zip made by Export…")
        self.grid_note = plain_label()
        self.grid_note.setWordWrap(True)
        self.grid_note.hide()
        self.notes = MessageBar(self)
        self.notes.hide()
        title_row = QHBoxLayout()
        title_row.addWidget(self.review_title, 1)
        title_row.addWidget(self.delete_button)
        review = QWidget()
        column = QVBoxLayout(review)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(title_row)
        column.addWidget(self.review_help)
        column.addWidget(self.grid, 1)
        column.addWidget(self.grid_note)
        transfer_row = QHBoxLayout()  # below the grid: the title row has no room to spare
        transfer_row.addStretch(1)
        transfer_row.addWidget(self.import_button)
        transfer_row.addWidget(self.export_button)
        column.addLayout(transfer_row)
        column.addWidget(self.notes)
        # ---- FINE-TUNE PANEL GOES HERE: set_finetune_panel(widget) adds it below the grid ----
        self.finetune_area = QVBoxLayout()
        self.finetune_area.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.finetune_area)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.collect)
        self.splitter.addWidget(review)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 440])
        self.splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.addWidget(self.splitter)

    def set_finetune_panel(self, panel: QWidget) -> None:
        """Put the Fine-tune panel in its place, below the review grid (the lead wires it to
        `samplesChanged` and `store`)."""
        self.finetune_area.addWidget(panel)

    def _wire_transfer(self) -> None:
        transfer = self.transfer
        self.export_button.clicked.connect(transfer.export_samples)
        self.import_button.clicked.connect(transfer.import_samples)
        transfer.status.connect(self.status)
        transfer.status.connect(lambda text: self.notes.show_message(text, timeout_ms=10_000))
        transfer.failed.connect(lambda text: self.notes.show_message(text, error=True))
        transfer.imported.connect(lambda _result: self._changed())
        transfer.busyChanged.connect(self._transfer_busy)
        self._transfer_busy(False)

    def _transfer_busy(self, busy: bool) -> None:
        usable = self.store is not None and not busy
        self.import_button.setEnabled(usable)
        self.export_button.setEnabled(usable and self.grid.count() > 0)
        if busy:
            self.notes.show_message("Checking the zip…" if self.transfer.what() == "import"
                                    else "Writing the zip…")

    # --- the personal set changed -------------------------------------------------------------
    def _changed(self) -> None:
        self.grid.refresh()
        self.samplesChanged.emit()

    def _show_counts(self) -> None:
        total = self.grid.count()
        self.review_title.setText(f"Your samples ({total})" if total else
                                  "Your samples: none yet — press Start to draw some")
        self.export_button.setEnabled(self.store is not None and total > 0
                                      and not self.transfer.is_busy())
        note = self.grid.note()
        self.grid_note.setText(note)
        self.grid_note.setVisible(bool(note))

    def _selection_changed(self) -> None:
        n = len(self.grid.selected_samples())
        self.delete_button.setEnabled(n > 0)
        self.delete_button.setText(f"Delete {n}" if n > 1 else "Delete")

    def delete_samples(self, samples: list[Sample]) -> None:
        """Delete `samples` (their images are kept in memory for one Undo)."""
        if not samples or self.store is None:
            return
        deleted: list[tuple[str, object]] = []
        try:
            for sample in samples:
                try:
                    image = self.store.image(sample)
                except (DigitpadError, OSError):
                    image = None  # not an image: nothing to bring back
                self.store.delete(sample)
                if image is not None:
                    deleted.append((sample.digit, image))
        except (DigitpadError, OSError, ValueError) as exc:
            self.notes.show_message(f"Not everything was deleted: {exc}", error=True)
        else:
            n = len(samples)
            what = f"a {samples[0].digit}" if n == 1 else f"{n} drawings"
            self._deleted = deleted
            self.notes.show_message(f"Deleted {what}.", timeout_ms=10_000,
                                    action=("Undo", self._undo_delete) if deleted else None)
        self._changed()

    def _undo_delete(self) -> None:
        deleted, self._deleted = self._deleted, []
        try:
            for digit, image in deleted:
                self.store.add(digit, image)
        except (DigitpadError, OSError, ValueError) as exc:
            self.notes.show_message(f"Not everything came back: {exc}", error=True)
        self._changed()

    def relabel_samples(self, samples: list[Sample], digit: str) -> None:
        """Move `samples` to `digit`'s row (they were drawings of that digit)."""
        moving = [s for s in samples if s.digit != digit]
        if not moving or self.store is None:
            return
        moved = []
        try:
            for sample in moving:
                moved.append(self.store.relabel(sample, digit).path)
        except (DigitpadError, OSError, ValueError) as exc:
            self.notes.show_message(f"Not everything was moved: {exc}", error=True)
        else:
            n = len(moving)
            self.notes.show_message(f"Moved {'it' if n == 1 else f'{n} drawings'} to the "
                                    f"{digit}s.", timeout_ms=6000)
        self.grid.select_when_shown(moved)
        self._changed()
