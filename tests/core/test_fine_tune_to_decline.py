"""Fine-tuning a saved model to decline (issue 14): `digitpad train --resume FILE` on a file
without resume state takes the --not-digits flags and --lr; a run that can resume does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from digitpad.cli import main
from digitpad.core.checkpoint import read_meta


def cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "library"
    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def saved(mnist_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A softmax model saved without resume state, and one saved with it (seconds)."""
    folder = tmp_path_factory.mktemp("fine-tune")
    small, resumable = folder / "small.pt", folder / "resumable.pt"
    common = ["train", "--dataset", str(mnist_dir), "--model", "softmax", "--limit", "1000",
              "--epochs", "1", "--threads", "1"]
    assert main([*common, "--no-resume-state", "--out", str(small)]) == 0
    assert main([*common, "--out", str(resumable)]) == 0
    return small, resumable


def test_a_saved_model_is_fine_tuned_to_decline(saved, library, tmp_path, capsys):
    small, _ = saved
    out = tmp_path / "declines.pt"
    code, stdout, stderr = cli(capsys, "train", "--resume", str(small), "--epochs", "1",
                               "--not-digits", "200", "--not-digit-weight", "0.3", "--lr",
                               "0.01", "--out", str(out))
    assert code == 0, stderr
    assert "holds no resume state" in stderr
    meta = read_meta(out)
    assert meta["decline"]["score"] in ("max_probability", "energy")
    assert meta["config"]["not_digits"] == 200 and meta["config"]["lr"] == 0.01
    assert meta["not_digits"]["weight"] == 0.3
    assert "non-digits" in stdout  # the closing line says what it declines
    assert "decline" not in read_meta(small)  # the file it started from is left as it was


def test_a_run_that_can_resume_keeps_its_settings(saved, library, capsys):
    _, resumable = saved
    code, _, stderr = cli(capsys, "train", "--resume", str(resumable), "--epochs", "2",
                          "--not-digits", "200")
    assert code != 0
    lines = [line for line in stderr.splitlines() if line.startswith("digitpad: error:")]
    assert len(lines) == 1 and "--not-digits cannot be given" in lines[0]


def test_a_bad_weight_is_one_line(saved, library, capsys):
    small, _ = saved
    code, _, stderr = cli(capsys, "train", "--resume", str(small), "--not-digits", "10",
                          "--not-digit-weight", "50")
    assert code != 0 and "not-a-digit weight must be above 0 and at most 10" in stderr


def test_fine_tuning_with_an_extra_class_widens_only_the_output_layer():
    import torch

    from digitpad.core.resume_restore import with_extra_output

    saved = {"features.w": torch.ones(4, 3), "head.weight": torch.ones(10, 8),
             "head.bias": torch.ones(10)}
    target = {"features.w": torch.zeros(4, 3), "head.weight": torch.zeros(11, 8),
              "head.bias": torch.zeros(11)}
    out = with_extra_output(saved, target)
    assert out["head.weight"].shape == (11, 8) and out["head.bias"].shape == (11,)
    assert torch.equal(out["head.weight"][:10], saved["head.weight"])
    assert not out["head.weight"][10].any() and out["head.bias"][10] == 0
    assert out["features.w"] is saved["features.w"]
    assert with_extra_output(saved, saved) == saved  # shapes that fit are left alone
