"""Running out of device memory: the step is retried in parts and training carries on."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from digitpad.core import training_setup
from digitpad.core.config import TrainConfig
from digitpad.core.errors import DigitpadError
from digitpad.core.records import Notice, Step
from digitpad.core.train_step import MemorySafeStep, is_out_of_memory
from tests.core.conftest import run_to_end


class _RunsOutOfMemory(nn.Module):
    """Wraps a model; a training pass over more than `limit` images raises torch's OOM error."""

    def __init__(self, inner: nn.Module, limit: int) -> None:
        super().__init__()
        self.inner, self.limit, self.passes = inner, limit, []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            self.passes.append(len(x))
            if len(x) > self.limit:
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return self.inner(x)


def test_a_step_split_in_parts_moves_the_weights_exactly_like_the_whole_batch():
    torch.manual_seed(0)
    x, y = torch.randn(64, 12), torch.randint(0, 3, (64,))
    results = []
    for chunk in (64, 16):
        torch.manual_seed(1)
        model = nn.Linear(12, 3)
        stepper = MemorySafeStep(model, torch.optim.SGD(model.parameters(), lr=0.5),
                                F.cross_entropy, 64, torch.device("cpu"))
        stepper.chunk = chunk
        loss, outputs, notice = stepper.step(x, y)
        results.append((loss, outputs, model.weight.detach().clone()))
        assert notice == "" and outputs.shape == (64, 3)
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-5)
    assert torch.allclose(results[0][2], results[1][2], atol=1e-6)


def test_out_of_memory_halves_the_images_per_pass_with_a_notice_and_training_goes_on(
    small_mnist, monkeypatch
):
    real_build = training_setup.build_model
    built: list[_RunsOutOfMemory] = []

    def build(*args, **kwargs):
        built.append(_RunsOutOfMemory(real_build(*args, **kwargs), limit=20))
        return built[-1]

    monkeypatch.setattr(training_setup, "build_model", build)
    config = TrainConfig(model="lenet5", epochs=1, batch_size=64, seed=0, threads=1)
    records, finished = run_to_end(config, dataset=small_mnist)
    notices = [r.message for r in records if isinstance(r, Notice) and "Out of memory" in r.message]
    assert len(notices) == 1, notices  # 64 -> 32 -> 16 in the first step, said once
    assert "64 images at once" in notices[0] and "16 at a time" in notices[0]
    steps = [r for r in records if isinstance(r, Step)]
    assert steps[-1].step == steps[-1].steps_per_epoch == len(small_mnist.train) // 64
    assert max(built[0].passes[-20:]) == 16
    assert finished.reason == "completed" and finished.metrics["test_accuracy"] > 0.5


def test_out_of_memory_with_a_single_image_is_a_clear_error():
    model = _RunsOutOfMemory(nn.Linear(4, 2), limit=0)
    stepper = MemorySafeStep(model, torch.optim.SGD(model.parameters(), lr=0.1),
                            F.cross_entropy, 8, torch.device("cpu"))
    with pytest.raises(DigitpadError, match="even with one image at a time"):
        stepper.step(torch.randn(8, 4), torch.zeros(8, dtype=torch.long))


def test_other_errors_are_not_mistaken_for_out_of_memory():
    assert is_out_of_memory(torch.OutOfMemoryError("CUDA out of memory."))
    assert is_out_of_memory(RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried "
                                         "to allocate 1 bytes. Error code 12 (out of memory)"))
    assert not is_out_of_memory(RuntimeError("mat1 and mat2 shapes cannot be multiplied"))
    assert not is_out_of_memory(ValueError("out of memory"))
