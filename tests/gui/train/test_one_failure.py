"""A data set that cannot be loaded ends the run with ONE failure (kind "dataset"), shown once
with its Choose folder… button; other errors are shown without it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from digitpad.gui.workers.training_worker import FailureKind


def _spy(tab, monkeypatch) -> tuple[list, list]:  # noqa: ANN001
    failures: list[tuple[str, str]] = []
    shown: list[tuple[str, object]] = []
    tab.run.failed.connect(lambda message, kind: failures.append((message, kind)))
    real = tab.messages.show_message

    def show_message(text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        shown.append((text, kwargs.get("action")))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(tab.messages, "show_message", show_message)
    return failures, shown


def test_a_missing_image_folder_fails_once_with_its_button(tab, qtbot, tmp_path, monkeypatch):
    failures, shown = _spy(tab, monkeypatch)
    tab.apply_settings({"dataset": str(tmp_path / "no such images"), "model": "mlp"})
    with qtbot.waitSignal(tab.run.ended, timeout=60_000):
        qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    ((message, kind),) = failures
    assert kind == FailureKind.DATASET and "no such images" in message
    errors = [(text, action) for text, action in shown if text == message]
    assert len(errors) == 1 and errors[0][1][0] == "Choose folder…"
    assert tab.messages.text() == message and tab.messages.action_button().isVisible()
    assert tab.progress.label.text() == "Training did not run."


def test_bad_settings_fail_once_without_the_folder_button(tab, qtbot, shared_data, monkeypatch):
    failures, _shown = _spy(tab, monkeypatch)
    tab.run.start({"dataset": "mnist", "data_dir": str(shared_data), "model": "mlp",
                   "lr": -1.0}, "bad")
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=60_000)
    ((message, kind),) = failures
    assert kind == FailureKind.SETTINGS and "learning rate" in message
    assert tab.messages.text() == message and tab.messages.action_button().isHidden()
