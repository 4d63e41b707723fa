"""The main window's docks, beside whichever tab shows: Inside the network (what each layer
sees, gui/inside) and Compare models (two or three models on the same drawing, gui/compare).
Both start hidden and cost nothing until shown; View ▸ Inside the Network (Ctrl+I) and View ▸
Compare Models (Ctrl+K) toggle them."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from digitpad.gui.compare.compare_dock import make_compare_dock
from digitpad.gui.inside.inside_dock import make_inside_dock

COMPARE_SHORTCUT = "Ctrl+K"


def add_docks(window: QMainWindow, view: QMenu) -> tuple[QDockWidget, QDockWidget]:
    """Make both docks on `window` (the MainWindow) and put their toggles in the View menu."""
    inside = make_inside_dock(window)
    compare = make_compare_dock(window)
    window.tabifyDockWidget(inside, compare)  # one column on the right, a tab each
    view.addAction(inside.toggleViewAction())
    toggle = compare.toggleViewAction()
    toggle.setText("&Compare Models")
    toggle.setShortcut(QKeySequence(COMPARE_SHORTCUT))
    toggle.setToolTip("Two or three models' answers for the same drawing, side by side")
    view.addAction(toggle)
    return inside, compare
