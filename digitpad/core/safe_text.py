"""Text from files (class, dataset, model and file names) made safe to show.

A model file or a dataset folder is untrusted: its names may hold terminal escape sequences
(which can rewrite or hide what a terminal shows) or numbers that JSON cannot carry (NaN).
The CLI prints such text through `printable()` and writes JSON through `json_safe()`; the GUI
shows it with Qt's plain-text format (see digitpad/gui), so this module stays Qt-free.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

MAX_SHOWN = 200  # characters of one untrusted name shown before it is cut


def printable(text: object, limit: int = MAX_SHOWN) -> str:
    """`text` with control and format characters (ESC, CR, BEL, bidi overrides…) written as
    visible escapes such as \\x1b, and cut to `limit` characters with an ellipsis."""
    out = []
    for char in str(text):
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Zl", "Zp") and char != " ":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    shown = "".join(out)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def json_safe(value: Any) -> Any:
    """`value` with every NaN or infinite float replaced by None (JSON has no NaN), recursively
    through dicts, lists and tuples, so json.dumps(..., allow_nan=False) always succeeds."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value
