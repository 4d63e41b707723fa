"""MessageBar: a non-blocking, dismissable message strip (errors never need a modal dialog)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from digitpad.gui.widgets.plain_text import plain_label


class MessageBar(QWidget):
    """Shows one message at a time, tinted for errors; hides itself after a while."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self._label = plain_label()  # messages quote file, class and dataset names
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._action = QToolButton()
        self._action.hide()
        self._action.clicked.connect(self._run_action)
        self._on_action: Callable[[], None] | None = None
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss this message")
        close.clicked.connect(self.hide)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._action)
        layout.addWidget(close)
        self._timer = QTimer(self, singleShot=True, timeout=self.hide)
        self.hide()

    def float_over_parent(self) -> None:
        """Lie over the top of the parent, full width, instead of taking room in its layout, so
        that showing or hiding a message never moves the controls below."""
        self.parentWidget().installEventFilter(self)
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        if self._floating() and event.type() in (QEvent.Type.Show, QEvent.Type.LayoutRequest):
            self._place()
        return super().event(event)

    def _floating(self) -> bool:
        parent = self.parentWidget()
        return parent is not None and parent.layout() is not None and (
            parent.layout().indexOf(self) < 0)

    def _place(self) -> None:
        width = self.parentWidget().width()
        height = self.heightForWidth(width) if self.hasHeightForWidth() else -1
        self.setGeometry(0, 0, width, max(height, self.minimumSizeHint().height()))
        self.raise_()

    def text(self) -> str:
        """The message shown (or last shown)."""
        return self._label.text()

    def show_message(self, text: str, error: bool = False, timeout_ms: int = 0,
                     action: tuple[str, Callable[[], None]] | None = None) -> None:
        """Show `text`; errors are tinted; timeout_ms > 0 hides it after that long.

        `action` adds a button (label, callback) beside the message, e.g. "Choose folder…".
        """
        self._on_action = action[1] if action else None
        self._action.setText(action[0] if action else "")
        self._action.setVisible(action is not None)
        palette = self.palette()
        base = self.parentWidget().palette() if self.parentWidget() else palette
        if error:
            window = base.color(QPalette.ColorRole.Window)
            dark = window.lightness() < 128
            tint = "#5c1f1f" if dark else "#fde2e1"
            palette.setColor(QPalette.ColorRole.Window, tint)
            palette.setColor(QPalette.ColorRole.WindowText, "#ffffff" if dark else "#5c0000")
        else:
            alternate = base.color(QPalette.ColorRole.AlternateBase)
            palette.setColor(QPalette.ColorRole.Window, alternate)
            palette.setColor(QPalette.ColorRole.WindowText, base.color(QPalette.ColorRole.Text))
        self.setPalette(palette)
        self._label.setText(text)
        self.show()
        if timeout_ms:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()

    def clear(self) -> None:
        """Hide the message and forget its action."""
        self._on_action = None
        self._action.hide()
        self._timer.stop()
        self.hide()

    def action_button(self) -> QToolButton:
        """The optional action button (visible only while a message offers one)."""
        return self._action

    def _run_action(self) -> None:
        callback = self._on_action
        self.hide()
        if callback is not None:
            callback()
