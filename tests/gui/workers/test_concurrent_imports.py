"""Two threads importing at once at start-up never break pydantic's import (the model loads).

PySide6's `__feature__` import hook checks each newly imported module with the hook switched off
process-wide; a second thread's check ending inside the first's switches it back on there, and
pydantic's own import then fails ("cannot import name 'import_string' from partially initialized
module 'pydantic._internal._validators'"). At start-up that was the listing thread importing
pydantic while the Train tab's job imported torch, about once in 30 start-ups. digitpad.gui.workers
takes the hook out (workers/import_hook.py).

The race is staged here, in a fresh interpreter, at the moment it went wrong: thread C sits in
the hook's check of a module of its own from the start of `pydantic.errors` until the main
thread's own check (of `pydantic.errors`) starts importing `pydantic._internal._validators`.
With the hook in place that fails every time; without it there is no check to sit in.
"""

from __future__ import annotations

import builtins
import subprocess
import sys
from pathlib import Path

import pytest

STAGED = r'''
import sys, threading
sys.path.insert(0, sys.argv[1])
import PySide6.QtWidgets  # noqa: F401 - as the app starts
import digitpad.gui.workers  # noqa: F401 - what every module that starts a thread imports
feature = sys.modules.get("PySide6.support.feature")
if feature is None or not hasattr(feature, "_mod_uses_pyside"):
    print("cannot stage: PySide6.support.feature._mod_uses_pyside is gone"); sys.exit(3)
assert "pydantic" not in sys.modules
checked = feature._mod_uses_pyside
go, inside, release = threading.Event(), threading.Event(), threading.Event()

def held_check(module):  # PySide6's check of a new module, held open for C's module
    if module.__name__ == "c_module":
        inside.set()
        release.wait(10)
    return checked(module)

feature._mod_uses_pyside = held_check

def thread_c():
    go.wait(10)
    import c_module  # noqa: F401
    inside.set()  # (when no check ran, there is nothing to hold)

c = threading.Thread(target=thread_c, name="C", daemon=True)
c.start()

def tracer(frame, event, arg):
    if frame.f_code.co_name == "<module>":
        name = frame.f_code.co_filename.replace("\\", "/")
        if name.endswith("pydantic/errors.py"):
            go.set()
            inside.wait(10)
        elif name.endswith("pydantic/_internal/_validators.py"):
            release.set()
            c.join(10)
    return None

sys.settrace(tracer)
from pydantic import BaseModel  # noqa: E402,F401 - as digitpad.core.model_meta does
sys.settrace(None)
print("imported")
'''


def test_pydantic_imports_while_another_thread_is_importing(tmp_path: Path) -> None:
    (tmp_path / "c_module.py").write_text("X = 1\n")
    result = subprocess.run([sys.executable, "-c", STAGED, str(tmp_path)], capture_output=True,
                            text=True, timeout=60)
    if result.returncode == 3:
        pytest.skip(result.stdout.strip())
    assert result.returncode == 0, result.stderr[-2000:]
    assert "imported" in result.stdout
    assert "partially initialized" not in result.stderr


def test_the_hook_is_gone_once_the_workers_are_imported() -> None:
    import digitpad.gui.workers  # noqa: F401

    assert builtins.__import__ is not getattr(builtins, "__feature_import__", None)
