"""Take PySide6's `__feature__` import hook out again: it is not safe with two importing threads.

Importing PySide6 replaces `builtins.__import__` with its own hook (`__feature_import__`), which,
after each import, reads the new module's source (inspect.getsource) to note whether it mentions
PySide6: groundwork for `from __feature__ import snake_case, true_property`, which digitpad does
not use. While it reads, it sets `builtins.__import__` to the plain import for the whole process
and then sets its hook back. With two threads importing at once (at start-up the model listing
imports pydantic while the Train tab's job imports torch), one thread setting the hook back in
the middle of the other's check re-arms the check inside it. A pydantic module whose own check
was skipped meanwhile is then probed twice over (inspect's `hasattr(module, "__wrapped__")` runs
pydantic's migration `__getattr__`, which imports `pydantic._internal._validators`, which
imports that module again, is checked again, ...), and the import fails with
"ImportError: cannot import name 'import_string' from partially initialized module
'pydantic._internal._validators' (most likely due to a circular import)": the model does not
load (PySide6 6.11.3: 2 in 65 runs of the two start-up threads' imports, and once in 4 runs of
tests/gui/test_bad_settings.py).

Serialising our own threads' imports would not be enough (the GUI thread imports too), and
importing pydantic before PySide6 would delay the window. Putting back the import the hook wraps
(`builtins.__orig_import__`, which PySide6 itself uses during its checks) removes the race, and
the source reads with it: importing torch and the core off the GUI thread takes about 20% less.
`from __feature__ import …` would no longer switch anything on (digitpad uses Qt's camelCase
API). Done in `digitpad.gui.workers`, which every module that starts a thread imports, so before
the first background thread exists.
"""

from __future__ import annotations

import builtins

import PySide6  # noqa: F401 - importing the package is what installs the hook


def remove_feature_import_hook() -> bool:
    """Put back the import PySide6's `__feature__` hook wraps; True when the hook was in place
    (False when it is not, e.g. a PySide6 without it, or already removed)."""
    hook = getattr(builtins, "__feature_import__", None)
    plain = getattr(builtins, "__orig_import__", None)
    if hook is None or plain is None or builtins.__import__ is not hook:
        return False
    builtins.__import__ = plain
    return True
