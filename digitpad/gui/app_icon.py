"""The application icon (window, task bar, About box), from the PNGs rendered from one SVG."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from digitpad.core.resources import resource_path
from digitpad.desktop_entry import ICON_SIZES


def app_icon() -> QIcon:
    """digitpad's icon at every size it ships in (Qt picks the nearest for each use)."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"digitpad-{size}.png")
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon
