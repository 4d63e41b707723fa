"""core.personal.finetune: a writer whose 1s the bundled model reads as 7 is read right after a
short fine-tune, MNIST is kept, and bad settings, models and folders are refused in one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from digitpad.core.control import TrainControl
from digitpad.core.errors import DatasetError, DigitpadError
from digitpad.core.personal.finetune import FineTuneConfig, fine_tune
from digitpad.core.personal.personal_data import load_samples, split_held_out
from digitpad.core.predictor import Predictor
from digitpad.core.records import EpochEnd, Finished, Notice, Started, Step
from tests.core.personal.drawn_samples import LONG_FLAG_ONE, draw, write_samples

BUNDLED = Path(__file__).resolve().parents[3] / "resources" / "models" / "digits.pt"


@pytest.fixture(scope="module")
def fine_tuned(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list, Path]:
    folder = write_samples(tmp_path_factory.mktemp("samples"), per_digit=5)
    config = FineTuneConfig(samples=str(folder), data_dir=str(shared_data), steps=100, threads=1)
    return list(fine_tune(config)), folder


def test_records_arrive_in_training_order(fine_tuned: tuple[list, Path]) -> None:
    records = fine_tuned[0]
    kinds = [type(r) for r in records if not isinstance(r, Notice)]
    assert kinds[0] is Started and kinds[-1] is Finished
    started = next(r for r in records if isinstance(r, Started))
    assert (started.train_size, started.val_size) == (40, 10)  # 1 in 5 of each digit held out
    steps = [r for r in records if isinstance(r, Step)]
    assert len(steps) == started.total_steps == 100
    ends = [r for r in records if isinstance(r, EpochEnd)]
    assert len(ends) == started.epochs and ends[-1].global_step == 100


def test_it_learns_the_writers_ones_and_keeps_mnist(fine_tuned: tuple[list, Path]) -> None:
    finished = fine_tuned[0][-1]
    assert finished.reason == "completed" and finished.model is not None
    m = finished.metrics
    assert m["personal_held_out"] == 10 and m["personal_trained"] == 40
    assert m["personal_before"] <= 0.9  # its held-out 1 is read as 7 before
    assert m["personal_after"] == 1.0
    assert m["mnist_after"] >= m["mnist_before"] - 0.003
    # drawings it never saw: new 1s with the long flag
    unseen = [np.asarray(draw(LONG_FLAG_ONE, 9000 + k)) for k in range(20)]
    base, new = Predictor.from_file(BUNDLED), Predictor(finished.model, finished.meta)
    assert sum(base.predict(a).label == "1" for a in unseen) <= 5
    assert sum(new.predict(a).label == "1" for a in unseen) >= 19
    assert new.can_decline  # its rule and temperature are the base's


def test_the_saved_file_says_how_it_was_made(fine_tuned: tuple[list, Path],
                                             tmp_path: Path) -> None:
    finished = fine_tuned[0][-1]
    path = finished.save(str(tmp_path / "mine.pt"))
    predictor = Predictor.from_file(path)
    made = predictor.meta["fine_tuned"]
    assert made["base"] == "digits.pt" and made["samples"] == 50 and made["steps"] == 100
    assert predictor.meta["metrics"]["test_accuracy_with_declines"] == \
        finished.metrics["mnist_after"]


def test_a_stop_saves_nothing(shared_data: Path, tmp_path: Path) -> None:
    folder = write_samples(tmp_path, per_digit=2)
    control = TrainControl()
    records = []
    for record in fine_tune(FineTuneConfig(samples=str(folder), data_dir=str(shared_data),
                                           steps=50, threads=1), control):
        records.append(record)
        if isinstance(record, Step) and record.global_step == 3:
            control.request_stop()
    assert records[-1].reason == "stopped" and records[-1].model is None
    assert sum(isinstance(r, Step) for r in records) == 3


def test_bad_settings_are_refused_before_anything_loads(tmp_path: Path) -> None:
    for bad in ({"held_out": 1.0}, {"steps": 0}, {"lr": float("nan")}, {"personal_share": 0}):
        with pytest.raises(DigitpadError):
            next(fine_tune(FineTuneConfig(samples=str(tmp_path), **bad)))


def test_folders_without_digits_are_refused(tmp_path: Path) -> None:
    prep = {"mode": "digit", "size": 28, "channels": 1}
    names = [str(d) for d in range(10)]
    with pytest.raises(DatasetError, match="not a folder"):
        load_samples(tmp_path / "missing", names, prep)
    (tmp_path / "cats").mkdir()
    Image.new("L", (28, 28), 0).save(tmp_path / "cats" / "a.png")
    with pytest.raises(DatasetError, match="no folder named after a digit"):
        load_samples(tmp_path, names, prep)
    (tmp_path / "3").mkdir()
    (tmp_path / "3" / "fake.png").write_text("not an image")
    with pytest.raises(DatasetError, match="could be used"):
        load_samples(tmp_path, names, prep)


def test_unreadable_and_blank_files_are_left_out_and_listed(tmp_path: Path) -> None:
    write_samples(tmp_path, per_digit=1)
    (tmp_path / "3" / "fake.png").write_text("not an image")
    Image.new("L", (50, 50), 255).save(tmp_path / "4" / "blank.png")
    data = load_samples(tmp_path, [str(d) for d in range(10)],
                        {"mode": "digit", "size": 28, "channels": 1})
    assert len(data) == 10 and data.images.dtype == torch.uint8
    assert any(s.startswith("3/fake.png") for s in data.skipped)
    assert "4/blank.png: no ink" in data.skipped


def test_held_out_share_is_per_digit_and_repeatable(tmp_path: Path) -> None:
    data = load_samples(write_samples(tmp_path, per_digit=5), [str(d) for d in range(10)],
                        {"mode": "digit", "size": 28, "channels": 1})
    learn, held = split_held_out(data, 0.2, seed=4)
    assert held.counts(10) == [1] * 10 and learn.counts(10) == [4] * 10
    assert split_held_out(data, 0.2, seed=4)[1].names == held.names
    assert len(split_held_out(data, 0.0, seed=4)[1]) == 0


def test_a_model_of_other_classes_is_refused(shared_data: Path, tmp_path: Path,
                                             trained_model_file: Path) -> None:
    from digitpad.core.checkpoint import read_checkpoint, save_checkpoint
    from digitpad.core.models.registry import build_model

    weights, meta = read_checkpoint(trained_model_file)
    meta = dict(meta, class_names=[f"c{i}" for i in range(len(meta["class_names"]))])
    model = build_model(meta["architecture"], len(meta["class_names"]), meta["in_channels"],
                        meta["image_size"], meta.get("model_options") or {})
    model.load_state_dict(weights)
    other = save_checkpoint(tmp_path / "other.pt", model, meta)
    with pytest.raises(DigitpadError, match="not a model of the ten digits"):
        list(fine_tune(FineTuneConfig(samples=str(write_samples(tmp_path / "s", 1)),
                                      base=str(other), data_dir=str(shared_data))))


def test_the_recorded_mnist_score_is_what_scoring_measures(shared_data: Path,
                                                          fine_tuned: tuple[list, Path]) -> None:
    """A fine-tune takes the base's MNIST score from its file instead of scoring it again
    (seconds): that figure must be the very one scoring gives."""
    from digitpad.core.checkpoint import load_model
    from digitpad.core.datasets import load_dataset
    from digitpad.core.personal.fine_tune_scores import Scorer, recorded_mnist_score
    from digitpad.core.personal.personal_data import PersonalSet

    model, meta = load_model(BUNDLED)
    test = load_dataset("mnist", data_dir=shared_data, val_split=0.0).test
    none = PersonalSet(torch.zeros(0, 1, 28, 28, dtype=torch.uint8), torch.zeros(0).long(), ())
    measured = Scorer(model, meta, test, none, torch.device("cpu")).scores().mnist
    assert recorded_mnist_score(meta, len(test)) == measured
    finished = fine_tuned[0][-1]
    assert finished.metrics["mnist_before_recorded"] is True
    assert finished.metrics["mnist_before"] == measured
    assert recorded_mnist_score(finished.meta, 10_000) == finished.metrics["mnist_after"]
    # a model trained on part of the test set, or scored on another, records no such figure
    limited = dict(meta, config=dict(meta["config"], limit=1000))
    assert recorded_mnist_score(limited, 10_000) is None
    assert recorded_mnist_score(meta, 9_000) is None
    assert recorded_mnist_score(dict(meta, dataset="fashion-mnist"), 10_000) is None
