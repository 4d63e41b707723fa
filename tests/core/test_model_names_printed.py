"""Names from a model file (its file name, its class names) and from image file names reach
the terminal escaped, and --json output is valid JSON (issue 11, item 15)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from tests.core.hostile_files import ESCAPE_NAME, edited_model, run_digitpad, set_meta

CONTROL = ("\x1b", "\x07", "\x9b")


@pytest.fixture(scope="module")
def escape_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("escapes")
    return edited_model(folder / f"{ESCAPE_NAME}.pt",
                        set_meta("class_names", [f"{i}{ESCAPE_NAME}" for i in range(10)]))


def _no_control(text: str) -> bool:
    return not any(c in text for c in CONTROL)


@pytest.mark.slow
def test_predict_escapes_class_and_file_names_and_writes_valid_json(escape_model, tmp_path):
    image = tmp_path / f"one{ESCAPE_NAME}.png"
    drawn = np.full((112, 112), 255, np.uint8)
    drawn[16:96, 50:62] = 0
    Image.fromarray(drawn).save(image)
    missing = tmp_path / f"gone{ESCAPE_NAME}.png"
    text = run_digitpad(["predict", "--model", str(escape_model), str(image), str(missing)],
                        tmp_path / "lib")
    assert text.returncode == 1 and "Traceback" not in text.stderr, text.stderr
    assert _no_control(text.stdout) and _no_control(text.stderr)
    assert "\\x1b[31mred" in text.stdout and "\\x1b[31mred" in text.stderr
    as_json = run_digitpad(["predict", "--json", "--model", str(escape_model), str(image)],
                           tmp_path / "lib")
    assert as_json.returncode == 0, as_json.stderr
    [result] = json.loads(as_json.stdout)
    assert result["label"].endswith(ESCAPE_NAME)  # JSON carries the names as they are, escaped
    assert "\x1b" not in as_json.stdout  # ... as \u001b


@pytest.mark.slow
def test_eval_escapes_class_dataset_and_file_names(escape_model, tmp_path):
    data = tmp_path / f"digits{ESCAPE_NAME}"
    rng = np.random.default_rng(0)
    for label in range(10):
        (data / str(label)).mkdir(parents=True)
        for k in range(3):
            pixels = rng.integers(0, 255, (28, 28), dtype=np.uint8)
            Image.fromarray(pixels).save(data / str(label) / f"{k}.png")
    result = run_digitpad(["eval", "--model", str(escape_model), "--dataset", str(data)],
                          tmp_path / "lib")
    assert result.returncode == 0, result.stderr
    assert _no_control(result.stdout) and _no_control(result.stderr)
    assert "\\x1b[31mred" in result.stdout and "per class: 0\\x1b[31mred" in result.stdout
    as_json = run_digitpad(["eval", "--json", "--model", str(escape_model), "--dataset",
                            str(data)], tmp_path / "lib")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["dataset"] == data.name
