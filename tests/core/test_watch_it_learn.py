"""Watch it learn (issue 16): a real run's Started and EpochEnd records carry the first layer's
images and one fixed validation image's activations, for the very model being trained, changing
as it learns; looking does not change the training; a resumed run starts from its file's
weights; the resume state keeps none of it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from digitpad.core.config import TrainConfig
from digitpad.core.control import TrainControl
from digitpad.core.datasets import Dataset, load_dataset
from digitpad.core.evaluation import normalise
from digitpad.core.explain import watch
from digitpad.core.records import EpochEnd, Finished, Started, Step
from digitpad.core.resume_state import read_resume
from digitpad.core.resume_training import config_to_continue
from digitpad.core.training import train

SHAPES = {"mlp": (128, 28, 28), "digitnet": (16, 5, 5), "softmax": (10, 28, 28)}


@pytest.fixture(scope="module")
def tiny(shared_data) -> Dataset:
    """600 real MNIST images (540 train / 60 validation): two epochs in a second or two."""
    return load_dataset("mnist", data_dir=shared_data, limit=600, seed=0)


def _config(model: str, **changes) -> TrainConfig:
    return TrainConfig(**{"model": model, "epochs": 2, "batch_size": 32, "seed": 0,
                          "threads": 1, **changes})


def _records(config: TrainConfig, data: Dataset, **kwargs) -> list:
    records = list(train(config, dataset=data, **kwargs))
    assert isinstance(records[-1], Finished)
    return records


@pytest.fixture(scope="module", params=["mlp", "digitnet"])
def run(request, tiny) -> tuple[str, list]:
    return request.param, _records(_config(request.param), tiny)


def test_each_epoch_brings_the_first_layer_and_it_changes(run):
    model, records = run
    (started,) = [r for r in records if isinstance(r, Started)]
    ends = [r for r in records if isinstance(r, EpochEnd)]
    looks = [started.first_layer] + [e.first_layer for e in ends]
    assert [e.epoch for e in ends] == [1, 2]
    for look in looks:
        assert look is not None and look.images.shape == SHAPES[model]
        assert look.images.dtype == np.float32 and look.images.base is None  # a copy
        assert np.abs(look.images).max() == pytest.approx(1.0)  # scaled as a set, to ±1
    for before, after in zip(looks, looks[1:]):  # noise, after epoch 1, after epoch 2
        assert np.abs(after.images - before.images).max() > 1e-3
    # the images are the model's own weights: the best epoch's are what Finished keeps
    finished = records[-1]
    first = next(m for m in finished.model.modules()
                 if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)))
    weights = first.weight.detach()
    weights = weights.view(-1, 28, 28) if model == "mlp" else weights.mean(dim=1)
    best = ends[finished.best_epoch - 1].first_layer.images
    np.testing.assert_allclose(best, (weights / weights.abs().max()).numpy(), atol=1e-6)


def test_the_probe_is_one_fixed_validation_image_through_every_layer(run, tiny):
    model, records = run
    (started,) = [r for r in records if isinstance(r, Started)]
    ends = [r for r in records if isinstance(r, EpochEnd)]
    np.testing.assert_array_equal(started.probe_image, tiny.val.images[0, 0].numpy())
    assert not started.probe_image.flags.writeable
    assert started.probe_label == tiny.class_names[int(tiny.val.labels[0])]
    titles = [layer.title for layer in started.probe]
    assert len(titles) >= 3 and titles[-1].startswith("Output")
    for end in ends:
        assert [layer.title for layer in end.probe] == titles  # the same layers every epoch
    assert ends[0].probe[0].kind == ("units" if model == "mlp" else "maps")
    # the output shown is what the epoch's weights make of that image
    finished = records[-1]
    x = normalise(tiny.val.images[:1], torch.tensor(tiny.mean), torch.tensor(tiny.std))
    with torch.inference_mode():
        expected = finished.model.eval()(x)[0].numpy()
    np.testing.assert_allclose(ends[finished.best_epoch - 1].probe[-1].values, expected,
                               rtol=1e-4, atol=1e-5)
    outputs = [layer.probe[-1].values for layer in (started, *ends)]
    assert all(np.abs(b - a).max() > 1e-3 for a, b in zip(outputs, outputs[1:]))


def test_softmax_weight_images_are_labelled_with_the_classes(tiny):
    records = _records(_config("softmax", epochs=1), tiny)
    (end,) = [r for r in records if isinstance(r, EpochEnd)]
    assert end.first_layer.images.shape == SHAPES["softmax"]
    assert end.first_layer.labels == [str(i) for i in range(10)]


def test_looking_does_not_change_the_training(tiny, monkeypatch):
    """BatchNorm (digitnet) keeps its running statistics and no random number is drawn: the
    losses and weights are those of a run that does not look."""
    watched = _records(_config("digitnet"), tiny)
    monkeypatch.setattr(watch.Watch, "look", lambda self, model: watch.Look(None, []))
    blind = _records(_config("digitnet"), tiny)
    assert [r.first_layer for r in blind if isinstance(r, EpochEnd)] == [None, None]
    losses = [[r.loss for r in rs if isinstance(r, Step)] for rs in (watched, blind)]
    assert losses[0] == losses[1]
    for a, b in zip(watched[-1].model.state_dict().values(),
                    blind[-1].model.state_dict().values()):
        assert torch.equal(a, b)


def test_a_resumed_run_starts_from_its_files_weights_and_saves_no_images(tiny, tmp_path):
    control = TrainControl()
    first = []
    for record in train(_config("mlp", epochs=3), control, dataset=tiny):
        first.append(record)
        if isinstance(record, EpochEnd) and record.epoch == 1:
            control.request_stop()
    path = first[-1].save(str(tmp_path / "one.pt"))
    state = read_resume(path)
    assert all(set(vars(entry)) == {"epoch", "global_step", "train_loss", "train_accuracy",
                                    "val_loss", "val_accuracy"} for entry in state.history)
    resumed = _records(config_to_continue(state), tiny, resume=state)
    (started,) = [r for r in resumed if isinstance(r, Started)]
    (epoch_one,) = [r for r in first if isinstance(r, EpochEnd)]
    np.testing.assert_array_equal(started.first_layer.images, epoch_one.first_layer.images)
    assert [r.epoch for r in resumed if isinstance(r, EpochEnd)] == [2, 3]


def test_a_run_without_validation_images_has_no_probe(tiny):
    run = _FakeRun(replace(tiny, val=replace(tiny.val, images=tiny.val.images[:0],
                                             labels=tiny.val.labels[:0])))
    assert watch.probe_of(run) is None
    look = watch.Watch(run).look(torch.nn.Sequential(torch.nn.Flatten(),
                                                     torch.nn.Linear(784, 10)))
    assert look.probe == [] and look.first_layer.images.shape == (10, 28, 28)


class _FakeRun:
    """The parts of training_setup.Run that Watch reads."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset, self.device = dataset, torch.device("cpu")
        self.mean, self.std = torch.tensor(dataset.mean), torch.tensor(dataset.std)
