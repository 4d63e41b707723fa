"""ElidedLabel: plain text in at most N lines, the rest cut with "…", the whole text its tooltip.

QLabel wraps or clips but never elides, and QFontMetrics.elidedText elides one line only; the
wrapping is done here with QTextLayout (as Qt's own "Elided Label" example does), the last line
elided with elidedText. The label then shows exactly those lines (no wrapping of its own), and
asks for no more width than a few characters, so a long message never widens the window.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QWidget

from digitpad.gui.widgets.plain_text import tooltip

_BREAK = "\u2028"  # QTextLayout breaks lines at LINE SEPARATOR, not at "\n"


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def _part(text16: bytes, start: int, end: int | None = None) -> str:
    """The characters start..end of `text16`, counted in UTF-16 units as QTextLayout counts."""
    stop = None if end is None else 2 * end
    return text16[2 * start:stop].decode("utf-16-le", "replace")


def elide_lines(text: str, font: QFont, width: int, lines: int) -> tuple[str, bool]:
    """`text` wrapped at word boundaries to `width` pixels in at most `lines` lines, the last
    one ending in "…" when the rest does not fit: (the lines joined by "\\n", whether cut)."""
    metrics = QFontMetrics(font)
    width = max(1, width)
    wrapped = text.replace("\r\n", "\n").replace("\n", _BREAK)
    text16 = _utf16(wrapped)
    layout = QTextLayout(wrapped, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    shown: list[str] = []
    cut = False
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        if len(shown) == lines - 1:  # the last line there is room for: the rest, elided
            rest = _part(text16, line.textStart())
            flat = " ".join(rest.replace(_BREAK, " ").split())
            last = metrics.elidedText(flat, Qt.TextElideMode.ElideRight, width)
            cut = last != rest.rstrip()
            shown.append(last)
            break
        shown.append(_part(text16, line.textStart(), line.textStart() + line.textLength())
                     .replace(_BREAK, "").rstrip())
    layout.endLayout()
    return "\n".join(shown), cut


class ElidedLabel(QLabel):
    """A plain-text label of at most `lines` lines; `text()` is the whole text, `is_elided()`
    says whether some of it is cut (the tooltip then shows all of it)."""

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines = max(1, lines)
        self._full = ""
        self._cut = False
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file and class names
        self.setWordWrap(False)  # the lines are made here
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text
        self._fit()

    def text(self) -> str:
        """The whole text, however much of it is shown."""
        return self._full

    def shown_text(self) -> str:
        """The lines shown (the text, or its start ending in "…")."""
        return super().text()

    def is_elided(self) -> bool:
        return self._cut

    def lines(self) -> int:
        return self._lines

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().averageCharWidth() * 40, self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().averageCharWidth() * 4, self._height())

    def _height(self) -> int:
        margins = self.contentsMargins()
        return self._lines * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width() - 2 * self.margin()
        shown, self._cut = elide_lines(self._full, self.font(), width, self._lines)
        super().setText(shown)
        self.setToolTip(tooltip(self._full) if self._cut else "")
