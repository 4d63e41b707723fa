"""The model library (issue 11): every entry is read on its own; a bad one (a broken link, a
loop, a FIFO, a folder, odd metrics…) is listed as unusable with its reason, and never hides or
breaks the others, in the library, in `digitpad models` and in `digitpad models --json`."""

from __future__ import annotations

import json
import os

import pytest

from digitpad.core import model_library as library
from digitpad.core.checkpoint import read_meta
from digitpad.core.model_library import list_models
from tests.core.hostile_files import (
    BUNDLED,
    ESCAPE_NAME,
    build_hostile_library,
    run_digitpad,
    unblock_fifo,
)

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


def test_each_bad_entry_is_unusable_with_its_reason_and_the_rest_stay_usable(tmp_path):
    expected = build_hostile_library(tmp_path / "lib", fifo=False)  # (FIFO: in a process below)
    entries = {e.name: e for e in list_models(tmp_path / "lib")}
    assert [e.name for e in list_models(tmp_path / "lib") if e.bundled] == ["digits", "fashion"]
    for name in ("digits", "fashion", "good", ESCAPE_NAME):
        assert not entries[name].problem, (name, entries[name].problem)
        assert entries[name].architecture == "digitnet"
    bundled_accuracy = read_meta(BUNDLED)["metrics"]["test_accuracy"]
    assert entries["good"].accuracy == pytest.approx(bundled_accuracy)
    for name, says in expected.items():
        assert name in entries, name
        problem = entries[name].problem
        assert (says in problem) if says else not problem, (name, problem)
        assert "\n" not in problem and "Traceback" not in problem
        assert entries[name].accuracy is None or 0 <= entries[name].accuracy <= 1


def test_the_metadata_cache_holds_metadata_only(tmp_path):
    from digitpad.core.model_meta import plain_data_problem

    build_hostile_library(tmp_path / "lib", fifo=False)
    list_models(tmp_path / "lib")
    cached = [value for _, value in library._meta_cache.values()]
    assert cached and all(isinstance(v, str) or plain_data_problem(v) is None for v in cached)


@pytest.mark.slow
@fifo_only
def test_digitpad_models_lists_a_hostile_library_as_text_and_valid_json(tmp_path):
    lib = tmp_path / "lib"
    expected = build_hostile_library(lib)
    try:
        text = run_digitpad(["models"], lib, timeout=120)
        as_json = run_digitpad(["models", "--json"], lib, timeout=120)
    finally:
        unblock_fifo(lib / "pipe.pt")
    assert text.returncode == 0 and "Traceback" not in text.stderr, text.stderr
    assert "\x1b" not in text.stdout and "\x07" not in text.stdout  # names are escaped
    lines = text.stdout.splitlines()
    for name, says in expected.items():
        shown = name.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
        line = next(line for line in lines if line.startswith(shown + " "))
        assert ("unusable" in line and says in line) if says else "unusable" not in line, line
    assert any(line.startswith("digits ") and "unusable" not in line for line in lines)

    assert as_json.returncode == 0, as_json.stderr

    def no_nan(constant):
        raise AssertionError(f"invalid JSON constant {constant}")

    listed = {e["name"]: e for e in json.loads(as_json.stdout, parse_constant=no_nan)}
    assert not listed["digits"]["problem"] and not listed["fashion"]["problem"]
    for name, says in expected.items():
        problem = listed[name]["problem"]
        assert (says in problem) if says else problem is None, (name, problem)
        assert listed[name]["accuracy"] is None or 0 <= listed[name]["accuracy"] <= 1


def test_a_model_path_under_a_user_who_does_not_exist_is_one_line(tmp_path):
    from digitpad.core.errors import DigitpadError
    from digitpad.core.model_library import resolve_model

    with pytest.raises(DigitpadError, match="no user 'nosuchuser'"):
        resolve_model("~nosuchuser/m.pt", library=tmp_path)
