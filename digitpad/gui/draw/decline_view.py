"""Showing a prediction on the Draw tab, declined or not (issue 14).

A model that can tell non-digits (or any model, with a View ▸ Not a Digit threshold) may decline
an image: the core's `Prediction` then has `not_a_digit` set, no `label`, and its `best_guess`.
The tab says "That doesn't look like a digit" where the big class name goes, with the best guess
under it, keeps the bars but greys them (no class is the answer, so none is highlighted), and
both widgets' tooltips say why: "Best guess 4 (31%). The model is not sure enough: …".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digitpad.gui.draw.prediction_label import MAX_SHOWN, PredictionLabel
from digitpad.gui.draw.probability_bars import ProbabilityBars
from digitpad.gui.widgets.plain_text import tooltip

if TYPE_CHECKING:  # the core's record, named for readers; importing it would import torch
    from digitpad.core.predictor import Prediction

DECLINED = "That doesn't look like a digit"
UNSURE = "The model isn't sure what that is"  # a model whose classes are not named in words


def declined_headline(thing: str) -> str:
    """What the big label says for a declined image; `thing` is what the model recognises in
    words ("a digit", "a piece of clothing", '' when it cannot be told)."""
    if thing == "a digit":
        return DECLINED
    return f"That doesn't look like {thing}" if thing else UNSURE


def best_guess_text(prediction: Prediction) -> str:
    """'Best guess 4 (31%)': the top class, even when declined (its name from the model file,
    cut when long)."""
    name = prediction.best_guess or ""
    if len(name) > MAX_SHOWN:
        name = name[: MAX_SHOWN - 1] + "…"
    return f"Best guess {name} ({prediction.confidence:.0%})"


def declined_tip(prediction: Prediction) -> str:
    """The tooltip of a declined image: its best guess and why it was declined (plain text,
    shown literally whatever the class name holds)."""
    reason = prediction.decline_reason or "The model declined to call it any class."
    return tooltip(f"{best_guess_text(prediction)}. {reason}")


def show_prediction(label: PredictionLabel, bars: ProbabilityBars, prediction: Prediction,
                    thing: str = "a digit") -> None:
    """Show an inked image's prediction: its class and bars, or, declined, the headline over
    the best guess and greyed bars, with the reason as their tooltips. A normal answer after a
    declined one restores the bars' colours and tooltips."""
    if prediction.not_a_digit:
        tip = declined_tip(prediction)
        bars.set_probabilities(prediction.probabilities, muted_tip=tip)
        label.show_declined(declined_headline(thing), best_guess_text(prediction), tip)
        return
    bars.set_probabilities(prediction.probabilities)
    label.show_prediction(prediction.label or "", prediction.confidence)
