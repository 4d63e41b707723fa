"""DrawTools: the row under the canvas — brush size (slider and number), eraser, undo, redo,
clear and open — wired to the canvas it edits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from digitpad.gui.canvas.drawing_canvas import MAX_BRUSH, MIN_BRUSH, DrawingCanvas

BRUSH_SLIDER_MAX = 240  # px


def _tool_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


class DrawTools(QWidget):
    """The canvas's tools; `open_button` is left for the Draw tab to connect."""

    def __init__(self, canvas: DrawingCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.brush = QSlider(Qt.Orientation.Horizontal, self)
        self.brush.setRange(MIN_BRUSH, MAX_BRUSH)
        self.brush.setValue(canvas.brush_size)
        self.brush.setToolTip("Brush size ([ smaller, ] larger)")
        self.brush_value = QLabel(str(canvas.brush_size), self)
        self.brush_value.setToolTip("Brush size, in pixels of the 280-wide paper")
        self.brush_value.setMinimumWidth(self.brush_value.fontMetrics().horizontalAdvance("48 "))
        self.eraser = _tool_button("Eraser", "Erase instead of drawing (E)")
        self.eraser.setCheckable(True)
        self.undo_button = _tool_button("Undo", "Undo the last stroke (Ctrl+Z)")
        self.redo_button = _tool_button("Redo", "Redo the stroke you undid (Ctrl+Shift+Z)")
        self.clear_button = _tool_button("Clear", "Clear the canvas (Delete or Esc)")
        self.open_button = _tool_button("Open…", "Open an image file (Ctrl+O)")
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Brush"))
        self.brush.setMaximumWidth(BRUSH_SLIDER_MAX)  # 47 steps need no more in a big window
        row.addWidget(self.brush, 1)
        row.addWidget(self.brush_value)
        for button in (self.eraser, self.undo_button, self.redo_button, self.clear_button,
                       self.open_button):
            row.addWidget(button)
        row.addStretch(0)  # what a big window has to spare goes to the right of the buttons
        canvas.brushSizeChanged.connect(self.brush.setValue)
        canvas.undoAvailable.connect(self.undo_button.setEnabled)
        canvas.redoAvailable.connect(self.redo_button.setEnabled)
        self.brush.valueChanged.connect(canvas.set_brush_size)
        self.brush.valueChanged.connect(lambda value: self.brush_value.setText(str(value)))
        self.eraser.toggled.connect(canvas.set_eraser)
        self.undo_button.clicked.connect(canvas.undo)
        self.redo_button.clicked.connect(canvas.redo)
        self.clear_button.clicked.connect(canvas.clear)
