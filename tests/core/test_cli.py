"""The command line end to end, in real subprocesses: train -> eval -> predict, and mistakes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitpad.core.idx import read_idx


def digitpad(*args: str, env_extra: dict | None = None, timeout: float = 180):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def assert_clean_error(result, *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and all(w.lower() in result.stderr.lower() for w in words), result.stderr


@pytest.fixture(scope="module")
def cli_model(mnist_dir: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "digitnet.pt"
    result = digitpad("train", "--dataset", str(mnist_dir), "--model", "digitnet", "--epochs", "2",
                      "--limit", "5000", "--threads", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "epoch 2/2" in result.stdout and f"saved {out}" in result.stdout
    return out


def test_the_saved_model_records_the_command_that_made_it(cli_model, mnist_dir):
    from digitpad.core.checkpoint import read_meta

    command = read_meta(cli_model)["command"]
    assert command.startswith("digitpad train --dataset ") and str(mnist_dir) in command
    assert "--epochs 2 --limit 5000" in command


def test_train_eval_predict_end_to_end(cli_model, mnist_dir, tmp_path):
    result = digitpad("eval", "--model", str(cli_model), "--dataset", str(mnist_dir), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["images"] == 10000 and report["split"] == "test"
    assert 0.9 < report["accuracy"] <= 1
    assert set(report["per_class"]) == {str(i) for i in range(10)}
    assert sum(map(sum, report["confusion"])) == 10000

    digits = read_idx(mnist_dir / "t10k-images-idx3-ubyte.gz")[:3]
    labels = read_idx(mnist_dir / "t10k-labels-idx1-ubyte.gz")[:3]
    paths = []
    for i, digit in enumerate(digits):  # as drawn in a paint program: big, black on white
        path = tmp_path / f"drawn {i}.png"
        Image.fromarray(255 - digit).resize((300, 300)).convert("RGB").save(path)
        paths.append(str(path))
    blank = tmp_path / "blank.png"
    Image.new("L", (100, 100), 255).save(blank)
    result = digitpad("predict", "--model", str(cli_model), *paths, str(blank), "--json")
    assert result.returncode == 0, result.stderr
    predictions = json.loads(result.stdout)
    assert [p["image"] for p in predictions] == [*paths, str(blank)]
    assert sum(p["label"] == str(lab) for p, lab in zip(predictions, labels)) >= 2
    assert predictions[-1]["label"] is None
    assert abs(sum(predictions[0]["probabilities"].values()) - 1) < 1e-3

    text = digitpad("predict", "--model", str(cli_model), paths[0], "--top", "2")
    assert text.returncode == 0 and text.stdout.count("%") == 2


def test_models_lists_the_library(cli_model, tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    (library / "mine.pt").write_bytes(cli_model.read_bytes())
    result = digitpad("models", "--json", env_extra={"DIGITPAD_MODEL_DIR": str(library)})
    entries = json.loads(result.stdout)
    mine = next(e for e in entries if e["name"] == "mine")
    assert mine["architecture"] == "digitnet" and mine["accuracy"] > 0.9
    blank = tmp_path / "blank.png"
    Image.new("L", (64, 64), 0).save(blank)
    by_name = digitpad("predict", "--model", "mine", str(blank),
                       env_extra={"DIGITPAD_MODEL_DIR": str(library)})
    assert by_name.returncode == 0 and "no ink" in by_name.stdout


def test_ctrl_c_saves_the_best_weights_and_exits_non_zero(mnist_dir, tmp_path):
    out = tmp_path / "interrupted.pt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "digitpad", "train", "--dataset", str(mnist_dir), "--model",
         "digitnet", "--epochs", "30", "--limit", "6000", "--threads", "1", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        line = ""
        while "epoch 1/30" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert out.is_file() and f"saved {out}" in stdout


@pytest.mark.parametrize(
    "args, words",
    [
        (["predict", "--model", "{model}", "missing.png"], ["missing.png"]),
        (["predict", "--model", "/nowhere/model.pt", "x.png"], ["does not exist"]),
        (["predict", "--model", "nosuchname", "x.png"], ["nosuchname"]),
        (["train", "--model", "vgg99", "--limit", "100"], ["vgg99"]),
        (["train", "--optimizer", "magic", "--limit", "100"], ["optimizer"]),
        (["train", "--lr", "-1"], ["positive"]),
        (["train", "--epochs", "0"], ["1 or more"]),
        (["train", "--dataset", "/no/such/folder", "--limit", "100"], ["/no/such/folder"]),
        (["eval", "--model", "{model}", "--dataset", "{empty}"], ["empty", "class"]),
        (["eval", "--model", "{model}", "--dataset", "mnist", "--data-dir", "{empty}"],
         ["mnist", "--data-dir"]),
    ],
)
def test_user_mistakes_get_one_clear_line(args, words, cli_model, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    args = [a.format(model=cli_model, empty=empty) for a in args]
    result = digitpad(*args, env_extra={"DIGITPAD_DATA_DIR": str(tmp_path)})
    assert_clean_error(result, *words)


def test_bad_image_among_good_ones(cli_model, tmp_path):
    good = tmp_path / "good.png"
    Image.fromarray(np.full((50, 50), 255, np.uint8)).save(good)
    bad = tmp_path / "bad.png"
    bad.write_text("this is not a png")
    result = digitpad("predict", "--model", str(cli_model), str(good), str(bad), "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "bad.png" in result.stderr
    assert [p["image"] for p in json.loads(result.stdout)] == [str(good), str(bad)]


def test_help_for_every_command():
    for command in ([], ["train"], ["eval"], ["predict"], ["models"]):
        result = digitpad(*command, "--help")
        assert result.returncode == 0 and "usage: digitpad" in result.stdout
