"""DatasetPicker: the Train form's dataset rows — MNIST, Fashion-MNIST or an image folder, the
folder's classes and image counts, and the MNIST data folder.

The counts are a walk over the folder (folder_walk, as training will walk it), which can take a
while on a big or slow folder, so it runs off the GUI thread as soon as the folder is chosen;
the same job counts each network's parameters for that many classes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)

from digitpad.core.paths import shown_data_dir
from digitpad.core.safe_text import printable
from digitpad.gui.settings_store import remember_folder, start_folder
from digitpad.gui.widgets.plain_text import plain_label, tooltip
from digitpad.gui.workers.background_call import BackgroundCall

DATASETS = (("MNIST digits", "mnist"), ("Fashion-MNIST clothes", "fashion-mnist"),
            ("Image folder…", "folder"))
CLASSES_SHOWN = 8  # classes named in the preview line; the tooltip lists up to TOOLTIP_CLASSES
TOOLTIP_CLASSES = 200
NAME_CHARS = 30  # characters of one class name in the preview


def _count(folder: str) -> dict[str, Any]:
    """The folder's preview and each network's parameters for its classes (imports torch)."""
    from digitpad.core.image_folder import preview_image_folder
    from digitpad.core.training_choices import parameter_counts

    preview = preview_image_folder(Path(folder))
    classes = len(preview.classes)
    return {"folder": folder, "preview": preview,
            "parameters": parameter_counts(classes) if classes >= 2 else {}}


def describe_preview(preview: Any) -> str:  # noqa: ANN401 - core.image_folder.FolderPreview
    """'3 classes, 90 images: cat 40, dog 35, bird 15' (largest first, long lists cut short),
    then what is wrong with the folder, if anything. Names are made printable."""
    if preview.idx:
        return "A folder of IDX files (the MNIST layout): trained on as digits."
    lines = []
    if preview.classes:
        ranked = sorted(preview.classes, key=lambda item: -item[1])
        named = ", ".join(f"{printable(name, NAME_CHARS)} {count:,}"
                          for name, count in ranked[:CLASSES_SHOWN])
        more = len(ranked) - CLASSES_SHOWN
        if more > 0:
            named += f", and {more:,} more"
        n, images = len(ranked), preview.train_images
        lines.append(f"{n:,} class{'es' if n != 1 else ''}, {images:,} image"
                     f"{'s' if images != 1 else ''}: {named}")
        if preview.val_images:
            lines.append(f"and {preview.val_images:,} validation images in its val folder")
    if preview.problem:
        lines.append(printable(preview.problem, 300))
    return "\n".join(lines) or "No classes found."


class DatasetPicker(QObject):
    """The dataset rows of the Train form. `changed()` when the dataset changes; `previewed()`
    when a chosen folder's counts arrive (read them with `preview()` / `parameters()`)."""

    changed = Signal()
    previewed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._folder = ""
        self._counted: dict[str, Any] = {}  # the latest _count result for self._folder
        self._jobs: list[BackgroundCall] = []
        self.combo = QComboBox()
        self.combo.setToolTip("What to learn from: digits, clothes, or your own image folder "
                              "(one sub-folder per class)")
        for text, value in DATASETS:
            self.combo.addItem(text, value)
        self.folder_label = plain_label()  # the folder's path, as chosen
        self.folder_label.setWordWrap(True)
        self.folder_label.setToolTip("The image folder this model learns from")
        # its classes and image counts: the tab shows them below the Start button, where a
        # text that grows when the count arrives moves no control
        self.preview_label = plain_label()
        self.preview_label.setWordWrap(True)
        self.data_dir = QLineEdit()
        self.data_dir.setPlaceholderText(shown_data_dir())  # never raises
        self.data_dir.setToolTip("Where MNIST / Fashion-MNIST files are looked for (mnist/ or "
                                 "fashion-mnist/ inside it) and downloaded to")
        browse = QToolButton()
        browse.setText("…")
        browse.setToolTip("Choose the folder that holds the dataset files")
        browse.clicked.connect(self.choose_data_dir)
        self._data_row = QHBoxLayout()
        self._data_row.addWidget(self.data_dir, 1)
        self._data_row.addWidget(browse)
        self._form: QFormLayout | None = None
        self.combo.activated.connect(self._picked)

    def add_rows(self, form: QFormLayout) -> None:
        """Put the rows into the form (Alt+letter mnemonics are all taken: Dataset has none)."""
        self._form = form
        form.addRow("Dataset", self.combo)
        form.addRow("", self.folder_label)
        form.addRow("Data folder", self._data_row)
        self._show()

    # --- the dataset ----------------------------------------------------------------------
    def value(self) -> str:
        """"mnist", "fashion-mnist" or the image folder's path."""
        kind = self.combo.currentData()
        return self._folder if kind == "folder" else kind

    def is_folder(self) -> bool:
        return self.combo.currentData() == "folder"

    def set_value(self, dataset: str) -> None:
        """Show `dataset` ("mnist", "fashion-mnist" or a folder path) as chosen."""
        if dataset in ("mnist", "fashion-mnist"):
            self.combo.setCurrentIndex(self.combo.findData(dataset))
            self._show()
            self.changed.emit()
        elif dataset:
            self.set_image_folder(dataset)

    def set_image_folder(self, folder: str) -> None:
        """Use the image folder `folder` as the dataset, and count what it holds."""
        if folder != self._folder:
            self._folder, self._counted = folder, {}
            self._start_count(folder)
        self.combo.setCurrentIndex(self.combo.findData("folder"))
        self._show()
        self.changed.emit()

    def choose_image_folder(self) -> bool:
        """Ask for a class-per-folder image dataset; True when one was chosen."""
        folder = QFileDialog.getExistingDirectory(self._parent, "Choose an image folder (one "
                                                  "sub-folder per class)",
                                                  start_folder("image_folder"))
        if folder:
            remember_folder("image_folder", folder)
            self.set_image_folder(folder)
        return bool(folder)

    def choose_data_dir(self) -> bool:
        """Ask for the folder that holds (or will hold) the MNIST / Fashion-MNIST files; True
        when one was chosen."""
        folder = QFileDialog.getExistingDirectory(self._parent, "Choose the data folder",
                                                  start_folder("data"))
        if folder:
            remember_folder("data", folder)
            self.data_dir.setText(folder)
        return bool(folder)

    def _picked(self) -> None:
        if self.is_folder() and not self.choose_image_folder():
            self.combo.setCurrentIndex(0)
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        folder = self.is_folder()
        self.folder_label.setText(self._folder if folder else "")
        self.preview_label.setVisible(folder)
        if self._form is not None:
            self._form.setRowVisible(self.folder_label, folder)
            self._form.setRowVisible(self._data_row, not folder)  # MNIST files only
        name = os.path.basename(os.path.normpath(self._folder)) if self._folder else ""
        index = self.combo.findData("folder")  # the picker names the folder chosen
        self.combo.setItemText(index, f"Image folder: {name}" if name else "Image folder…")

    # --- the folder's counts --------------------------------------------------------------
    def preview(self) -> Any:  # noqa: ANN401 - core.image_folder.FolderPreview or None
        """The chosen folder's classes and counts (None until counted, or for MNIST)."""
        return self._counted.get("preview") if self.is_folder() else None

    def parameters(self) -> dict[str, int]:
        """Each network's parameter count for the folder's classes ({} if not known)."""
        return self._counted.get("parameters", {}) if self.is_folder() else {}

    def is_counting(self) -> bool:
        return any(job.is_running() for job in self._jobs)

    def _start_count(self, folder: str) -> None:
        self.preview_label.setText(f"Counting the images in {printable(folder, 200)}…")
        self.preview_label.setToolTip("")
        # a daemon thread: a hung network folder must not keep the app from quitting
        job = BackgroundCall(lambda: _count(folder), self, daemon=True)
        job.done.connect(self._counted_one)
        job.failed.connect(lambda message, f=folder: self._count_failed(f, message))
        self._jobs = [j for j in self._jobs if j.is_running()] + [job]
        job.start()

    def _counted_one(self, result: dict[str, Any]) -> None:
        if result["folder"] != self._folder:
            return  # a folder chosen before this one
        self._counted = result
        preview = result["preview"]
        self.preview_label.setText(describe_preview(preview))
        listed = [f"{printable(name, 60)}: {count:,}"
                  for name, count in preview.classes[:TOOLTIP_CLASSES]]
        if len(preview.classes) > TOOLTIP_CLASSES:
            listed.append(f"… and {len(preview.classes) - TOOLTIP_CLASSES:,} more")
        self.preview_label.setToolTip(tooltip("\n".join(listed)))
        self.previewed.emit()

    def _count_failed(self, folder: str, message: str) -> None:
        if folder == self._folder:
            self.preview_label.setText(f"Could not count the images ({printable(message, 200)}).")
