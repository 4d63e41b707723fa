"""digitpad: draw a digit, see a PyTorch model recognise it live, train your own models."""

__version__ = "0.1.0"
