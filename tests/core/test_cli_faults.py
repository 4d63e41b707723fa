"""`digitpad train` and friends under faults, in real processes: two runs saving at once, SIGTERM,
a save target that fails before or after training, a handful of one-cycle steps, numbers that
are not numbers, 5000-character paths, a reader that goes away, a full device, hostile names."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitpad.core.checkpoint import load_model, read_meta
from tests.core.test_cli import assert_clean_error, digitpad

QUICK = ("--model", "mlp", "--limit", "200", "--epochs", "1", "--threads", "1")


def _library(tmp_path: Path) -> dict:
    return {"DIGITPAD_MODEL_DIR": str(tmp_path / "library"),
            "XDG_DATA_HOME": str(tmp_path / "user-data")}


def _start(*args: str, env_extra: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "digitpad", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env_extra})


def _wait_for_line(proc: subprocess.Popen, text: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    line = ""
    while text not in line:
        assert time.monotonic() < deadline, f"no {text!r} in time"
        line = proc.stdout.readline()
        assert line or proc.poll() is None, proc.stderr.read()


@pytest.mark.slow  # trains in real processes (a few seconds each when idle)
def test_two_runs_saving_at_once_keep_both_models(shared_data, tmp_path):
    env = _library(tmp_path)
    args = ("train", "--data-dir", str(shared_data), *QUICK)
    procs = [_start(*args, env_extra=env) for _ in range(2)]
    outputs = [proc.communicate(timeout=180) for proc in procs]
    for proc, (_out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    saved = [out.split("saved ")[-1].strip() for out, _ in outputs]
    assert len(set(saved)) == 2, saved  # both printed the same path before: one model was lost
    assert sorted(Path(env["DIGITPAD_MODEL_DIR"]).iterdir()) == sorted(map(Path, saved))
    for path in saved:
        load_model(path)


@pytest.mark.slow  # trains in real processes (a few seconds each when idle)
def test_sigterm_saves_the_best_weights_and_exits_143(shared_data, tmp_path):
    env = _library(tmp_path)
    proc = _start("train", "--data-dir", str(shared_data), "--model", "lenet5", "--epochs", "50",
                  "--limit", "3000", "--threads", "1", env_extra=env)
    try:
        _wait_for_line(proc, "epoch 1/50")
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr and "SIGTERM" in stderr
    (saved,) = Path(env["DIGITPAD_MODEL_DIR"]).iterdir()
    assert f"saved {saved}" in stdout
    model, meta = load_model(saved)
    assert meta["metrics"]["best_epoch"] >= 1


def test_digitnet_one_epoch_on_600_images(shared_data, tmp_path):
    result = digitpad("train", "--data-dir", str(shared_data), "--epochs", "1", "--limit", "600",
                      "--threads", "1", "--out", str(tmp_path / "m.pt"))
    assert result.returncode == 0, result.stderr  # ZeroDivisionError in OneCycleLR before
    load_model(tmp_path / "m.pt")


@pytest.mark.parametrize(
    "args, words",
    [
        (["--lr", "1e308"], ["learning rate", "at most"]),
        (["--lr", "nan"], ["--lr", "finite"]),
        (["--weight-decay", "nan"], ["--weight-decay", "finite"]),
        (["--momentum", "inf"], ["--momentum", "finite"]),
        (["--val-split", "nan"], ["--val-split", "finite"]),
        (["--gamma", "inf"], ["--gamma", "finite"]),
        (["--seed", str(2**70)], ["--seed", "at most"]),
        (["--seed", "9" * 5000], ["--seed", "whole number"]),
        (["--threads", "-1"], ["--threads"]),
        (["--option", "width=-3"], ["width", "1 to 256"]),
        (["--option", "width=1e7"], ["width", "whole number"]),
        (["--model", "x" * 5000], ["unknown model"]),
    ],
)
def test_numbers_that_cannot_train_get_one_line(args, words, shared_data, tmp_path):
    result = digitpad("train", "--data-dir", str(shared_data), "--limit", "200", *args,
                      env_extra=_library(tmp_path))
    assert_clean_error(result, *words)
    last = result.stderr.strip().splitlines()[-1]  # argparse's usage may come first
    assert all(w in last.lower() for w in words) and len(last) < 300, last
    assert "epoch" not in result.stdout


@pytest.mark.parametrize(
    "out, library, words",
    [
        ("/proc/model.pt", None, ["/proc/model.pt", "before training"]),
        ("/sys/model.pt", None, ["/sys/model.pt", "before training"]),
        ("{tmp}/" + "n" * 250 + ".pt", None, ["too long"]),
        ("/" + "a" * 5000 + ".pt", None, ["too long"]),
        (None, "{file}", ["a file is in the way"]),
        (None, "/proc/digitpad-models", ["/proc/digitpad-models"]),
    ],
)
def test_an_unwritable_save_target_is_refused_before_training(out, library, words, shared_data,
                                                              tmp_path):
    file = tmp_path / "a-file"
    file.write_text("not a folder")
    env = _library(tmp_path)
    if library:
        env["DIGITPAD_MODEL_DIR"] = library.format(file=file)
    extra = ["--out", out.format(tmp=tmp_path)] if out else []
    result = digitpad("train", "--data-dir", str(shared_data), *QUICK, *extra, env_extra=env)
    assert_clean_error(result, *words)
    assert "epoch" not in result.stdout  # refused before any training time was spent
    assert len(result.stderr.strip().splitlines()) == 1 and len(result.stderr) < 600


@pytest.mark.slow  # trains in real processes (a few seconds each when idle)
def test_a_save_that_fails_at_the_end_is_kept_in_the_library(shared_data, tmp_path):
    env = _library(tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    proc = _start("train", "--data-dir", str(shared_data), "--model", "mlp", "--epochs", "3",
                  "--limit", "3000", "--batch-size", "16", "--threads", "1",
                  "--out", str(folder / "model.pt"), env_extra=env)
    try:
        _wait_for_line(proc, "epoch 1/3")  # passed the check; now the folder goes away
        shutil.rmtree(folder)
        folder.write_text("a file where the folder was")
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 1 and "Traceback" not in stderr
    (saved,) = Path(env["DIGITPAD_MODEL_DIR"]).iterdir()
    assert saved.name == "model.pt" and f"saved {saved}" in stdout
    assert str(folder) in stderr and f"Saved it to {saved} instead" in stderr
    load_model(saved)


def test_a_240_character_dataset_name_saves_under_a_shorter_name(tmp_path):
    root = tmp_path / ("d" * 240)
    rng = np.random.default_rng(0)
    for label in "ab":
        (root / label).mkdir(parents=True)
        for i in range(12):
            Image.fromarray((rng.random((28, 28)) * 255).astype(np.uint8)).save(
                root / label / f"{i}.png")
    env = _library(tmp_path)
    result = digitpad("train", "--dataset", str(root), "--model", "mlp", "--epochs", "1",
                      env_extra=env)
    assert result.returncode == 0, result.stderr
    (saved,) = Path(env["DIGITPAD_MODEL_DIR"]).iterdir()
    assert saved.name.startswith("mlp-ddd") and len(saved.name) < 200
    assert read_meta(saved)["dataset"] == "d" * 240


def test_5000_character_paths_get_one_line(tmp_path):
    long = "/" + "a" * 5000
    for args in (["predict", "--model", long + ".pt", "x.png"], ["predict", long + ".png"],
                 ["eval", "--model", long + ".pt", "--dataset", "mnist"]):
        result = digitpad(*args, env_extra=_library(tmp_path))
        assert_clean_error(result)
        assert len(result.stderr) < 600, result.stderr[:300]


def test_a_reader_that_goes_away_ends_quietly(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "digitpad", "models"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **_library(tmp_path)})
    proc.stdout.close()  # `digitpad models | head -0`
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 141 and stderr == b"", stderr.decode()


def test_output_to_a_full_device_is_one_line(tmp_path):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "digitpad", "models"], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=60,
                                env={**os.environ, **_library(tmp_path)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "digitpad: error: No space left on device (writing the output)."]


def test_escape_sequences_in_dataset_and_class_names_never_reach_the_terminal(tmp_path):
    root = tmp_path / "evil\x1b]0;pwned\x07data"
    rng = np.random.default_rng(0)
    for label in ("\x1b[2Jwipe", "\x1b[31mred"):
        (root / label).mkdir(parents=True)
        for i in range(12):
            Image.fromarray((rng.random((28, 28)) * 255).astype(np.uint8)).save(
                root / label / f"{i}.png")
    (root / "\x1b[2Jwipe" / "bad\x1b[5m.png").write_text("not an image")
    result = digitpad("train", "--dataset", str(root), "--model", "mlp", "--epochs", "1",
                      env_extra=_library(tmp_path))
    assert result.returncode == 0, result.stderr
    for hostile in ("\x1b]0;", "\x07", "\x1b[2J", "\x1b[31m", "\x1b[5m"):
        assert hostile not in result.stdout and hostile not in result.stderr
    assert "\\x1b" in result.stdout + result.stderr  # shown, escaped
