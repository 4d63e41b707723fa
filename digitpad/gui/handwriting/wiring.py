"""Joins the My handwriting tab to the rest of the window: its Fine-tune panel (started from the
model in use, with the Train tab's data folder), the Draw tab's "Teach it: this is a…" (its
samples go to the same store), and one training run at a time between the two tabs."""

from __future__ import annotations

from typing import Any

from digitpad.gui.handwriting.finetune_panel import FineTunePanel

TRAIN_TAB_WAITS = ("A fine-tune on your handwriting is running (My handwriting tab): start "
                   "training when it has finished.")


def connect_handwriting(window: Any) -> FineTunePanel:
    """Build the Fine-tune panel into `window` (a MainWindow) and connect the tabs."""
    hand, draw, train = window.handwriting_tab, window.draw_tab, window.train_tab
    panel = FineTunePanel(train.run, lambda: draw.model_path,
                          lambda: train.form.data_dir.text().strip(), hand.store, hand,
                          choose_data_dir=train.form.choose_data_dir)
    hand.set_finetune_panel(panel)
    hand.samplesChanged.connect(panel.refresh)
    panel.modelSaved.connect(window._model_trained)  # selected on the Draw tab, as training's
    panel.status.connect(lambda text: window.statusBar().showMessage(text, 5000))
    draw.correction.set_store(hand.store)
    draw.correction.sampleAdded.connect(lambda _sample: (hand.refresh(), panel.refresh()))
    train.waits_for = lambda: TRAIN_TAB_WAITS if panel.is_running() else ""
    return panel
