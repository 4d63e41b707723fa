"""Hostile or broken handwriting zips: each is refused with one line naming what is wrong, and
nothing at all is written to the store (the good members before the bad one included)."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from digitpad.core.personal import sample_zip
from digitpad.core.personal.sample_zip import SampleZipError, import_zip
from digitpad.core.personal.samples import SampleStore
from tests.core.personal.zips import files_under, make_zip, patch_central, png, png_declaring

GOOD = {"handwriting/1/a.png": png(1), "handwriting/2/b.png": png(2)}


@pytest.fixture
def store(tmp_path: Path) -> SampleStore:
    store = SampleStore(tmp_path / "hw")
    store.add("9", __import__("numpy").full((8, 8), 255, "uint8"))
    return store


def refused(path: Path, store: SampleStore) -> str:
    """The one line an import of `path` is refused with; checks nothing was written."""
    before = files_under(store.root)
    with pytest.raises(SampleZipError) as caught:
        import_zip(path, store)
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message and "Traceback" not in message
    assert files_under(store.root) == before
    return message


@pytest.mark.parametrize(("name", "expected"), [
    ("../1/evil.png", "points outside the zip's folder"),
    ("handwriting/1/../../../evil.png", "points outside"),
    ("/etc/1/evil.png", "has an absolute path"),
    ("C:/1/evil.png", "has a drive letter"),
    ("handwriting\\1\\evil.png", "has a backslash"),
    ("handwriting/./1/evil.png", "has an empty or '.' part"),
    ("handwriting//1/evil.png", "has an empty or '.' part"),
    ("evil.png", "is not <digit>/<name>.png"),
    ("handwriting/x/evil.png", "is not <digit>/<name>.png"),
    ("handwriting/1/deeper/evil.png", "is not <digit>/<name>.png"),
    ("a/b/1/evil.png", "is not <digit>/<name>.png"),
    ("handwriting/1/evil.jpg", "is not <digit>/<name>.png"),
    ("other/1/evil.png", "is not in the same top folder"),
    ("1/evil.png", "is not in the same top folder"),
])
def test_member_paths_outside_the_layout_are_refused(tmp_path: Path, store: SampleStore,
                                                     name: str, expected: str) -> None:
    path = make_zip(tmp_path / "bad.zip", {**GOOD, name: png(3)})
    message = refused(path, store)
    assert message.startswith("Refused to import 'bad.zip': member ") and expected in message


def test_a_symbolic_link_member_is_refused(tmp_path: Path, store: SampleStore) -> None:
    path = make_zip(tmp_path / "link.zip", {"1/evil.png": b"../../../etc/passwd"},
                    mode=stat.S_IFLNK | 0o777)
    assert "'1/evil.png' is a symbolic link" in refused(path, store)
    fifo = make_zip(tmp_path / "fifo.zip", {"1/evil.png": png(1)}, mode=stat.S_IFIFO | 0o644)
    assert "is not a regular file" in refused(fifo, store)


def test_an_encrypted_member_is_refused(tmp_path: Path, store: SampleStore) -> None:
    path = make_zip(tmp_path / "locked.zip", {"1/a.png": png(1)})
    patch_central(path, 8, "<H", 0x1)  # the "encrypted" flag
    assert "is encrypted" in refused(path, store)


def test_a_nul_in_a_member_name_is_refused(tmp_path: Path, store: SampleStore) -> None:
    path = make_zip(tmp_path / "nul.zip", {"1/aX.png": png(1)})
    path.write_bytes(path.read_bytes().replace(b"1/aX.png", b"1/a\x00.png"))
    assert "has a NUL character" in refused(path, store)


def test_control_characters_in_names_are_shown_escaped(tmp_path: Path,
                                                       store: SampleStore) -> None:
    path = make_zip(tmp_path / "esc\x1b[2J.zip", {"../\x1b]0;owned\x07.png": png(1)})
    message = refused(path, store)
    assert "\\x1b" in message and "\\x07" in message


@pytest.mark.parametrize(("data", "expected"), [
    (b"hello, I am text\n", "is not a PNG image"),
    (png(1)[:60], "cannot be decoded"),  # a PNG cut short
    (png(1)[:8] + b"\0" * 40, "is not a decodable PNG image"),  # a signature and no header
    (png_declaring(9000, 9000), "is too large (9000x9000) to open safely"),
    (png_declaring(30000, 30000), "declares too many pixels to open safely"),
    (png_declaring(0, 5), "is not a decodable PNG image"),
])
def test_members_that_are_not_usable_images_are_refused_by_name(
        tmp_path: Path, store: SampleStore, data: bytes, expected: str) -> None:
    path = make_zip(tmp_path / "images.zip", {**GOOD, "handwriting/3/bad one.png": data})
    message = refused(path, store)
    assert "3/bad one.png" in message and expected in message


def test_a_real_decompression_bomb_png_is_refused_before_decoding(
        tmp_path: Path, store: SampleStore) -> None:
    # 10,000 x 8,000 grey pixels of white: 80 MB decoded, 80 kB deflated
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("L", (10_000, 8_000), 255).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    path = make_zip(tmp_path / "bomb.zip", {"3/bomb.png": out.getvalue()})
    assert "is too large (10000x8000) to open safely" in refused(path, store)


def test_sizes_beyond_the_limits_are_refused(tmp_path: Path, store: SampleStore,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_zip(tmp_path / "big.zip", {"1/a.png": png(1), "2/b.png": png(2),
                                           "3/zeros.png": b"\0" * 3_000_000})
    monkeypatch.setattr(sample_zip, "MAX_MEMBER_BYTES", 1_000_000)
    assert "'3/zeros.png' would unpack to 2.9 MiB (limit 976.6 KiB per image)" in \
        refused(path, store)
    monkeypatch.setattr(sample_zip, "MAX_MEMBER_BYTES", 8 * 2**20)
    monkeypatch.setattr(sample_zip, "MAX_TOTAL_BYTES", 2_000_000)
    assert "its images would unpack to 2.9 MiB (limit 1.9 MiB)" in refused(path, store)
    monkeypatch.setattr(sample_zip, "MAX_ZIP_BYTES", 100)
    assert "a handwriting zip is at most 100 B" in refused(path, store)


def test_too_many_members_are_refused(tmp_path: Path, store: SampleStore,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sample_zip, "MAX_MEMBERS", 50)
    path = make_zip(tmp_path / "many.zip", {f"1/{i}.png": png(i) for i in range(51)})
    assert "it holds 51 entries (limit 50)" in refused(path, store)


def test_a_directory_that_lies_about_sizes_is_caught_while_reading(
        tmp_path: Path, store: SampleStore) -> None:
    # the directory says 100 bytes; the member inflates to 10 MB of zeros
    path = make_zip(tmp_path / "liar.zip", {"1/a.png": b"\0" * 10_000_000})
    patch_central(path, 24, "<I", 100)
    assert zipfile.ZipFile(path).infolist()[0].file_size == 100
    assert "'1/a.png' is damaged" in refused(path, store)
    # and the other way: it says more than there is
    path = make_zip(tmp_path / "liar2.zip", {"1/a.png": png(1)})
    patch_central(path, 24, "<I", 5000)
    assert "'1/a.png' is damaged" in refused(path, store)


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "is not a zip file, or it is damaged or cut short"),
    (b"just some text", "is not a zip file, or it is damaged or cut short"),
    ("truncated", "is not a zip file, or it is damaged or cut short"),
    ("empty zip", "holds no handwriting samples"),
    ("only debris", "holds no handwriting samples"),
])
def test_what_is_no_usable_zip_gets_one_line(tmp_path: Path, store: SampleStore,
                                             content: bytes | str, expected: str) -> None:
    path = tmp_path / "x.zip"
    if content == "truncated":
        make_zip(path, GOOD)
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif content == "empty zip":
        zipfile.ZipFile(path, "w").close()
    elif content == "only debris":
        make_zip(path, {"handwriting/": b"", "__MACOSX/._x.png": b"x", ".DS_Store": b"x"})
    else:
        path.write_bytes(content)
    assert expected in refused(path, store)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_paths_that_are_no_zip_file_are_refused(tmp_path: Path, store: SampleStore) -> None:
    assert "does not exist" in refused(tmp_path / "nope.zip", store)
    assert "is a folder" in refused(tmp_path, store)
    fifo = tmp_path / "pipe.zip"
    os.mkfifo(fifo)
    assert "named pipe" in refused(fifo, store)  # and it did not hang


def test_a_bad_member_after_good_ones_writes_none_of_them(tmp_path: Path,
                                                          store: SampleStore) -> None:
    members = {f"handwriting/{d}/{d}.png": png(int(d)) for d in "012345678"}
    path = make_zip(tmp_path / "late.zip", {**members, "handwriting/9/z.png": b"text"})
    assert "'handwriting/9/z.png' is not a PNG image" in refused(path, store)
    assert store.total() == 1
