"""Every awkward image in the corpus gives the right digit, "no ink", or one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digitpad.core import images
from digitpad.core.errors import ImageError
from digitpad.core.images import open_image
from digitpad.core.model_library import resolve_model
from digitpad.core.predictor import Predictor
from tests.core.test_cli import digitpad
from tests.image_corpus import NO_INK, build_corpus, mnist_seven


@pytest.fixture(scope="module")
def corpus(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> list:
    return build_corpus(tmp_path_factory.mktemp("corpus"), mnist_seven(shared_data))


def test_the_corpus_has_every_kind_the_app_must_survive(corpus):
    assert len(corpus) >= 25
    assert len({case.path for case in corpus}) == len(corpus)


def test_digitpad_predict_on_the_whole_corpus(corpus):
    result = digitpad("predict", "--json", *[str(case.path) for case in corpus], timeout=300)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1  # some files are bad, and the exit status says so
    entries = json.loads(result.stdout)
    assert [entry["image"] for entry in entries] == [str(case.path) for case in corpus]
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == sum(case.is_error for case in corpus)  # one line per bad file
    outcomes = {}
    for case, entry in zip(corpus, entries):
        if case.is_error:
            outcome = entry.get("error", f"no error, got {entry['label']}")
            ok = "error" in entry and case.path.name in entry["error"] and all(
                word in entry["error"].lower() for word in case.words)
        elif case.expect == NO_INK:
            outcome = "no ink" if entry["no_ink"] else f"guessed {entry['label']}"
            ok = entry["no_ink"] and "error" not in entry
        else:
            outcome = entry.get("error") or f"{entry['label']} ({entry['confidence']:.0%})"
            ok = entry["label"] == case.expect
        outcomes[case.name] = (ok, outcome)
    wrong = {name: outcome for name, (ok, outcome) in outcomes.items() if not ok}
    assert not wrong, wrong


def test_a_file_that_becomes_unreadable_between_choosing_and_loading(tmp_path, monkeypatch,
                                                                    shared_data):
    """Simulated, because the tests may run as root (who can read any file)."""
    path = tmp_path / "locked.png"
    build_corpus(tmp_path / "c", mnist_seven(shared_data), huge=False)
    path.write_bytes((tmp_path / "c" / "plain.png").read_bytes())

    def refuse(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(images, "open", refuse, raising=False)
    with pytest.raises(ImageError, match="locked.png.*permission denied"):
        open_image(path)


def test_the_huge_image_is_scaled_down_as_it_is_read(corpus):
    huge = next(case for case in corpus if case.path.name == "huge.png")
    image = open_image(huge.path)
    assert max(image.size) <= images.MAX_SIDE


def test_the_bundled_model_reads_the_plain_digit_confidently(corpus):
    plain = next(case for case in corpus if case.path.name == "plain.png")
    prediction = Predictor.from_file(resolve_model(None)).predict(open_image(plain.path))
    assert prediction.label == "7" and prediction.confidence > 0.9
