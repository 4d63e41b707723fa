"""ModelLibraryDialog: Model ▸ Manage Model Library… — rename or delete your saved models.

Bundled models are not listed (they cannot be changed); the library is shown newest first, as
the picker lists it. Names are shown as plain text (they come from files)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.core.errors import DigitpadError
from digitpad.core.model_library import ModelEntry, delete_model, rename_model


class ModelLibraryDialog(QDialog):
    """A list of the library's models with Rename… and Delete… buttons."""

    changed = Signal(str)  # the library changed; a renamed model's new path ("" otherwise)

    def __init__(self, entries: list[ModelEntry], in_use: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Model library")
        self._in_use = in_use
        self.list = QListWidget(self)
        for entry in entries:
            item = QListWidgetItem(entry.label)  # QListWidget shows text as plain text
            item.setData(Qt.ItemDataRole.UserRole, str(entry.path))
            item.setData(Qt.ItemDataRole.UserRole + 1, entry.name)
            item.setToolTip(str(entry.path))
            self.list.addItem(item)
        self.note = QLabel("Your saved models, newest first." if entries else
                           "No saved models yet: train one on the Train tab.", self)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.rename_button = QPushButton("&Rename…", self)
        self.delete_button = QPushButton("&Delete…", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.note, self.list, self.message):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.list.currentRowChanged.connect(self._selection_changed)
        self.list.setCurrentRow(0 if entries else -1)
        self._selection_changed()

    def _selection_changed(self, _row: int = 0) -> None:
        chosen = self.list.currentItem() is not None
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _selected(self) -> tuple[QListWidgetItem, str, str] | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return item, item.data(Qt.ItemDataRole.UserRole), item.data(Qt.ItemDataRole.UserRole + 1)

    def rename_selected(self) -> None:
        """Ask for a new name and rename the selected model."""
        chosen = self._selected()
        if chosen is None:
            return
        item, path, name = chosen
        new, ok = QInputDialog.getText(self, "Rename model", "New name:", text=name)
        if not ok or new.strip() == name:
            return
        try:
            target = rename_model(path, new)
        except DigitpadError as exc:
            self.message.setText(str(exc))
            return
        item.setData(Qt.ItemDataRole.UserRole, str(target))
        item.setData(Qt.ItemDataRole.UserRole + 1, target.stem)
        item.setText(target.stem + item.text()[len(name):])
        item.setToolTip(str(target))
        self.message.setText(f"Renamed to {target.stem}.")
        if path == self._in_use:
            self._in_use = str(target)
        self.changed.emit(str(target) if self._in_use == str(target) else "")

    def delete_selected(self) -> None:
        """Ask, then delete the selected model's file."""
        chosen = self._selected()
        if chosen is None:
            return
        item, path, name = chosen
        box = QMessageBox(QMessageBox.Icon.Question, "Delete model",
                          f"Delete the model {name}? Its file is removed; this cannot be undone."
                          + ("\n\nIt is the model in use: the Draw tab switches to the bundled "
                             "digits model." if path == self._in_use else ""),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        try:
            delete_model(path)
        except DigitpadError as exc:
            self.message.setText(str(exc))
            return
        self.list.takeItem(self.list.row(item))
        self.message.setText(f"Deleted {name}.")
        self.changed.emit("")
