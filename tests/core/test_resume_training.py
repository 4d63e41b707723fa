"""train(resume=...): a run stopped after an epoch (or mid-epoch) and resumed from its saved file
ends exactly where the uninterrupted run ends, its step count carrying on; a file without
resume state is fine-tuned from its weights; data or settings that do not fit are refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from digitpad.core.config import TrainConfig
from digitpad.core.control import TrainControl
from digitpad.core.datasets import Dataset
from digitpad.core.records import EpochEnd, Finished, Notice, Step
from digitpad.core.resume_state import ResumeError, read_history, read_resume
from digitpad.core.resume_training import config_to_continue
from digitpad.core.splits import Split
from digitpad.core.training import train


@pytest.fixture(scope="module")
def data(small_mnist: Dataset) -> Dataset:
    """1,000 training images of the small real MNIST set: an mlp epoch takes a blink."""
    return replace(small_mnist, train=Split(small_mnist.train.images[:1000],
                                            small_mnist.train.labels[:1000]))


def _config(**changes) -> TrainConfig:
    values = dict(dataset="mnist", model="mlp", epochs=4, batch_size=100, seed=3, threads=1,
                  optimizer="adamw", lr=2e-3, scheduler="onecycle")
    return TrainConfig(**{**values, **changes})


def _run(config, data, control=None, resume=None, stop=None):
    """All records of a run; `stop(record)` True requests a stop after that record."""
    control = control or TrainControl()
    records = []
    for record in train(config, control, dataset=data, resume=resume):
        records.append(record)
        if stop is not None and stop(record):
            control.request_stop()
    assert isinstance(records[-1], Finished)
    return records


def _weights(finished: Finished) -> list[torch.Tensor]:
    return list(finished.model.state_dict().values())


@pytest.fixture(scope="module")
def uninterrupted(data):
    return _run(_config(), data)


@pytest.mark.parametrize("where", ["after epoch 2", "in epoch 3"])
def test_a_stopped_and_resumed_run_ends_as_the_uninterrupted_one(tmp_path, data, uninterrupted,
                                                                  where):
    if where == "after epoch 2":
        def stop(r):
            return isinstance(r, EpochEnd) and r.epoch == 2
    else:
        def stop(r):
            return isinstance(r, Step) and r.epoch == 3 and r.step == 4
    first = _run(_config(), data, stop=stop)
    assert first[-1].reason == "stopped"
    path = first[-1].save(str(tmp_path / "stopped.pt"))
    state = read_resume(path)
    assert (state.epoch, state.global_step) == (2, 20)  # a cut-short epoch is done again

    resumed = _run(config_to_continue(state), data, resume=state)
    notices = [r.message for r in resumed if isinstance(r, Notice)]
    assert "Resuming stopped.pt after epoch 2 of 4 (step 20)." in notices
    steps = [r for r in resumed if isinstance(r, Step)]
    assert (steps[0].epoch, steps[0].global_step) == (3, 21)
    assert (steps[-1].global_step, steps[-1].total_steps) == (40, 40)
    done, expected = resumed[-1], uninterrupted[-1]
    assert done.reason == "completed"
    assert done.metrics["val_accuracy"] == pytest.approx(expected.metrics["val_accuracy"],
                                                         abs=0.003)
    assert done.metrics["test_accuracy"] == pytest.approx(expected.metrics["test_accuracy"],
                                                          abs=0.003)
    assert all(torch.equal(a, b) for a, b in zip(_weights(done), _weights(expected)))
    assert done.best_epoch == expected.best_epoch

    saved = done.save(str(tmp_path / "resumed.pt"))
    history = read_history(saved)
    assert [e.epoch for e in history] == [1, 2, 3, 4]
    full = [r for r in uninterrupted if isinstance(r, EpochEnd)]
    assert [e.val_accuracy for e in history] == [r.val_accuracy for r in full]
    assert read_resume(saved).global_step == 40


def test_more_epochs_extend_the_run_and_its_schedule(tmp_path, data):
    first = _run(_config(epochs=2), data)
    state = read_resume(first[-1].save(str(tmp_path / "two.pt")))
    with pytest.raises(ResumeError, match="trained all its 2 epochs"):
        config_to_continue(state)
    with pytest.raises(ResumeError, match="must be more than 2"):
        config_to_continue(state, epochs=2)
    config = config_to_continue(state, epochs=3)
    records = _run(config, data, resume=state)
    steps = [r for r in records if isinstance(r, Step)]
    assert [r.epoch for r in records if isinstance(r, EpochEnd)] == [3]
    assert (steps[0].global_step, steps[-1].global_step, steps[-1].total_steps) == (21, 30, 30)
    assert records[-1].meta["config"]["epochs"] == 3
    # OneCycleLR follows the schedule planned for 3 epochs: it ends near zero again
    assert steps[-1].lr < 0.01 * config.lr < steps[0].lr


def test_a_file_without_resume_state_is_fine_tuned_from_its_weights(tmp_path, data):
    first = _run(_config(epochs=1), data)
    path = replace(first[-1], resume=None).save(str(tmp_path / "v1.pt"))
    assert torch.load(path, weights_only=True)["format_version"] == 1
    state = read_resume(path)
    assert state.fine_tune
    records = _run(config_to_continue(state, epochs=1), data, resume=state)
    assert ("v1.pt holds no resume state: training a new schedule of 1 epochs from its "
            "weights.") in [r.message for r in records if isinstance(r, Notice)]
    steps = [r for r in records if isinstance(r, Step)]
    assert steps[0].global_step == 1  # a new schedule
    scratch = [r for r in first if isinstance(r, Step)]
    # it starts from the trained weights: about where the first run ended, well below chance
    assert steps[0].loss < min(1.2 * scratch[-1].loss, scratch[0].loss - 0.2)


def test_other_data_is_refused_before_any_step(tmp_path, data):
    first = _run(_config(epochs=1), data)
    state = read_resume(first[-1].save(str(tmp_path / "m.pt")))
    config = config_to_continue(state, epochs=2)
    fewer = replace(data, train=Split(data.train.images[:900], data.train.labels[:900]))
    with pytest.raises(ResumeError, match="cannot resume from m.pt: the data now has 900"):
        next(r for r in train(config, dataset=fewer, resume=state) if isinstance(r, Step))
    other = data.train.images.clone()
    other[0] = 255 - other[0]
    changed = replace(data, train=Split(other, data.train.labels))
    with pytest.raises(ResumeError, match="other images than it trained on"):
        next(r for r in train(config, dataset=changed, resume=state) if isinstance(r, Step))
    renamed = replace(data, class_names=[f"c{i}" for i in range(10)])
    with pytest.raises(ResumeError, match="classes are not those"):
        next(r for r in train(config, dataset=renamed, resume=state) if isinstance(r, Step))


def test_a_file_without_its_config_cannot_be_continued(tmp_path, data):
    first = _run(_config(epochs=1), data)
    finished = first[-1]
    meta = {k: v for k, v in finished.meta.items() if k != "config"}
    state = read_resume(replace(finished, meta=meta).save(str(tmp_path / "m.pt")))
    with pytest.raises(ResumeError, match="does not say how it was trained"):
        config_to_continue(state, epochs=2)


def test_a_resumed_run_stopped_before_an_epoch_ends_stays_resumable(tmp_path, data):
    first = _run(_config(), data, stop=lambda r: isinstance(r, EpochEnd) and r.epoch == 2)
    state = read_resume(first[-1].save(str(tmp_path / "two.pt")))
    again = _run(config_to_continue(state), data, resume=state,
                 stop=lambda r: isinstance(r, Step) and r.step == 2)
    assert again[-1].reason == "stopped" and not any(isinstance(r, EpochEnd) for r in again)
    kept = read_resume(again[-1].save(str(tmp_path / "again.pt")))
    assert (kept.epoch, kept.global_step) == (2, 20)  # where it started: nothing is lost
    assert all(torch.equal(a, b) for a, b in zip(kept.weights.values(), state.weights.values()))


@pytest.mark.parametrize("architecture", ["digitnet", "softmax", "mlp", "cnn", "lenet5",
                                          "resnet18"])
def test_every_architecture_and_its_recipe_resumes(tmp_path, architecture):
    """What digitpad writes passes its own resume checks: each architecture with its own
    recipe's optimizer and scheduler (batch-norm counters included), on a tiny RGB folder."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for label in ("cats", "dogs"):
        (tmp_path / "data" / label).mkdir(parents=True)
        for k in range(8):
            pixels = rng.integers(0, 255, (20, 20, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / "data" / label / f"{k}.png")
    config = TrainConfig(dataset=str(tmp_path / "data"), model=architecture, epochs=1,
                         batch_size=4, image_size=32, threads=1, val_split=0.25)
    finished = list(train(config))[-1]
    state = read_resume(finished.save(str(tmp_path / "m.pt")))
    assert state.epoch == 1
    records = list(train(config_to_continue(state, epochs=2), resume=state))
    steps = [r for r in records if isinstance(r, Step)]
    assert steps[0].global_step == state.global_step + 1 and steps[0].epoch == 2
    assert records[-1].resume.epoch == 2


def test_a_run_stopped_in_its_first_epoch_resumes_after_that_partial_epoch(tmp_path, data):
    first = _run(_config(), data, stop=lambda r: isinstance(r, Step) and r.step == 3)
    state = read_resume(first[-1].save(str(tmp_path / "early.pt")))
    assert (state.epoch, state.global_step) == (1, 3)  # the cut-short epoch was evaluated
    records = _run(config_to_continue(state), data, resume=state)
    steps = [r for r in records if isinstance(r, Step)]
    assert (steps[0].epoch, steps[0].step, steps[0].global_step) == (2, 1, 4)
    assert records[-1].reason == "completed" and records[-1].resume.global_step == 33
