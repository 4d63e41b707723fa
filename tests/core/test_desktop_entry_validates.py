"""The Linux desktop entry, shipped and as installed, passes freedesktop's desktop-file-validate."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digitpad import desktop_entry
from digitpad.core.errors import DigitpadError
from tests.conftest import PROJECT_ROOT

VALIDATE = shutil.which("desktop-file-validate")
needs_validator = pytest.mark.skipif(
    VALIDATE is None, reason="desktop-file-validate (desktop-file-utils) is not installed")
SHIPPED = PROJECT_ROOT / "resources" / "desktop" / f"{desktop_entry.APP_ID}.desktop"


def _validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([VALIDATE, str(path)], capture_output=True, text=True, timeout=30)


def _exec_arguments(value: str) -> list[str]:
    """Split an Exec value back into arguments, as the Desktop Entry spec reads it."""
    value = value.replace("\\\\", "\\")  # the string-level escape
    args, current, quoted, i = [], "", False, 0
    while i < len(value):
        c = value[i]
        if quoted and c == "\\":
            current, i = current + value[i + 1], i + 2
            continue
        if c == '"':
            quoted = not quoted
        elif c == " " and not quoted:
            args.append(current)
            current = ""
        else:
            current += c
        i += 1
    return [arg.replace("%%", "%") for arg in [*args, current]]


@needs_validator
def test_shipped_entry_validates_without_a_remark():
    result = _validate(SHIPPED)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout


@needs_validator
def test_installed_entry_validates_even_from_an_awkward_folder(tmp_path, monkeypatch):
    folder = tmp_path / 'my env $HOME 100% "quoted" `tick` back\\slash'
    python = folder / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    monkeypatch.setattr(sys, "executable", str(python))
    written = desktop_entry.install_desktop_entry(tmp_path / "data")
    entry = next(p for p in written if p.suffix == ".desktop")
    result = _validate(entry)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(entry, encoding="utf-8")
    assert _exec_arguments(parser["Desktop Entry"]["Exec"]) == [str(python), "-m", "digitpad"]


@needs_validator
def test_installed_entry_from_this_environment_validates(tmp_path):
    written = desktop_entry.install_desktop_entry(tmp_path)
    result = _validate(next(p for p in written if p.suffix == ".desktop"))
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout


def test_a_line_break_in_the_path_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "two\nlines" / "python"))
    with pytest.raises(DigitpadError, match="control character"):
        desktop_entry.install_desktop_entry(tmp_path / "data")
    assert not (tmp_path / "data").exists()
