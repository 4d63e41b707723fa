"""Small helpers for form fields: a combo or spin box with its tooltip, an item of a combo box
enabled or not (with why), and fields shown as "Loading…" until their choices arrive."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QSpinBox, QWidget

from digitpad.gui.widgets.plain_text import tooltip

LOADING = "Loading…"


def combo(tip: str) -> QComboBox:
    """An empty combo box with tooltip `tip`."""
    box = QComboBox()
    box.setToolTip(tip)
    return box


def spin(limits: tuple[int, int], tip: str) -> QSpinBox:
    """A spin box for whole numbers in `limits`, with tooltip `tip`."""
    box = QSpinBox()
    box.setRange(*limits)
    box.setToolTip(tip)
    return box


def set_item_enabled(box: QComboBox, index: int, enabled: bool, tip: str = "") -> None:
    """Enable or disable one item of `box` (its default QStandardItemModel), saying why."""
    item = box.model().item(index)
    item.setEnabled(enabled)
    item.setToolTip(tooltip(tip))


def show_loading(fields: Iterable[QWidget], loading: bool) -> None:
    """While `loading`, the fields are disabled and read "Loading…" (a spin box would show its
    minimum, which looks like a real value: a learning rate of 0.000001, a batch size of 1);
    afterwards they are enabled and show their values."""
    for field in fields:
        field.setEnabled(not loading)
        if isinstance(field, QAbstractSpinBox):
            # the special text shows while the value is the minimum, so the minimum is set
            field.setSpecialValueText(LOADING if loading else "")
            if loading:
                field.setValue(field.minimum())  # type: ignore[attr-defined]
        elif isinstance(field, QComboBox):
            field.setPlaceholderText(LOADING if loading else "")  # shown while it is empty
