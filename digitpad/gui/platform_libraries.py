"""Which system libraries Qt's platform plugin cannot load, found before the QApplication exists.

When a library that Qt's xcb plugin links is missing, Qt aborts the process (exit 134) with a
misleading hint ("xcb-cursor0 or libxcb-cursor0 is needed"), whatever is really missing. This
module works out which platform plugin Qt will load (the way QGuiApplication picks it), lists
the libraries that plugin file links and the loader cannot find (`ldd` on the plugin: its own
dependencies and theirs, found as the loader would, with LD_LIBRARY_PATH and RUNPATH), and
writes one message naming them and the apt-get and dnf lines that install them.

It imports no Qt GUI class: only QtCore's QLibraryInfo, to find the plugin folder PySide6 uses.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

LDD_TIMEOUT_S = 10.0
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)
_FOUND = re.compile(r"^\s*\S+\s+=>\s+/", re.MULTILINE)
_DLOPEN_MISSING = re.compile(r"([^\s:'\"]+\.so[^\s:'\"]*): cannot open shared object file")


@dataclass(frozen=True)
class PluginLibraries:
    """One platform plugin file and the libraries it links that cannot be loaded."""

    platform: str
    plugin: Path
    missing: tuple[str, ...]
    found: int  # libraries the loader did find (0 when only the first missing one is known)


@dataclass(frozen=True)
class PlatformOutcome:
    """What Qt will do: the plugin it ends up loading, or the plugins that fail on libraries."""

    used: PluginLibraries | None
    failed: tuple[PluginLibraries, ...]


def planned_platforms(env: Mapping[str, str] | None = None,
                      argv: Sequence[str] | None = None) -> list[str]:
    """The platform plugins Qt tries, in order (QGuiApplicationPrivate::createPlatformIntegration).

    `-platform` on the command line wins, then $QT_QPA_PLATFORM (a `;`-separated list, each
    entry maybe with `:options`); otherwise Wayland when $WAYLAND_DISPLAY is set or
    $XDG_SESSION_TYPE is wayland, then xcb when $DISPLAY is set, then the build's default, which
    is xcb for the PySide6 wheels.
    """
    env = os.environ if env is None else env
    args = list(sys.argv if argv is None else argv)[1:]
    names = ""
    for i, arg in enumerate(args[:-1]):
        if arg in ("-platform", "--platform"):
            names = args[i + 1]
    names = names or env.get("QT_QPA_PLATFORM", "")
    if names:
        return [entry.split(":")[0].strip() for entry in names.split(";") if entry.strip()]
    order = ["xcb"] if env.get("DISPLAY") else []
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        order.insert(0, "wayland")
    if "xcb" not in order:
        order.append("xcb")
    return order


def plugin_folders(env: Mapping[str, str] | None = None) -> list[Path]:
    """Where Qt looks for platform plugins, in its order."""
    env = os.environ if env is None else env
    folders = []
    if env.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        folders.append(Path(env["QT_QPA_PLATFORM_PLUGIN_PATH"]))
    folders += [Path(p) / "platforms" for p in env.get("QT_PLUGIN_PATH", "").split(os.pathsep)
                if p]
    from PySide6.QtCore import QLibraryInfo  # QtCore only: no platform plugin is loaded

    folders.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms")
    return folders


def plugin_files(platform: str, env: Mapping[str, str] | None = None) -> list[Path]:
    """The files that can provide `platform`, in the order Qt tries them."""
    names = [f"libq{platform}.so"]
    if platform.startswith("wayland"):  # one plugin file serves wayland, wayland-egl, …
        names += ["libqwayland.so", "libqwayland-generic.so"]
    files: list[Path] = []
    for folder in plugin_folders(env):
        for name in names:
            path = folder / name
            if path.is_file() and path not in files:
                files.append(path)
    return files


def missing_libraries(path: Path, env: Mapping[str, str] | None = None) -> PluginLibraries | None:
    """The libraries `path` links that the loader cannot find; None when that cannot be told."""
    env = dict(os.environ if env is None else env)
    ldd = shutil.which("ldd", path=env.get("PATH"))
    if ldd:
        try:
            done = subprocess.run([ldd, str(path)], capture_output=True, text=True,
                                  errors="replace", env=env, timeout=LDD_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired):
            done = None
        if done is not None and (_FOUND.search(done.stdout) or _NOT_FOUND.search(done.stdout)):
            missing = tuple(dict.fromkeys(_NOT_FOUND.findall(done.stdout)))
            return PluginLibraries("", path, missing, len(_FOUND.findall(done.stdout)))
    return _first_missing_by_loading(path, env)


def _first_missing_by_loading(path: Path, env: dict[str, str]) -> PluginLibraries | None:
    """Without ldd: load the plugin in a child process; the loader names the first one missing."""
    code = "import ctypes, sys; ctypes.CDLL(sys.argv[1])"
    try:
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                              text=True, errors="replace", env=env, timeout=LDD_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode == 0:
        return PluginLibraries("", path, (), 0)
    missing = _DLOPEN_MISSING.search(done.stderr)
    return PluginLibraries("", path, (missing.group(1),), 0) if missing else None


def _display_for(platform: str, env: Mapping[str, str]) -> bool:
    """Whether the plugin would find its display server (if not, Qt moves on to the next)."""
    if platform == "xcb":
        return bool(env.get("DISPLAY"))
    if platform.startswith("wayland"):
        socket = env.get("WAYLAND_DISPLAY") or "wayland-0"
        runtime = env.get("XDG_RUNTIME_DIR", "")
        if Path(socket).is_absolute():
            return Path(socket).exists()
        return bool(runtime) and (Path(runtime) / socket).exists()
    return True  # offscreen, minimal, vnc, eglfs, …


def check_plugin(platform: str, env: Mapping[str, str] | None = None) -> PluginLibraries | None:
    """The first file for `platform` whose libraries all load, else the first file's report."""
    first = None
    for path in plugin_files(platform, env):
        report = missing_libraries(path, env)
        if report is None or not report.missing:
            return PluginLibraries(platform, path, (), report.found if report else 0)
        first = first or PluginLibraries(platform, path, report.missing, report.found)
    return first


def platform_outcome(env: Mapping[str, str] | None = None,
                     argv: Sequence[str] | None = None) -> PlatformOutcome:
    """Follow Qt's choice: the first planned plugin with a display and all its libraries."""
    env = os.environ if env is None else env
    failed = []
    for platform in planned_platforms(env, argv):
        if not _display_for(platform, env):
            continue
        report = check_plugin(platform, env)
        if report is None:
            continue  # no such plugin: Qt says so itself
        if not report.missing:
            return PlatformOutcome(report, tuple(failed))
        failed.append(report)
    return PlatformOutcome(None, tuple(failed))


def startup_problem(env: Mapping[str, str] | None = None,
                    argv: Sequence[str] | None = None) -> str | None:
    """The one message to show instead of Qt's abort, or None when the window can start."""
    if not sys.platform.startswith("linux"):
        return None
    outcome = platform_outcome(env, argv)
    return None if outcome.used or not outcome.failed else missing_message(outcome.failed)


def missing_message(failed: Sequence[PluginLibraries]) -> str:
    """Which libraries are missing, and the apt-get and dnf lines that install them."""
    missing = list(dict.fromkeys(name for report in failed for name in report.missing))
    plugins = " and ".join(dict.fromkeys(report.platform for report in failed))
    debian = " ".join(dict.fromkeys(debian_package(name) for name in missing))
    fedora = " ".join(dict.fromkeys(fedora_package(name) for name in missing))
    return (f"the window cannot open: Qt's {plugins} platform plugin needs "
            f"{_listed(missing)}, which {'is' if len(missing) == 1 else 'are'} not installed. "
            f"Install {'it' if len(missing) == 1 else 'them'} with `sudo apt-get install "
            f"{debian}` (Debian, Ubuntu) or `sudo dnf install {fedora}` (Fedora); the train, "
            "eval and predict commands work without them.")


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


_SONAME = re.compile(r"(?P<name>.+?)\.so\.(?P<major>\d+)(?:\.\d+)*")
# Debian names the package after the soname (Policy 8.1); these few are named otherwise.
_DEBIAN_IRREGULAR = {"libz": "zlib1g", "libglib-2.0": "libglib2.0-0",
                     "libgthread-2.0": "libglib2.0-0", "libgobject-2.0": "libglib2.0-0",
                     "libgio-2.0": "libglib2.0-0", "libGLdispatch": "libglvnd0",
                     "libbrotlidec": "libbrotli1", "libbrotlicommon": "libbrotli1",
                     "libc": "libc6", "libm": "libc6", "libpthread": "libc6", "libdl": "libc6",
                     "librt": "libc6"}
# Fedora's package names cannot be derived from the soname: the usual ones for Qt's plugins.
_FEDORA = {"libxcb-icccm": "xcb-util-wm", "libxcb-ewmh": "xcb-util-wm",
           "libxcb-keysyms": "xcb-util-keysyms", "libxcb-cursor": "xcb-util-cursor",
           "libxcb-image": "xcb-util-image", "libxcb-render-util": "xcb-util-renderutil",
           "libxcb-util": "xcb-util", "libxkbcommon": "libxkbcommon",
           "libxkbcommon-x11": "libxkbcommon-x11", "libX11-xcb": "libX11-xcb",
           "libX11": "libX11", "libXau": "libXau", "libXdmcp": "libXdmcp",
           "libGL": "libglvnd-glx", "libGLX": "libglvnd-glx", "libEGL": "libglvnd-egl",
           "libOpenGL": "libglvnd-opengl", "libGLdispatch": "libglvnd",
           "libfontconfig": "fontconfig", "libfreetype": "freetype", "libdbus-1": "dbus-libs",
           "libglib-2.0": "glib2", "libgthread-2.0": "glib2", "libpng16": "libpng",
           "libwayland-client": "libwayland-client", "libwayland-cursor": "libwayland-cursor",
           "libwayland-egl": "libwayland-egl"}
_LIBXCB_PARTS = {"composite", "damage", "dpms", "dri2", "dri3", "glx", "present", "randr",
                 "record", "render", "res", "screensaver", "shape", "shm", "sync", "xf86dri",
                 "xfixes", "xinerama", "xinput", "xkb", "xtest", "xv", "xvmc"}


def debian_package(soname: str) -> str:
    """libxcb-icccm.so.4 → libxcb-icccm4, libxkbcommon-x11.so.0 → libxkbcommon-x11-0."""
    match = _SONAME.fullmatch(soname)
    if not match:
        return soname.removesuffix(".so").lower().replace("_", "-")
    if match["name"] in _DEBIAN_IRREGULAR:
        return _DEBIAN_IRREGULAR[match["name"]]
    name = match["name"].lower().replace("_", "-")
    return f"{name}-{match['major']}" if name[-1].isdigit() else f"{name}{match['major']}"


def fedora_package(soname: str) -> str:
    """The Fedora package, else the soname as an RPM 'provides' (dnf installs by those too)."""
    match = _SONAME.fullmatch(soname)
    name = match["name"] if match else soname
    if name in _FEDORA:
        return _FEDORA[name]
    if name == "libxcb" or name.removeprefix("libxcb-") in _LIBXCB_PARTS:
        return "libxcb"
    bits = "()(64bit)" if struct.calcsize("P") == 8 else ""
    return f"'{soname}{bits}'"
