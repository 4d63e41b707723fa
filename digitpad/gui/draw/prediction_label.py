"""PredictionLabel: the top prediction in large type with its confidence, or a short message."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from digitpad.gui.widgets.plain_text import plain_label

MAX_SHOWN = 60  # characters of a class name shown; a longer one is cut with an ellipsis
TIP = "The model's best guess and how sure it is"


class PredictionLabel(QWidget):
    """A big class name over "98.2% sure"; or a muted message such as "Loading model…"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._big = plain_label()  # class names come from the model file
        self._small = plain_label()
        for label in (self._big, self._small):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            # a long class name is clipped, never widening the window
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self._big)
        layout.addWidget(self._small)
        self.setToolTip(TIP)
        self._text = ""

    def _font(self, points: float, bold: bool) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def show_prediction(self, name: str, confidence: float) -> None:
        """Show class `name` with `confidence` (0..1)."""
        base = self.font().pointSizeF()
        size = base * (3.6 if len(name) <= 3 else 2.0 if len(name) <= 12 else 1.4)
        self._big.setFont(self._font(size, True))
        self._big.setForegroundRole(QPalette.ColorRole.WindowText)
        self._big.setText(name if len(name) <= MAX_SHOWN else name[:MAX_SHOWN - 1] + "…")
        self._small.setText(f"{100 * confidence:.1f}% sure")
        self._small.show()
        self._text = f"{name} — {100 * confidence:.1f}%"
        self.setAccessibleName(f"Prediction: {self._text}")
        self.setToolTip(TIP)

    def show_declined(self, headline: str, guess: str, tip: str) -> None:
        """The model declined the image: `headline` where the class name goes, its best `guess`
        ("Best guess 4 (31%)") under it, and `tip` (why; already a tooltip) as the tooltip."""
        self._big.setFont(self._font(self.font().pointSizeF() * 1.4, True))
        self._big.setForegroundRole(QPalette.ColorRole.WindowText)
        self._big.setText(headline)
        self._small.setText(guess)
        self._text = headline
        self.setAccessibleName(f"Prediction: {headline}. {guess}")
        self.setToolTip(tip)

    def show_message(self, text: str) -> None:
        """Show a muted message instead of a prediction."""
        self._big.setFont(self._font(self.font().pointSizeF() * 1.4, False))
        self._big.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._big.setText(text)
        self._small.setText("")
        self._text = text
        self.setAccessibleName(text)
        self.setToolTip(TIP)

    def text(self) -> str:
        """What is shown, as plain text ("7 — 98.2%" or the message)."""
        return self._text
