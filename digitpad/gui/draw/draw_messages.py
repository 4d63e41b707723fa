"""The Draw tab's messages, each about one thing, so that it goes when that thing is over.

A "broken.pt is not a readable model file" message used to stay after a good model had been
opened: the bar only knew its text. Here every message is shown with its topic, and the tab ends
a topic when the state it describes is over (a model loaded ends MODEL, an image on the canvas
ends IMAGE); a message about something else stays.
"""

from __future__ import annotations

from enum import Enum, auto

from digitpad.gui.widgets.message_bar import MessageBar
from digitpad.gui.widgets.plain_text import tooltip


class Topic(Enum):
    """What a Draw-tab message is about, and (in words) what ends it."""

    NO_MODEL = auto()  # no model to use: ended by a model in use
    LIBRARY = auto()  # the model list could not be read: ended by a listing that works
    MODEL = auto()  # a model that could not be loaded: ended by a model loading
    PREDICTION = auto()  # the model in use failed on a drawing: ended by a result, or a model
    IMAGE = auto()  # an image that could not be opened, pasted or dropped: ended by one that is
    SAVE = auto()  # the drawing could not be saved: ended by a save
    NOTICE = auto()  # remembered settings were reset: stays until dismissed


class DrawMessages:
    """Shows messages in `bar` with their topic; `end(topic)` hides the one shown if it is
    about that topic."""

    def __init__(self, bar: MessageBar) -> None:
        self.bar = bar
        self._topic: Topic | None = None
        self._text = ""

    def show(self, topic: Topic, text: str, error: bool = False, timeout_ms: int = 0,
             detail: str = "") -> None:
        """Show `text` (replacing whatever is shown); `detail`, the technical reason a person
        need not read, is the bar's tooltip."""
        self._topic, self._text = topic, text
        self.bar.setToolTip(tooltip(f"Details: {detail}") if detail else "")
        self.bar.show_message(text, error=error, timeout_ms=timeout_ms)

    def showing(self, topic: Topic, text: str | None = None) -> bool:
        """Whether a message about `topic` (with this `text`, if given) is on show."""
        return (not self.bar.isHidden() and self._topic is topic
                and (text is None or text == self._text))

    def end(self, *topics: Topic) -> None:
        """The state these topics describe is over: hide a message about one of them."""
        if self._topic in topics:
            if not self.bar.isHidden():
                self.bar.clear()
            self._topic, self._text = None, ""
