"""TensorBoard logs (core.tensorboard_log): a real short run on MNIST, its event file read back
with tensorboard's own EventAccumulator and compared with the run's records; the CLI's
--log-dir, and its one-line errors."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitpad.core.config import TrainConfig
from digitpad.core.errors import DigitpadError
from digitpad.core.records import EpochEnd, Finished, Step
from digitpad.core.tensorboard_log import (
    NOT_INSTALLED,
    TensorBoardLog,
    confusion_image,
    missing,
    run_folder_name,
)
from digitpad.core.training import train
from tests.core.test_cli import assert_clean_error, digitpad

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)

EVERYTHING = {"scalars": 0, "images": 0, "tensors": 0}


def read_back(folder: Path) -> EventAccumulator:
    events = EventAccumulator(str(folder), size_guidance=EVERYTHING)
    events.Reload()
    return events


def test_the_event_file_holds_what_the_run_reported(small_mnist, tmp_path):
    config = TrainConfig(model="digitnet", epochs=2, seed=0, threads=1, batch_size=256).resolved()
    log = TensorBoardLog(tmp_path / "logs", config, when=datetime(2026, 12, 2, 16, 50, 12))
    records = []
    for record in train(config, dataset=small_mnist):
        log.feed(record)
        records.append(record)
    assert log.folder == tmp_path / "logs" / "20261202-165012-digitnet"
    steps = [r for r in records if isinstance(r, Step)]
    ends = [r for r in records if isinstance(r, EpochEnd)]
    finished = records[-1]
    assert isinstance(finished, Finished) and len(ends) == 2

    events = read_back(log.folder)
    loss = events.Scalars("step/loss")
    assert [e.step for e in loss] == [s.global_step for s in steps]
    assert np.allclose([e.value for e in loss], [s.loss for s in steps], rtol=1e-6)
    assert np.allclose([e.value for e in events.Scalars("step/lr")], [s.lr for s in steps])
    assert len(events.Scalars("step/images_per_s")) == len(steps)
    for tag, field in [("val_accuracy", "val_accuracy"), ("val_loss", "val_loss"),
                       ("train_accuracy", "train_accuracy"), ("train_loss", "train_loss"),
                       ("images_per_s", "images_per_s")]:
        logged = events.Scalars(f"epoch/{tag}")
        assert [e.step for e in logged] == [1, 2]
        assert np.allclose([e.value for e in logged], [getattr(r, field) for r in ends],
                           rtol=1e-6), tag

    images = events.Images("confusion_matrix")
    assert [i.step for i in images] == [1, 2]
    last = Image.open(__import__("io").BytesIO(images[-1].encoded_image_string))
    assert last.size == (30 + 10 * 28, 30 + 10 * 28) and last.mode == "RGB"

    hparams = events.PluginTagToContent("hparams")
    assert set(hparams) == {"_hparams_/experiment", "_hparams_/session_start_info",
                            "_hparams_/session_end_info"}
    start = hparams["_hparams_/session_start_info"]
    assert b"batch_size" in start and b"optimizer" in start and b"digitnet" in start
    final = events.Scalars("hparam/val_accuracy")
    assert [e.value for e in final] == pytest.approx([finished.metrics["val_accuracy"]])
    assert events.Scalars("hparam/test_accuracy")[0].value == pytest.approx(
        finished.metrics["test_accuracy"])


def test_confusion_image_is_hwc_uint8_shaded_by_row_share():
    image = confusion_image([[9, 1], [0, 10]], ("a", "b"))
    assert image.dtype == np.uint8 and image.shape == (30 + 2 * 28, 30 + 2 * 28, 3)
    cell = image[30 + 3, 30 + 28 + 3]  # row a, predicted b: 10% of its row, a light red
    empty = image[30 + 28 + 3, 30 + 3]  # row b, predicted a: none, white
    assert tuple(empty) == (255, 255, 255)
    assert cell[0] == 255 and cell[1] < 255


def test_run_folder_names_are_safe():
    assert run_folder_name("a/b c", datetime(2026, 1, 2, 3, 4, 5)) == "20260102-030405-a_b_c"


def test_an_unwritable_or_blocked_log_dir_is_refused_before_training(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    config = TrainConfig(model="digitnet", epochs=1).resolved()
    with pytest.raises(DigitpadError, match="TensorBoard log"):
        TensorBoardLog(blocker, config)


def test_without_tensorboard_the_log_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)  # import now fails
    config = TrainConfig(model="digitnet", epochs=1).resolved()
    with pytest.raises(DigitpadError) as error:
        TensorBoardLog("unused", config)
    assert "pip install 'digitpad[tensorboard]'" in str(error.value)
    assert missing() == ""  # installed here: the GUI's check (no torch import) agrees
    assert NOT_INSTALLED.endswith("pip install 'digitpad[tensorboard]'")


def test_cli_log_dir_writes_a_run_folder_matching_the_printed_epochs(mnist_dir, tmp_path):
    logs = tmp_path / "logs"
    result = digitpad("train", "--dataset", str(mnist_dir), "--limit", "600", "--epochs", "2",
                      "--threads", "1", "--out", str(tmp_path / "m.pt"), "--log-dir", str(logs))
    assert result.returncode == 0, result.stderr
    (folder,) = logs.iterdir()
    assert re.fullmatch(r"\d{8}-\d{6}-digitnet", folder.name)
    assert f"TensorBoard log: {folder}" in result.stdout
    printed = [float(v) / 100 for v in re.findall(r"val loss \S+ acc ([\d.]+)%", result.stdout)]
    logged = [e.value for e in read_back(folder).Scalars("epoch/val_accuracy")]
    assert len(printed) == 2 and np.allclose(logged, printed, atol=5e-5)


def test_cli_unwritable_log_dir_is_one_line_before_training(mnist_dir, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = digitpad("train", "--dataset", str(mnist_dir), "--limit", "600", "--epochs", "1",
                      "--threads", "1", "--out", str(tmp_path / "m.pt"), "--log-dir",
                      str(blocker))
    assert_clean_error(result, "TensorBoard log", "choose another place")
    assert "epoch 1/1" not in result.stdout and not (tmp_path / "m.pt").exists()


def test_cli_without_tensorboard_says_what_to_install_before_training(mnist_dir, tmp_path):
    shadow = tmp_path / "shadow" / "tensorboard"  # an import of tensorboard that fails
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('no tensorboard here')\n")
    result = digitpad("train", "--dataset", str(mnist_dir), "--limit", "600", "--epochs", "1",
                      "--threads", "1", "--out", str(tmp_path / "m.pt"), "--log-dir",
                      str(tmp_path / "logs"), env_extra={"PYTHONPATH": str(shadow.parent)})
    assert_clean_error(result, "pip install 'digitpad[tensorboard]'")
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1
    assert "epoch 1/1" not in result.stdout and not (tmp_path / "logs").exists()
