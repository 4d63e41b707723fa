"""Hostile model files, made as an attacker would: by editing the bundled model."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from tests.conftest import PROJECT_ROOT

BUNDLED = PROJECT_ROOT / "resources" / "models" / "digits.pt"


def ten_classes(payload: dict[str, Any]) -> None:
    """Make the bundled model's payload a plain ten-digit model: its extra "not a digit" output
    (issue 14) and decline rule taken out, the digits' weights exactly as shipped."""
    meta = payload["meta"]
    names = meta["class_names"]
    if names[-1] != "not a digit":
        return
    for key, tensor in payload["state_dict"].items():
        if tensor.dim() in (1, 2) and tensor.shape[0] == len(names):
            payload["state_dict"][key] = tensor[:-1].clone()
    meta["class_names"] = names[:-1]
    meta.pop("decline", None)


def edited_model(dst: Path, edit: Callable[[dict[str, Any]], Any]) -> Path:
    """The bundled digits model as ten plain classes (`ten_classes`) with `edit(payload)`
    applied, saved to `dst`."""
    payload = torch.load(BUNDLED, weights_only=True)
    ten_classes(payload)
    edit(payload)
    torch.save(payload, dst)
    return dst


def set_meta(where: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit setting metadata field `where` ("preprocess.size") to `value`."""

    def edit(payload: dict[str, Any]) -> None:
        *parents, last = where.split(".")
        target = payload["meta"]
        for part in parents:
            target = target[part]
        target[last] = value

    return edit


def rewrite_records(src: Path, dst: Path, replace: dict[str, Callable[[zipfile.ZipFile, str],
                                                                     None]]) -> Path:
    """Copy the zip `src` to `dst`; a record whose name ends with a key of `replace` is written
    by that function instead (given the output zip and the record's name)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compresslevel=1) as zout:
        for info in zin.infolist():
            writer = next((w for end, w in replace.items() if info.filename.endswith(end)), None)
            if writer is None:
                zout.writestr(info, zin.read(info))
            else:
                writer(zout, info.filename)
    return dst


def deflated_zeros(size: int) -> Callable[[zipfile.ZipFile, str], None]:
    """A record writer: `size` zero bytes, deflated (1 GiB of zeros packs into ~1 MB)."""

    def write(zout: zipfile.ZipFile, name: str) -> None:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = bytes(1 << 20)
        with zout.open(info, "w", force_zip64=size >= 2**31) as out:
            for start in range(0, size, len(chunk)):
                out.write(chunk[: min(len(chunk), size - start)])

    return write


def raw_bytes(data: bytes) -> Callable[[zipfile.ZipFile, str], None]:
    """A record writer: exactly `data`, stored."""
    return lambda zout, name: zout.writestr(name, data)


def run_digitpad(args: list[str], library: Path, timeout: float = 120,
                 cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m digitpad ARGS` as a real process with its own model library; a hang fails
    the test through the timeout instead of hanging it."""
    env = {**os.environ, "DIGITPAD_MODEL_DIR": str(library), "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=cwd or PROJECT_ROOT)


def run_python(code: str, library: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Python `code` in a real process (for things that would hang the test process itself)."""
    env = {**os.environ, "DIGITPAD_MODEL_DIR": str(library), "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=PROJECT_ROOT)


ESCAPE_NAME = "\x1b[31mred\x1b]0;pwned\x07"  # colours the terminal red and retitles it


def build_hostile_library(folder: Path, fifo: bool = True) -> dict[str, str]:
    """A model library of one good model, one good model with escape sequences in its file and
    class names, and one bad entry of each kind; returns name -> what its problem must say
    ("" for a usable one)."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BUNDLED, folder / "good.pt")
    edited_model(folder / f"{ESCAPE_NAME}.pt",
                 set_meta("class_names", [f"{i}{ESCAPE_NAME}" for i in range(10)]))
    expected = {"good": "", ESCAPE_NAME: ""}
    (folder / "gone.pt").symlink_to(folder / "deleted-long-ago.pt")
    expected["gone"] = "symbolic link to"
    (folder / "loop.pt").symlink_to(folder / "loop.pt")
    expected["loop"] = "symbolic link loop"
    (folder / "folder.pt").mkdir()
    expected["folder"] = "is a folder"
    (folder / "notdir.pt").symlink_to(folder / "good.pt" / "inside")  # unreadable, even as root
    expected["notdir"] = "Not a directory"
    (folder / "empty.pt").write_bytes(b"")
    expected["empty"] = "empty"
    for name, value, says in [
        ("acc-list", [1, 2], "metrics.test_accuracy"),
        ("acc-percent", "99%", "metrics.test_accuracy"),
        ("acc-dict", {"top1": 0.9}, "metrics.test_accuracy"),
        ("acc-tensor", torch.tensor(0.99), "metrics.test_accuracy should be plain data"),
        ("acc-nan", float("nan"), "metrics.test_accuracy should be a finite number"),
    ]:
        edited_model(folder / f"{name}.pt", set_meta("metrics.test_accuracy", value))
        expected[name] = says
    edited_model(folder / "metrics-list.pt", set_meta("metrics", [1, 2]))
    expected["metrics-list"] = "metrics should be"
    if fifo:
        os.mkfifo(folder / "pipe.pt")
        expected["pipe"] = "named pipe (FIFO)"
    return expected


def unblock_fifo(path: Path) -> None:
    """Open a FIFO's writing end and close it, so that a reader stuck opening it (old code)
    gets end-of-file and its thread can end (lets a failing test finish instead of hang)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # nobody is waiting on it: nothing to unblock
