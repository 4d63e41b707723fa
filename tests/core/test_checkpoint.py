"""Checkpoints: round trip, safe loading, clear errors, atomic saving."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import torch

from digitpad.core import atomic_save, checkpoint
from digitpad.core.checkpoint import load_model, read_checkpoint, read_meta, save_checkpoint
from digitpad.core.config import TrainConfig
from digitpad.core.errors import CheckpointError
from digitpad.core.model_library import list_models
from digitpad.core.models.registry import build_model


def _meta(architecture: str = "lenet5", classes: int = 10, **extra) -> dict:
    config = TrainConfig(model=architecture, epochs=3, lr=0.01).resolved()
    return {
        "architecture": architecture, "model_options": dict(config.model_options),
        "class_names": [str(i) for i in range(classes)], "in_channels": 1, "image_size": 28,
        "preprocess": {"mode": "digit", "size": 28, "channels": 1, "dark_background": False},
        "mean": [0.13], "std": [0.31], "config": config.to_dict(), "metrics": {}, **extra,
    }


def test_round_trip_rebuilds_the_model_from_the_file_alone(tmp_path):
    model = build_model("mlp", 10, options={"activation": "tanh"}).eval()
    meta = _meta("mlp")
    meta["model_options"] = {"activation": "tanh"}
    path = save_checkpoint(tmp_path / "m.pt", model, meta)
    loaded, loaded_meta = load_model(path)
    x = torch.rand(4, 1, 28, 28)
    assert torch.allclose(model(x), loaded(x))
    assert loaded_meta["model_options"] == {"activation": "tanh"}
    assert TrainConfig.from_dict(loaded_meta["config"]) == TrainConfig.from_dict(meta["config"])


def test_trained_checkpoint_has_the_full_metadata(trained_model_file):
    state, meta = read_checkpoint(trained_model_file)
    for key in ("config", "metrics", "created", "versions", "dataset_description", "preprocess"):
        assert key in meta
    assert meta["versions"]["torch"] == torch.__version__
    config = TrainConfig.from_dict(meta["config"])
    assert config.model == "digitnet" and config.epochs == 2 and config.seed == 1
    assert 0.9 < meta["metrics"]["test_accuracy"] <= 1


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_pickle_payload_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "payload-ran"
    evil = tmp_path / "evil.pt"
    torch.save({"format": checkpoint.FORMAT, "format_version": 1, "x": _Payload(marker)}, evil)
    assert not marker.exists()
    with pytest.raises(CheckpointError, match="Refused to load evil.pt"):
        read_checkpoint(evil)
    assert not marker.exists()
    # and the payload really would have run with a plain unsafe load:
    with open(evil, "rb"), zipfile.ZipFile(evil) as z:
        data = next(n for n in z.namelist() if n.endswith("data.pkl"))
        pickle.loads(z.read(data))
    assert marker.exists()


@pytest.mark.parametrize(
    "write, match",
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(b"not a model at all"), "not a readable model file"),
        (lambda p: torch.save({"weights": torch.zeros(3)}, p), "not a digitpad model file"),
        (lambda p: torch.save([1, 2, 3], p), "not a digitpad model file"),
    ],
)
def test_files_that_are_not_checkpoints_get_a_clear_error(tmp_path, write, match):
    path = tmp_path / "bad.pt"
    write(path)
    with pytest.raises(CheckpointError, match=match) as info:
        load_model(path)
    assert "bad.pt" in str(info.value)


def test_truncated_file(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", build_model("lenet5", 10), _meta())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="m.pt is not a readable model file"):
        load_model(path)


def test_future_format_version(tmp_path):
    path = tmp_path / "future.pt"
    torch.save({"format": checkpoint.FORMAT, "format_version": 99, "meta": {}, "state_dict": {}},
               path)
    with pytest.raises(CheckpointError, match="newer digitpad"):
        load_model(path)


def test_weights_that_do_not_match_the_architecture(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", build_model("lenet5", 10), _meta("cnn"))
    with pytest.raises(CheckpointError, match="does not match the cnn architecture"):
        load_model(path)
    path = save_checkpoint(tmp_path / "n.pt", build_model("lenet5", 3), _meta("lenet5", 10))
    with pytest.raises(CheckpointError, match="size mismatch"):
        load_model(path)


def test_unknown_architecture_and_missing_metadata(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", build_model("lenet5", 10),
                           {**_meta(), "architecture": "transformer9"})
    with pytest.raises(CheckpointError, match="Unknown model 'transformer9'"):
        load_model(path)
    meta = _meta()
    del meta["class_names"]
    path = save_checkpoint(tmp_path / "n.pt", build_model("lenet5", 10), meta)
    with pytest.raises(CheckpointError, match="lacks class_names"):
        load_model(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        load_model(tmp_path / "nope.pt")
    with pytest.raises(CheckpointError, match="is a folder"):
        load_model(tmp_path)


def test_a_failed_save_keeps_the_previous_file_and_leaves_no_debris(tmp_path, monkeypatch):
    path = save_checkpoint(tmp_path / "m.pt", build_model("lenet5", 10), _meta())
    before = path.read_bytes()

    def failing_save(obj, handle):
        handle.write(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checkpoint.torch, "save", failing_save)
    with pytest.raises(CheckpointError, match="No space left on device"):
        save_checkpoint(path, build_model("lenet5", 10), _meta())
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.pt"]


def test_saving_into_a_read_only_folder(tmp_path, monkeypatch):
    # CI runs as root, which ignores folder permissions, so the refusal is simulated where the
    # operating system would raise it.
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic_save.tempfile, "mkstemp", refuse)
    with pytest.raises(CheckpointError, match="Cannot save the model to .*Permission denied"):
        save_checkpoint(tmp_path / "m.pt", build_model("lenet5", 10), _meta())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_saved_model_gets_the_permissions_of_a_normally_created_file(tmp_path):
    """The temporary file behind the atomic save is private (0600); the result must not be."""
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    path = save_checkpoint(tmp_path / "m.pt", build_model("lenet5", 10), _meta())
    assert path.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
    path.chmod(0o640)
    save_checkpoint(path, build_model("lenet5", 10), _meta())
    assert path.stat().st_mode & 0o777 == 0o640


_SAVE_FOREVER = """
import sys, torch
from torch import nn
from digitpad.core.checkpoint import save_checkpoint
big = nn.Linear(4096, 4096)  # 64 MB of weights: a save takes a while
while True:
    save_checkpoint(sys.argv[1], big, {"note": "big"})
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_process_killed_while_saving_leaves_the_previous_model_intact(tmp_path):
    path = save_checkpoint(tmp_path / "m.pt", build_model("lenet5", 10), _meta())
    before = path.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", _SAVE_FOREVER, str(path)])
    try:
        deadline = time.monotonic() + 120
        while not any(p.stat().st_size > 1_000_000 for p in tmp_path.glob(".m.pt.*.tmp")
                      if p.exists()):
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)  # polling for the file to appear, not waiting for luck
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert path.read_bytes() == before  # killed mid-write: the old model is untouched
    assert read_meta(path)["architecture"] == "lenet5"
    assert list(tmp_path.glob(".m.pt.*.tmp"))  # the dead process's debris is there...
    assert [e.name for e in list_models(tmp_path) if not e.bundled] == ["m"]  # ...unlisted
    save_checkpoint(path, build_model("lenet5", 10), _meta())
    assert sorted(os.listdir(tmp_path)) == ["m.pt"]  # ...and gone after the next save
