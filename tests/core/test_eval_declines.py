"""`digitpad eval` on a model that declines (issue 14): accuracy with declines counted as wrong and
the share declined, checked against the model's outputs; real processes on real MNIST."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch

from tests.core.decline_files import DeclineFiles, build
from tests.core.hostile_files import run_digitpad

LIMIT = 1000  # MNIST test images evaluated (eval --limit)


@pytest.fixture(scope="module")
def files(tmp_path_factory, mnist_dir: Path) -> DeclineFiles:
    return build(tmp_path_factory.mktemp("eval-declines"), mnist_dir)


@pytest.fixture(scope="module")
def outputs(files, shared_data):
    """The plain model's outputs on the split eval uses, its labels, and core's evaluation."""
    from digitpad.core.calibration import split_ece, split_logits
    from digitpad.core.checkpoint import load_model
    from digitpad.core.datasets import load_dataset
    from digitpad.core.evaluation import evaluate

    model, meta = load_model(files.plain)
    config = meta.get("config") or {}
    split = load_dataset("mnist", data_dir=shared_data, val_split=config.get("val_split", 0.1),
                         seed=config.get("seed") or 0, limit=LIMIT).test
    logits, labels = split_logits(model, split, meta["mean"], meta["std"])
    result = evaluate(model, split, meta["mean"], meta["std"], 10)
    ece = split_ece(model, split, meta["mean"], meta["std"], meta.get("temperature"))
    return logits.double(), labels, result, ece


def evaluate_cli(files: DeclineFiles, shared_data: Path, model: Path, *args: str):
    result = run_digitpad(["eval", "--model", str(model), "--dataset", "mnist", "--data-dir",
                           str(shared_data), "--limit", str(LIMIT), *args],
                          files.plain.parent / "library", timeout=180)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def declined_below(outputs, files: DeclineFiles, threshold: float) -> tuple[float, float]:
    """(share declined, accuracy with declines counted as wrong) for a max-probability rule."""
    logits, labels, _, _ = outputs
    confidence, predicted = torch.softmax(logits / files.temperature, 1).max(1)
    declined = confidence < threshold
    right = predicted == labels
    return float(declined.double().mean()), float((right & ~declined).double().mean())


def test_a_model_that_never_declines_reports_as_before(files, shared_data, outputs):
    report = evaluate_cli(files, shared_data, files.plain, "--json")
    _, _, result, ece = outputs
    assert report["images"] == LIMIT and report["confusion"] == result.confusion
    assert report["accuracy"] == pytest.approx(result.accuracy)
    assert report["loss"] == pytest.approx(result.loss, rel=1e-4)
    assert report["ece"] == pytest.approx(ece, abs=1e-6)
    assert report["declines"] is False and report["decline_rule"] is None
    assert report["declined"] == 0 and report["accuracy_with_declines"] == report["accuracy"]


def test_decline_below_counts_declines_as_wrong(files, shared_data, outputs):
    share, accuracy = declined_below(outputs, files, 0.999)
    assert 0 < share < 0.5  # the test means something: some digits, not most, are declined
    report = evaluate_cli(files, shared_data, files.plain, "--decline-below", "99.9%", "--json")
    assert report["decline_rule"] == {"score": "max_probability", "threshold": 0.999,
                                      "source": "user"}
    assert report["declined"] == pytest.approx(share, abs=1.5 / LIMIT)
    assert report["accuracy_with_declines"] == pytest.approx(accuracy, abs=1.5 / LIMIT)
    assert report["accuracy"] == pytest.approx(outputs[2].accuracy)
    per_class = report["per_class_declined"]
    assert set(per_class) == {str(d) for d in range(10)} and max(per_class.values()) > 0


def test_a_models_own_rule_and_no_decline(files, shared_data, outputs):
    text = evaluate_cli(files, shared_data, files.max_probability)
    share, accuracy = declined_below(outputs, files, files.threshold)
    line = next(x for x in text.splitlines() if x.startswith("declined "))
    found = re.match(r"declined ([\d.]+)% of the images \(the model's own rule: best guess's "
                     r"probability below \d+%\); accuracy with declines counted as wrong "
                     r"([\d.]+)%$", line)
    assert found, line
    assert float(found[1]) == pytest.approx(share * 100, abs=0.15)
    assert float(found[2]) == pytest.approx(accuracy * 100, abs=0.15)
    assert "declined per class: 0: " in text
    report = evaluate_cli(files, shared_data, files.max_probability, "--no-decline", "--json")
    assert report["declines"] is False and report["declined"] == 0


def test_a_model_with_a_not_a_digit_output_is_scored_on_the_digits(files, shared_data, outputs):
    """Its 11th output is not a class here: accuracy, per class and confusion are the digits',
    and an image is declined where the extra output's probability passes the threshold."""
    logits, labels, result, _ = outputs
    evidence = torch.logsumexp(logits / files.temperature, 1)
    share = float((evidence < files.bias / files.temperature).double().mean())
    report = evaluate_cli(files, shared_data, files.klass, "--json")
    assert report["confusion"] == result.confusion  # 10 x 10, as the plain model's
    assert set(report["per_class"]) == {str(d) for d in range(10)}
    assert report["decline_rule"]["score"] == "class"
    assert report["declined"] == pytest.approx(share, abs=1.5 / LIMIT)
    assert report["accuracy_with_declines"] <= report["accuracy"] == pytest.approx(
        result.accuracy)
    text = evaluate_cli(files, shared_data, files.klass)
    assert "not a digit" not in text.split("confusion")[1]  # no row or column for it
    assert "its \"not a digit\" output above 50%" in text


def test_a_bad_decline_below_gets_one_clear_line(files):
    result = run_digitpad(["eval", "--dataset", "mnist", "--decline-below", "2"],
                          files.plain.parent / "library", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--decline-below" in result.stderr and "write 0.02 or 2%" in result.stderr


@pytest.mark.slow
def test_train_models_eval_and_predict_a_model_trained_to_decline(files, shared_data, tmp_path):
    """The quick recipe with an extra class, end to end: train's closing line, the listing's
    column, eval and predict (which the 11-output file used to fail in eval)."""
    library = tmp_path / "library"
    out = library / "tiny-class.pt"
    trained = run_digitpad(["train", "--dataset", "mnist", "--data-dir", str(shared_data),
                            "--epochs", "1", "--limit", "1000", "--not-digits", "300",
                            "--not-digit-method", "class", "--no-resume-state", "--threads", "1",
                            "--out", str(out)], library, timeout=300)
    assert trained.returncode == 0, trained.stderr
    assert re.search(r"^declines \d+\.\d% of held-out non-digits, keeps \d+\.\d% of validation "
                     r"digits \(class\)$", trained.stdout, re.M), trained.stdout
    listing = run_digitpad(["models"], library, timeout=120).stdout
    assert re.search(r"^tiny-class .* non-digits  ", listing, re.M), listing
    assert "declines non-digits:" in listing
    entry = next(e for e in json.loads(run_digitpad(["models", "--json"], library).stdout)
                 if e["name"] == "tiny-class")
    assert entry["declines"] is True
    report = evaluate_cli(files, shared_data, out, "--json")
    assert len(report["confusion"]) == 10 and report["decline_rule"]["score"] == "class"
    [seven] = json.loads(run_digitpad(["predict", "--model", "tiny-class", "--json",
                                       str(files.seven)], library).stdout)
    assert set(seven["probabilities"]) == {str(d) for d in range(10)}
