"""View ▸ Not a Digit: when the Draw tab declines a drawing as "not a digit" (issue 14).

Models trained with generated non-digits carry their own rule (meta["decline"]); the others (v1
files, a user's MLP) never decline by themselves. The person chooses one of:

  Use the Model's Own Judgement   the model's rule; none for a model without one (the default)
  Never Decline                   always name a class, as before
  Decline Below 50/70/90%         decline when the top class's probability is below that, for
                                  any model, whether or not it was trained to decline

The choice is exclusive, remembered (settings "decline", checked by settings_store), handed to
the prediction thread (PredictionService.set_decline, applied before its next prediction) and
the drawing on the canvas is recognised again under it at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from digitpad.gui.settings_store import DECLINE_CHOICES
from digitpad.gui.workers.prediction_service import LoadedModel, PredictionService

OWN_TIP = "Decline drawings only by the rule the model was trained with (if it has one)"
OWN_YES = "The model in use was trained to decline non-digits and uses its own rule"
OWN_NO = ("The model in use was not trained to decline: it names a digit for anything, unless "
          "you choose a threshold below")

# choice -> (menu text, Predictor.set_decline's (enabled, below), status tip)
CHOICES: dict[str, tuple[str, tuple[bool, float | None], str]] = {
    "model": ("Use the &Model's Own Judgement", (True, None), OWN_TIP),
    "never": ("&Never Decline", (False, None), "Always name a digit, however unsure"),
    **{percent: (f"Decline Below &{percent}% Confidence", (True, int(percent) / 100),
                 f"Say \"That doesn't look like a digit\" when the best guess has under "
                 f"{percent}%, with any model")
       for percent in ("50", "70", "90")},
}
assert tuple(CHOICES) == DECLINE_CHOICES  # the settings check knows exactly these


class NotDigitMenu(QObject):
    """The submenu, its exclusive checkable actions, and applying the choice."""

    chosen = Signal(str)  # a choice applied (one of DECLINE_CHOICES)

    def __init__(self, view: QMenu, service: PredictionService, repredict: Callable[[], object],
                 settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service, self._repredict, self._settings = service, repredict, settings
        self.menu = view.addMenu("&Not a Digit")
        self.menu.setToolTipsVisible(True)
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for key, (text, _args, tip) in CHOICES.items():
            action = QAction(text, self.menu)
            action.setCheckable(True)
            action.setData(key)
            action.setStatusTip(tip)
            action.setToolTip(tip)
            self.group.addAction(action)
            self.menu.addAction(action)
            self.actions[key] = action
            if key == "never":
                self.menu.addSeparator()  # the thresholds, for any model, below
        self.actions["model"].setChecked(True)
        self.group.triggered.connect(lambda action: self.choose(str(action.data())))
        service.modelLoaded.connect(self._model_loaded)

    def choice(self) -> str:
        """The choice checked now."""
        checked = self.group.checkedAction()
        return str(checked.data()) if checked is not None else "model"

    def choose(self, key: str) -> None:
        """Apply `key` (checked, remembered, in force for the next prediction) and recognise the
        drawing on the canvas again under it."""
        if key not in CHOICES:
            key = "model"
        self.actions[key].setChecked(True)
        self._settings.setValue("decline", key)
        self.service.set_decline(*CHOICES[key][1])
        self._repredict()
        self.chosen.emit(key)

    def _model_loaded(self, model: LoadedModel) -> None:
        """Say on the model's own choice whether the model in use has a rule of its own."""
        tip = OWN_YES if model.declines else OWN_NO
        self.actions["model"].setStatusTip(tip)
        self.actions["model"].setToolTip(tip)
