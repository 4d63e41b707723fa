"""TrainProgress takes the training run's own records: data progress says its unit, a Step
its time left (train()'s estimate, the one `digitpad train` prints), Paused marks the line."""

from __future__ import annotations

import pytest

from digitpad.core.records import DataProgress, Paused, Step, Steps, Unit
from digitpad.gui.train.train_progress import TrainProgress


@pytest.fixture
def progress(qtbot):
    widget = TrainProgress()
    qtbot.addWidget(widget)
    return widget


def step(global_step: int, eta: float) -> Step:
    return Step(1, global_step, 100, global_step, 300, 0.5, 0.01, 1234.0, eta)


def test_a_large_image_count_is_counted_in_images_not_megabytes(progress):
    progress.show_record(DataProgress("loading images", 150_000, 300_000, Unit.IMAGES))
    assert progress.label.text() == "loading images: 150,000 of 300,000"
    assert progress.bar.value() == 500


def test_a_small_download_is_counted_in_megabytes(progress):
    progress.show_record(DataProgress("t10k-labels-idx1-ubyte.gz", 2_500, 5_000, Unit.BYTES))
    assert progress.label.text() == "t10k-labels-idx1-ubyte.gz: 0.0 of 0.0 MB"
    progress.show_record(DataProgress("train-images-idx3-ubyte.gz", 500_000, 9_900_000,
                                      Unit.BYTES))
    assert progress.label.text() == "train-images-idx3-ubyte.gz: 0.5 of 9.9 MB"


def test_an_unknown_total_shows_a_busy_bar(progress):
    progress.show_record(DataProgress("mnist.gz", 10, None, Unit.BYTES))
    assert progress.bar.maximum() == 0 and progress.label.text() == "mnist.gz"


def test_the_time_left_is_the_one_on_the_step(progress):
    from digitpad.commands import _fmt_time

    progress.show_record(Steps((step(1, 500.0), step(2, 83.0))))
    assert progress.label.text().endswith("· 1:23 left")  # the latest step's
    assert _fmt_time(83.0) == "1m23s"  # what `digitpad train` prints for the same record
    assert progress.value() == 2


def test_paused_marks_the_last_step_shown(progress):
    progress.show_record(Steps((step(7, 60.0),)))
    progress.show_record(Paused(1, 7, 300))
    # no speed or time left while nothing runs (issue 12 trial: "258 images/s · 3:38 left")
    assert progress.label.text() == "Paused at epoch 1 of 3 · step 7 of 100 in this epoch"
    assert progress.value() == 7


def test_the_speed_says_how_many_threads_the_run_chose(progress):
    chose = Step(1, 5, 100, 5, 300, 0.5, 0.01, 2140.0, 83.0, threads=1)
    progress.show_record(Steps((chose,)))
    assert "· 2,140 images/s on 1 thread ·" in progress.label.text()
    progress.show_record(Steps((Step(1, 6, 100, 6, 300, 0.5, 0.01, 2140.0, 83.0, threads=2),)))
    assert "· 2,140 images/s on 2 threads ·" in progress.label.text()
    progress.show_record(Steps((step(7, 60.0),)))  # pinned (--threads, CUDA): not said
    assert "· 1,234 images/s · 1:00 left" in progress.label.text()
