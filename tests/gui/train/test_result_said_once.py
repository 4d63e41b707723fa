"""Issue 12 item 10 (rest): a run's result is said once. The banner read "Finished: best
validation accuracy 90.56% (epoch 2). Test accuracy 90.81%. Took 1:33. Saved as …" while the
progress line repeated "Completed. Test accuracy 90.81%. Took 1:33. Saved to your model
library.", and an image folder's run said "best validation accuracy 55.56% (epoch 2). Validation
accuracy 55.56%." Also: the train series, 20-30 points below validation early on, says why."""

from __future__ import annotations

import re

import numpy as np
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

PERCENT = re.compile(r"\d+\.\d+%")
DURATION = re.compile(r"\b\d+:\d\d\b")


def _run(tab, qtbot, settings: dict) -> list[str]:  # noqa: ANN001
    """Press Start on `settings`, wait for the saved model; what the status bar was told."""
    said: list[str] = []
    tab.apply_settings(settings)
    with qtbot.waitSignal(tab.modelSaved, timeout=120_000):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
        tab.status.connect(said.append)
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=30_000)
    return said


def test_an_mnist_result_says_each_figure_once(tab, qtbot, shared_data):
    said = _run(tab, qtbot, {"dataset": "mnist", "data_dir": str(shared_data), "model": "mlp",
                             "epochs": 1, "limit": 2000, "save_name": "said-once"})
    banner, line = tab.messages.text(), tab.progress.label.text()
    assert re.fullmatch(r"Finished: best validation accuracy \d+\.\d\d% \(epoch 1\), test "
                        r"accuracy \d+\.\d\d%\. Saved as “said-once” in your model library; it "
                        r"is ready on the Draw tab\.", banner), banner
    assert re.fullmatch(r"Finished 1 of 1 epoch in \d+:\d\d\.", line), line
    everything = " ".join([banner, line, *said])
    figures = PERCENT.findall(everything)
    # the epoch's status line names the validation accuracy while the run goes; once it ends,
    # each figure is said in one place only
    ended = " ".join([banner, line, *said[said.index("Training finished"):]])
    assert len(PERCENT.findall(ended)) == len(set(PERCENT.findall(ended))) == 2, ended
    assert len(DURATION.findall(ended)) == 1, ended
    assert "Saved" not in line and "Took" not in banner
    assert said[-1] == "Training finished" and len(figures) >= 2


def test_an_image_folder_result_names_its_accuracy_once(tab, qtbot, tmp_path):
    folder = tmp_path / "shapes"
    for index, name in enumerate(("dark", "light")):
        (folder / name).mkdir(parents=True)
        for i in range(40):
            pixels = np.full((12, 12), 40 + 170 * index + i % 5, dtype=np.uint8)
            Image.fromarray(pixels).save(folder / name / f"{i}.png")
    _run(tab, qtbot, {"dataset": str(folder), "model": "mlp", "epochs": 2, "batch_size": 8,
                      "save_name": "folder once"})
    banner = tab.messages.text()
    assert re.match(r"Finished: best validation accuracy \d+\.\d\d% \(epoch [12]\)\. Saved as",
                    banner), banner
    assert len(PERCENT.findall(banner)) == 1 and "alidation accuracy" in banner
    assert banner.count("alidation accuracy") == 1


def test_the_train_series_says_why_it_reads_lower(tab, qtbot):
    """Hovering the accuracy chart's "train" legend entry shows why (as a person would)."""
    chart = tab.accuracy_chart
    label = next(label for _sample, label in chart.legend.items if label.text == "train")
    view = chart.plot
    centre = label.mapToScene(label.boundingRect().center())
    at = view.mapFromScene(centre)
    qtbot.mouseMove(view.viewport(), at)
    event = QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=5_000)
    assert "augmentation" in QToolTip.text() and "lower" in QToolTip.text()
    QToolTip.hideText()
    # and anywhere on the chart, its tooltip says it too
    corner = QPoint(view.viewport().width() // 2, view.viewport().height() // 2)
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, corner,
                                                       view.viewport().mapToGlobal(corner)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=5_000)
    assert "augmentation" in QToolTip.text()
