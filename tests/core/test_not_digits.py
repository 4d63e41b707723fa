"""The not-a-digit generator (issue 14, first step): reproducible, MNIST-form, honest recipe."""

from __future__ import annotations

import json

import numpy as np
import pytest

from digitpad.core import not_digits
from digitpad.core.not_digit_glyphs import glyphs
from digitpad.core.not_digits import generate

LOCAL_KINDS = ("strokes", "font", "hershey", "scribble", "shapes", "noise")


def test_same_seed_gives_identical_bytes_and_other_seeds_differ() -> None:
    a = generate(36, seed=7, kinds=LOCAL_KINDS)
    b = generate(36, seed=7, kinds=LOCAL_KINDS)
    c = generate(36, seed=8, kinds=LOCAL_KINDS)
    assert a.images.tobytes() == b.images.tobytes()
    assert a.kinds == b.kinds and a.recipe == b.recipe
    assert a.images.tobytes() != c.images.tobytes()


@pytest.mark.parametrize("kind", LOCAL_KINDS)
def test_every_kind_gives_non_blank_centred_mnist_form_images(kind: str) -> None:
    out = generate(12, seed=1, kinds=(kind,))
    _check_mnist_form(out.images)
    assert out.kinds == [kind] * 12


def test_fashion_kind_reads_the_shared_data(shared_data) -> None:
    if not (shared_data / "fashion-mnist").is_dir():
        pytest.skip(f"no fashion-mnist folder in {shared_data}")
    out = generate(12, seed=2, kinds=("fashion", "strokes"), data_dir=shared_data)
    assert out.recipe["kinds"] == ["fashion", "strokes"] and out.recipe["notices"] == []
    _check_mnist_form(out.images)


def test_without_a_data_dir_fashion_is_left_out_with_a_notice() -> None:
    out = generate(10, seed=3)
    assert "fashion" not in out.recipe["kinds"] and "fashion" not in out.kinds
    assert any("fashion" in n and "no data_dir" in n for n in out.recipe["notices"])


def test_missing_fashion_files_are_a_notice_not_an_error(tmp_path) -> None:
    out = generate(5, seed=3, data_dir=tmp_path)
    assert "fashion" not in out.recipe["kinds"]
    assert any(str(tmp_path) in n for n in out.recipe["notices"])


def test_recipe_is_json_safe_and_records_the_font() -> None:
    out = generate(10, seed=4, kinds=LOCAL_KINDS)
    text = json.dumps(out.recipe, allow_nan=False)
    assert json.loads(text)["seed"] == 4 and out.recipe["version"] == not_digits.VERSION
    assert abs(sum(out.recipe["proportions"].values()) - 1.0) < 1e-9
    assert "DejaVu" in out.recipe["font"] or "bundled" in out.recipe["font"]


def test_font_fallback_is_recorded_and_still_draws(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(not_digits, "DEJAVU", tmp_path / "missing.ttf")
    out = generate(6, seed=5, kinds=("font",))
    assert "bundled default font" in out.recipe["font"] and "not found" in out.recipe["font"]
    _check_mnist_form(out.images)


def test_hershey_glyphs_are_pen_strokes_with_no_digit_look_alikes() -> None:
    found = glyphs()
    assert len(found) > 150  # six hands of letters, symbols and markers
    look_alikes = set("OoDQCcIilJjTtSsZzBGbqgad!?/|$[]{}0123456789")
    for name, strokes in found:
        face, char = name.split(":")
        assert face == "markers" or char not in look_alikes, name
        points = np.array([p for line in strokes for p in line])
        extent = points.max(0) - points.min(0)
        assert points.min() >= -1e-9 and points.max() <= 1 + 1e-9, name
        # a glyph much thinner than it is long would be a 1 (or a 1 lying down) once scaled
        assert extent.min() >= 0.3 * extent.max(), name


def test_without_the_hershey_package_its_kind_is_left_out_with_a_notice(monkeypatch) -> None:
    def missing() -> None:
        raise ImportError("No module named 'HersheyFonts'")

    monkeypatch.setattr(not_digits, "glyphs", missing)
    out = generate(6, seed=3, kinds=("hershey", "strokes"))
    assert out.recipe["kinds"] == ["strokes"] and set(out.kinds) == {"strokes"}
    assert any("Hershey-Fonts" in n for n in out.recipe["notices"])


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown not-a-digit kinds"):
        generate(3, seed=0, kinds=("letters?",))


def _check_mnist_form(images: np.ndarray) -> None:
    assert images.dtype == np.uint8 and images.shape[1:] == (28, 28)
    for img in images:
        assert img.max() > 100, "blank sample"
        ring = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
        assert np.median(ring) == 0  # light ink on black, as MNIST (a filled bag covers half)
        ys, xs = np.nonzero(img)
        w = img[ys, xs].astype(float)
        cy, cx = (ys * w).sum() / w.sum(), (xs * w).sum() / w.sum()
        assert abs(cy - 13.5) < 3 and abs(cx - 13.5) < 3, "not centred"
