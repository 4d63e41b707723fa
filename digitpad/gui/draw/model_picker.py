"""ModelPicker: the Draw tab's model list — bundled models, a separator, the library (newest
first), and any model file opened from elsewhere; it always names the model in use."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QWidget

from digitpad.core.model_library import ModelEntry
from digitpad.gui.widgets.plain_text import tooltip

LIBRARY_HEADER = "Your models (newest first)"
OPENED_HEADER = "Opened files"
DECLINES = " · declines non-digits"  # after the label of a model with its own decline rule
DECLINES_TIP = ("Trained to tell non-digits: it says \"That doesn't look like a digit\" for "
                "letters, symbols and scribbles (View ▸ Not a Digit changes that)")


def opened_label(path: str, architecture: str, dataset: str) -> str:
    """How a model file opened from outside the library is listed."""
    details = ", ".join(v for v in (architecture, dataset) if v)
    return f"{Path(path).stem} ({details})" if details else Path(path).stem


class ModelPicker(QComboBox):
    """A combo box of models; item data is the model's path (headers have none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip("The model that recognises your drawing: bundled models first, then "
                        "yours (newest first), then model files you opened")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self._entries: list[ModelEntry] = []
        # path -> (label, declines), files opened from outside the library
        self._opened: dict[str, tuple[str, bool]] = {}

    # --- contents -----------------------------------------------------------------------
    def set_entries(self, entries: list[ModelEntry]) -> None:
        """List these models; keeps the selection where it still exists."""
        current = self.current_path()
        self._entries = list(entries)
        listed = {str(e.path) for e in entries}
        self._opened = {p: label for p, label in self._opened.items() if p not in listed}
        self._rebuild(current)

    def usable_paths(self) -> list[str]:
        """Every model that can be chosen, in list order."""
        paths = [str(e.path) for e in self._entries if not e.problem]
        return paths + list(self._opened)

    def library_entries(self) -> list[ModelEntry]:
        """The entries of the user's own (not bundled) models."""
        return [e for e in self._entries if not e.bundled]

    def show_model(self, path: str, label: str = "", declines: bool = False) -> None:
        """Select `path`, adding it under "Opened files" when it is not listed (`declines`: the
        model has its own "not a digit" rule)."""
        if self.findData(path) < 0:
            self._opened[path] = (label or Path(path).stem, declines)
            self._rebuild(path)
        self.setCurrentIndex(self.findData(path))

    def current_path(self) -> str:
        """The path of the selected model ('' when none)."""
        data = self.currentData()
        return data if isinstance(data, str) else ""

    # --- building -----------------------------------------------------------------------
    def _rebuild(self, select: str) -> None:
        self.blockSignals(True)
        self.clear()
        bundled = [e for e in self._entries if e.bundled]
        own = [e for e in self._entries if not e.bundled]
        for entry in bundled:
            self._add_entry(entry)
        if own:
            self._header(LIBRARY_HEADER)
            for entry in own:
                self._add_entry(entry)
        if self._opened:
            self._header(OPENED_HEADER)
            for path, (label, declines) in self._opened.items():
                self._add(label + (DECLINES if declines else ""), path, "", declines)
        index = self.findData(select) if select else -1
        if index >= 0:
            self.setCurrentIndex(index)
        self.blockSignals(False)

    def _add_entry(self, entry: ModelEntry) -> None:
        declines = entry.declines and not entry.problem  # (the metadata says so: no weights read)
        self._add(entry.label + (DECLINES if declines else ""), str(entry.path), entry.problem,
                  declines)

    def _add(self, label: str, path: str, problem: str, declines: bool = False) -> None:
        self.addItem(label, path)
        index = self.count() - 1
        tip = path + (f"\n{problem}" if problem else "") + (f"\n{DECLINES_TIP}" * declines)
        self.setItemData(index, tooltip(tip), Qt.ItemDataRole.ToolTipRole)
        if problem:
            self._disable(index)

    def _header(self, text: str) -> None:
        if self.count():
            self.insertSeparator(self.count())
        self.addItem(text)
        self._disable(self.count() - 1)

    def _disable(self, index: int) -> None:
        model = self.model()
        if isinstance(model, QStandardItemModel):
            model.item(index).setEnabled(False)
