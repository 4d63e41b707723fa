"""MessageBar: a non-blocking, dismissable message strip (errors never need a modal dialog).

By default it takes the room its text needs in the parent's layout. Made with `lines`, it keeps
a fixed room of that many lines whether a message shows or not (so a message appearing moves no
control, and covers none): longer text is cut with "…", shown whole in its tooltip and by the
"More…" button beside it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QSizePolicy, QToolButton, QWidget

from digitpad.gui.widgets.elided_label import ElidedLabel
from digitpad.gui.widgets.plain_text import plain_label


class MessageBar(QWidget):
    """Shows one message at a time, tinted for errors; hides itself after a while.

    `lines` > 0: a reserved area of that many lines, kept in the layout while hidden."""

    def __init__(self, parent: QWidget | None = None, lines: int = 0) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        # messages quote file, class and dataset names: plain text
        self._label = ElidedLabel(lines) if lines > 0 else plain_label()
        self._label.setWordWrap(lines <= 0)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._more = QToolButton()
        self._more.setText("More…")
        self._more.setToolTip("Show the whole message")
        self._more.clicked.connect(self._show_all)
        self._more.hide()
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
        layout.addWidget(self._more)
        layout.addWidget(self._action)
        layout.addWidget(close)
        self._timer = QTimer(self, singleShot=True, timeout=self.hide)
        if lines > 0:
            policy = self.sizePolicy()
            policy.setRetainSizeWhenHidden(True)  # the room stays when no message shows
            policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
            self.setSizePolicy(policy)
            margins = layout.contentsMargins()
            tallest = max(w.sizeHint().height() for w in (self._label, self._more,
                                                           self._action, close))
            self.setFixedHeight(tallest + margins.top() + margins.bottom())
        self.hide()

    def is_reserved(self) -> bool:
        """True when the bar keeps a fixed room (made with `lines`)."""
        return isinstance(self._label, ElidedLabel)

    def is_elided(self) -> bool:
        """True when the message shown is cut short (its whole text: tooltip and More…)."""
        return isinstance(self._label, ElidedLabel) and self._label.is_elided()

    def more_button(self) -> QToolButton:
        """The "More…" button, visible while the message is cut short."""
        return self._more

    def _show_all(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Message", self.text(),
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setObjectName("whole message")
        box.open()

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().resizeEvent(event)
        self._more.setVisible(self.is_elided())

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
        self._more.setVisible(self.is_elided())
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
