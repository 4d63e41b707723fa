"""The models shipped in the package: present, small, safe to load, accurate, known by name."""

from __future__ import annotations

import pytest

from digitpad.core.checkpoint import load_model, read_meta
from digitpad.core.datasets import load_dataset
from digitpad.core.evaluation import evaluate
from digitpad.core.model_library import (
    BUNDLED,
    DEFAULT_MODEL,
    bundled_model_path,
    list_models,
    resolve_model,
)

TARGETS = {"digits": ("mnist", 0.993), "fashion": ("fashion-mnist", 0.925)}


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_each_bundled_model_is_small_and_records_how_it_was_made(name):
    path = bundled_model_path(name)
    assert path.is_file(), f"{path} is missing"
    assert path.stat().st_size < 3_000_000
    meta = read_meta(path)
    assert meta["command"].startswith("digitpad train ") and "--seed" in meta["command"]
    assert meta["dataset"] == TARGETS[name][0]
    assert meta["metrics"]["test_accuracy"] >= TARGETS[name][1]


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_each_bundled_model_reaches_its_target_on_the_official_test_set(name, shared_data):
    """Measured here, not just read from the file's metadata."""
    model, meta = load_model(bundled_model_path(name))
    dataset = load_dataset(TARGETS[name][0], data_dir=shared_data)
    result = evaluate(model, dataset.test, meta["mean"], meta["std"], len(meta["class_names"]))
    assert len(dataset.test) == 10_000
    assert result.accuracy >= TARGETS[name][1]


def test_bundled_models_come_first_and_digits_is_the_default(tmp_path):
    entries = list_models(tmp_path)
    assert [e.name for e in entries[:2]] == ["digits", "fashion"]
    assert all(e.bundled and not e.problem for e in entries[:2])
    assert resolve_model(None) == bundled_model_path(DEFAULT_MODEL)
    assert resolve_model("fashion") == bundled_model_path("fashion")
