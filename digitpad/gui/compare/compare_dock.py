"""make_compare_dock: the "Compare models" dock, following the Draw tab's drawing.

The comparison runs once the drawing rests, never while the pen moves: a stroke's start stops
any comparison under way, and IDLE_MS after the drawing last changed with no stroke under way
(a stroke's end, Clear, Undo, an image opened) the panel asks for the drawing as it is. The
Draw tab's live bars are requested at once on every change and take a few milliseconds, so they
are done before the comparison starts. A hidden dock compares nothing; shown again, it catches
up with the drawing. The columns' models decline drawings as View ▸ Not a Digit says.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from digitpad.gui.compare.compare_panel import ComparePanel
from digitpad.gui.compare.compare_service import CompareService

IDLE_MS = 150  # after the drawing last changed, with no stroke under way


class DrawingFollower(QObject):
    """Asks the panel for the Draw tab's drawing when it rests (see the module's docstring)."""

    def __init__(self, window: Any, dock: QDockWidget, panel: ComparePanel) -> None:
        super().__init__(dock)
        self._canvas = window.draw_tab.canvas
        self._dock, self._panel = dock, panel
        self._stroking = False
        self._stale = True  # the drawing changed since it was last compared
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(IDLE_MS)
        self._timer.timeout.connect(self._compare_now)
        self._canvas.strokeStarted.connect(self._stroke_started)
        self._canvas.strokeFinished.connect(self._stroke_finished)
        self._canvas.changed.connect(self._changed)
        dock.visibilityChanged.connect(self._shown)

    def _stroke_started(self) -> None:
        self._stroking = True
        self._timer.stop()
        self._panel.cancel()

    def _stroke_finished(self) -> None:
        self._stroking = False  # the `changed` that follows asks for the comparison

    def _changed(self) -> None:
        self._stale = True
        if not self._stroking:
            self._timer.start()

    def _shown(self, visible: bool) -> None:
        if visible and self._stale:
            self._timer.start()

    def _compare_now(self) -> None:
        if self._stroking or not self._panel.isVisible():
            return  # shown again later, it compares then (_shown)
        self._stale = False
        self._panel.compare(None if self._canvas.is_blank() else self._canvas.to_array())


def make_compare_dock(window: Any) -> QDockWidget:
    """The "Compare models" dock for `window` (a MainWindow: its draw_tab, its service's model
    listing, its not_digit menu), hidden; show it with its toggleViewAction()."""
    dock = QDockWidget("Compare models", window)
    dock.setObjectName("compareModelsDock")  # saveState() needs a name
    dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
    service = CompareService(dock)
    panel = ComparePanel(service, dock)
    dock.setWidget(panel)
    draw_tab = window.draw_tab
    panel.set_model_in_use(draw_tab.model_path)
    draw_tab.modelChanged.connect(panel.set_model_in_use)
    window.service.modelsListed.connect(panel.set_entries)  # the Draw tab's (re)listings
    # shown before any listing arrived (a dock made after the window listed): list them now,
    # not at once, which would import torch before the window is shown
    dock.visibilityChanged.connect(
        lambda visible: service.list_models() if visible and not panel.has_entries() else None)
    not_digit = getattr(window, "not_digit", None)
    if not_digit is not None:
        from digitpad.gui.draw.not_digit_menu import CHOICES

        def decline(key: str) -> None:
            service.set_decline(*CHOICES.get(key, CHOICES["model"])[1])
            panel.recompare()

        service.set_decline(*CHOICES.get(not_digit.choice(), CHOICES["model"])[1])
        not_digit.chosen.connect(decline)
    DrawingFollower(window, dock, panel)
    dock.hide()
    return dock
