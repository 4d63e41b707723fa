"""LayerSection: one layer's title over its picture, shared by the Inside the network dock and
the Train tab's Watch it learn page."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from digitpad.gui.inside.map_grid import MapGrid
from digitpad.gui.inside.unit_bars import UnitBars
from digitpad.gui.widgets.plain_text import plain_label, tooltip


class LayerSection(QWidget):
    """A bold title over a MapGrid ("maps", `cell` px per picture if given) or UnitBars
    ("units")."""

    def __init__(self, kind: str, parent: QWidget | None = None, cell: int | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.title = plain_label()
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.setWordWrap(True)
        self.view: MapGrid | UnitBars = MapGrid(cell=cell) if kind == "maps" else UnitBars()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.view)

    def show_values(self, title: str, values: np.ndarray, labels: list[str],
                    signed: bool | None = None, normalise: bool = True) -> None:
        self.title.setText(title)
        self.title.setToolTip(tooltip(title))
        if isinstance(self.view, MapGrid):
            self.view.set_maps(values, labels, signed, normalise)
        else:
            self.view.set_units(values, labels)
