"""The desktop app (PySide6). Widgets never import torch; they talk to digitpad.core."""
