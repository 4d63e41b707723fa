"""Find the class folders and image files of an image-folder data set, safely.

Own walk instead of torchvision's `find_classes` / `make_dataset`: those use
`os.walk(followlinks=True)`, which loops forever on `ln -s . a`, follows `ln -s .. up` into the
other classes (relabelling their images), and walks the whole disk for a class folder linked
to `/`. Here each real folder (by device and inode) is read once, nothing outside the data set
folder is read, only regular files are taken (a FIFO named x.png would block), and every
entry left out is reported as "relative/name: reason". The order is os.walk's (files of a
folder sorted by name, then its sub-folders, depth first), and the extensions are
torchvision's, so the same folders give the same images as ImageFolder.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from torchvision.datasets.folder import IMG_EXTENSIONS, has_file_allowed_extension

from digitpad.core.errors import DatasetError

NOT_AN_IMAGE = "not an image file"  # the reason given for a file without an image extension
Identity = tuple[int, int]  # (st_dev, st_ino): one real folder, however it is reached


def visible(name: str) -> bool:
    """False for hidden files and folders and macOS archive debris."""
    return not name.startswith(".") and name != "__MACOSX"


class FolderWalk:
    """One walk over a data set folder: remembers every real folder claimed or read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.skipped: list[str] = []
        self._owners: dict[Identity, str] = {}  # real folder -> what it was read as
        self.claim(root, "the data set folder")  # a link back to it is never followed

    def claim(self, folder: Path, owner: str, again: str = "already read") -> bool:
        """Register `folder` as read by `owner`; False (reported as skipped) when that real
        folder was claimed before (`again` says how that is described) or cannot be looked at."""
        try:
            key = _identity(os.stat(folder))
        except OSError as exc:
            self._skip(folder, f"cannot be read ({_why(exc)})")
            return False
        if key in self._owners:
            self._skip(folder, again.format(self._owners[key]))
            return False
        self._owners[key] = owner
        return True

    def enter(self, folder: Path, owner: str) -> str | None:
        """Claim a folder of the layout (train/, val/) for `owner`; None if fine, else why it
        cannot be used (a link out of the data set folder, or a second name of one folder)."""
        before = len(self.skipped)
        real = os.path.realpath(folder)
        if not _inside(real, self.real_root):
            self._skip(folder, f"a link to {real}, outside the data set folder, not followed")
        else:
            self.claim(folder, owner, "the same folder as {}, not read twice")
        return self.skipped[before] if len(self.skipped) > before else None

    def classes(self, folder: Path) -> list[str]:
        """The class folders in `folder` (sorted), each claimed for this walk; links leaving
        the data set folder, dangling links and second links to one folder are skipped."""
        try:
            with os.scandir(folder) as it:
                entries = sorted((e for e in it if visible(e.name)), key=lambda e: e.name)
        except OSError as exc:
            raise DatasetError(f"Cannot read the folder {folder} ({_why(exc)}); check its "
                               "permissions.") from None
        found = []
        for entry in entries:
            path = Path(entry.path)
            if not self._usable_dir(entry, path):
                continue
            if self.claim(path, f"class folder '{self._rel(path)}'",
                          "the same folder as {}, not read twice"):
                found.append(entry.name)
        return found

    def images(self, class_dir: Path) -> list[Path]:
        """The image files under a claimed class folder, in os.walk order."""
        files: list[Path] = []
        stack = [class_dir]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted((e for e in it if visible(e.name)), key=lambda e: e.name)
            except OSError as exc:
                self._skip(folder, f"cannot be read ({_why(exc)})")
                continue
            subfolders = []
            for entry in entries:
                path = Path(entry.path)
                if entry.is_symlink():
                    kind = self._link_kind(path)
                elif entry.is_dir(follow_symlinks=False):
                    kind = "dir"
                elif entry.is_file(follow_symlinks=False):
                    kind = "file"
                else:
                    kind = "special"
                if kind == "dir":
                    if self.claim(path, f"'{self._rel(path)}'",
                                  "a link to {}, not followed (each folder is read once)"):
                        subfolders.append(path)
                elif kind == "file":
                    if has_file_allowed_extension(entry.name, IMG_EXTENSIONS):
                        files.append(path)
                    else:
                        self._skip(path, NOT_AN_IMAGE)
                elif kind == "special":
                    self._skip(path, "not a regular file (a FIFO, socket or device), not opened")
            stack.extend(reversed(subfolders))  # first sub-folder on top: depth first, in order
        return files

    def _usable_dir(self, entry: os.DirEntry, path: Path) -> bool:
        """Whether a top-level entry is a folder to use as a class (skips reported)."""
        if entry.is_symlink():
            return self._link_kind(path) == "dir"
        return entry.is_dir(follow_symlinks=False)

    def _link_kind(self, link: Path) -> str:
        """'dir', 'file', 'special' or 'skipped' (reported) for a symbolic link."""
        real = os.path.realpath(link)
        if not _inside(real, self.real_root):
            self._skip(link, f"a link to {real}, outside the data set folder, not followed")
            return "skipped"
        try:
            mode = os.stat(link).st_mode
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                self._skip(link, "a link to nothing (its target is missing)")
            elif exc.errno == errno.ELOOP:
                self._skip(link, "a link that loops back on itself")
            else:
                self._skip(link, f"cannot be read ({_why(exc)})")
            return "skipped"
        if stat.S_ISDIR(mode):
            return "dir"
        return "file" if stat.S_ISREG(mode) else "special"

    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def _skip(self, path: Path, reason: str) -> None:
        self.skipped.append(f"{self._rel(path)}: {reason}")


def _identity(st: os.stat_result) -> Identity:
    return (st.st_dev, st.st_ino)


def _inside(real: str, real_root: str) -> bool:
    """Whether the resolved path `real` is `real_root` or lies under it."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__
