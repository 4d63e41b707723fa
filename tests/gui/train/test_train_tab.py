"""The Train tab as a person uses it: choose settings, press Start, Pause, Stop; watch it learn."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from digitpad.core.records import Finished, Steps


def quick(shared_data: Path, **changes: object) -> dict:
    values = {"dataset": "mnist", "data_dir": str(shared_data), "model": "lenet5",
              "epochs": 1, "limit": 2000, "batch_size": 32, "save_name": "quick lenet"}
    return {**values, **changes}


def test_the_form_lists_every_model_and_only_usable_devices(tab):
    import torch

    from digitpad.core.models.registry import REGISTRY

    form = tab.form
    names = [form.model.itemData(i) for i in range(form.model.count())]
    assert names == list(REGISTRY)
    assert all("parameters" in form.model.itemText(i) for i in range(form.model.count()))
    cuda = form.device.findData("cuda")
    item = form.device.model().item(cuda)
    assert item.isEnabled() == torch.cuda.is_available()
    if not item.isEnabled():
        assert "CUDA" in item.toolTip()
    form.model.setCurrentIndex(form.model.findData("cnn"))  # the recipe fills the form
    assert form.optimizer.currentText() == "adadelta" and form.lr.value() == 1.0
    assert form.scheduler.currentText() == "step"
    assert form.variant.count() == 2  # input size 28 or 8


def test_a_short_run_fills_the_charts_and_saves_the_model(tab, qtbot, shared_data, library):
    tab.apply_settings(quick(shared_data))
    with qtbot.waitSignal(tab.modelSaved, timeout=120_000) as saved:
        with qtbot.waitSignal(tab.run.record, timeout=60_000,
                              check_params_cb=lambda r: isinstance(r, Steps)):
            tab.start_button.click()
        assert not tab.form.isEnabled() and tab.stop_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=10_000)
    path = Path(saved.args[0])
    assert path.parent == library and path.name == "quick-lenet.pt" and path.is_file()
    total = 1800 // 32  # 2,000 images less a 10% validation split; full batches only
    steps, losses = tab.loss_chart.series("raw")
    assert list(steps) == list(range(1, total + 1)) and len(losses) == total
    assert len(tab.loss_chart.series("val")[0]) == 1
    assert len(tab.accuracy_chart.series("val")[0]) == 1
    assert tab.progress.value() == total
    matrix = tab.confusion.matrix()
    assert matrix.shape == (10, 10) and matrix.sum() == 200
    from digitpad.core.training import MISTAKES_KEPT

    assert tab.gallery.count() == min(MISTAKES_KEPT, int(matrix.sum() - matrix.trace()))
    assert tab.progress.label.text().startswith("Finished 1 of 1 epoch in ")
    assert "Saved as" in tab.messages.text()  # said once, in the banner (test_result_said_once)
    assert tab.start_button.isEnabled() and tab.form.isEnabled()


def test_stop_ends_the_run_within_a_batch_and_keeps_the_weights(tab, qtbot, shared_data):
    tab.apply_settings(quick(shared_data, epochs=20, limit=6000))
    shown: list[int] = []
    tab.run.record.connect(lambda r: isinstance(r, Steps) and shown.append(r.latest.global_step))
    with qtbot.waitSignal(tab.run.record, timeout=60_000,
                          check_params_cb=lambda r: isinstance(r, Steps)):
        tab.start_button.click()
    with qtbot.waitSignal(tab.run.record, timeout=30_000,
                          check_params_cb=lambda r: isinstance(r, Finished)) as finished:
        tab.stop_button.click()
    assert finished.args[0].reason == "stopped"
    assert shown[-1] <= shown[0] + 5  # a batch or two more, not the rest of the epoch
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=5_000)
    assert Path(finished.args[0].saved).is_file()


def test_pause_holds_and_resume_carries_on(tab, qtbot, shared_data):
    tab.apply_settings(quick(shared_data, limit=3000))
    with qtbot.waitSignal(tab.run.record, timeout=60_000,
                          check_params_cb=lambda r: isinstance(r, Steps)):
        tab.start_button.click()
    tab.pause_button.click()
    qtbot.waitUntil(lambda: tab.progress.label.text().startswith("Paused"), timeout=10_000)
    held = tab.progress.value()
    assert tab.pause_button.text().replace("&", "") == "Resume"
    qtbot.wait(300)  # nothing moves while paused
    assert tab.progress.value() == held and tab.is_training()
    with qtbot.waitSignal(tab.run.record, timeout=120_000,
                          check_params_cb=lambda r: isinstance(r, Finished)) as finished:
        tab.pause_button.click()
    assert finished.args[0].reason == "completed"


def test_a_missing_dataset_offers_to_choose_the_folder(tab, qtbot, monkeypatch, shared_data,
                                                       offline_empty_folder):
    empty = offline_empty_folder
    tab.apply_settings(quick(shared_data, data_dir=str(empty)))
    with qtbot.waitSignal(tab.run.ended, timeout=30_000):
        tab.start_button.click()
    assert str(empty) in tab.messages.text()
    button = tab.messages.action_button()
    assert not button.isHidden() and "folder" in button.text()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(shared_data))
    button.click()
    assert tab.form.data_dir.text() == str(shared_data)
    assert tab.is_training()  # issue 12: the run starts at once, no second press of Start
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        tab.stop_button.click()


def test_settings_round_trip(tab, shared_data):
    values = quick(shared_data, model="mlp", epochs=3, seed=7)
    tab.apply_settings(values)
    remembered = tab.settings_values()
    for key in ("dataset", "data_dir", "model", "epochs", "limit", "seed", "save_name"):
        assert remembered[key] == values[key], key
