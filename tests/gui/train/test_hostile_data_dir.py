"""The Train tab's settings build with an unusable DIGITPAD_DATA_DIR (~ of a user who does not
exist): the setting is shown as the data folder's placeholder instead of the tab failing to
build; using it gives the one-line error (tests/core/test_hostile_data_paths.py)."""

from __future__ import annotations

import pytest

NO_USER_DIR = "~nosuchuser_digitpad/data"


def test_train_settings_build_with_a_data_dir_of_no_user(qtbot, library,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from digitpad.gui.train.train_settings import TrainSettingsForm

    monkeypatch.setenv("DIGITPAD_DATA_DIR", NO_USER_DIR)
    form = TrainSettingsForm()
    qtbot.addWidget(form)
    assert form.data_dir.placeholderText() == NO_USER_DIR
