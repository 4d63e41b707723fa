"""The "Inside the network" dock on the main window: InsidePanel in a QDockWidget.

It starts hidden (the panel costs nothing until shown); its toggle action, for the View menu,
is checkable and follows the dock. The object name lets QMainWindow.saveState remember it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow

from digitpad.gui.inside.inside_panel import InsidePanel

TITLE = "Inside the network"
OBJECT_NAME = "insideNetworkDock"
SHORTCUT = "Ctrl+I"


def make_inside_dock(window: QMainWindow) -> QDockWidget:
    """A hidden dock on the right of `window` (the MainWindow: its `service` and `draw_tab`)
    showing what each layer sees for the Draw tab's drawing. `dock.toggleViewAction()` is the
    View menu's checkable "Inside the Network" (Ctrl+I)."""
    draw_tab = window.draw_tab  # type: ignore[attr-defined]
    panel = InsidePanel(window.service, draw_tab.model,  # type: ignore[attr-defined]
                        refresh=lambda: draw_tab.request_prediction(True))
    dock = QDockWidget(TITLE, window)
    dock.setObjectName(OBJECT_NAME)
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    action = dock.toggleViewAction()
    action.setText("&Inside the Network")
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setToolTip("What each layer of the model sees for the drawing, and its first "
                      "layer's weights")
    return dock
