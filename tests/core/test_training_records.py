"""The records train() yields for its callers (CLI and GUI alike): Started, Paused, the time left
on every Step, mistakes as numpy arrays, data progress that says its unit, a stop while loading."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.core.config import TrainConfig
from digitpad.core.control import TrainControl
from digitpad.core.records import DataProgress, EpochEnd, Finished, Started, Step, Unit
from digitpad.core.training import LOADING_STOPPED, train
from digitpad.core.training_state import TrainState, time_left


def test_started_says_what_the_run_is_before_the_first_step(small_mnist):
    records = list(train(TrainConfig(model="softmax", epochs=1, threads=1, batch_size=100),
                         dataset=small_mnist))
    (started,) = [r for r in records if isinstance(r, Started)]
    first_step = next(i for i, r in enumerate(records) if isinstance(r, Step))
    assert records.index(started) < first_step
    assert started.class_names == tuple(str(i) for i in range(10))
    assert (started.train_size, started.val_size, started.test_size) == (3600, 400, 4000)
    assert started.scored_on == "validation" and started.model == "softmax"
    assert started.parameters == 28 * 28 * 10 + 10 and started.threads == 1
    assert started.device == "cpu" and started.total_steps == started.steps_per_epoch == 36


def test_every_step_carries_the_time_left_and_it_runs_down(small_mnist):
    records = list(train(TrainConfig(model="softmax", epochs=2, threads=1, batch_size=100),
                         dataset=small_mnist))
    steps = [r for r in records if isinstance(r, Step)]
    assert all(s.eta >= 0 for s in steps)
    assert steps[-1].eta < steps[0].eta
    ends = [r for r in records if isinstance(r, EpochEnd)]
    assert ends[-1].eta == 0.0


def test_time_left_counts_steps_and_evaluations_left():
    state = TrainState(None, None, None, global_step=10, train_time=2.0, eval_time=3.0,
                       evaluations=1)
    assert time_left(state, 30, 2) == pytest.approx(0.2 * 20 + 3.0 * 2)
    assert time_left(TrainState(None, None, None), 30, 2) == 0.0  # nothing measured yet


def test_mistakes_are_read_only_uint8_arrays(small_mnist):
    records = list(train(TrainConfig(model="softmax", epochs=1, threads=1, batch_size=100),
                         dataset=small_mnist))
    (end,) = [r for r in records if isinstance(r, EpochEnd)]
    assert end.misclassified
    for mistake in end.misclassified:
        assert isinstance(mistake.image, np.ndarray) and mistake.image.dtype == np.uint8
        assert mistake.image.shape == (28, 28) and not mistake.image.flags.writeable
        assert mistake.image.base is None or mistake.image.base.size == 28 * 28  # own memory
        assert mistake.true != mistake.predicted


def test_loading_reports_images_as_images(tmp_path):
    from PIL import Image

    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for k in range(6):
            Image.new("L", (12, 12), 40 * k).save(tmp_path / label / f"{k}.png")
    seen: list[DataProgress] = []
    records = list(train(TrainConfig(dataset=str(tmp_path), model="softmax", epochs=1,
                                     image_size=12, threads=1), progress=seen.append))
    assert isinstance(records[-1], Finished)
    assert seen and {p.unit for p in seen} == {Unit.IMAGES}
    assert seen[-1] == DataProgress("loading images", 12, 12, Unit.IMAGES)


def test_a_stop_while_the_data_loads_ends_the_run_with_nothing_to_save(tmp_path):
    from PIL import Image

    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for k in range(4):
            Image.new("L", (12, 12), 50 * k).save(tmp_path / label / f"{k}.png")
    control = TrainControl()
    records = list(train(TrainConfig(dataset=str(tmp_path), model="softmax", epochs=1,
                                     image_size=12), control,
                         progress=lambda _p: control.request_stop()))
    assert not any(isinstance(r, (Started, Step)) for r in records)
    finished = records[-1]
    assert isinstance(finished, Finished) and finished.reason == "stopped"
    assert finished.model is None and finished.message == LOADING_STOPPED
