"""Work off the GUI thread: prediction, training on a QThread, one-off background calls."""
