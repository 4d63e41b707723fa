"""Faults around a training run, in-process: a handful of one-cycle steps, settings that are not
numbers, divergence advice that names the culprit, and saving that never loses a finished run
(names reserved atomically, the target checked first, a fallback when the save fails)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import torch

from digitpad.core.checkpoint import load_model
from digitpad.core.config import TrainConfig
from digitpad.core.datasets import load_dataset
from digitpad.core.errors import CheckpointError, DigitpadError
from digitpad.core.model_library import library_path_for, list_models
from digitpad.core.optim import build_optimizer, build_scheduler
from digitpad.core.saving import check_writable, release, safe_stem, save_run
from tests.core.conftest import run_to_end


@pytest.mark.parametrize("epochs", [1, 2, 3])
def test_one_cycle_takes_every_step_count_from_one(epochs):
    config = TrainConfig(model="digitnet", epochs=epochs).resolved()
    assert config.scheduler == "onecycle"
    for steps_per_epoch in range(1, 41):
        layer = torch.nn.Linear(2, 2)
        optimizer = build_optimizer(config, layer.parameters())
        scheduler, per_step = build_scheduler(config, optimizer, steps_per_epoch)
        assert per_step
        for _ in range(epochs * steps_per_epoch):  # 4 steps in all divided by zero before
            optimizer.step()
            scheduler.step()
            lr = optimizer.param_groups[0]["lr"]
            assert 0 < lr <= config.lr * (1 + 1e-9), (steps_per_epoch, lr)


def test_digitnet_trains_one_epoch_on_600_images(shared_data):
    dataset = load_dataset("mnist", data_dir=shared_data, limit=600, seed=0)
    config = TrainConfig(model="digitnet", epochs=1, threads=1)  # 540 images: 4 steps of 128
    records, finished = run_to_end(config, dataset=dataset)
    assert finished.reason == "completed" and finished.model is not None
    assert sum(type(r).__name__ == "Step" for r in records) == 4


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"weight_decay": float("nan")}, ["weight decay", "finite"]),
        ({"momentum": float("inf")}, ["momentum", "finite"]),
        ({"lr": float("nan")}, ["learning rate", "finite"]),
        ({"lr": 1e308}, ["learning rate", "at most"]),
        ({"gamma": float("nan")}, ["gamma"]),
        ({"gamma": 5.0}, ["gamma", "at most 1"]),
        ({"val_split": float("nan")}, ["validation split"]),
        ({"seed": 2**70}, ["seed"]),
        ({"seed": -1}, ["seed"]),
        ({"threads": 10**9}, ["threads"]),
        ({"image_size": 100_000}, ["image size"]),
        ({"epochs": 1e30}, ["epochs", "whole number"]),
        ({"batch_size": "64"}, ["batch size"]),
        ({"model_options": {"width": -3}}, ["width", "1 to 256"]),
        ({"model_options": {"width": "-3"}}, ["width", "1 to 256"]),
        ({"model_options": {"width": 10**7}}, ["width"]),
        ({"model_options": {"width": True}}, ["width", "whole number"]),
        ({"model_options": {"width": "9" * 5000}}, ["width", "whole number"]),
        ({"model_options": [1, 2]}, ["options"]),
        ({"model": ["digitnet"]}, ["unknown model"]),
    ],
)
def test_settings_that_are_not_usable_numbers_are_refused_in_one_sentence(changes, words):
    with pytest.raises(DigitpadError) as caught:
        TrainConfig(**changes).resolved()
    message = str(caught.value)
    assert all(w in message.lower() for w in words), message
    assert "\n" not in message and len(message) < 300


def test_divergence_advice_names_the_weight_decay_not_the_learning_rate(small_mnist):
    config = TrainConfig(model="softmax", epochs=1, weight_decay=1e30, threads=1, augment=False)
    _, finished = run_to_end(config, dataset=small_mnist)
    assert finished.reason == "diverged"
    assert "weight decay" in finished.message and "learning rate" not in finished.message


def test_threads_reserving_one_name_at_once_each_get_their_own_file(tmp_path):
    count = 24
    barrier = threading.Barrier(count)
    paths: list[Path] = []
    errors: list[BaseException] = []

    def reserve() -> None:
        try:
            barrier.wait(timeout=10)
            paths.append(library_path_for("same name", tmp_path))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reserve) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(set(paths)) == count  # before, every thread got same-name.pt
    assert {p.name for p in paths} == {"same-name.pt", *(f"same-name-{n}.pt"
                                                          for n in range(2, count + 1))}
    assert all(p.is_file() for p in paths)  # each held (empty) until its save replaces it


def test_a_reservation_that_is_not_used_is_removed_and_a_saved_model_is_kept(
    tmp_path, small_mnist
):
    unused = library_path_for("unused", tmp_path)
    release(unused)
    assert not unused.exists()
    kept = Path(_finished(small_mnist).save(str(library_path_for("kept", tmp_path))))
    release(kept)
    assert kept.is_file() and kept.name == "kept.pt"
    load_model(kept)


class _FailingSave:
    """A finished run whose save fails as a full disk would (the reservation is left empty)."""

    def save(self, path: str) -> str:
        raise CheckpointError(f"Cannot save the model to {path}: No space left on device.")


def test_a_failed_save_leaves_no_empty_file_in_the_library(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    library = tmp_path / "library"
    with pytest.raises(CheckpointError, match="anywhere else"):
        save_run(_FailingSave(), None, "doomed", library)
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []  # every folder tried, no empty doomed.pt left in any
    assert [e for e in list_models(library) if not e.bundled] == []


def _finished(small_mnist):
    config = TrainConfig(model="softmax", epochs=1, threads=1, augment=False)
    return run_to_end(config, dataset=small_mnist)[1]


def test_a_save_that_fails_at_the_end_goes_to_the_library_instead(small_mnist, tmp_path):
    finished = _finished(small_mnist)
    library = tmp_path / "library"
    result = save_run(finished, Path("/proc/no-such-dir/model.pt"), "model", library)
    assert Path(result.path).parent == library and "/proc/no-such-dir" in result.problem
    load_model(result.path)


def test_when_the_library_is_a_file_the_run_goes_to_the_user_data_folder(
    small_mnist, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    library = tmp_path / "not-a-folder"
    library.write_text("a file where the library should be")
    result = save_run(_finished(small_mnist), None, "my run", library)
    assert Path(result.path) == tmp_path / "user-data" / "digitpad" / "models" / "my-run.pt"
    assert "not-a-folder" in result.problem
    load_model(result.path)


@pytest.mark.parametrize(
    "target, words",
    [
        ("/proc/model.pt", ["/proc/model.pt"]),
        ("/proc/self/model.pt", ["/proc/self/model.pt"]),
        ("/sys/model.pt", ["/sys/model.pt"]),
        ("{file}/model.pt", ["a file is in the way"]),
        ("{tmp}/" + "n" * 250 + ".pt", ["too long"]),
        ("{tmp}", ["is a folder"]),
    ],
)
def test_an_unwritable_target_is_found_before_training(target, words, tmp_path):
    file = tmp_path / "a-file"
    file.write_text("x")
    with pytest.raises(DigitpadError) as caught:
        check_writable(target.format(file=file, tmp=tmp_path))
    assert all(w in str(caught.value) for w in words), caught.value
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]  # the probe is gone


def test_a_writable_target_passes_and_leaves_nothing(tmp_path):
    check_writable(tmp_path / "new" / "folder" / "model.pt")
    assert [p for p in (tmp_path / "new" / "folder").iterdir()] == []


def test_long_names_are_cut_to_a_safe_length_keeping_their_end():
    stem = safe_stem("mlp-" + "d" * 240 + "-20261201-120000")
    assert len(stem.encode()) <= 160 and stem.startswith("mlp-ddd") and stem.endswith("-120000")
    assert len(safe_stem("é" * 300).encode()) <= 160
    assert safe_stem("../..") == safe_stem("") == "model"
