"""How the Train tab is laid out: the settings form and its buttons in a scroll area on the left;
on the right the progress line above the charts and, below them, the confusion matrix, the
gallery of mistakes and Watch it learn (the first layer and one validation image, per epoch).
The tab (train_tab.py) makes the widgets and handles the run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from digitpad.gui.train import run_advice as advice

if TYPE_CHECKING:
    from digitpad.gui.charts.charts import AccuracyChart, LossChart
    from digitpad.gui.train.train_tab import TrainTab


def explain_train_series(chart: LossChart | AccuracyChart) -> None:
    """A tooltip on the chart's "train" legend entry (and the chart) saying why it is lower."""
    for sample, label in chart.legend.items:
        if label.text == "train":
            sample.setToolTip(advice.TRAIN_NOTE)
            label.setToolTip(advice.TRAIN_NOTE)
    chart.plot.setToolTip(f"{chart.plot.toolTip()}\n\n{advice.TRAIN_NOTE.capitalize()}.")


def button(text: str, tip: str) -> QPushButton:
    """A push button with its tooltip."""
    made = QPushButton(text)
    made.setToolTip(tip)
    return made


def lay_out(tab: TrainTab) -> QTabWidget:
    """Put the tab's widgets in place; returns the tab widget of details (matrix, mistakes)."""
    buttons = QHBoxLayout()
    for pressed in (tab.start_button, tab.pause_button, tab.stop_button):
        buttons.addWidget(pressed)
    left = QWidget()
    left_layout = QVBoxLayout(left)
    left_layout.addWidget(tab.form)
    left_layout.addLayout(buttons)
    left_layout.addWidget(tab.continuing.button)
    for note in (tab.form.folder_preview, tab.form.hint):  # below the buttons, so that
        left_layout.addWidget(note)  # their text changing moves no control
    left_layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidget(left)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(left.sizeHint().width() + 24)
    charts = QSplitter(Qt.Orientation.Horizontal)
    charts.addWidget(tab.loss_chart)
    charts.addWidget(tab.accuracy_chart)
    charts.setStretchFactor(0, 3)
    charts.setStretchFactor(1, 2)
    details = QTabWidget()
    details.addTab(tab.confusion, "Confusion matri&x")
    details.addTab(tab.gallery, "Mista&kes")
    details.addTab(tab.watch, "&Watch it learn")
    details.setTabToolTip(0, "Which classes the model mixes up (validation images)")
    details.setTabToolTip(1, "Validation images the model got wrong, most confident first")
    details.setTabToolTip(2, "The first layer's filters and one validation image through the "
                             "layers, before training and after every epoch")
    right_split = QSplitter(Qt.Orientation.Vertical)
    right_split.addWidget(charts)
    right_split.addWidget(details)
    right_split.setStretchFactor(0, 3)  # the charts get most of the height
    right_split.setStretchFactor(1, 2)
    right_split.setSizes([360, 240])
    details.setMinimumHeight(230)  # a 10-class matrix with its counts, even at 880x640
    right_split.setChildrenCollapsible(False)
    right = QWidget()
    right_layout = QVBoxLayout(right)
    right_layout.setContentsMargins(0, 0, 0, 0)
    right_layout.addWidget(tab.progress)
    right_layout.addWidget(right_split, 1)
    body = QSplitter(Qt.Orientation.Horizontal)
    body.addWidget(scroll)
    body.addWidget(right)
    body.setStretchFactor(1, 1)
    outer = QVBoxLayout(tab)
    outer.addWidget(tab.messages)
    outer.addWidget(body, 1)
    return details
