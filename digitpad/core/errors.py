"""Errors a user can cause: the CLI prints them as one line, the GUI shows them as a message."""


class DigitpadError(Exception):
    """A problem with the user's input (file, dataset, option), explained in one sentence."""


class CheckpointError(DigitpadError):
    """A model file that cannot be used: corrupt, truncated, unsafe or mismatched."""


class DatasetError(DigitpadError):
    """A dataset that is missing, unreadable or unusable for training."""


class ImageError(DigitpadError):
    """An image file that cannot be read as an image."""
