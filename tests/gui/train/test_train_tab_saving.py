"""Saving from the Train tab: a 300-character Save-as name, a library that cannot take files
(refused before training), a save that fails at the end (kept elsewhere, and said so), two
runs saving under one name at once, and a one-cycle run of only four steps."""

from __future__ import annotations

import shutil
from pathlib import Path

from digitpad.core.records import Finished, Steps
from digitpad.gui.workers.training_worker import TrainingWorker
from tests.gui.train.test_train_tab import quick


def _settings(shared_data: Path, **changes: object) -> dict:
    return quick(shared_data, **{"model": "softmax", "limit": 600, "batch_size": 16, **changes})


def test_a_300_character_save_name_saves_under_a_shorter_one(tab, qtbot, shared_data, library):
    tab.apply_settings(_settings(shared_data, save_name="n" * 300))
    with qtbot.waitSignal(tab.modelSaved, timeout=120_000) as saved:
        tab.start_button.click()
    path = Path(saved.args[0])
    assert path.parent == library and path.name.startswith("nnnn") and len(path.name) < 200
    assert path.is_file()
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=10_000)
    assert "did not run" not in tab.progress.label.text()  # it said so after a whole run before
    assert "Saved as" in tab.messages.text()


def test_a_library_that_cannot_take_files_is_refused_before_training(tab, qtbot, shared_data,
                                                                    tmp_path, monkeypatch):
    not_a_folder = tmp_path / "library-file"
    not_a_folder.write_text("a file where the model library should be")
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(not_a_folder))
    tab.apply_settings(_settings(shared_data))
    steps: list = []
    tab.run.record.connect(lambda r: isinstance(r, Steps) and steps.extend(r.steps))
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        tab.start_button.click()
    assert steps == []  # no training time spent on a run that could not be saved
    assert "a file is in the way" in tab.messages.text()
    assert tab.progress.label.text() == "Training did not run."


def test_a_save_that_fails_at_the_end_is_kept_elsewhere_and_said(tab, qtbot, shared_data,
                                                                  library, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    tab.apply_settings(_settings(shared_data, epochs=2, limit=1000, batch_size=8,
                                 save_name="late"))

    def library_goes_away(_record: object) -> None:
        if library.is_dir():  # the check before training passed: now it cannot take files
            shutil.rmtree(library)
            library.write_text("a file where the library was")

    tab.run.record.connect(library_goes_away)
    with qtbot.waitSignal(tab.modelSaved, timeout=120_000) as saved:
        tab.start_button.click()
    path = Path(saved.args[0])
    assert path == tmp_path / "user-data" / "digitpad" / "models" / "late.pt" and path.is_file()
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=10_000)
    text = tab.messages.text()
    assert str(library) in text and f"Saved as {path} instead" in text
    assert "did not run" not in tab.progress.label.text()
    assert tab.progress.label.text().startswith("Finished 2 of 2 epochs")


def test_two_runs_saving_under_one_name_at_once_keep_both(qtbot, shared_data, library):
    runs = [TrainingWorker(), TrainingWorker()]
    saved: list[str] = []
    values = {"dataset": "mnist", "data_dir": str(shared_data), "model": "softmax", "epochs": 1,
              "limit": 300, "batch_size": 8, "augment": False}
    for run in runs:
        run.record.connect(lambda r: isinstance(r, Finished) and saved.append(r.saved))
    with qtbot.waitSignals([run.ended for run in runs], timeout=120_000):
        for run in runs:
            run.start(values, "same name")
    assert len(saved) == 2 and len(set(saved)) == 2 and all(Path(p).is_file() for p in saved)
    assert sorted(p.name for p in library.iterdir()) == ["same-name-2.pt", "same-name.pt"]


def test_one_cycle_with_four_steps_trains(tab, qtbot, shared_data, library):
    # digitnet's recipe is one-cycle: 540 training images make 4 batches of 128
    tab.apply_settings(_settings(shared_data, model="digitnet", batch_size=128,
                                 save_name="four steps"))
    with qtbot.waitSignal(tab.modelSaved, timeout=120_000):
        tab.start_button.click()  # ZeroDivisionError in OneCycleLR before
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=10_000)
    assert tab.progress.value() == 4
    assert (library / "four-steps.pt").is_file()
