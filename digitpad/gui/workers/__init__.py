"""Work off the GUI thread: prediction, training on a QThread, one-off background calls."""

from digitpad.gui.workers.import_hook import remove_feature_import_hook

remove_feature_import_hook()  # before any thread starts: PySide6's hook races (import_hook.py)
