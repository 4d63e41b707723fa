"""The Fine-tune panel (issue 15, Fine-tune and Report): it says how many samples there are and
waits for enough; it waits while the Train tab trains; a real fine-tune on drawn samples and the
real MNIST shows its progress and loss, then the before/after table, saves "digits — yours" in
the library and says so with `modelSaved`; MNIST not found offers Choose folder… and carries on;
a file that is no image is named, not fatal; Stop saves nothing. Real clicks."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Signal

from digitpad.core.personal.finetune import STOPPED
from digitpad.core.personal.samples import SampleStore
from digitpad.core.records import Notice
from digitpad.gui.handwriting import finetune_text as text
from digitpad.gui.handwriting.finetune_panel import FineTunePanel
from tests.core.personal.drawn_samples import write_samples
from tests.gui.helpers import shown

LEFT = Qt.MouseButton.LeftButton


class OtherRun(QObject):
    """The Train tab's worker as the panel sees it: is_running(), record and ended."""

    record = Signal(object)
    ended = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.running = False

    def is_running(self) -> bool:
        return self.running


def ink() -> np.ndarray:
    """A drawing as the canvas holds it: dark ink on white paper."""
    image = np.full((280, 280), 255, np.uint8)
    image[60:220, 130:150] = 0
    return image


def make_panel(qtbot, store: SampleStore, data_dir: str = "", training=None,  # noqa: ANN001
               choose=None) -> FineTunePanel:  # noqa: ANN001
    panel = FineTunePanel(training, lambda: "", lambda: data_dir, store, choose_data_dir=choose)
    panel.threads = 1  # the machine's two cores are shared
    shown(qtbot, panel, 480, 460)
    return panel


def test_it_counts_the_samples_and_waits_for_two_of_a_digit(qtbot, tmp_path):
    store = SampleStore(tmp_path / "handwriting")
    panel = make_panel(qtbot, store)
    assert panel.counts_label.text() == text.NO_SAMPLES
    assert not panel.button.isEnabled() and panel.reason.text() == text.NO_SAMPLES
    store.add("3", ink())
    panel.refresh()
    assert panel.counts_label.text() == "1 sample, all of the digit 3"
    assert not panel.button.isEnabled() and panel.reason.text() == text.TOO_FEW
    store.add("3", ink())
    store.add("8", ink())
    panel.refresh()
    assert panel.counts_label.text() == ("3 samples of 2 digits (1 to 2 each); none yet of 0, "
                                         "1, 2, 4, 5, 6, 7 and 9")
    assert panel.button.isEnabled() and not panel.reason.isVisible()
    write_samples(store.root, per_digit=5)
    panel.hide()
    panel.show()  # shown again (the tab chosen): counted again
    assert panel.counts_label.text() == "53 samples: 5 to 7 of each digit"


def test_it_waits_while_the_train_tab_trains(qtbot, tmp_path):
    store = SampleStore(write_samples(tmp_path / "handwriting", per_digit=2))
    other = OtherRun()
    panel = make_panel(qtbot, store, training=other)
    assert panel.counts_label.text() == "20 samples: 2 of each digit" and panel.button.isEnabled()
    other.running = True
    other.record.emit(Notice("Loading the dataset…"))  # the Train tab's run has begun
    assert not panel.button.isEnabled() and panel.reason.text() == text.TRAINING_ELSEWHERE
    qtbot.mouseClick(panel.button, LEFT)
    assert not panel.is_running()
    other.running = False
    other.ended.emit()
    assert panel.button.isEnabled() and not panel.reason.isVisible()


def test_a_unusable_handwriting_folder_is_said(qtbot):
    panel = make_panel(qtbot, None)
    assert panel.counts_label.text() == text.NO_FOLDER and not panel.button.isEnabled()


@pytest.mark.slow
def test_a_real_fine_tune_reports_before_and_after_and_saves_yours(
        qtbot, tmp_path, library, shared_data, offline_empty_folder):
    store = SampleStore(write_samples(tmp_path / "handwriting", per_digit=5))
    (store.root / "3" / "broken.png").write_bytes(b"not a png at all")  # named, left out
    data = {"dir": str(offline_empty_folder)}  # MNIST is not there (and cannot be downloaded)
    asked = []

    def choose() -> bool:  # the Train tab's "Choose the data folder" dialog, answered
        asked.append(True)
        data["dir"] = str(shared_data)
        return True

    panel = FineTunePanel(None, lambda: "", lambda: data["dir"], store, choose_data_dir=choose)
    panel.threads, panel.steps = 1, 30
    shown(qtbot, panel, 480, 460)
    saved: list[str] = []
    panel.modelSaved.connect(saved.append)  # emitted on the GUI thread, once
    assert panel.counts_label.text() == "51 samples: 5 to 6 of each digit"
    qtbot.mouseClick(panel.button, LEFT)
    assert panel.is_running() and not panel.button.isEnabled() and panel.stop_button.isEnabled()
    action = panel.messages.action_button()
    qtbot.waitUntil(action.isVisible, timeout=60_000)
    assert action.text() == "Choose folder…" and "\n" not in panel.messages.text()
    assert "mnist" in panel.messages.text().lower() and not saved
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    qtbot.mouseClick(action, LEFT)  # choose the folder: it carries on at once
    assert asked and panel.is_running()
    qtbot.waitUntil(lambda: panel.bar.maximum() == 30 and panel.bar.value() > 0,
                    timeout=60_000)  # stepping: the bar counts the steps, the chart the loss
    qtbot.waitUntil(lambda: len(panel.chart.series("raw")[0]) > 0, timeout=10_000)
    qtbot.waitUntil(panel.result.isVisible, timeout=120_000)
    rows = panel.result.rows()
    assert rows[0][0] == "Your drawings it did not learn from (10)"
    assert rows[1][0] == "MNIST test digits (everyone else's writing)"
    assert all(value.endswith("%") for row in rows for value in row[1:])
    assert "held out and never trained on" in panel.result.note.text()
    assert panel.messages.text().startswith("1 file(s) left out: 3/broken.png")
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    assert saved == [str(library / "digits-yours.pt")] and Path(saved[0]).is_file()
    assert panel.result.saved.text().startswith("Saved as “digits-yours” in your model library")
    assert not panel.chart.isVisible() and panel.button.isEnabled()
    if path := os.environ.get("DIGITPAD_PANEL_SHOT"):  # a picture for a person to look at
        panel.grab().save(path)


@pytest.mark.slow
def test_stop_saves_nothing(qtbot, tmp_path, library, shared_data):
    store = SampleStore(write_samples(tmp_path / "handwriting", per_digit=2))
    panel = make_panel(qtbot, store, data_dir=str(shared_data))
    panel.steps = 100_000  # it would run for hours: only Stop ends it
    saved: list[str] = []
    panel.modelSaved.connect(saved.append)
    qtbot.mouseClick(panel.button, LEFT)
    qtbot.waitUntil(lambda: panel.bar.value() > 0, timeout=60_000)
    qtbot.mouseClick(panel.stop_button, LEFT)
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=30_000)
    assert panel.progress.text() == STOPPED and not panel.result.isVisible()
    assert not saved and not list(library.glob("*.pt"))  # nothing saved, not even reserved
    assert panel.button.isEnabled()
