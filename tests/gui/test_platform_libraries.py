"""A missing system library of Qt's xcb plugin is one message with the install line, not exit 134.

The broken installation is real: a copy of the PySide6 package (symlinks) whose libqxcb.so is
the real plugin with two DT_NEEDED names changed to sonames no system has, so the loader fails
on it exactly as on a machine without libxcb-icccm4 and libxcb-keysyms1 (Qt then aborts with its
"xcb-cursor0 or libxcb-cursor0 is needed" hint; the old code did exactly that).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digitpad.gui import platform_libraries as pl
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="Qt's xcb plugin and its system libraries are Linux's")


def _this_machine_lacks() -> tuple[str, ...]:
    """System libraries the real xcb plugin misses here (a fresh machine may lack some)."""
    if not sys.platform.startswith("linux"):
        return ()
    report = pl.check_plugin("xcb", {k: v for k, v in os.environ.items()
                                     if k != "QT_QPA_PLATFORM"})
    return report.missing if report is not None else ()


LACKS = _this_machine_lacks()
# These tests break a working plugin on purpose and compare what is reported; on a machine
# whose real plugin already misses libraries they would compare against the wrong set.
pytestmark = [pytestmark, pytest.mark.skipif(
    bool(LACKS), reason=f"this machine lacks {', '.join(LACKS)} (the window cannot open on "
                        "xcb here); install libxcb-icccm4 libxcb-keysyms1 to run these tests")]
RENAMED = {b"libxcb-icccm.so.4": b"libxcb-icccm.so.9",
           b"libxcb-keysyms.so.1": b"libxcb-keysyms.so.7"}
MISSING = ("libxcb-icccm.so.9", "libxcb-keysyms.so.7")


def _real_pyside() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent


def _mirror(real: Path, fake: Path, keep_out: tuple[str, ...]) -> None:
    fake.mkdir(parents=True)
    for entry in real.iterdir():
        if keep_out and entry.name == keep_out[0]:
            if len(keep_out) > 1:
                _mirror(entry, fake / entry.name, keep_out[1:])
        else:
            (fake / entry.name).symlink_to(entry)


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory) -> Path:
    """A folder to put first on PYTHONPATH: a PySide6 whose xcb plugin links two missing libs."""
    site = tmp_path_factory.mktemp("site")
    real = _real_pyside()
    plugin = ("Qt", "plugins", "platforms", "libqxcb.so")
    _mirror(real, site / "PySide6", plugin)
    data = real.joinpath(*plugin).read_bytes()
    for old, new in RENAMED.items():
        assert data.count(old + b"\0") == 1, "this PySide6's libqxcb.so no longer links " + str(old)
        data = data.replace(old + b"\0", new + b"\0")
    site.joinpath("PySide6", *plugin).write_bytes(data)
    return site


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "PYTHONPATH",
                        "QT_QPA_PLATFORM_PLUGIN_PATH", "QT_PLUGIN_PATH")}
    return {**env, **extra}


def test_the_real_xcb_plugin_here_finds_every_library():
    report = pl.check_plugin("xcb", _env())
    assert report is not None and report.plugin.name == "libqxcb.so"
    assert report.missing == () and report.found > 10  # libQt6XcbQpa, libxcb-*, libxkbcommon…
    outcome = pl.platform_outcome(_env(DISPLAY=":0"), ["digitpad"])
    assert outcome.used == report and pl.startup_problem(_env(DISPLAY=":0"), ["digitpad"]) is None


def test_the_reader_names_the_missing_libraries_of_the_plugin_file(broken_site):
    plugin = broken_site / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    report = pl.missing_libraries(plugin, _env())
    assert report is not None and report.missing == MISSING and report.found > 10


def test_without_ldd_the_loader_names_the_first_missing_library(broken_site, tmp_path):
    plugin = broken_site / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    report = pl.missing_libraries(plugin, _env(PATH=str(tmp_path)))  # no ldd on this PATH
    assert report is not None and report.missing == MISSING[:1]
    real = pl.missing_libraries(_real_pyside() / "Qt/plugins/platforms/libqxcb.so",
                                _env(PATH=str(tmp_path)))
    assert real is not None and real.missing == ()


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler to build a tiny ELF")
def test_a_tiny_library_linking_a_library_that_does_not_exist(tmp_path):
    (tmp_path / "x.c").write_text("int digitpad_x(void) { return 1; }\n")
    stub = tmp_path / "libstub.so"
    for args in (["-Wl,-soname,libdigitpad-nosuch.so.3", "-o", str(stub)],
                 ["-o", str(tmp_path / "libfake.so"), "-Wl,--no-as-needed", str(stub)]):
        subprocess.run(["cc", "-shared", "-fPIC", str(tmp_path / "x.c"), *args], check=True,
                       capture_output=True, timeout=60)
    stub.unlink()
    report = pl.missing_libraries(tmp_path / "libfake.so", _env())
    assert report is not None and report.missing == ("libdigitpad-nosuch.so.3",)
    assert "libdigitpad-nosuch3" in pl.missing_message([report])


def test_digitpad_says_what_to_install_and_exits_1_instead_of_aborting(broken_site, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "digitpad"], capture_output=True, text=True, timeout=60,
        cwd=PROJECT_ROOT, env=_env(PYTHONPATH=str(broken_site), DISPLAY=":99",
                                   DIGITPAD_MODEL_DIR=str(tmp_path)))
    assert result.returncode == 1, result.stderr  # was -6 / 134: Qt's abort
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "digitpad: error: the window cannot open: Qt's xcb platform plugin needs "
        "libxcb-icccm.so.9 and libxcb-keysyms.so.7, which are not installed."), result.stderr
    assert "`sudo apt-get install libxcb-icccm9 libxcb-keysyms7` (Debian, Ubuntu)" in lines[0]
    assert "`sudo dnf install xcb-util-wm xcb-util-keysyms` (Fedora)" in lines[0]
    assert "xcb-cursor0" not in result.stderr and result.stdout == ""


@pytest.mark.slow
def test_self_test_fails_on_the_plugin_the_user_gets(broken_site, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "digitpad", "--self-test"], capture_output=True, text=True,
        timeout=180, cwd=PROJECT_ROOT, env=_env(PYTHONPATH=str(broken_site), DISPLAY=":99",
                                                DIGITPAD_MODEL_DIR=str(tmp_path)))
    assert result.returncode == 1, result.stdout
    lines = {line.split(":")[0]: line for line in result.stdout.splitlines()}
    assert lines["FAIL  platform"].startswith(
        "FAIL  platform: RuntimeError: the window cannot open: Qt's xcb platform plugin needs "
        "libxcb-icccm.so.9 and libxcb-keysyms.so.7"), result.stdout
    assert "sudo apt-get install libxcb-icccm9 libxcb-keysyms7" in lines["FAIL  platform"]
    assert "ok    window" in lines  # offscreen: it passed before too, hiding the problem
    assert result.stdout.splitlines()[-1] == "self-test FAILED (1 check(s))"


def test_self_test_reports_the_xcb_plugin_on_a_display(monkeypatch):
    from digitpad import self_test

    for name in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "QT_PLUGIN_PATH",
                 "QT_QPA_PLATFORM_PLUGIN_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":99")
    assert self_test.check_platform().startswith(
        "Qt's xcb platform plugin, the one the window gets here, finds the ")
    monkeypatch.delenv("DISPLAY")
    assert "the one an X11 desktop gets (there is no display here)" in self_test.check_platform()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")
def test_the_real_window_starts_on_an_x_server(tmp_path):
    """Under Xvfb, with no QT_QPA_PLATFORM, the check passes and Qt's xcb window starts."""
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-nolisten", "tcp"],
                              pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as display:
            number = display.readline().strip()  # Xvfb writes it once it accepts clients
        assert number.isdigit()
        result = subprocess.run(
            [sys.executable, "-m", "digitpad"], capture_output=True, text=True, timeout=180,
            cwd=PROJECT_ROOT, env=_env(DISPLAY=f":{number}", DIGITPAD_MODEL_DIR=str(tmp_path),
                                       DIGITPAD_STARTUP_PROBE=str(time.time())))
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    events = [line.split()[1] for line in result.stdout.splitlines()
              if line.startswith("digitpad-startup")]
    assert events[:1] == ["window_shown"] and events[-1] == "model_loaded", result.stdout


@pytest.mark.parametrize(("env", "argv", "planned"), [
    ({"DISPLAY": ":0"}, [], ["xcb"]),
    ({}, [], ["xcb"]),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, [], ["wayland", "xcb"]),
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, [], ["wayland", "xcb"]),
    ({"WAYLAND_DISPLAY": "wayland-0"}, [], ["wayland", "xcb"]),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, [], ["offscreen"]),
    ({"QT_QPA_PLATFORM": "wayland;xcb:nograb"}, [], ["wayland", "xcb"]),
    ({"QT_QPA_PLATFORM": "offscreen"}, ["-platform", "xcb"], ["xcb"]),
])
def test_the_platforms_qt_tries_in_order(env, argv, planned):
    assert pl.planned_platforms(env, ["digitpad", *argv]) == planned


def test_package_names_from_sonames():
    assert [pl.debian_package(s) for s in ("libxcb-icccm.so.4", "libxkbcommon-x11.so.0",
                                           "libX11-xcb.so.1", "libglib-2.0.so.0")] == [
        "libxcb-icccm4", "libxkbcommon-x11-0", "libx11-xcb1", "libglib2.0-0"]
    assert [pl.fedora_package(s) for s in ("libxcb-keysyms.so.1", "libxcb-randr.so.0")] == [
        "xcb-util-keysyms", "libxcb"]
    assert pl.fedora_package("libnosuch.so.2").startswith("'libnosuch.so.2()")
