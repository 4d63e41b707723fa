"""Declining (issue 14): the scores, the fitted threshold, AUROC, the metadata rule and the
Predictor's choice of rule, on real model files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from digitpad.core.checkpoint import load_model, save_checkpoint
from digitpad.core.decline import auroc, digit_probabilities, fit_threshold, scores
from digitpad.core.errors import CheckpointError
from digitpad.core.predictor import Predictor


def _seven() -> np.ndarray:
    image = np.full((200, 200), 255, np.uint8)
    image[40:52, 50:150] = 0  # top bar
    for i in range(110):  # the diagonal down to the bottom left
        x = 145 - i * 0.6
        image[50 + i, int(x) - 6 : int(x) + 6] = 0
    return image


def _with_meta(source: Path, target: Path, **changes: object) -> Path:
    model, meta = load_model(source)
    meta.update(changes)
    save_checkpoint(target, model, meta)
    return target


def test_auroc_is_the_chance_a_digit_scores_above_a_non_digit() -> None:
    assert auroc(torch.tensor([2.0, 3.0]), torch.tensor([0.0, 1.0])) == 1.0
    assert auroc(torch.tensor([0.0, 1.0]), torch.tensor([2.0, 3.0])) == 0.0
    assert auroc(torch.tensor([1.0, 1.0]), torch.tensor([1.0])) == 0.5  # ties count half
    assert auroc(torch.tensor([1.0, 3.0]), torch.tensor([2.0])) == 0.5
    assert math.isnan(auroc(torch.tensor([1.0]), torch.tensor([])))


def test_the_fitted_threshold_lets_the_asked_share_of_digits_through() -> None:
    values = torch.linspace(0, 1, 1001)
    threshold = fit_threshold(values, keep=0.9)
    assert float((values >= threshold).double().mean()) == pytest.approx(0.9, abs=0.002)
    assert fit_threshold(torch.tensor([0.3]), keep=0.995) == pytest.approx(0.3)


def test_scores_rank_a_sure_output_above_an_unsure_one() -> None:
    outputs = torch.tensor([[8.0, 0.0, 0.0], [0.1, 0.0, 0.05]])
    for score in ("max_probability", "energy"):
        sure, unsure = scores(outputs, score).tolist()
        assert sure > unsure
    # with an extra "not a digit" output (the last), its probability decides
    extra = torch.tensor([[5.0, 0.0, 0.0], [0.0, 0.0, 5.0]])
    digit, other = scores(extra, "class", reject=2).tolist()
    assert digit > 0.9 > 0.1 > other
    probs = digit_probabilities(torch.softmax(extra, 1), 2)
    assert probs.shape == (2, 2) and torch.allclose(probs.sum(1), torch.ones(2))


def test_a_model_with_a_rule_declines_and_says_why(trained_model_file: Path,
                                                   tmp_path: Path) -> None:
    path = _with_meta(trained_model_file, tmp_path / "strict.pt",
                      decline={"score": "max_probability", "threshold": 0.99999, "keep": 0.995})
    predictor = Predictor.from_file(path)
    assert predictor.can_decline
    prediction = predictor.predict(_seven())
    assert prediction.not_a_digit and prediction.label is None
    assert prediction.best_guess in predictor.class_names
    assert prediction.decline_score == pytest.approx(prediction.confidence, abs=1e-6)
    assert "not sure enough" in prediction.decline_reason
    assert len(prediction.probabilities) == 10 and not prediction.no_ink
    predictor.set_decline(enabled=False)
    answer = predictor.predict(_seven())
    assert not answer.not_a_digit and answer.label == answer.best_guess
    assert answer.decline_score is None and answer.decline_reason == ""


def test_a_model_without_a_rule_never_declines_unless_asked(trained_model_file: Path) -> None:
    predictor = Predictor.from_file(trained_model_file)
    assert not predictor.can_decline and predictor.rule is None
    assert not predictor.predict(_seven()).not_a_digit
    predictor.set_decline(below=0.9999999)
    declined = predictor.predict(_seven())
    assert declined.not_a_digit and "you set" in declined.decline_reason
    predictor.set_decline()  # back to the model's own judgement: none
    assert not predictor.predict(_seven()).not_a_digit
    with pytest.raises(ValueError):
        predictor.set_decline(below=1.5)
    blank = predictor.predict(np.full((50, 50), 255, np.uint8))
    assert blank.no_ink and not blank.not_a_digit and blank.label is None


@pytest.mark.parametrize("decline, problem", [
    ({"score": "magic", "threshold": 0.5}, "decline.score"),
    ({"score": "max_probability", "threshold": float("nan")}, "decline.threshold"),
    ({"score": "max_probability"}, "decline.threshold is missing"),
    ({"score": "class", "threshold": 0.5}, 'needs a last class named "not a digit"'),
    ("yes", "decline"),
])
def test_a_bad_decline_rule_is_refused_with_its_field(trained_model_file: Path, tmp_path: Path,
                                                       decline: object, problem: str) -> None:
    path = _with_meta(trained_model_file, tmp_path / "bad.pt", decline=decline)
    with pytest.raises(CheckpointError, match="bad metadata") as error:
        Predictor.from_file(path)
    assert problem in str(error.value)
