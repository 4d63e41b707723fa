"""Showing text from files (class, dataset, model and file names) as plain text, never as HTML.

Qt guesses whether a string is rich text (Qt.mightBeRichText) for a QLabel left at its default
AutoText format and for every tooltip. A class name such as `<img src="…">` would then be
rendered, and the file it names loaded. Labels that can show such text are made PlainText;
tooltips cannot be told their format, so untrusted text is converted to HTML that shows it
literally (Qt's own Qt.convertFromPlainText, which escapes every character that matters).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # the QtGui additions to the Qt namespace
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows `text` exactly as written, whatever it contains."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def tooltip(text: str) -> str:
    """`text` as a tooltip that shows it literally.

    Text that Qt would not take for rich text is shown literally already and is returned as it
    is; anything else becomes HTML that reads as the original (and wraps like any rich tooltip).
    """
    if not GuiQt.mightBeRichText(text):
        return text
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
