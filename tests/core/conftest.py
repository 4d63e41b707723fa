"""Fixtures for core tests: a small real MNIST dataset and a model trained on it, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from digitpad.core.config import TrainConfig
from digitpad.core.datasets import Dataset, load_dataset
from digitpad.core.records import Finished
from digitpad.core.training import train


@pytest.fixture(scope="session")
def mnist_dir(shared_data: Path) -> Path:
    return shared_data / "mnist"


@pytest.fixture(scope="session")
def small_mnist(shared_data: Path) -> Dataset:
    """4,000 real MNIST training images (3,600 train / 400 validation) and 4,000 test images."""
    return load_dataset("mnist", data_dir=shared_data, limit=4000, seed=0)


def run_to_end(config: TrainConfig, **kwargs: object) -> tuple[list, Finished]:
    """Run train() to the end; return all records and the final one."""
    records = list(train(config, **kwargs))
    assert isinstance(records[-1], Finished)
    return records, records[-1]


@pytest.fixture(scope="session")
def trained_model_file(small_mnist: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A digitnet trained for two epochs on the small MNIST set (a few seconds)."""
    config = TrainConfig(dataset="mnist", model="digitnet", epochs=2, seed=1, threads=1)
    _, finished = run_to_end(config, dataset=small_mnist)
    path = tmp_path_factory.mktemp("models") / "digitnet-small.pt"
    finished.save(str(path))
    return path
