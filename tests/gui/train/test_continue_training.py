"""Continue training on the Train tab, as a person does it: train a small run into the library,
press "Continue training…", pick it, set a new total of epochs, press Continue. The charts keep
its history and the new epochs extend the same curves (the step numbers go on); the result is a
new library model and the original stays. A file without resume state (bundled, or saved small)
is offered as fine-tuning; a hostile resume state or other data is one line, and nothing is lost.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from digitpad.core.records import EpochEnd, Finished, Steps

BATCH = 32


def quick(shared_data: Path, **changes: object) -> dict:
    values = {"dataset": "mnist", "data_dir": str(shared_data), "model": "mlp", "epochs": 1,
              "limit": 2000, "batch_size": BATCH, "save_name": "first run"}
    return {**values, **changes}


STEPS = 1800 // BATCH  # 2,000 images less the 10% validation split, full batches only


@pytest.fixture(scope="module")
def small_file(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A softmax model trained for one epoch with resume state (core train(), ~1 s)."""
    from digitpad.core.config import TrainConfig
    from digitpad.core.training import train

    config = TrainConfig(dataset="mnist", data_dir=str(shared_data), model="softmax",
                         epochs=1, limit=600, batch_size=BATCH, threads=1)
    finished = list(train(config))[-1]
    assert isinstance(finished, Finished) and finished.resume is not None
    return Path(finished.save(str(tmp_path_factory.mktemp("made") / "small.pt")))


def open_dialog(tab, qtbot):  # noqa: ANN001, ANN201
    """Press Continue training… and wait for the library to be listed."""
    qtbot.mouseClick(tab.continuing.button, Qt.MouseButton.LeftButton)
    dialog = tab.continuing.dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.model.isEnabled(), timeout=30_000)
    return dialog


def choose(dialog, qtbot, name: str) -> None:  # noqa: ANN001
    """Pick the model whose file is `name` and wait until the dialog has read it."""
    index = next(i for i in range(dialog.model.count())
                 if Path(dialog.model.itemData(i)).name == name)
    dialog.model.setFocus()
    while dialog.model.currentIndex() != index:  # the keyboard, as a person would
        key = Qt.Key.Key_Down if dialog.model.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(dialog.model, key)
    qtbot.waitUntil(lambda: dialog.about.text() not in ("", "Reading the model file…"),
                    timeout=30_000)


def finished_by(tab, qtbot, button) -> Finished:  # noqa: ANN001
    """Click `button` and wait for the run's Finished record (saved, whether or not it is put
    on the Draw tab: a tiny run may be no better than chance)."""
    with qtbot.waitSignal(tab.run.record, timeout=120_000,
                          check_params_cb=lambda r: isinstance(r, Finished)) as finished:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=10_000)
    return finished.args[0]


def type_epochs(dialog, qtbot, value: int) -> None:  # noqa: ANN001
    dialog.epochs.selectAll()
    qtbot.keyClicks(dialog.epochs, str(value))
    assert dialog.epochs.value() == value


@pytest.mark.slow  # two real runs through the GUI (~30 s on a busy 2-core machine)
def test_continue_extends_the_charts_and_saves_a_new_model(tab, qtbot, shared_data, library):
    tab.apply_settings(quick(shared_data))
    with qtbot.waitSignal(tab.modelSaved, timeout=120_000) as first:
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.continuing.button.isEnabled(), timeout=10_000)
    original = Path(first.args[0])
    before = original.read_bytes()
    old_val = tab.loss_chart.series("val")
    old_acc = tab.accuracy_chart.series("val")
    assert list(old_val[0]) == [STEPS] and list(old_acc[0]) == [1]

    dialog = open_dialog(tab, qtbot)
    choose(dialog, qtbot, original.name)
    assert "after epoch 1 of 1" in dialog.about.text()
    assert dialog.settings["Network"].text().startswith("mlp")  # the file's own, shown read-only
    assert dialog.settings["Images"].text() == "2,000"
    assert dialog.epochs.minimum() == 2  # the new total must pass the epochs done
    type_epochs(dialog, qtbot, 3)
    steps: list[int] = []
    tab.run.record.connect(lambda r: isinstance(r, Steps) and steps.extend(
        s.global_step for s in r.steps))
    ends: list[EpochEnd] = []
    tab.run.record.connect(lambda r: isinstance(r, EpochEnd) and ends.append(r))
    with qtbot.waitSignal(tab.modelSaved, timeout=120_000) as second:
        qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
        # the history is on the charts before any new step arrives
        assert list(tab.accuracy_chart.series("val")[0]) == [1]
        assert not tab.continuing.button.isEnabled() and not tab.start_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=10_000)

    assert steps == list(range(STEPS + 1, 3 * STEPS + 1))  # the step count goes on
    assert [e.epoch for e in ends] == [2, 3]
    val_x, val_y = tab.loss_chart.series("val")
    assert list(val_x) == [STEPS, 2 * STEPS, 3 * STEPS]  # old point, then the new ones
    assert val_y[0] == old_val[1][0]
    acc_x, acc_y = tab.accuracy_chart.series("val")
    assert list(acc_x) == [1, 2, 3] and acc_y[0] == old_acc[1][0]
    raw_x, _ = tab.loss_chart.series("raw")
    assert raw_x[0] == STEPS + 1 and raw_x[-1] == 3 * STEPS
    saved = Path(second.args[0])
    assert saved != original and saved.parent == library and saved.is_file()
    assert original.read_bytes() == before  # the original stays as it was
    from digitpad.core.resume_state import read_history

    assert [e.epoch for e in read_history(saved)] == [1, 2, 3]
    assert "Saved as" in tab.messages.text()


def test_a_bundled_model_is_offered_as_fine_tuning(tab, qtbot):
    dialog = open_dialog(tab, qtbot)
    choose(dialog, qtbot, "digits.pt")
    text = dialog.about.text()
    assert text.startswith("No resume state") and "fine-tuned from its weights" in text
    assert dialog.epochs.minimum() == 1 and dialog.save_name.text() == "digits-fine-tuned"
    assert dialog.continue_button.isEnabled() and dialog.continue_button.text() == "&Fine-tune"
    assert dialog.settings["Network"].text().startswith("digitnet")
    from digitpad.core.paths import shown_data_dir

    # read where a new run here reads MNIST (the file names its build machine's folder)
    assert dialog.settings["Data"].text() == f"mnist (from {shown_data_dir()})"
    dialog.reject()


def test_a_file_without_resume_state_is_fine_tuned_from_its_weights(tab, qtbot, small_file,
                                                                     library, shared_data):
    from digitpad.core.checkpoint import load_model, save_checkpoint

    model, meta = load_model(small_file)
    small = save_checkpoint(library / "small-v1.pt", model, meta)  # format 1: no resume state
    tab.apply_settings(quick(shared_data))  # MNIST is read from the Train tab's data folder
    dialog = open_dialog(tab, qtbot)
    choose(dialog, qtbot, small.name)
    assert "fine-tuned" in dialog.about.text() and dialog.threads.text() == "Automatic"
    type_epochs(dialog, qtbot, 1)
    notices: list[str] = []
    tab.run.record.connect(lambda r: hasattr(r, "message") and notices.append(r.message))
    finished = finished_by(tab, qtbot, dialog.continue_button)
    assert any("training a new schedule of 1 epochs from its weights" in n for n in notices)
    assert list(tab.accuracy_chart.series("val")[0]) == [1]  # a new schedule, from epoch 1
    assert Path(finished.saved).name == "small-v1-fine-tuned.pt" and small.is_file()


def _rewritten(source: Path, target: Path, edit) -> Path:  # noqa: ANN001
    import torch

    payload = torch.load(source, weights_only=True)
    edit(payload["resume"]["meta"])
    torch.save(payload, target)
    return target


def test_a_hostile_resume_state_is_one_line_and_cannot_be_continued(tab, qtbot, small_file,
                                                                   library):
    library.mkdir(parents=True, exist_ok=True)
    bad = _rewritten(small_file, library / "bad.pt",
                     lambda meta: meta["history"][0].update(epoch=7))
    dialog = open_dialog(tab, qtbot)
    choose(dialog, qtbot, bad.name)
    text = dialog.about.text()
    assert text.startswith("cannot resume from bad.pt: ") and "\n" not in text
    assert not dialog.continue_button.isEnabled()
    dialog.reject()


def test_other_data_than_it_trained_on_is_one_message_and_nothing_is_lost(
        tab, qtbot, small_file, library, shared_data):
    library.mkdir(parents=True, exist_ok=True)
    stale = _rewritten(small_file, library / "stale.pt",
                       lambda meta: meta["data"].update(fingerprint="0" * 32))
    before = stale.read_bytes()
    tab.apply_settings(quick(shared_data))  # the Train tab's data folder is used
    dialog = open_dialog(tab, qtbot)
    choose(dialog, qtbot, stale.name)
    type_epochs(dialog, qtbot, 2)
    with qtbot.waitSignal(tab.run.failed, timeout=60_000) as failed:
        qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=10_000)
    message = failed.args[0]
    assert message == ("cannot resume from stale.pt: the data found now holds other images "
                       "than it trained on.")
    assert message in tab.messages.text()
    assert len(tab.accuracy_chart.series("val")[0]) == 1  # its history is still drawn
    assert stale.read_bytes() == before
    assert sorted(p.name for p in library.glob("*.pt")) == ["stale.pt"]
    assert tab.continuing.button.isEnabled() and tab.start_button.isEnabled()


def test_the_history_alone_draws_old_points(qtbot):
    """show_history: loss at the recorded global steps, accuracy per epoch (in %)."""
    from digitpad.core.resume_state import HistoryEntry
    from digitpad.gui.charts.charts import AccuracyChart, LossChart
    from digitpad.gui.train.continue_plan import show_history

    loss, accuracy = LossChart(), AccuracyChart()
    qtbot.addWidget(loss)
    qtbot.addWidget(accuracy)
    show_history(loss, accuracy, (HistoryEntry(1, 16, 0.9, 0.7, 0.8, 0.75),
                                  HistoryEntry(2, 32, 0.5, 0.85, 0.6, 0.8)))
    assert list(loss.series("train")[0]) == [16, 32] and list(loss.series("val")[1]) == [0.8, 0.6]
    assert np.allclose(accuracy.series("val")[1], [75.0, 80.0]) and not loss.is_dirty()


def test_choosing_the_data_folder_after_a_missing_dataset_continues_the_same_file(
        tab, qtbot, small_file, library, shared_data, offline_empty_folder, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    library.mkdir(parents=True, exist_ok=True)
    copy = library / "small.pt"
    copy.write_bytes(small_file.read_bytes())
    tab.apply_settings(quick(shared_data, data_dir=str(offline_empty_folder)))
    dialog = open_dialog(tab, qtbot)
    choose(dialog, qtbot, copy.name)
    assert str(offline_empty_folder) in dialog.settings["Data"].text()  # the folder it will use
    type_epochs(dialog, qtbot, 2)
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    button = tab.messages.action_button()
    assert button.isVisible() and button.text() == "Choose folder…"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(shared_data))
    steps: list[int] = []
    tab.run.record.connect(lambda r: isinstance(r, Steps) and steps.append(r.steps[0].global_step))
    finished = finished_by(tab, qtbot, button)  # no second press of Continue
    assert steps[0] == 540 // BATCH + 1  # the file's run went on, not a new one from the form
    assert list(tab.accuracy_chart.series("val")[0]) == [1, 2]
    assert Path(finished.saved).name == "small-2.pt" and copy.is_file()


def test_model_menu_continue_training_opens_the_dialog_on_the_train_tab(train_tab_ready, qtbot):
    from tests.gui.helpers import menu_action

    window = train_tab_ready
    window.tabs.setCurrentWidget(window.draw_tab)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Alt+M, C
    menu = menu_action(window, "Model", "Continue Training").associatedObjects()[0]
    qtbot.waitUntil(menu.isVisible, timeout=5_000)
    qtbot.keyClick(menu, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: window.train_tab.continuing.dialog is not None, timeout=5_000)
    dialog = window.train_tab.continuing.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    assert window.tabs.currentWidget() is window.train_tab
    qtbot.waitUntil(dialog.model.isEnabled, timeout=30_000)  # bundled models, at least
    dialog.reject()
