"""Export and import of the handwriting samples as one zip: round trip, duplicates, names,
atomic export."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from digitpad.core.personal import sample_zip
from digitpad.core.personal.sample_zip import (
    ImportResult,
    SampleZipError,
    export_zip,
    import_zip,
)
from digitpad.core.personal.samples import DIGITS, SampleStore
from tests.core.personal.zips import drawing, files_under, make_zip, png


def _filled(root: Path, per_digit: int = 2) -> SampleStore:
    store = SampleStore(root)
    for i, digit in enumerate(DIGITS * per_digit):
        store.add(digit, drawing(i, size=40))
    return store


def test_export_then_import_into_an_empty_store_gives_the_same_samples(tmp_path: Path) -> None:
    source = _filled(tmp_path / "mine")
    out = tmp_path / "out" / "my handwriting.zip"
    assert export_zip(source, out) == 20
    names = zipfile.ZipFile(out).namelist()
    assert len(names) == 20 and all(n.startswith("handwriting/") for n in names)
    assert files_under(tmp_path / "out") == ["my handwriting.zip"]  # no temporary left

    target = SampleStore(tmp_path / "other")
    assert import_zip(out, target) == ImportResult(added=20, duplicates=0)
    before, after = source.samples(), target.samples()
    assert [(s.digit, s.path.name, s.created) for s in before] == \
           [(s.digit, s.path.name, s.created) for s in after]
    for a, b in zip(before, after):
        assert a.path.read_bytes() == b.path.read_bytes()
        assert np.array_equal(source.image(a), target.image(b))
    # importing the same zip again adds nothing: every image is already there
    assert import_zip(out, target) == ImportResult(added=0, duplicates=20)
    assert target.total() == 20


def test_import_renames_what_is_taken_and_skips_identical_images(tmp_path: Path) -> None:
    store = SampleStore(tmp_path / "hw")
    existing = store.add("3", drawing(1))
    taken = existing.path.name
    zip_path = make_zip(tmp_path / "in.zip", {
        f"3/{taken}": png(2),             # same name, other drawing: a new name
        "3/again.png": existing.path.read_bytes(),  # same bytes: a duplicate
        "4/x.PNG": png(3),
        "4/x-copy.png": png(3),            # the same image twice in the zip: once
        "5/my five!.png": png(4),          # a name not kept as it is: a time stamp
    })
    assert import_zip(zip_path, store) == ImportResult(added=3, duplicates=2)
    assert sorted(p.name for p in (tmp_path / "hw" / "3").iterdir()) == \
           sorted([taken, taken[:-4] + "-2.png"])
    assert [p.name for p in (tmp_path / "hw" / "4").iterdir()] == ["x.png"]
    (five,) = store.samples("5")
    assert five.path.name[:8].isdigit() and five.path.read_bytes() == png(4)
    assert existing.path.read_bytes() != png(2)  # never overwritten


def test_a_zip_of_the_digit_folders_and_macos_debris_imports(tmp_path: Path) -> None:
    zip_path = make_zip(tmp_path / "finder.zip", {
        "samples/": b"", "samples/7/": b"",
        "samples/7/a.png": png(1),
        "samples/7/.DS_Store": b"\0\0\0\1Bud1",
        "__MACOSX/samples/7/._a.png": b"\0\5\26\7",
        "samples/Thumbs.db": b"junk",
    })
    store = SampleStore(tmp_path / "hw")
    assert import_zip(zip_path, store) == ImportResult(added=1, duplicates=0, ignored=3)
    assert files_under(tmp_path / "hw") == ["7/a.png"]
    # the member's time is kept as the file's time
    assert store.samples()[0].path.stat().st_mtime == pytest.approx(
        __import__("datetime").datetime(2026, 1, 2, 3, 4, 5).timestamp())


def test_export_failing_midway_leaves_the_old_zip_and_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _filled(tmp_path / "hw", per_digit=1)
    out = tmp_path / "out.zip"
    out.write_bytes(b"the previous export")

    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    for failing in ("replace", "fsync"):
        monkeypatch.setattr(sample_zip.os, failing, no_space)
        with pytest.raises(SampleZipError, match="No space left on device") as caught:
            export_zip(store, out)
        assert "\n" not in str(caught.value)
        monkeypatch.undo()
        assert files_under(tmp_path) == sorted(
            ["out.zip"] + [f"hw/{s.digit}/{s.path.name}" for s in store.samples()])
        assert out.read_bytes() == b"the previous export"


def test_export_says_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(SampleZipError, match="no handwriting samples to export"):
        export_zip(SampleStore(tmp_path / "empty"), tmp_path / "x.zip")
    store = _filled(tmp_path / "hw", per_digit=1)
    with pytest.raises(SampleZipError, match="is a folder"):
        export_zip(store, tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(SampleZipError, match="Cannot write"):
        export_zip(store, tmp_path / "file" / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def test_export_leaves_out_files_that_would_not_import(tmp_path: Path) -> None:
    store = _filled(tmp_path / "hw", per_digit=1)
    (tmp_path / "hw" / "2" / "fake.png").write_text("not a png")
    out = tmp_path / "out.zip"
    assert export_zip(store, out) == 10
    assert import_zip(out, SampleStore(tmp_path / "back")).added == 10


def test_the_export_can_be_read_by_other_tools(tmp_path: Path) -> None:
    store = _filled(tmp_path / "hw", per_digit=1)
    out = tmp_path / "out.zip"
    export_zip(store, out)
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        archive.extractall(tmp_path / "unzipped")
    assert sorted(os.listdir(tmp_path / "unzipped" / "handwriting")) == list(DIGITS)


def test_an_import_that_cannot_be_written_writes_nothing(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    source = _filled(tmp_path / "mine", per_digit=1)
    out = tmp_path / "out.zip"
    export_zip(source, out)
    target = SampleStore(tmp_path / "other")
    real_replace = os.replace
    calls = []

    def fifth_fails(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fifth_fails)
    with pytest.raises(SampleZipError, match="Nothing was imported from 'out.zip'.*No space"):
        import_zip(out, target)
    monkeypatch.undo()
    assert files_under(target.root) == []  # the four moved in are gone, no temporaries left
    (tmp_path / "file").write_text("x")
    with pytest.raises(SampleZipError, match="Nothing was imported"):
        import_zip(out, SampleStore(tmp_path / "file"))
    assert import_zip(out, target).added == 10
