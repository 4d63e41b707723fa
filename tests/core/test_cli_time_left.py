"""`digitpad train`'s progress line shows train()'s own time left (Step.eta, as the Train tab
does), not tqdm's per-epoch guess; the data-loading bar counts what DataProgress says."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_the_progress_line_shows_the_runs_time_left(shared_data, tmp_path):
    env = {**os.environ, "DIGITPAD_MODEL_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "digitpad", "train", "--model", "softmax", "--epochs", "2",
         "--limit", "1000", "--batch-size", "10", "--data-dir", str(shared_data)],
        capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    lefts = re.findall(r"left=(\d+m\d\ds|\d+s)", result.stderr)
    assert lefts, result.stderr[-2000:]
    assert lefts[-1] == "0s"  # the last step of the last epoch: nothing left
    assert not re.search(r"\d\d:\d\d<\d\d:\d\d", result.stderr)  # no tqdm "elapsed<remaining"
