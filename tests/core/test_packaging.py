"""What a packager relies on: the self-test, the desktop entry and icons, the package data."""

from __future__ import annotations

import configparser
import fnmatch
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from digitpad import self_test
from digitpad.desktop_entry import APP_ID, ICON_SIZES
from tests.conftest import PROJECT_ROOT

RESOURCES = PROJECT_ROOT / "resources"


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def test_self_test_passes_here():
    result = _run("--self-test", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0].split()[-1] for line in lines[:7]] == [
        "model", "explain", "training", "platform", "window", "device", "versions"]
    assert all(line.startswith("ok") for line in lines[:7]) and lines[-1] == "self-test passed"
    assert "reads a drawn 7" in result.stdout and "torch 2." in result.stdout


def test_self_test_fails_with_the_reason(monkeypatch, tmp_path):
    broken = tmp_path / "digits.pt"
    broken.write_bytes(b"not a model")
    monkeypatch.setattr("digitpad.core.model_library.resolve_model", lambda spec=None: broken)
    monkeypatch.setattr(self_test, "check_window", lambda: "not checked in this test")
    lines: list[str] = []
    assert self_test.run_self_test(lines.append) == 1
    assert lines[0].startswith("FAIL  model: CheckpointError") and "digits.pt" in lines[0]
    assert lines[1].startswith("FAIL  explain: CheckpointError")  # it explains the same model
    assert lines[-1] == "self-test FAILED (2 check(s))"


def test_install_desktop_entry_for_this_user(tmp_path):
    result = _run("--install-desktop-entry", env={"XDG_DATA_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    entry_path = tmp_path / "applications" / f"{APP_ID}.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(entry_path, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] == "digitpad"
    assert section["Icon"] == APP_ID and section["Comment"]
    assert {"Education", "ArtificialIntelligence"} <= set(section["Categories"].split(";"))
    executable = section["Exec"].split('"')[1] if section["Exec"].startswith('"') else \
        section["Exec"].split()[0]
    assert Path(executable).is_file() and os.access(executable, os.X_OK)
    icons = tmp_path / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in ICON_SIZES:
        with Image.open(icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png") as icon:
            assert icon.size == (size, size)
    assert str(entry_path) in result.stdout


def test_icons_exist_at_every_size_from_the_one_svg():
    ET.parse(RESOURCES / "icons" / "digitpad.svg")  # well-formed
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(RESOURCES / "icons" / f"digitpad-{size}.png") as icon:
            assert icon.size == (size, size) and icon.mode == "RGBA"


def test_metainfo_and_desktop_entry_name_the_same_application():
    metainfo = ET.parse(PROJECT_ROOT / "packaging" / "linux" / f"{APP_ID}.metainfo.xml")
    root = metainfo.getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    assert (RESOURCES / "desktop" / f"{APP_ID}.desktop").is_file()
    assert {c.text for c in root.find("categories")} == {"Education", "Science"}


def test_package_data_covers_every_shipped_resource():
    """A file added to resources/ but not to package-data would be missing from the wheel."""
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads TOML")
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["digitpad.resources"]
    shipped = [p.relative_to(RESOURCES).as_posix() for p in RESOURCES.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py"]
    assert shipped
    missing = [f for f in shipped if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert not missing


def test_every_package_folder_is_in_the_wheel():
    """A new package folder (digitpad/core/personal/) not listed in pyproject's packages would be
    missing from the installed app: its first import would fail there, not in a checkout."""
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads TOML")
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PROJECT_ROOT).parts)
             for p in (PROJECT_ROOT / "digitpad").rglob("*.py")
             if "__pycache__" not in p.parts}
    assert found - listed == set()


def test_bundle_spec_and_scripts_reference_files_that_exist():
    """The bundle build is too slow for CI; this keeps its spec and scripts from rotting."""
    packaging = PROJECT_ROOT / "packaging"
    spec = (packaging / "digitpad.spec").read_text()
    compile(spec, "digitpad.spec", "exec")  # valid Python
    assert '"entry.py"' in spec and (packaging / "entry.py").is_file()
    for icon in ("digitpad-256.png", "digitpad-512.png"):
        assert f'"{icon}"' in spec and (RESOURCES / "icons" / icon).is_file()
    assert 'collect_data_files("digitpad")' in spec  # models and icons go into the bundle
    build, smoke = (packaging / "build.sh").read_text(), (packaging / "smoke-test.sh").read_text()
    assert "digitpad.spec" in build and '--distpath "$HERE/dist"' in build
    assert 'name="digitpad"' in spec and "dist/digitpad/digitpad" in smoke
    assert "--self-test" in smoke and "QT_QPA_PLATFORM=offscreen" in smoke
    for script in ("build.sh", "smoke-test.sh"):
        path = packaging / script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        check = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
