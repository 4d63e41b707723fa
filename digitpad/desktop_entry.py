"""`digitpad --install-desktop-entry`: put digitpad in the user's application menu (Linux).

Follows the freedesktop.org specifications: the .desktop entry goes to
$XDG_DATA_HOME/applications and the icon, at every size, to $XDG_DATA_HOME/icons/hicolor, so no
administrator rights are needed. The entry's Exec line points at the digitpad that ran this
command (the installed script, or the bundle's executable), so it works from a virtual
environment too.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from digitpad.core.errors import DigitpadError
from digitpad.core.resources import resource_path

APP_ID = "io.github.digitpad.Digitpad"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launch_command() -> str:
    """How the menu entry starts this digitpad, quoted as the Desktop Entry spec asks."""
    script = shutil.which("digitpad", path=str(Path(sys.executable).parent))  # this install's
    if getattr(sys, "frozen", False):  # a PyInstaller bundle
        parts = [sys.executable]
    elif script:
        parts = [script]
    else:
        parts = [sys.executable, "-m", "digitpad"]
    return " ".join(_exec_argument(part) for part in parts)


_RESERVED = frozenset(' \t\n"\'\\><~|&;$*?#()`')  # the Desktop Entry spec's "reserved characters"


def _exec_argument(arg: str) -> str:
    """One Exec argument as the spec writes it, so desktop-file-validate and launchers agree.

    `%` is doubled (field codes); an argument with a reserved character is double-quoted, with
    `"`, `` ` ``, `$` and `\\` backslash-escaped inside; then, the value being a string, every
    backslash is doubled once more.
    """
    if any(ord(c) < 32 or ord(c) == 127 for c in arg):
        raise DigitpadError(f"Cannot write a menu entry that starts {arg!r}: the path holds a "
                            "control character; install digitpad under another folder.")
    arg = arg.replace("%", "%%")
    if any(c in _RESERVED for c in arg):
        arg = '"' + "".join(f"\\{c}" if c in '"`$\\' else c for c in arg) + '"'
    return arg.replace("\\", "\\\\")


def install_desktop_entry(home: Path | None = None) -> list[Path]:
    """Install the entry and icons for this user; returns the files written."""
    if not sys.platform.startswith("linux"):
        raise DigitpadError("--install-desktop-entry is for Linux desktops; on Windows and "
                            "macOS use the app bundle (see packaging/README.md).")
    root = home or data_home()
    entry = resource_path("desktop", f"{APP_ID}.desktop").read_text(encoding="utf-8")
    entry = "\n".join(f"Exec={launch_command()}" if line.startswith("Exec=") else line
                      for line in entry.splitlines()) + "\n"
    targets = {root / "applications" / f"{APP_ID}.desktop": entry.encode("utf-8")}
    icons = root / "icons" / "hicolor"
    targets[icons / "scalable" / "apps" / f"{APP_ID}.svg"] = resource_path(
        "icons", "digitpad.svg").read_bytes()
    for size in ICON_SIZES:
        targets[icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = resource_path(
            "icons", f"digitpad-{size}.png").read_bytes()
    try:
        for path, data in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
    except OSError as exc:
        raise DigitpadError(f"Cannot install the desktop entry into {root}: "
                            f"{exc.strerror or exc}.") from None
    _refresh(root)
    return list(targets)


def _refresh(root: Path) -> None:
    """Tell the desktop about the new files where its tools exist (optional: menus also rescan)."""
    for command in (["update-desktop-database", str(root / "applications")],
                    ["gtk-update-icon-cache", "-q", "-t", str(root / "icons" / "hicolor")]):
        if shutil.which(command[0]):
            subprocess.run(command, capture_output=True, check=False, timeout=30)


def describe(paths: list[Path]) -> str:
    """What was installed, for the terminal."""
    entry = next(p for p in paths if p.suffix == ".desktop")
    return (f"Installed {entry} and {len(paths) - 1} icon files; digitpad is in the application "
            f"menu (Education). It starts: {shlex.quote(launch_command())}")
