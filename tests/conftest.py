"""Fixtures shared by all tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_handwriting(tmp_path_factory: pytest.TempPathFactory,
                         monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the person's own handwriting samples: a fresh (not yet made)
    folder each test; tests that need one of their own set DIGITPAD_HANDWRITING_DIR again."""
    folder = tmp_path_factory.mktemp("handwriting-home") / "handwriting"
    monkeypatch.setenv("DIGITPAD_HANDWRITING_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data folder (../shared/data, or $DIGITPAD_TEST_DATA); skips when it is absent."""
    path = Path(os.environ.get("DIGITPAD_TEST_DATA", PROJECT_ROOT.parent / "shared" / "data"))
    if not path.is_dir():
        pytest.skip(f"real test data not found at {path} (set DIGITPAD_TEST_DATA to its folder)")
    return path
