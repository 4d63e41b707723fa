"""Resume state in model files: a snapshot saved and restored continues bit for bit; old files
still load; a hostile resume section gets one "cannot resume from FILE: …" line and the model
itself still loads and predicts."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from digitpad.core.checkpoint import load_model, read_meta, save_checkpoint
from digitpad.core.config import TrainConfig
from digitpad.core.errors import CheckpointError
from digitpad.core.models.registry import build_model
from digitpad.core.optim import build_optimizer, build_scheduler
from digitpad.core.predictor import Predictor
from digitpad.core.resume_restore import restore
from digitpad.core.resume_state import (
    HistoryEntry,
    ResumeError,
    capture,
    read_history,
    read_resume,
)

STEPS_PER_EPOCH = 4


class _Run:
    """A model, optimizer, scheduler and generator as train() builds them, on random data."""

    def __init__(self, optimizer: str = "adamw", scheduler: str = "onecycle",
                 epochs: int = 4) -> None:
        self.config = TrainConfig(model="softmax", optimizer=optimizer, scheduler=scheduler,
                                  lr=0.01, epochs=epochs, step_size=1, gamma=0.5).resolved()
        torch.manual_seed(3)
        self.model = build_model("softmax", 10)
        self.optimizer = build_optimizer(self.config, self.model.parameters())
        self.scheduler, self.per_step = build_scheduler(self.config, self.optimizer,
                                                        STEPS_PER_EPOCH)
        self.generator = torch.Generator().manual_seed(5)
        self.epoch = self.global_step = 0
        self.history: list[HistoryEntry] = []

    def train_epoch(self) -> None:
        self.model.train()
        for _ in range(STEPS_PER_EPOCH):
            x = torch.rand(16, 1, 28, 28, generator=self.generator) + torch.randn(16, 1, 1, 1)
            y = torch.randint(0, 10, (16,), generator=self.generator)

            def closure(x: torch.Tensor = x, y: torch.Tensor = y) -> torch.Tensor:
                self.optimizer.zero_grad()
                loss = F.cross_entropy(self.model(x), y)
                loss.backward()
                return loss

            self.optimizer.step(closure)
            if self.per_step and self.scheduler is not None:
                self.scheduler.step()
            self.global_step += 1
        if not self.per_step and self.scheduler is not None:
            self.scheduler.step()
        self.epoch += 1
        self.history.append(HistoryEntry(self.epoch, self.global_step, 1.0, 0.5, 1.1, 0.4))

    def snapshot(self, last_is_best: bool = False):
        return capture(self.model, self.optimizer, self.scheduler, self.generator,
                       epoch=self.epoch, global_step=self.global_step,
                       steps_per_epoch=STEPS_PER_EPOCH, scheduler_per_step=self.per_step,
                       history=self.history, last_is_best=last_is_best,
                       data={"fingerprint": "ab", "train_images": 64, "val_images": 8},
                       device=torch.device("cpu"))

    def meta(self) -> dict:
        return {
            "architecture": "softmax", "model_options": dict(self.config.model_options),
            "class_names": [str(i) for i in range(10)], "in_channels": 1, "image_size": 28,
            "preprocess": {"mode": "digit", "size": 28, "channels": 1},
            "mean": [0.13], "std": [0.31], "config": self.config.to_dict(),
            "metrics": {"val_accuracy": 0.4, "best_epoch": 1, "train_seconds": 1.0},
        }

    def save(self, path: Path, resume=None) -> Path:
        return save_checkpoint(path, self.model, self.meta(), resume)


@pytest.mark.parametrize("optimizer, scheduler", [("adamw", "onecycle"), ("sgd", "step"),
                                                  ("lbfgs", "none"), ("asgd", "none")])
def test_a_restored_snapshot_continues_bit_for_bit(tmp_path, optimizer, scheduler):
    run = _Run(optimizer, scheduler)
    run.train_epoch()
    run.train_epoch()
    path = run.save(tmp_path / "m.pt", run.snapshot())
    run.train_epoch()
    run.train_epoch()

    state = read_resume(path)
    assert (state.epoch, state.global_step) == (2, 2 * STEPS_PER_EPOCH)
    again = _Run(optimizer, scheduler)
    torch.manual_seed(99)  # whatever happened to the RNGs since: restore sets them back
    restore(state, again.model, again.optimizer, again.scheduler, again.per_step,
            again.generator, torch.device("cpu"))
    again.epoch, again.global_step = state.epoch, state.global_step
    again.train_epoch()
    again.train_epoch()
    for a, b in zip(run.model.state_dict().values(), again.model.state_dict().values()):
        assert torch.equal(a, b)
    assert again.optimizer.param_groups[0]["lr"] == run.optimizer.param_groups[0]["lr"]


def test_the_file_keeps_the_best_weights_and_the_history(tmp_path):
    run = _Run()
    run.train_epoch()
    best = {k: v.clone() for k, v in run.model.state_dict().items()}
    run.train_epoch()
    snapshot = run.snapshot()
    last = {k: v.clone() for k, v in run.model.state_dict().items()}
    run.model.load_state_dict(best)
    path = run.save(tmp_path / "m.pt", snapshot)

    model, _ = load_model(path)
    assert all(torch.equal(model.state_dict()[k], v) for k, v in best.items())
    state = read_resume(path)
    assert all(torch.equal(state.tensors[f"last.{k}"], v) for k, v in last.items())
    assert read_history(path) == run.history
    assert [e.epoch for e in read_history(path)] == [1, 2]


def test_last_weights_are_not_stored_twice_when_they_are_the_best(tmp_path):
    run = _Run()
    run.train_epoch()
    with_last = run.save(tmp_path / "a.pt", run.snapshot())
    without = run.save(tmp_path / "b.pt", run.snapshot(last_is_best=True))
    assert not any(k.startswith("last.") for k in read_resume(without).tensors)
    weights = sum(v.numel() * 4 for v in run.model.state_dict().values())
    assert with_last.stat().st_size - without.stat().st_size > 0.9 * weights


def test_a_file_without_resume_state_is_format_1_and_gives_its_weights_to_fine_tune(tmp_path):
    run = _Run()
    run.train_epoch()
    path = run.save(tmp_path / "v1.pt")
    payload = torch.load(path, weights_only=True)
    assert payload["format_version"] == 1 and "resume" not in payload
    state = read_resume(path)
    assert state.fine_tune and state.epoch == 0 and read_history(path) == []
    fresh = _Run()
    restore(state, fresh.model, fresh.optimizer, fresh.scheduler, fresh.per_step,
            fresh.generator, torch.device("cpu"))
    assert all(torch.equal(a, b) for a, b in zip(fresh.model.state_dict().values(),
                                                 run.model.state_dict().values()))
    assert fresh.optimizer.state_dict()["state"] == {}  # a new schedule starts


def test_the_bundled_v1_model_still_loads_and_has_no_resume_state():
    bundled = Path(__file__).resolve().parents[2] / "resources" / "models" / "digits.pt"
    assert torch.load(bundled, weights_only=True)["format_version"] == 1
    assert read_resume(bundled).fine_tune
    assert read_history(bundled) == []


def test_a_resume_file_is_loadable_by_torch_weights_only_and_is_format_2(tmp_path):
    run = _Run()
    run.train_epoch()
    path = run.save(tmp_path / "m.pt", run.snapshot())
    payload = torch.load(path, weights_only=True)
    assert payload["format_version"] == 2
    assert set(payload["resume"]) == {"meta", "tensors"}
    assert all(isinstance(v, torch.Tensor) for v in payload["resume"]["tensors"].values())
    assert read_meta(path)["architecture"] == "softmax"


# --- hostile resume sections ---------------------------------------------------------------

def _edited(tmp_path: Path, edit) -> Path:
    run = _Run()
    run.train_epoch()
    path = run.save(tmp_path / "m.pt", run.snapshot())
    payload = torch.load(path, weights_only=True)
    edit(payload["resume"], payload)
    torch.save(payload, path)
    return path


def _set(key, value):
    def edit(section, payload):
        where = section["meta"]
        *parents, last = key.split(".")
        for part in parents:
            where = where[part]
        where[last] = value
    return edit


def _optimizer_tensor(section):
    return next(k for k in section["tensors"] if k.startswith("optimizer."))


HOSTILE = [
    ("section a list", lambda s, p: p.update(resume=[1, 2]), "not laid out"),
    ("tensors not tensors", lambda s, p: s["tensors"].update(x=3), "not a table of tensors"),
    ("meta NaN", _set("history", [{"epoch": float("nan")}]), "finite number"),
    ("version 7", _set("version", 7), "version 7"),
    ("epoch 0", _set("epoch", 0), "epoch"),
    ("epoch text", _set("epoch", "1"), "epoch"),
    ("steps per epoch huge", _set("steps_per_epoch", 2**50), "steps_per_epoch"),
    ("history too short", _set("epoch", 3), "history does not list epochs 1 to 3"),
    ("step count not the history's", _set("global_step", 3), "step count"),
    ("history accuracy 2", _set("history", [{"epoch": 1, "global_step": 4, "train_loss": 1.0,
                                            "train_accuracy": 2.0, "val_loss": 1.0,
                                            "val_accuracy": 0.5}]), "train_accuracy"),
    ("unknown field", _set("surprise", 1), "surprise"),
    ("missing tensor", lambda s, p: s["tensors"].pop(_optimizer_tensor(s)),
     "names a tensor the file does not hold"),
    ("extra tensor", lambda s, p: s["tensors"].update(junk=torch.zeros(3)), "nothing uses"),
    ("NaN in optimizer state", lambda s, p: s["tensors"][_optimizer_tensor(s)].fill_(
        float("nan")), "NaN"),
    ("last weights reshaped", lambda s, p: s["tensors"].update(
        {k: torch.zeros(2) for k in s["tensors"] if k.startswith("last.")}), "last weights"),
    ("last weights missing", lambda s, p: [s["tensors"].pop(k) for k in list(s["tensors"])
                                           if k.startswith("last.")], "last weights"),
    ("rng floats", lambda s, p: s["tensors"].update({"rng.torch": torch.zeros(5056)}),
     "random state"),
    ("rng short", lambda s, p: s["tensors"].update({"rng.generator": torch.zeros(
        8, dtype=torch.uint8)}), "CPU random state"),
    ("packed form unknown", _set("optimizer", {"x": 1}), "optimizer is not a packed value"),
    ("a sparse tensor", lambda s, p: s["tensors"].update(
        {_optimizer_tensor(s): torch.zeros(3, 3).to_sparse()}), "not a plain tensor"),
]


@pytest.mark.parametrize("what, edit, match", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_a_hostile_resume_section_is_one_line_and_the_model_still_predicts(
        tmp_path, what, edit, match):
    path = _edited(tmp_path, edit)
    with pytest.raises(ResumeError, match=match) as info:
        read_resume(path)
    assert str(info.value).startswith("cannot resume from m.pt: ")
    assert "\n" not in str(info.value)
    drawn = np.full((100, 100), 255, np.uint8)  # a dark 1 on white paper
    drawn[20:80, 45:55] = 0
    assert len(Predictor.from_file(path).predict(drawn).probabilities) == 10


RESTORE_TIME = [
    ("lr as text", lambda o, s: o["v"][1][0]["v"].__setitem__(0, "fast"), "lr"),
    ("optimizer state shaped wrong", None, "fits no weight"),
    ("scheduler steps", lambda o, s: s["v"].__setitem__(s["k"].index("last_epoch"), 99),
     "scheduler has taken 99 steps"),
    ("scheduler entries", lambda o, s: (s["k"].append("x"), s["v"].append(1)),
     "scheduler does not have the entries"),
]


@pytest.mark.parametrize("what, edit, match", RESTORE_TIME, ids=[c[0] for c in RESTORE_TIME])
def test_a_resume_state_that_does_not_fit_the_optimizer_is_refused_before_loading(
        tmp_path, what, edit, match):
    def change(section, payload):
        if edit is None:  # one of Adam's moments given another shape
            name = next(k for k in section["tensors"]
                        if k.startswith("optimizer.") and section["tensors"][k].dim() == 2)
            section["tensors"][name] = torch.zeros(3, 3)
        else:
            edit(section["meta"]["optimizer"], section["meta"]["scheduler"])
    state = read_resume(_edited(tmp_path, change))
    fresh = _Run()
    with pytest.raises(ResumeError, match=match):
        restore(state, fresh.model, fresh.optimizer, fresh.scheduler, fresh.per_step,
                fresh.generator, torch.device("cpu"))
    assert fresh.optimizer.state_dict()["state"] == {}


def test_a_pickled_object_in_the_resume_state_refuses_the_whole_file_and_never_runs(tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = _edited(tmp_path, lambda s, p: s["meta"].update(evil=Payload()))
    with pytest.raises(CheckpointError, match="Refused to load m.pt: it contains Python objects"):
        read_resume(path)
    with pytest.raises(CheckpointError, match="Refused"):
        load_model(path)
    assert not marker.exists()


def test_resume_tensors_that_view_a_huge_storage_are_refused_before_unpacking(tmp_path):
    huge = torch.zeros(8 * 2**20)  # 32 MiB of storage behind a 4-number view
    path = _edited(tmp_path, lambda s, p: s["tensors"].update(
        {_optimizer_tensor(s): huge[:4]}))
    with pytest.raises(CheckpointError, match="zip bomb"):
        read_meta(path)


def test_a_resume_state_far_larger_than_training_needs_is_refused(tmp_path):
    big = torch.zeros(2 * 2**20)  # 8 MiB: over 200 times the weights (31 KiB)
    path = _edited(tmp_path, lambda s, p: s["tensors"].update({_optimizer_tensor(s): big}))
    with pytest.raises(CheckpointError, match="resume state would unpack to"):
        load_model(path)
    assert read_meta(path)["architecture"] == "softmax"  # the metadata alone is still readable


def test_an_old_digitpad_refuses_a_resume_file_as_newer(tmp_path, monkeypatch):
    from digitpad.core import checkpoint

    run = _Run()
    run.train_epoch()
    path = run.save(tmp_path / "m.pt", run.snapshot())
    monkeypatch.setattr(checkpoint, "FORMAT_VERSION", 1)
    with pytest.raises(CheckpointError, match="newer digitpad"):
        load_model(path)


def test_a_resume_file_is_one_torch_zip_and_its_errors_name_the_file(tmp_path):
    run = _Run()
    run.train_epoch()
    path = run.save(tmp_path / "m.pt", run.snapshot())
    with zipfile.ZipFile(path) as archive:
        assert sum(n.endswith("data.pkl") for n in archive.namelist()) == 1
    assert replace(read_resume(path), source="x").fail("why").args == (
        "cannot resume from x: why.",)
