"""`digitpad explain IMAGE`: the answer as predict words it, the overlay and the bare heat map
as PNGs the size of the image, the heat on the evidence; mistakes are one clear line."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from digitpad.cli import main
from tests.core.explain.test_attribution import seven_or_one
from tests.core.test_cli import assert_clean_error, digitpad


@pytest.fixture()
def seven(tmp_path):
    """A 7 on a wider-than-high page (the outputs must keep that shape), and its bar."""
    image, bar = seven_or_one(True)
    page = np.full((280, 360), 255, np.uint8)
    page[:, 40:320] = image
    region = np.zeros(page.shape, bool)
    region[:, 40:320] = bar
    path = tmp_path / "seven.png"
    Image.fromarray(page).save(path)
    return path, page, region


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["explain", *args, "--threads", "1"])
    out, err = capsys.readouterr()
    return code, out, err


def test_it_writes_the_overlay_and_the_heat_map_the_size_of_the_image(seven, tmp_path, capsys):
    path, page, bar = seven
    overlay, heat = tmp_path / "overlay.png", tmp_path / "heat.png"
    code, out, err = run(capsys, str(path), "--out", str(overlay), "--heatmap", str(heat))
    assert code == 0 and err == ""
    main(["predict", str(path)])
    predicted = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == predicted.strip() and lines[0].startswith(f"{path}: 7 ")
    assert lines[1].startswith("evidence for 7: Integrated Gradients (Captum, 32 steps")
    assert lines[2:] == [f"wrote the overlay (360x280) to {overlay}",
                         f"wrote the heat map (360x280) to {heat}"]
    grey = Image.open(heat)
    assert grey.mode == "L" and grey.size == (360, 280)
    h = np.asarray(grey, dtype=np.float64)
    assert h.max() >= 200  # brighter = more evidence; the strongest close to white
    assert h[bar].sum() > 0.55 * h.sum()  # most of the evidence for 7 on its bar
    assert h[page > 128].sum() < 0.3 * h.sum()  # and on the strokes, not the paper
    picture = Image.open(overlay)
    assert picture.mode == "RGB" and picture.size == (360, 280)
    rgb = np.asarray(picture, dtype=np.int16)
    cold = h == 0
    assert (rgb[cold] == page[cold][:, None]).all()  # no evidence: the image as it was
    hot = h > 128
    assert (rgb[hot][:, 0] > rgb[hot][:, 2] + 40).all()  # evidence: warm colours over it
    assert sorted(os.listdir(tmp_path)) == ["heat.png", "overlay.png", "seven.png"]  # no temps


def test_target_default_name_and_not_a_digit(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    square = np.full((200, 200), 255, np.uint8)
    square[40:160, 40:160] = 0
    square[50:150, 50:150] = 255
    Image.fromarray(square).save(tmp_path / "square.png")
    code, out, _ = run(capsys, "square.png")
    assert code == 0
    assert out.splitlines()[0].startswith("square.png: not a digit (best guess ")
    guess = out.splitlines()[0].split("best guess ")[1].split(",")[0]
    assert out.splitlines()[1].startswith(f"evidence for {guess}: ")
    assert out.splitlines()[2] == "wrote the overlay (200x200) to square-why.png"
    assert Image.open(tmp_path / "square-why.png").size == (200, 200)
    code, out, _ = run(capsys, "square.png", "--target", "0", "--heatmap", "zero.png")
    assert code == 0 and out.splitlines()[1].startswith("evidence for 0: ")
    assert Image.open(tmp_path / "zero.png").mode == "L"


@pytest.mark.parametrize(("args", "words"), [
    (["{blank}"], ["no ink", "no file written"]),
    (["{bad}"], ["bad.png", "not an image"]),
    (["{missing}"], ["missing.png", "does not exist"]),
    (["{seven}", "--target", "12"], ["--target 12", "not one of the model's classes"]),
    (["{seven}", "--out", "{nowhere}"], ["cannot write", "no such file"]),
    (["{seven}", "--out", "{same}", "--heatmap", "{same}"], ["same file"]),
    (["{seven}", "--model", "nosuchname"], ["nosuchname"]),
])
def test_mistakes_are_one_clear_line_and_write_nothing(seven, tmp_path, capsys, args, words):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((50, 50), 255, np.uint8)).save(blank)
    bad = tmp_path / "bad.png"
    bad.write_text("this is not a png")
    names = {"blank": blank, "bad": bad, "missing": tmp_path / "missing.png", "seven": seven[0],
             "nowhere": tmp_path / "no" / "such" / "o.png", "same": tmp_path / "x.png"}
    before = sorted(os.listdir(tmp_path))
    code, _, err = run(capsys, *[a.format(**names) for a in args])
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("digitpad: error: ")
    assert all(w.lower() in err.lower() for w in words), err
    assert sorted(os.listdir(tmp_path)) == before


def test_a_real_process(seven, tmp_path):
    path, _, _ = seven
    result = digitpad("explain", str(path), "--heatmap", str(tmp_path / "h.png"), "--threads", "1")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert Image.open(tmp_path / "h.png").size == (360, 280)
    assert_clean_error(digitpad("explain", str(tmp_path / "nothing.png")), "nothing.png")
    helped = digitpad("explain", "--help")
    assert helped.returncode == 0 and "--heatmap" in helped.stdout
