"""`digitpad train --resume FILE [--epochs N]` and `--no-resume-state`: a real CLI run stopped
with Ctrl+C after epoch 2 and resumed matches the uninterrupted run (real processes); the other
cases go through the same command in this process (digitpad.cli.main), which takes seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from PIL import Image

from digitpad.cli import main
from digitpad.core.checkpoint import read_meta
from digitpad.core.resume_state import read_history, read_resume

RUN = ["--model", "mlp", "--limit", "3000", "--batch-size", "16", "--epochs", "4", "--seed", "3",
       "--threads", "1"]


def _env(library: Path) -> dict[str, str]:
    return {**os.environ, "DIGITPAD_MODEL_DIR": str(library)}


def digitpad(*args: str, library: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True,
                          text=True, timeout=timeout, env=_env(library))


def cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """`digitpad ARGS` in this process: exit code, stdout, stderr."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _one_error_line(result: tuple[int, str, str], *words: str) -> str:
    code, _, err = result
    assert code == 1, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("digitpad: error: "), err
    assert all(w in lines[0] for w in words), lines[0]
    return lines[0]


@pytest.mark.slow
def test_ctrl_c_after_epoch_2_then_resume_matches_the_uninterrupted_run(mnist_dir, tmp_path):
    data = ["--dataset", str(mnist_dir)]
    full = tmp_path / "full.pt"
    result = digitpad("train", *data, *RUN, "--out", str(full), library=tmp_path)
    assert result.returncode == 0, result.stderr

    stopped = tmp_path / "stopped.pt"
    proc = subprocess.Popen([sys.executable, "-m", "digitpad", "train", *data, *RUN,
                             "--out", str(stopped)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    try:
        deadline, line = time.monotonic() + 120, ""
        while not line.startswith("epoch 2/4") and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read()
        proc.send_signal(signal.SIGINT)  # Ctrl+C early in epoch 3 (an epoch takes ~1 s)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, stderr
    assert f"continue with: digitpad train --resume {stopped}" in stdout
    state = read_resume(stopped)
    assert state.epoch == 2 and [e.epoch for e in read_history(stopped)] == [1, 2]

    resumed = tmp_path / "resumed.pt"
    result = digitpad("train", "--resume", str(stopped), "--out", str(resumed), library=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Resuming stopped.pt after epoch 2 of 4" in result.stderr
    assert "epoch 1/4" not in result.stdout and "epoch 3/4" in result.stdout
    done, expected = read_meta(resumed)["metrics"], read_meta(full)["metrics"]
    for key in ("val_accuracy", "test_accuracy"):
        assert abs(done[key] - expected[key]) <= 0.003, (key, done[key], expected[key])
    assert read_resume(resumed).global_step == read_resume(full).global_step == 4 * 168
    assert read_history(resumed) == read_history(full)
    assert stopped.stat().st_size > 0 and read_resume(stopped).epoch == 2  # left as it was


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(tmp_path / "library"))
    return tmp_path / "library"


@pytest.fixture(scope="module")
def two_epochs(mnist_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A softmax run of two epochs saved with its resume state (a second or two)."""
    out = tmp_path_factory.mktemp("resume-cli") / "two.pt"
    code = main(["train", "--dataset", str(mnist_dir), "--model", "softmax", "--limit", "1000",
                 "--epochs", "2", "--threads", "1", "--out", str(out)])
    assert code == 0
    return out


def test_flags_that_change_the_data_or_model_are_refused_with_resume(two_epochs, library,
                                                                     capsys):
    line = _one_error_line(cli(capsys, "train", "--resume", str(two_epochs), "--lr", "0.5",
                               "--limit", "10", "--no-augment"),
                           "--limit, --lr, --no-augment cannot be given")
    assert "--epochs" in line and not library.exists()


def test_resuming_a_finished_run_asks_for_a_new_total(two_epochs, library, capsys):
    _one_error_line(cli(capsys, "train", "--resume", str(two_epochs)),
                    "cannot resume from two.pt: it has trained all its 2 epochs")
    _one_error_line(cli(capsys, "train", "--resume", str(two_epochs), "--epochs", "1"),
                    "must be more than 2")


def test_more_epochs_carry_on_from_the_saved_step(two_epochs, library, tmp_path, capsys):
    out = tmp_path / "three.pt"
    code, stdout, stderr = cli(capsys, "train", "--resume", str(two_epochs), "--epochs", "3",
                               "--out", str(out))
    assert code == 0, stderr
    assert "epoch 3/3" in stdout and "epoch 2/3" not in stdout
    assert read_resume(out).global_step == read_resume(two_epochs).global_step * 3 // 2
    assert [e.epoch for e in read_history(out)] == [1, 2, 3]
    assert read_meta(out)["config"]["epochs"] == 3
    assert "--resume" in read_meta(out)["command"]


def test_a_hostile_resume_state_is_one_line_and_the_model_still_predicts(two_epochs, library,
                                                                         tmp_path, capsys):
    payload = torch.load(two_epochs, weights_only=True)
    payload["resume"]["meta"]["global_step"] = -5
    bad = tmp_path / "bad.pt"
    torch.save(payload, bad)
    _one_error_line(cli(capsys, "train", "--resume", str(bad), "--epochs", "3"),
                    "cannot resume from bad.pt: bad resume state: global_step")
    blank = tmp_path / "blank.png"
    Image.new("L", (28, 28), 0).save(blank)
    code, stdout, stderr = cli(capsys, "predict", "--model", str(bad), str(blank))
    assert code == 0 and "no ink" in stdout, stderr


def test_no_resume_state_saves_a_small_v1_file_that_resume_fine_tunes(mnist_dir, two_epochs,
                                                                     library, capsys):
    small = library / "small.pt"
    code, _, stderr = cli(capsys, "train", "--dataset", str(mnist_dir), "--model", "softmax",
                          "--limit", "1000", "--epochs", "2", "--threads", "1",
                          "--no-resume-state", "--out", str(small))
    assert code == 0, stderr
    assert torch.load(small, weights_only=True)["format_version"] == 1
    assert small.stat().st_size < two_epochs.stat().st_size
    assert read_resume(small).fine_tune

    code, stdout, stderr = cli(capsys, "train", "--resume", "small", "--epochs", "1")  # by name
    assert code == 0, stderr
    assert ("small.pt holds no resume state: training a new schedule of 1 epochs from its "
            "weights.") in stderr
    tuned = library / "small-2.pt"  # in the library, named after the file, which is kept
    assert f"saved {tuned}" in stdout
    assert read_resume(tuned).epoch == 1 and read_resume(small).fine_tune


def test_precision_may_change_on_resume_but_label_smoothing_may_not(two_epochs, library,
                                                                     tmp_path, capsys):
    out = tmp_path / "fp32.pt"
    code, _, err = cli(capsys, "train", "--resume", str(two_epochs), "--epochs", "3",
                       "--precision", "fp32", "--out", str(out))
    assert code == 0, err
    assert read_meta(out)["config"]["precision"] == "fp32"
    assert read_meta(out)["config"]["label_smoothing"] == 0.0  # softmax's recipe
    _one_error_line(cli(capsys, "train", "--resume", str(two_epochs), "--epochs", "3",
                        "--label-smoothing", "0.2"), "--label-smoothing cannot be given")
