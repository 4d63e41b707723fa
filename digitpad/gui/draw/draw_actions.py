"""The Draw tab's window-level actions: which shortcuts act only there, saving the drawing as
a PNG, and the list that Help ▸ Keyboard Shortcuts shows."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFontDatabase, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTabWidget, QWidget

from digitpad.core.errors import DigitpadError
from digitpad.gui.settings_store import remember_folder, start_folder


def only_on_tab(actions: Iterable[QAction], tabs: QTabWidget, page: QWidget,
                available: dict[QAction, Callable[[], bool]] | None = None) -> Callable[[], None]:
    """Enable `actions` (and so their shortcuts) only while `page` is the tab shown, and, for
    those in `available`, only while their condition holds (undo: there is a stroke to undo).

    Single keys such as E, Delete and [ would otherwise change the drawing unseen while
    another tab shows, and Ctrl+Z / Ctrl+V would undo or paste on the hidden canvas. Enabling
    by tab rather than a widget shortcut context keeps them working wherever the focus is on
    the page (or on the tab bar), and their menu items say by being greyed out that they
    belong to the Draw tab. A focused text field still gets its own Ctrl+Z and Ctrl+V first
    (Qt offers it the key before any shortcut). Returns the function that re-applies the rule,
    for when a condition changes."""
    actions = list(actions)
    conditions = dict(available or {})

    def follow(_index: int = 0) -> None:
        on = tabs.currentWidget() is page
        for action in actions:
            condition = conditions.get(action)
            action.setEnabled(on and (condition is None or condition()))

    tabs.currentChanged.connect(follow)
    follow()
    return follow


SHORTCUTS = [
    ("Draw tab", ""),
    ("Ctrl+O", "Open an image onto the canvas"),
    ("Ctrl+S", "Save the drawing as a PNG"),
    ("Ctrl+V", "Paste an image"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo a stroke"),
    ("Delete or Esc", "Clear the canvas"),
    ("E", "Eraser on / off"),
    ("[ and ]", "Smaller / larger brush"),
    ("T", "Teach it: say which digit you drew (kept in your handwriting)"),
    ("H", "Why this digit: a heat map of the strokes that made the answer"),
    ("Ctrl+Shift+O", "Use a model file from anywhere"),
    ("F5", "Reload the model list"),
    ("My handwriting tab", ""),
    ("Enter / Esc", "Keep this drawing / skip this prompt"),
    ("Ctrl+Z", "Undo a stroke (on an empty canvas: the last drawing kept)"),
    ("0 … 9 / Delete", "Move / delete the selected samples"),
    ("Anywhere", ""),
    ("Ctrl+1 / Ctrl+2 / Ctrl+3", "Draw / Train / My handwriting tab"),
    ("Ctrl+I", "Show or hide Inside the network (what each layer sees)"),
    ("Ctrl+K", "Show or hide Compare models"),
    ("Ctrl+Q", "Quit"),
]


def shortcuts_text() -> str:
    """The keyboard shortcuts, one a line (the single keys act only on the Draw tab)."""
    lines = []
    for keys, what in SHORTCUTS:
        lines.append(f"\n{keys}" if not what else f"  {keys:<22} {what}")
    return "\n".join(lines).strip("\n")


def show_shortcuts(parent: QWidget) -> QMessageBox:
    """Help ▸ Keyboard Shortcuts: a plain-text box (returned, open, not modal to the app)."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", shortcuts_text(),
                      QMessageBox.StandardButton.Close, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    box.setFont(font)
    box.setObjectName("shortcuts")
    box.open()
    return box


def save_drawing(parent: QWidget, image: QImage) -> str:
    """File ▸ Save Drawing as PNG…: ask where, and write `image` there whole or not at all.

    Returns what happened, in one sentence for the status bar or message bar ("" when the
    person cancelled); raises DigitpadError when it could not be saved."""
    path, _ = QFileDialog.getSaveFileName(parent, "Save the drawing", os.path.join(
        start_folder("drawing"), "drawing.png"), "PNG images (*.png)")
    if not path:
        return ""
    remember_folder("drawing", path)
    target = Path(path)
    if target.suffix.lower() != ".png":
        target = target.with_name(target.name + ".png")
    # written next to the target, then moved over it: a full disk leaves no half-written PNG
    try:
        handle, temporary = tempfile.mkstemp(prefix=".drawing-", suffix=".png",
                                             dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise DigitpadError(f"The drawing could not be saved in {target.parent} "
                            f"({exc.strerror or exc}).") from None
    try:
        if not image.save(temporary, "PNG"):
            raise DigitpadError(f"The drawing could not be written to {target.name}.")
        os.replace(temporary, target)
    except OSError as exc:
        raise DigitpadError(f"The drawing could not be saved as {target.name} "
                            f"({exc.strerror or exc}).") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return f"Saved the drawing as {target}"
