"""Hostile data set files and folder settings (issue 11, item 14's data parts): each gets one
`digitpad: error:` line, never a traceback, and nothing is downloaded into a place that cannot
hold it."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitpad.core import download, paths
from digitpad.core.datasets import IDX_NAMES, load_dataset
from digitpad.core.errors import DatasetError, DigitpadError
from digitpad.core.idx import write_idx

NO_USER = "nosuchuser_digitpad"
CLI_TIMEOUT = 120


def run_digitpad(*args: str, env: dict[str, str] | None = None,
                 prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*prefix, sys.executable, "-m", "digitpad", *args],
                          capture_output=True, text=True, timeout=CLI_TIMEOUT, env=full_env)


def assert_one_line(result: subprocess.CompletedProcess, *words: str) -> str:
    """Exit status 1, no traceback, and one 'digitpad: error:' line holding `words`."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("digitpad: error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any download attempt fails the test: the folder must be refused before the network."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to download")
    monkeypatch.setattr(download.urllib.request, "urlopen", refuse)


@pytest.fixture(autouse=True)
def model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.MODEL_DIR_ENV, str(tmp_path / "models"))


def idx_set(folder: Path, rows: int, cols: int, n: int = 20) -> Path:
    folder.mkdir(parents=True)
    write_idx(folder / IDX_NAMES[0], np.zeros((n, rows, cols), dtype=np.uint8))
    write_idx(folder / IDX_NAMES[1], (np.arange(n) % 10).astype(np.uint8))
    return folder


# --- IDX images too small for any model ---------------------------------------------------------

@pytest.mark.parametrize("rows, cols", [(0, 0), (1, 1), (4, 4), (28, 10), (2000, 2000)])
def test_idx_images_of_unusable_sizes_are_refused(tmp_path: Path, rows: int, cols: int) -> None:
    folder = idx_set(tmp_path / "tiny", rows, cols, n=1 if rows > 100 else 20)
    with pytest.raises(DatasetError, match=f"are {rows}x{cols} pixels; digitpad needs square "
                                           "images of 8 to 1024 pixels"):
        load_dataset(str(folder))


def test_4x4_idx_images_give_one_line_from_the_cli(tmp_path: Path) -> None:
    folder = idx_set(tmp_path / "tiny", 4, 4)
    result = run_digitpad("train", "--dataset", str(folder), "--model", "digitnet",
                          "--epochs", "1")
    assert_one_line(result, "are 4x4 pixels")


# --- the data folder --------------------------------------------------------------------------

def test_a_data_folder_that_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      no_network: None) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    with pytest.raises(DatasetError, match="afile is a file, not a folder"):
        load_dataset("mnist", data_dir=afile)
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(afile))
    with pytest.raises(DatasetError, match="afile is a file, not a folder"):
        load_dataset("fashion-mnist")
    with pytest.raises(DatasetError, match="afile is a file, not a folder"):
        load_dataset("mnist", data_dir=afile / "below")  # a folder whose parent is a file
    assert afile.read_text() == "not a folder"


def test_a_data_folder_that_is_a_file_gives_one_line_from_the_cli(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    result = run_digitpad("train", "--dataset", "mnist", "--data-dir", str(afile))
    assert_one_line(result, "is a file, not a folder")


@pytest.mark.parametrize("where", ["/proc/self", "/sys/kernel"])
def test_a_read_only_data_folder_is_refused_before_downloading(where: str,
                                                               no_network: None) -> None:
    if not Path(where).is_dir():
        pytest.skip(f"{where} is not on this system")
    with pytest.raises(DatasetError, match=r"could not be downloaded \(cannot create"):
        load_dataset("mnist", data_dir=where)


def test_a_read_only_data_folder_gives_one_line_from_the_cli() -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc on this system")
    result = run_digitpad("train", "--dataset", "mnist", "--data-dir", "/proc/self")
    assert_one_line(result, "MNIST was not found", "cannot create /proc/self/MNIST/raw")


# --- unreadable folders -------------------------------------------------------------------------

def _without_permission_override() -> tuple[str, ...]:
    """A command prefix under which permission bits apply to this process: nothing for a normal
    user; for root (as in CI), setpriv dropping the two capabilities that let root ignore them."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permission bits cannot be made to apply")
    caps = "-dac_override,-dac_read_search"
    return (setpriv, "--bounding-set", caps, "--inh-caps", caps)


@pytest.mark.parametrize("locked", ["c1", "."])
def test_an_unreadable_folder_gives_one_line(tmp_path: Path, locked: str) -> None:
    prefix = _without_permission_override()
    root = tmp_path / "set"
    for c in ("c0", "c1"):
        (root / c).mkdir(parents=True)
        for i in range(3):
            Image.new("L", (8, 8), i).save(root / c / f"{i}.png")
    (root / locked).chmod(0)
    try:
        result = run_digitpad("train", "--dataset", str(root), "--image-size", "8",
                              "--epochs", "1", prefix=prefix)
    finally:
        (root / locked).chmod(0o755)
    line = assert_one_line(result, "Permission denied")
    assert (("c1" in line and "cannot be read" in line) if locked == "c1"
            else f"Cannot read {root}" in line)


# --- ~user in folder settings -----------------------------------------------------------------

def test_tilde_of_a_user_who_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(KeyError):
        pwd.getpwnam(NO_USER)
    bad = f"~{NO_USER}/digitpad"
    with pytest.raises(paths.PathError, match=f"there is no user '{NO_USER}'"):
        paths.expand_user(bad)
    monkeypatch.setenv(paths.MODEL_DIR_ENV, bad)
    monkeypatch.setenv(paths.DATA_DIR_ENV, bad)
    with pytest.raises(DigitpadError, match=f"DIGITPAD_MODEL_DIR '{bad}' starts with ~"):
        paths.model_library_dir()
    with pytest.raises(DatasetError, match=f"DIGITPAD_DATA_DIR '{bad}'"):  # the app offers
        load_dataset("mnist")                                              # a folder then
    with pytest.raises(DatasetError, match="The data folder"):
        load_dataset("mnist", data_dir=bad)
    with pytest.raises(DatasetError, match="The data set folder"):
        load_dataset(bad)
    assert paths.shown_data_dir() == bad  # the Train tab's placeholder: shown, not raised
    assert paths.expand_user("~") == Path.home()


@pytest.mark.parametrize("env, args", [
    (paths.MODEL_DIR_ENV, ("models",)),
    (paths.DATA_DIR_ENV, ("train", "--dataset", "mnist")),
])
def test_tilde_of_a_user_who_does_not_exist_from_the_cli(env: str, args: tuple[str, ...]
                                                        ) -> None:
    result = run_digitpad(*args, env={env: f"~{NO_USER}/x"})
    assert_one_line(result, env, f"there is no user '{NO_USER}'")


@pytest.mark.parametrize("kwargs", [
    {"source": "/tmp/" + "a" * 5000},
    {"source": "mnist", "data_dir": "/tmp/" + "a" * 5000},
    {"source": "/tmp/" + "b/" * 2500},
])
def test_5000_character_data_paths_are_one_line(kwargs: dict, no_network: None) -> None:
    with pytest.raises(DatasetError, match=r"\(File name too long\); check the path\.$"):
        load_dataset(**kwargs)


def test_download_file_refuses_a_folder_that_cannot_hold_it(tmp_path: Path,
                                                            no_network: None) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(DatasetError, match="afile is a file, not a folder"):
        download.download_file("http://127.0.0.1:9/x.gz", afile / "sub" / "x.gz")
    with pytest.raises(DatasetError, match="cannot create /proc/self/sub"):
        download.download_file("http://127.0.0.1:9/x.gz", Path("/proc/self/sub/x.gz"))
    assert afile.read_text() == "x"
