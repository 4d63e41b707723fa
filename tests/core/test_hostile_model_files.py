"""Hostile model files (issue 11): each is refused with one line naming what is wrong, before
anything big is allocated, and never hangs, whatever was edited in the bundled model."""

from __future__ import annotations

import math
import os
import pickle
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from digitpad.core.checkpoint import load_model, read_meta
from digitpad.core.errors import CheckpointError
from digitpad.core.predictor import Predictor
from tests.core.hostile_files import (
    BUNDLED,
    deflated_zeros,
    edited_model,
    raw_bytes,
    rewrite_records,
    run_digitpad,
    run_python,
    set_meta,
)


def _preprocess(**values):
    return set_meta("preprocess", {"mode": "digit", "size": 28, "channels": 1,
                                   "dark_background": False, **values})


# (what was edited, the edit, what the one line must say)
HOSTILE_METADATA = [
    ("model_options a list", set_meta("model_options", [24]), "model_options should be a valid"),
    ("model_options a number", set_meta("model_options", 7), "model_options should be a valid"),
    ("width -1", set_meta("model_options", {"width": -1}), r"model_options\.width .*\(got -1\)"),
    ("width 1e7", set_meta("model_options", {"width": 10**7}), r"model_options\.width"),
    ("width 1e7 float", set_meta("model_options", {"width": 1e7}), r"model_options\.width"),
    ("width True", set_meta("model_options", {"width": True}), r"model_options\.width"),
    ("unknown option", set_meta("model_options", {"depth": 3}), r"model_options\.depth"),
    ("in_channels 1e9", set_meta("in_channels", 10**9), r"in_channels .*\(got 1000000000\)"),
    ("in_channels text", set_meta("in_channels", "1"), "in_channels"),
    ("image_size 1e5", set_meta("image_size", 100_000), r"image_size .*\(got 100000\)"),
    ("image_size NaN", set_meta("image_size", float("nan")), "image_size"),
    ("image_size 0", set_meta("image_size", 0), "image_size"),
    ("mean text", set_meta("mean", "0.13"), "mean should be a valid list"),
    ("mean too long", set_meta("mean", [0.1, 0.1, 0.1]), "mean should have 1 value"),
    ("mean empty", set_meta("mean", []), "mean"),
    ("mean NaN", set_meta("mean", [float("nan")]), r"mean\[0\]"),
    ("mean nested", set_meta("mean", [[0.1]]), r"mean\[0\]"),
    ("std 0", set_meta("std", [0.0]), r"std\[0\] should be greater than 0"),
    ("std NaN", set_meta("std", [float("nan")]), r"std\[0\]"),
    ("std infinite", set_meta("std", [float("inf")]), r"std\[0\]"),
    ("std negative", set_meta("std", [-0.3]), r"std\[0\]"),
    ("preprocess mode unknown", _preprocess(mode="sharpen"), r"preprocess\.mode"),
    ("preprocess size 60000", _preprocess(size=60000), r"preprocess\.size .*\(got 60000\)"),
    ("preprocess size -1", _preprocess(size=-1), r"preprocess\.size"),
    ("preprocess channels 2", _preprocess(channels=2), r"preprocess\.channels"),
    ("preprocess channels 3 (model: 1)", _preprocess(channels=3), r"preprocess\.channels is 3"),
    ("preprocess size not the model's", _preprocess(mode="plain", size=32),
     r"preprocess\.size is 32 but image_size is 28"),
    ("preprocess a list", set_meta("preprocess", ["digit"]), "preprocess should be a valid"),
    ("dark_background text", _preprocess(dark_background="yes"), r"preprocess\.dark_background"),
    ("config a list", set_meta("config", [1]), "config should be a valid"),
    ("config.lr text", set_meta("config.lr", "fast"), r"config\.lr"),
    ("config.seed huge", set_meta("config.seed", 2**70), "config.seed|too large"),
    ("config.val_split 2", set_meta("config.val_split", 2.0), r"config\.val_split"),
    ("config.epochs float", set_meta("config.epochs", 2.5), r"config\.epochs"),
    ("config.model_options list", set_meta("config.model_options", [1]), "config.model_options"),
    ("class names numbers", set_meta("class_names", list(range(10))), r"class_names\[0\]"),
    ("class names one string", set_meta("class_names", "0123456789"), "class_names should be"),
    ("class names empty", set_meta("class_names", []), "class_names"),
    ("class name None", set_meta("class_names", [*"012345678", None]), r"class_names\[9\]"),
    ("metrics a list", set_meta("metrics", [1, 2]), "metrics should be a valid"),
    ("accuracy [1, 2]", set_meta("metrics.test_accuracy", [1, 2]), r"metrics\.test_accuracy"),
    ("accuracy '99%'", set_meta("metrics.test_accuracy", "99%"), r"metrics\.test_accuracy"),
    ("accuracy a dict", set_meta("metrics.test_accuracy", {"a": 1}), r"metrics\.test_accuracy"),
    ("accuracy a tensor", set_meta("metrics.test_accuracy", torch.tensor(0.9)),
     r"metrics\.test_accuracy should be plain data"),
    ("accuracy NaN", set_meta("metrics.val_accuracy", float("nan")), r"metrics\.val_accuracy"),
    ("accuracy 1.5", set_meta("metrics.val_accuracy", 1.5), r"metrics\.val_accuracy"),
    ("architecture a list", set_meta("architecture", ["digitnet"]), "architecture"),
    ("architecture unknown", set_meta("architecture", "transformer9"), "Unknown model"),
    ("dataset a number", set_meta("dataset", 5), "dataset should be a valid string"),
    ("versions not text", set_meta("versions", {"torch": 2}), r"versions\.torch"),
    ("a weight tensor in the metadata", set_meta("extra", torch.zeros(3)), "plain data"),
    ("a key that is not text", set_meta("extra", {1: "x"}), "key that is not text"),
]


@pytest.mark.parametrize("what, edit, match", HOSTILE_METADATA,
                         ids=[c[0] for c in HOSTILE_METADATA])
def test_hostile_metadata_is_refused_with_the_field_named(tmp_path, what, edit, match):
    path = edited_model(tmp_path / "model.pt", edit)
    for read in (read_meta, load_model, Predictor.from_file):
        with pytest.raises(CheckpointError, match=match) as info:
            read(path)
        message = str(info.value)
        assert message.startswith("model.pt ") and "\n" not in message, message


def test_the_field_and_its_bounds_are_in_the_message(tmp_path):
    path = edited_model(tmp_path / "model.pt", set_meta("image_size", 100_000))
    with pytest.raises(CheckpointError) as info:
        load_model(path)
    assert str(info.value) == ("model.pt has bad metadata: image_size should be less than or "
                               "equal to 1024 (got 100000).")


def _one_hot_mean(payload):
    payload["meta"]["in_channels"] = 3
    payload["meta"]["preprocess"]["channels"] = 3
    payload["meta"]["mean"] = [0.1] * 3
    payload["meta"]["std"] = [0.3] * 3


def _plain_size(size):
    def edit(payload):
        payload["meta"]["image_size"] = size
        payload["meta"]["preprocess"] = {"mode": "plain", "size": size, "channels": 1,
                                         "dark_background": True}
    return edit


def _nan_weight(payload):
    payload["state_dict"]["head.3.weight"][0, 0] = float("nan")


# item 6: files the old code accepted although every prediction with them would fail
FAILS_EVERY_PREDICTION = [
    ("preprocess mode unknown", _preprocess(mode="sharpen"), r"preprocess\.mode"),
    ("preprocess channels 3, model 1", _preprocess(channels=3), "channels"),
    ("3 channels declared, 1-channel weights", _one_hot_mean,
     "does not match the digitnet architecture"),
    ("image too small for the convolutions", _plain_size(4),
     "image_size 4 does not suit the digitnet architecture"),
    ("11 class names for 10 outputs", set_meta("class_names", [str(i) for i in range(11)]),
     "size mismatch"),
    ("NaN in the weights", _nan_weight, "NaN or infinity"),
]


@pytest.mark.parametrize("what, edit, match", FAILS_EVERY_PREDICTION,
                         ids=[c[0] for c in FAILS_EVERY_PREDICTION])
def test_a_model_that_would_fail_every_prediction_is_refused_when_opened(tmp_path, what, edit,
                                                                         match):
    path = edited_model(tmp_path / "model.pt", edit)
    with pytest.raises(CheckpointError, match=match):
        Predictor.from_file(path)


def test_a_good_edit_still_loads_and_predicts(tmp_path):
    """The checks refuse what is wrong, not what is unusual: renamed classes, a smaller image
    in plain mode, no config or metrics at all."""
    def edit(payload):
        _plain_size(20)(payload)
        payload["meta"]["class_names"] = [f"class {i}" for i in range(10)]
        del payload["meta"]["config"], payload["meta"]["metrics"]

    predictor = Predictor.from_file(edited_model(tmp_path / "model.pt", edit))
    drawn = np.full((100, 100), 255, np.uint8)
    drawn[20:80, 45:55] = 0
    prediction = predictor.predict(drawn)
    assert len(prediction.probabilities) == 10
    assert math.isclose(sum(prediction.probabilities), 1, abs_tol=1e-5)


def test_format_version_as_text_is_damage_not_a_newer_digitpad(tmp_path):
    path = edited_model(tmp_path / "model.pt", lambda p: p.update(format_version="1"))
    with pytest.raises(CheckpointError, match="format_version") as info:
        load_model(path)
    assert "newer" not in str(info.value)
    path = edited_model(tmp_path / "future.pt", lambda p: p.update(format_version=3))
    with pytest.raises(CheckpointError, match="newer digitpad"):
        load_model(path)


# Pickle payloads written opcode by opcode, the way an attacker would: each runs
# `touch MARKER` through os.system in a plain pickle.loads.
def _payloads(marker: Path) -> dict[str, bytes]:
    command = f"touch {marker}".encode()
    return {
        "GLOBAL + REDUCE": b"cos\nsystem\n(S'" + command + b"'\ntR.",
        "INST": b"(S'" + command + b"'\nios\nsystem\n.",
        "OBJ": b"(cos\nsystem\nS'" + command + b"'\no.",
        "STACK_GLOBAL + REDUCE": (b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c"
                                  + bytes([len(command)]) + command + b"\x85R."),
    }


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
@pytest.mark.parametrize("kind", list(_payloads(Path("x"))))
def test_pickle_payloads_are_refused_never_run_and_called_refused(tmp_path, kind):
    probe = tmp_path / "probe-ran"
    pickle.loads(_payloads(probe)[kind])  # a working payload: with a plain load it runs
    assert probe.exists()
    marker = tmp_path / "payload-ran"
    path = rewrite_records(BUNDLED, tmp_path / "evil.pt",
                           {"data.pkl": raw_bytes(_payloads(marker)[kind])})
    for read in (read_meta, load_model):
        with pytest.raises(CheckpointError, match="Refused to load evil.pt") as info:
            read(path)
        assert "(os.system)" in str(info.value) and "corrupt" not in str(info.value)
    assert not marker.exists()


def test_a_truncated_pickle_is_called_damaged_not_refused(tmp_path):
    with zipfile.ZipFile(BUNDLED) as z:
        data = z.read(next(n for n in z.namelist() if n.endswith("data.pkl")))
    path = rewrite_records(BUNDLED, tmp_path / "cut.pt", {"data.pkl": raw_bytes(data[:500])})
    with pytest.raises(CheckpointError, match=r"cut.pt is not a readable model file") as info:
        read_meta(path)
    assert "Refused" not in str(info.value)


# --- zip bombs ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """The bundled model with its largest weight record (166 KB) replaced by 256 MiB of
    deflated zeros: a 1.4 MB file. (The issue's was 4 GB; the check is the same.)"""
    folder = tmp_path_factory.mktemp("bomb")
    return rewrite_records(BUNDLED, folder / "bomb.pt", {"data/12": deflated_zeros(2**28)})


def test_a_zip_bomb_is_refused_from_its_declared_sizes_without_unpacking(bomb):
    assert bomb.stat().st_size < 4_000_000
    for read in (read_meta, load_model, Predictor.from_file):
        started = time.perf_counter()
        with pytest.raises(CheckpointError, match=r"Refused to load bomb\.pt: its weight records "
                           r"would unpack to 256\.\d MiB.*zip bomb"):
            read(bomb)
        assert time.perf_counter() - started < 5


@pytest.mark.slow
def test_listing_a_zip_bomb_keeps_memory_flat(bomb):
    """Measured in a real process: the old code unpacked the whole record to read metadata."""
    code = (
        "import resource, sys\n"
        "from digitpad.core.model_library import list_models, _meta_cache\n"
        "import torch\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "entries = list_models()\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "bad = [e for e in entries if e.name == 'bomb']\n"
        "print((after - before) // 1024, bad[0].problem)\n"
    )
    result = run_python(code, bomb.parent)
    assert result.returncode == 0, result.stderr
    grown, problem = result.stdout.split(" ", 1)
    assert "zip bomb" in problem
    assert int(grown) < 150, f"listing grew the process by {grown} MB"


def test_weights_that_are_views_of_a_huge_storage_are_refused(tmp_path):
    """A consistent bomb: the pickle itself declares a 64 MB storage behind a small tensor."""
    def edit(payload):
        weight = payload["state_dict"]["head.3.weight"]
        big = torch.zeros(16 * 2**20)
        big[: weight.numel()] = weight.reshape(-1)
        payload["state_dict"]["head.3.weight"] = big[: weight.numel()].view_as(weight)

    stored = edited_model(tmp_path / "stored.pt", edit)
    packed = tmp_path / "view.pt"
    with zipfile.ZipFile(stored) as zin, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zin.infolist():
            zo.writestr(info.filename, zin.read(info))
    stored.unlink()
    assert packed.stat().st_size < 1_000_000
    for read in (read_meta, load_model):
        with pytest.raises(CheckpointError, match="would unpack to 64.*zip bomb"):
            read(packed)


def test_huge_metadata_records_are_refused_before_unpacking(tmp_path):
    path = rewrite_records(BUNDLED, tmp_path / "meta-bomb.pt",
                           {"byteorder": deflated_zeros(2**27)})
    with pytest.raises(CheckpointError, match="metadata records would unpack to 128"):
        read_meta(path)


def test_a_legacy_non_zip_torch_file_is_not_read(tmp_path):
    path = tmp_path / "old.pt"
    torch.save({"format": "digitpad-checkpoint"}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(CheckpointError, match="not a zip archive"):
        read_meta(path)


# --- files that are not regular files ----------------------------------------------------------


fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


@pytest.mark.slow
@fifo_only
def test_predict_with_a_fifo_as_model_says_so_instead_of_hanging(tmp_path):
    fifo = tmp_path / "model.pt"
    os.mkfifo(fifo)
    (tmp_path / "link.pt").symlink_to(fifo)
    image = tmp_path / "seven.png"
    Image.new("L", (28, 28), 255).save(image)
    for model in (fifo, tmp_path / "link.pt"):
        result = run_digitpad(["predict", "--model", str(model), str(image)], tmp_path / "lib")
        assert result.returncode == 1
        assert "named pipe (FIFO)" in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.slow
@fifo_only
def test_fifos_dangling_links_and_loops_are_one_line_each_in_process(tmp_path):
    """In a child process, so that the old behaviour (an open() that never returns) fails the
    test through a timeout instead of hanging it."""
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "to-pipe.png").symlink_to(tmp_path / "pipe")
    (tmp_path / "gone.pt").symlink_to(tmp_path / "nowhere.pt")
    (tmp_path / "loop.pt").symlink_to(tmp_path / "loop.pt")
    (tmp_path / "a-file").write_text("x")
    code = (
        "from digitpad.core.checkpoint import read_meta, load_model\n"
        "from digitpad.core.images import open_image\n"
        "from digitpad.core.errors import DigitpadError\n"
        f"folder = {str(tmp_path)!r}\n"
        "for read, name in [(read_meta, 'pipe'), (load_model, 'to-pipe.png'),\n"
        "                   (open_image, 'pipe'), (open_image, 'to-pipe.png'),\n"
        "                   (load_model, 'gone.pt'), (load_model, 'loop.pt'),\n"
        "                   (open_image, 'loop.pt'), (load_model, '/dev/zero'),\n"
        "                   (load_model, 'a-file/model.pt')]:\n"
        "    try:\n"
        "        read(name if name.startswith('/') else folder + '/' + name)\n"
        "    except DigitpadError as exc:\n"
        "        print(exc)\n"
    )
    result = run_python(code, tmp_path / "lib", timeout=60)
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0 and len(lines) == 9, result.stdout + result.stderr
    assert all("named pipe (FIFO)" in line for line in lines[:4])
    assert "symbolic link to" in lines[4] and "does not exist" in lines[4]
    assert "symbolic link loop" in lines[5] and "symbolic link loop" in lines[6]
    assert "character device" in lines[7]
    assert "Not a directory" in lines[8]


@pytest.mark.parametrize("architecture", ["digitnet", "softmax", "mlp", "cnn", "lenet5",
                                          "resnet18"])
def test_what_training_saves_passes_the_checks_for_every_architecture(tmp_path, architecture):
    """The schema refuses what is wrong, never what digitpad itself writes: a model trained
    on a tiny RGB image folder, for each architecture, loads back and predicts."""
    from digitpad.core.config import TrainConfig
    from digitpad.core.training import train

    rng = np.random.default_rng(0)
    for label in ("cats", "dogs"):
        (tmp_path / "data" / label).mkdir(parents=True)
        for k in range(6):
            pixels = rng.integers(0, 255, (20, 20, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / "data" / label / f"{k}.png")
    config = TrainConfig(dataset=str(tmp_path / "data"), model=architecture, epochs=1,
                         batch_size=4, image_size=32, threads=1, val_split=0.25)
    finished = list(train(config.resolved()))[-1]
    assert finished.model is not None, finished.message
    path = Path(finished.save(str(tmp_path / "m.pt")))
    predictor = Predictor.from_file(path)
    assert predictor.class_names == ["cats", "dogs"]
    assert read_meta(path)["architecture"] == architecture


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_predict_with_a_pickle_payload_prints_one_refusal_line(tmp_path):
    marker = tmp_path / "payload-ran"
    evil = rewrite_records(BUNDLED, tmp_path / "evil.pt", {
        "data.pkl": raw_bytes(_payloads(marker)["STACK_GLOBAL + REDUCE"])})
    image = tmp_path / "blank.png"
    Image.new("L", (28, 28), 255).save(image)
    result = run_digitpad(["predict", "--model", str(evil), str(image)], tmp_path / "lib")
    assert result.returncode == 1 and not marker.exists()
    assert result.stderr.strip().splitlines() == [
        "digitpad: error: Refused to load evil.pt: it contains Python objects that could run "
        "code when loaded (os.system), which a digitpad model file never does."
    ], result.stderr
