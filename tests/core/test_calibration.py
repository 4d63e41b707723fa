"""Calibrated confidence (issue 14): temperature scaling fitted at the end of training, stored in
the model file, applied by Predictor; the ECE it is judged by."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from digitpad.core.calibration import (
    calibrate,
    expected_calibration_error,
    fit_temperature,
    scaled_probs,
)
from digitpad.core.checkpoint import load_model, read_meta
from digitpad.core.config import TrainConfig
from digitpad.core.datasets import load_dataset
from digitpad.core.errors import CheckpointError
from digitpad.core.predictor import Predictor
from digitpad.core.preprocess import preprocess
from tests.core.conftest import run_to_end
from tests.core.hostile_files import BUNDLED, edited_model, run_digitpad, set_meta


def test_ece_matches_a_hand_computed_example():
    # confidences 0.9 (right), 0.8 (wrong), 0.55 (right), 0.3 (right, 3 classes)
    probs = torch.tensor([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.45, 0.55, 0.0],
                          [0.3, 0.3, 0.4]])
    labels = torch.tensor([0, 1, 1, 2])
    # 15 bins of width 1/15: 0.9 -> bin 13, 0.8 -> bin 11, 0.55 -> bin 8, 0.4 -> bin 5
    # each bin holds one sample: |1-0.9| + |0-0.8| + |1-0.55| + |1-0.4|, each weighted 1/4
    expected = (0.1 + 0.8 + 0.45 + 0.6) / 4
    assert expected_calibration_error(probs, labels) == pytest.approx(expected)
    # two in one bin: confidences 0.9 and 0.92 (bin 13), one right: |0.5 - 0.91|
    probs2 = torch.tensor([[0.9, 0.1], [0.92, 0.08]])
    assert expected_calibration_error(probs2, torch.tensor([0, 1])) == pytest.approx(0.41)
    assert expected_calibration_error(probs2, torch.tensor([0, 1]), bins=1) == pytest.approx(0.41)


def test_a_perfectly_calibrated_set_has_no_error():
    probs = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    assert expected_calibration_error(probs, torch.tensor([0, 1])) == 0.0
    assert expected_calibration_error(torch.zeros(0, 2), torch.zeros(0, dtype=torch.long)) == 0.0


def test_fitting_recovers_a_known_temperature():
    gen = torch.Generator().manual_seed(0)
    true_logits = torch.randn(4000, 10, generator=gen) * 2
    labels = torch.distributions.Categorical(logits=true_logits).sample()  # calibrated at T=1
    assert fit_temperature(true_logits * 3, labels) == pytest.approx(3.0, rel=0.1)
    assert fit_temperature(true_logits / 2, labels) == pytest.approx(0.5, rel=0.1)
    assert fit_temperature(true_logits * 3, labels) == fit_temperature(true_logits * 3, labels)


def test_the_fitted_temperature_keeps_within_its_bounds():
    logits = torch.tensor([[10.0, 0.0], [0.0, 10.0]])
    assert fit_temperature(logits, torch.tensor([1, 0])) <= 20.0  # always wrong: hot as allowed
    assert fit_temperature(logits, torch.tensor([0, 1])) >= 0.05  # always right: cold


def test_scaling_keeps_the_prediction_and_log_probs_scale_like_logits():
    logits = torch.randn(5, 10, generator=torch.Generator().manual_seed(1))
    log_probs = torch.log_softmax(logits, 1)
    assert torch.allclose(scaled_probs(log_probs, 2.0), scaled_probs(logits, 2.0), atol=1e-6)
    assert torch.equal(scaled_probs(logits, 2.0).argmax(1), logits.argmax(1))
    assert torch.equal(scaled_probs(logits, None), torch.softmax(logits, 1))


def test_a_short_real_run_stores_a_temperature_that_lowers_the_validation_ece(
        shared_data, tmp_path):
    config = TrainConfig(dataset="mnist", model="mlp", epochs=1, limit=2000, seed=0, threads=1,
                         data_dir=str(shared_data))
    _, finished = run_to_end(config)
    metrics = finished.metrics
    assert 0.05 <= metrics["temperature"] <= 20
    assert metrics["ece_after"] <= metrics["ece_before"]
    path = tmp_path / "mlp.pt"
    finished.save(str(path))
    assert read_meta(path)["temperature"] == metrics["temperature"]
    predictor = Predictor.from_file(path)
    assert predictor.temperature == metrics["temperature"]
    # the stored temperature is the one fitted on this run's validation split
    data = load_dataset("mnist", data_dir=shared_data, limit=2000, seed=0)
    again = calibrate(finished.model, data.val, data.mean, data.std)
    assert again["temperature"] == pytest.approx(metrics["temperature"], rel=1e-6)


@pytest.mark.parametrize("value", [math.nan, 0.0, -1.0, 1e9, math.inf, "2", 0.01, 21.0])
def test_a_hostile_temperature_is_refused_with_the_field_named(tmp_path, value):
    path = edited_model(tmp_path / "hot.pt", set_meta("temperature", value))
    for read in (read_meta, load_model, Predictor.from_file):
        with pytest.raises(CheckpointError, match="temperature"):
            read(path)


def _old_file(path):  # noqa: ANN001, ANN202
    """The bundled model as a file from before calibration and declining: no temperature, no
    decline rule (its outputs all count as classes)."""

    def edit(payload: dict) -> None:
        payload["meta"].pop("temperature", None)
        payload["meta"].pop("decline", None)

    return edited_model(path, edit)


def test_an_old_file_predicts_exactly_as_before(tmp_path):
    model, meta = load_model(_old_file(tmp_path / "old.pt"))
    assert "temperature" not in meta
    predictor = Predictor(model, meta)
    assert predictor.temperature is None
    image = np.zeros((28, 28), dtype=np.uint8)
    image[6:22, 12:16] = 255
    got = predictor.predict(image)
    # the old code: softmax of the outputs, nothing else
    prep = preprocess(image, "digit", size=28, channels=1)
    x = (torch.from_numpy(prep.pixels) - torch.tensor(meta["mean"]).view(-1, 1, 1)) / torch.tensor(
        meta["std"]).view(-1, 1, 1)
    with torch.inference_mode():
        before = torch.softmax(model(x.unsqueeze(0)).float(), dim=1)[0].tolist()
    assert got.probabilities == before


def test_a_stored_temperature_changes_confidence_not_the_answer(tmp_path):
    path = edited_model(tmp_path / "t.pt", set_meta("temperature", 4.0))
    image = np.zeros((28, 28), dtype=np.uint8)
    image[6:22, 12:16] = 255
    plain, hot = Predictor.from_file(BUNDLED).predict(image), Predictor.from_file(path).predict(
        image)
    assert hot.label == plain.label
    assert hot.confidence < plain.confidence


@pytest.mark.slow  # two real processes, each loading torch (~8 s)
def test_eval_reports_ece_and_says_uncalibrated(shared_data, tmp_path):
    hot = edited_model(tmp_path / "t.pt", set_meta("temperature", 1.5))
    lib = tmp_path / "lib"
    common = ["--dataset", "mnist", "--data-dir", str(shared_data), "--limit", "500"]
    cold = edited_model(tmp_path / "cold.pt", lambda payload: payload["meta"].pop("temperature"))
    plain = run_digitpad(["eval", "--model", str(cold), *common], lib)
    assert plain.returncode == 0, plain.stderr
    assert "ECE" in plain.stdout and "uncalibrated" in plain.stdout
    result = run_digitpad(["eval", "--model", str(hot), *common, "--json"], lib)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["temperature"] == 1.5 and report["calibrated"] is True
    assert 0 <= report["ece"] <= 1
