"""The Train tab's TensorBoard log folder, as a person sets it: type a folder, press Start, and
the run's event file holds what the tab showed; the folder is not saved with the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from digitpad.core.records import EpochEnd, Finished, Steps
from tests.gui.train.test_train_tab import quick

pytest.importorskip("tensorboard")


def test_a_run_with_a_log_folder_writes_its_tensorboard_log(tab, qtbot, shared_data, library,
                                                            tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from digitpad.core.checkpoint import read_meta

    logs = tmp_path / "tensorboard logs"
    tab.apply_settings(quick(shared_data, epochs=2))
    field = tab.form.log_dir
    assert field.isEnabled()  # tensorboard is installed here
    field.setFocus()
    qtbot.keyClicks(field, str(logs))
    records: list = []
    tab.run.record.connect(lambda r: records.append(r))
    with qtbot.waitSignal(tab.modelSaved, timeout=180_000) as saved:
        tab.start_button.click()
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=10_000)

    (folder,) = logs.iterdir()
    assert folder.name.endswith("-lenet5")
    events = EventAccumulator(str(folder), size_guidance={"scalars": 0, "images": 0})
    events.Reload()
    ends = [r for r in records if isinstance(r, EpochEnd)]
    steps = [s for r in records if isinstance(r, Steps) for s in r.steps]
    assert len(ends) == 2
    assert [e.value for e in events.Scalars("epoch/val_accuracy")] == pytest.approx(
        [r.val_accuracy for r in ends])
    assert len(events.Scalars("step/loss")) == len(steps) == 2 * (1800 // 32)
    assert [i.step for i in events.Images("confusion_matrix")] == [1, 2]
    (finished,) = [r for r in records if isinstance(r, Finished)]
    assert events.Scalars("hparam/val_accuracy")[0].value == pytest.approx(
        finished.metrics["val_accuracy"])
    assert "_hparams_/session_start_info" in events.PluginTagToContent("hparams")
    # a path on this machine is no part of how the model was made
    assert read_meta(Path(saved.args[0]))["config"].get("log_dir", "") == ""


def test_an_unusable_log_folder_is_said_before_training(tab, qtbot, shared_data, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    tab.apply_settings(quick(shared_data))
    tab.form.log_dir.setFocus()
    qtbot.keyClicks(tab.form.log_dir, str(blocker))
    records: list = []
    tab.run.record.connect(lambda r: records.append(r))
    tab.start_button.click()
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=60_000)
    qtbot.waitUntil(lambda: "TensorBoard log" in tab.messages.text(), timeout=10_000)
    assert not any(isinstance(r, Steps) for r in records)


def test_without_tensorboard_the_setting_says_it_is_unavailable(qtbot, monkeypatch):
    """As in the standalone bundle, which leaves torch.utils.tensorboard out."""
    from digitpad.core import tensorboard_log
    from digitpad.gui.train.train_settings import TrainSettingsForm

    real_find = tensorboard_log.importlib.util.find_spec
    monkeypatch.setattr(tensorboard_log.importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorboard" else real_find(name, *a))
    form = TrainSettingsForm()
    qtbot.addWidget(form)
    assert not form.log_dir.isEnabled()
    assert form.log_dir.placeholderText() == "Unavailable here"
    assert "pip install 'digitpad[tensorboard]'" in form.log_dir.toolTip()
    assert form.config().log_dir == ""
