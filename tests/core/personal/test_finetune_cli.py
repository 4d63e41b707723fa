"""`digitpad finetune`: the same fine-tune from any folder of digits, with the before/after
table; mistakes in the command get one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.core.personal.drawn_samples import write_samples


def _run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DIGITPAD_MODEL_DIR=str(tmp_path / "library"),
               DIGITPAD_HANDWRITING_DIR=str(tmp_path / "nothing-here"))
    return subprocess.run([sys.executable, "-m", "digitpad", "finetune", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_finetune_prints_the_table_and_saves_in_the_library(shared_data: Path,
                                                            tmp_path: Path) -> None:
    samples = write_samples(tmp_path / "mine", per_digit=3)
    result = _run("--samples", str(samples), "--data-dir", str(shared_data), "--steps", "20",
                  "--threads", "1", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["before", "after"]
    assert lines[1].startswith("Your drawings it did not learn from (10)")
    assert lines[2].startswith("MNIST test digits")
    assert "10 of your samples (20% of each digit's) were held out" in result.stdout
    saved = tmp_path / "library" / "digits-yours.pt"
    assert lines[-1] == f"saved {saved}" and saved.stat().st_size > 0
    # a second fine-tune keeps the first ("the previous one stays")
    again = _run("--samples", str(samples), "--data-dir", str(shared_data), "--steps", "5",
                 "--threads", "1", "--held-out", "0", "--json", tmp_path=tmp_path)
    assert again.returncode == 0, again.stderr
    figures = json.loads(again.stdout)
    assert figures["personal_held_out"] == 0 and figures["personal_before"] is None
    assert figures["personal_trained"] == 30
    assert Path(figures["saved"]).name == "digits-yours-2.pt" and saved.exists()
    assert 0.98 < figures["mnist_after"] <= 1


def test_mistakes_get_one_line(tmp_path: Path) -> None:
    missing = _run("--samples", str(tmp_path / "nope"), tmp_path=tmp_path)
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.strip().splitlines() == [
        f"digitpad: error: {tmp_path / 'nope'} is not a folder of samples; give a folder with "
        "one subfolder per digit (0 … 9) holding its images."]
    default = _run(tmp_path=tmp_path)  # the app's own samples folder, empty here
    assert default.returncode == 1 and "is not a folder of samples" in default.stderr
    bad = _run("--held-out", "1", tmp_path=tmp_path)
    assert bad.returncode == 2 and "must be from 0 to below 1" in bad.stderr
    base = _run("--samples", str(tmp_path), "--base", "no-such-model", tmp_path=tmp_path)
    assert base.returncode == 1 and len(base.stderr.strip().splitlines()) == 1
    assert "Traceback" not in base.stderr


def test_train_still_takes_the_same_folder_as_a_data_set(tmp_path: Path) -> None:
    samples = write_samples(tmp_path / "mine", per_digit=3)
    env = dict(os.environ, DIGITPAD_MODEL_DIR=str(tmp_path / "library"))
    result = subprocess.run(
        [sys.executable, "-m", "digitpad", "train", "--dataset", str(samples), "--model",
         "softmax", "--epochs", "1", "--threads", "1", "--out", str(tmp_path / "f.pt")],
        env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "27 training / 3 validation images of 10 classes" in result.stderr
    assert (tmp_path / "f.pt").stat().st_size > 0
