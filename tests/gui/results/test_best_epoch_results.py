"""The confusion matrix and the mistakes describe the weights that were kept (issue 12 items 13
and 14, from a new user's trial).

Before, both showed the last epoch: a run whose best epoch was 1 (the one saved) showed epoch 3's
mistakes, and neither said which epoch it showed; the gallery showed 32 tiles of ~233 mistakes
without a word.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from digitpad.core.records import EpochEnd, Finished, Misclassified, Started
from digitpad.core.training import MISTAKES_KEPT


def off_diagonal(confusion: list[list[int]]) -> int:
    counts = np.asarray(confusion)
    return int(counts.sum() - np.trace(counts))


def test_a_real_run_shows_the_latest_epoch_then_the_best_one_with_every_mistake_counted(
        tab, qtbot, shared_data):
    epochs: list[EpochEnd] = []
    titles: list[tuple[str, str]] = []  # (matrix title, gallery header) after each epoch

    def seen(record: object) -> None:
        if isinstance(record, EpochEnd):
            epochs.append(record)
            titles.append((tab.confusion.title_text(), tab.gallery.header.text()))

    tab.run.record.connect(seen)  # after the widgets: they have taken the record
    tab.apply_settings({"dataset": "mnist", "data_dir": str(shared_data), "model": "softmax",
                        "optimizer": "sgd", "lr": 0.05, "epochs": 3, "limit": 2000,
                        "batch_size": 32, "scheduler": "none", "save_name": "best epoch"})
    with qtbot.waitSignal(tab.run.record, timeout=120_000,
                          check_params_cb=lambda r: isinstance(r, Finished)) as finished:
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=30_000)
    result = finished.args[0]
    assert len(epochs) == 3 and result.saved
    for record, (matrix_title, header) in zip(epochs, titles):  # during the run: the latest
        assert f"validation, epoch {record.epoch} (latest): " in matrix_title
        assert header.startswith(f"Validation, epoch {record.epoch} (latest): ")
    best = next(r for r in epochs if r.epoch == result.best_epoch)
    assert tab.confusion.title_text() == (f"Confusion matrix — validation, epoch {best.epoch} "
                                          f"(best, saved): {np.sum(best.confusion):,} images")
    assert (tab.confusion.matrix() == np.asarray(best.confusion)).all()
    total = off_diagonal(best.confusion)
    assert best.mistakes == total > 0  # the record counts them all
    shown = min(total, MISTAKES_KEPT)
    counted = (f"{shown} of {total:,} mistakes, the most confident first" if total > shown
               else f"all {total:,} mistake{'s' if total > 1 else ''}")
    assert tab.gallery.header.text() == f"Validation, epoch {best.epoch} (best, saved): {counted}"
    assert tab.gallery.count() == shown


def test_at_the_end_the_best_epoch_comes_back_even_when_a_later_one_was_shown(tab, qtbot):
    """A run whose best epoch was 1 of 3, its records sent as the worker sends them."""
    image = np.zeros((28, 28), dtype=np.uint8)

    def epoch(n: int, accuracy: float, wrong: int, is_best: bool) -> EpochEnd:
        confusion = [[50, wrong], [0, 50]]
        return EpochEnd(n, 3, 10 * n, 0.5, accuracy, 0.5, accuracy, confusion, n, 0.0, 100.0,
                        is_best, [Misclassified(image, 0, 1, 0.9)] * min(wrong, MISTAKES_KEPT))

    run = tab.run
    run.record.emit(Started(("cat", "dog"), 500, 100, 0, "validation", "pets", "mlp", 100,
                            "cpu", 1, 3, 10, 30))
    for record in (epoch(1, 0.9, 5, True), epoch(2, 0.7, 40, False), epoch(3, 0.6, 233, False)):
        run.record.emit(record)
    assert tab.gallery.header.text() == ("Validation, epoch 3 (latest): 32 of 233 mistakes, "
                                         "the most confident first")
    run.record.emit(Finished("completed", "Finished.", 1, {"val_accuracy": 0.9, "best_epoch": 1},
                             3.0, saved="/nowhere/pets.pt"))
    assert tab.gallery.header.text() == "Validation, epoch 1 (best, saved): all 5 mistakes"
    assert tab.gallery.count() == 5
    assert tab.confusion.title_text() == ("Confusion matrix — validation, epoch 1 (best, saved): "
                                          "105 images")
    assert tab.confusion.matrix().tolist() == [[50, 5], [0, 50]]
