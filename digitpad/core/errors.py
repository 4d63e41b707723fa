"""Errors a user can cause: the CLI prints them as one line, the GUI shows them as a message."""


class DigitpadError(Exception):
    """A problem with the user's input (file, dataset, option), explained in one sentence."""


class CheckpointError(DigitpadError):
    """A model file that cannot be used: corrupt, truncated, unsafe or mismatched.

    The message (what the CLI prints) may end in a technical reason ("not a zip archive");
    `summary` says it in words a person can act on, for the GUI (the message, by default)."""

    def __init__(self, message: str, *, summary: str = "") -> None:
        super().__init__(message)
        self.summary = summary or message


class DatasetError(DigitpadError):
    """A dataset that is missing, unreadable or unusable for training."""


class ImageError(DigitpadError):
    """An image file that cannot be read as an image."""
