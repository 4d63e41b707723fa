"""The training generator on real MNIST: learning, stop, pause, best weights, divergence."""

from __future__ import annotations

import threading
import time

import pytest
import torch

from digitpad.core import training, training_setup
from digitpad.core.config import OPTIMIZERS, TrainConfig
from digitpad.core.control import TrainControl
from digitpad.core.errors import DigitpadError
from digitpad.core.evaluation import Evaluation
from digitpad.core.records import EpochEnd, Notice, Paused, Step
from digitpad.core.training import train
from tests.core.conftest import run_to_end


def test_loss_falls_and_accuracy_rises_well_above_chance(small_mnist):
    # plain cross-entropy, whose floor is 0 (label smoothing's is ~0.5 at 0.1)
    config = TrainConfig(model="digitnet", epochs=2, seed=0, threads=1, label_smoothing=0.0)
    records, finished = run_to_end(config, dataset=small_mnist)
    steps = [r for r in records if isinstance(r, Step)]
    epochs = [r for r in records if isinstance(r, EpochEnd)]
    first = sum(s.loss for s in steps[:5]) / 5
    last = sum(s.loss for s in steps[-5:]) / 5
    assert last < first / 3
    assert epochs[-1].val_accuracy > 0.9
    assert finished.reason == "completed"
    assert finished.metrics["test_accuracy"] > 0.9
    # the epoch's speed is that epoch's own, not diluted by the epochs before it
    assert epochs[-1].images_per_s >= 0.7 * steps[-1].images_per_s
    # records carry plain Python numbers only
    assert all(isinstance(v, (int, float)) for s in steps for v in vars(s).values())
    assert isinstance(epochs[-1].confusion[0][0], int)
    assert sum(map(sum, epochs[-1].confusion)) == len(small_mnist.val)


def test_stop_is_honoured_within_one_batch(small_mnist):
    control = TrainControl()
    config = TrainConfig(model="lenet5", epochs=3, threads=1)
    steps_after_stop = 0
    records = []
    for record in train(config, control, dataset=small_mnist):
        records.append(record)
        if control.stop_requested and isinstance(record, Step):
            steps_after_stop += 1
        if isinstance(record, Step) and record.step == 5:
            control.request_stop()
    assert steps_after_stop == 0
    finished = records[-1]
    assert finished.reason == "stopped"
    assert finished.model is not None  # the weights so far were evaluated and kept
    assert sum(isinstance(r, EpochEnd) for r in records) == 1


def test_stop_before_the_first_step_saves_nothing(small_mnist):
    control = TrainControl()
    control.request_stop()
    records = list(train(TrainConfig(model="lenet5", epochs=1), control, dataset=small_mnist))
    assert not any(isinstance(r, Step) for r in records)
    assert records[-1].reason == "stopped" and records[-1].model is None


def test_pause_blocks_between_batches_and_resume_continues(small_mnist):
    control = TrainControl()
    gen = train(TrainConfig(model="lenet5", epochs=1, threads=1), control, dataset=small_mnist)
    first = next(r for r in gen if isinstance(r, Step))
    control.pause()
    timer = threading.Timer(0.3, control.resume)
    timer.start()
    ack = next(gen)  # the pause is acknowledged before the loop blocks
    assert isinstance(ack, Paused) and ack.global_step == first.global_step
    start = time.perf_counter()
    nxt = next(gen)
    assert time.perf_counter() - start >= 0.25
    assert isinstance(nxt, Step) and nxt.global_step == first.global_step + 1
    rest = list(gen)
    assert rest[-1].reason == "completed"


def test_stop_while_paused_ends_the_run(small_mnist):
    control = TrainControl()
    gen = train(TrainConfig(model="lenet5", epochs=2, threads=1), control, dataset=small_mnist)
    next(r for r in gen if isinstance(r, Step))
    control.pause()
    threading.Timer(0.1, control.request_stop).start()
    rest = list(gen)
    assert not any(isinstance(r, Step) for r in rest)
    assert rest[-1].reason == "stopped"


def test_best_weights_are_restored_at_the_end(small_mnist, monkeypatch):
    scripted = iter([0.5, 0.9, 0.7])
    snapshots = []
    real_evaluate = training.evaluate

    def fake_evaluate(model, split, *args, **kwargs):
        if split is small_mnist.test:
            return real_evaluate(model, split, *args, **kwargs)
        snapshots.append({k: v.clone() for k, v in model.state_dict().items()})
        return Evaluation(1.0, next(scripted), [[0] * 10 for _ in range(10)])

    monkeypatch.setattr(training, "evaluate", fake_evaluate)
    _, finished = run_to_end(TrainConfig(model="lenet5", epochs=3), dataset=small_mnist)
    assert finished.best_epoch == 2
    assert finished.metrics["val_accuracy"] == 0.9
    final = finished.model.state_dict()
    for key, value in snapshots[1].items():
        assert torch.equal(final[key], value.cpu()), key
    assert not torch.equal(final["classifier.5.weight"], snapshots[2]["classifier.5.weight"])


def test_absurd_learning_rate_stops_with_advice(small_mnist):
    config = TrainConfig(model="lenet5", optimizer="sgd", lr=1e6, epochs=3, augment=False)
    records, finished = run_to_end(config, dataset=small_mnist)
    assert finished.reason == "diverged"
    assert "learning rate" in finished.message and "lower" in finished.message
    assert sum(isinstance(r, EpochEnd) for r in records) <= 1


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimizer_trains(small_mnist, optimizer):
    lr = {"lbfgs": 0.5, "adadelta": 1.0, "rprop": 0.001}.get(optimizer, 0.01)
    config = TrainConfig(model="softmax", optimizer=optimizer, lr=lr, epochs=1, batch_size=256)
    records, finished = run_to_end(config, dataset=small_mnist)
    assert finished.reason == "completed", finished.message
    assert finished.metrics["val_accuracy"] > 0.5


@pytest.mark.parametrize("model", ["softmax", "mlp", "cnn", "lenet5", "digitnet"])
def test_every_small_model_learns_one_epoch(small_mnist, model):
    config = TrainConfig(model=model, epochs=1, threads=1)
    _, finished = run_to_end(config, dataset=small_mnist)
    assert finished.metrics["val_accuracy"] > 0.5, model  # chance is 0.1
    assert finished.meta["architecture"] == model


def test_resnet18_without_local_weights_trains_from_scratch_with_a_notice(small_mnist, tmp_path,
                                                                            monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.delenv("DIGITPAD_RESNET18_WEIGHTS", raising=False)
    subset = type(small_mnist)(**{**vars(small_mnist)})
    subset.train = type(small_mnist.train)(small_mnist.train.images[:128],
                                           small_mnist.train.labels[:128])
    subset.val = type(small_mnist.val)(small_mnist.val.images[:64], small_mnist.val.labels[:64])
    subset.test = None
    config = TrainConfig(model="resnet18", epochs=1, batch_size=32)
    records, finished = run_to_end(config, dataset=subset)
    notices = [r.message for r in records if isinstance(r, Notice)]
    assert any("training from scratch" in n for n in notices)
    assert finished.model is not None


def test_bad_settings_are_refused_before_training():
    with pytest.raises(DigitpadError, match="learning rate"):
        TrainConfig(lr=-1).resolved()
    with pytest.raises(DigitpadError, match="optimizer"):
        TrainConfig(optimizer="magic").resolved()
    with pytest.raises(DigitpadError, match="NLL"):
        TrainConfig(model="digitnet", loss="nll").resolved()
    with pytest.raises(DigitpadError, match="epochs"):
        TrainConfig(epochs=0).resolved()
    with pytest.raises(DigitpadError, match="activation"):
        TrainConfig(model="mlp", model_options={"activation": "swish"}).resolved()


def test_mlp_uses_nll_and_the_recipe_fills_in():
    config = TrainConfig(model="cnn").resolved()
    assert (config.optimizer, config.lr, config.scheduler, config.gamma) == (
        "adadelta", 1.0, "step", 0.7)
    assert TrainConfig(model="mlp", loss="nll").resolved().loss == "nll"


def test_unavailable_device_falls_back_to_cpu_with_a_notice(small_mnist):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA, so there is nothing to fall back from")
    records, finished = run_to_end(TrainConfig(model="softmax", epochs=1, device="cuda"),
                                   dataset=small_mnist)
    assert any(isinstance(r, Notice) and "CPU instead" in r.message for r in records)
    assert finished.reason == "completed"


def test_loss_going_nan_later_keeps_the_best_weights_so_far(small_mnist, monkeypatch):
    """Epoch 1 trains well, then the loss becomes NaN in epoch 2: stopped within that epoch,
    with advice, and epoch 1's weights are what the run hands back to be saved."""
    real_build = training_setup.build_model
    steps_per_epoch = len(small_mnist.train) // 128

    class GoesNaN(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner, self.calls = inner, 0

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out = self.inner(x)
            if self.training:
                self.calls += 1
                if self.calls > steps_per_epoch + 3:  # a few steps into epoch 2
                    return out * float("nan")
            return out

    monkeypatch.setattr(training_setup, "build_model", lambda *a, **k: GoesNaN(real_build(*a, **k)))
    config = TrainConfig(model="digitnet", epochs=3, batch_size=128, seed=0, threads=1)
    records, finished = run_to_end(config, dataset=small_mnist)
    epochs = [r for r in records if isinstance(r, EpochEnd)]
    assert finished.reason == "diverged" and "learning rate" in finished.message
    assert len(epochs) == 1 and finished.best_epoch == 1
    steps = [r for r in records if isinstance(r, Step)]
    assert steps[-1].epoch == 2 and steps[-1].step < steps_per_epoch  # stopped within epoch 2
    assert finished.model is not None and finished.metrics["val_accuracy"] > 0.8
    assert all(torch.isfinite(p).all() for p in finished.model.parameters())
