"""preprocess(): any user image -> exactly what the model sees."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitpad.core.preprocess import Preprocessed, preprocess

CANVAS = 280


def seven(height: int = 200, top_left: tuple[int, int] = (40, 40), ink: int = 0, bg: int = 255):
    """A '7' drawn on a 280x280 L canvas, stroke width proportional to its height."""
    x, y = top_left
    w = int(height * 0.7)
    im = Image.new("L", (CANVAS, CANVAS), bg)
    pts = [(x, y), (x + w, y), (x + w * 0.35, y + height)]
    ImageDraw.Draw(im).line(pts, fill=ink, width=max(2, height // 11), joint="curve")
    return im


def zero(height: int = 200, top_left: tuple[int, int] = (60, 40)):
    x, y = top_left
    im = Image.new("L", (CANVAS, CANVAS), 255)
    box = (x, y, x + int(height * 0.65), y + height)
    ImageDraw.Draw(im).ellipse(box, outline=0, width=max(2, height // 10))
    return im


def view(image, **kw) -> np.ndarray:
    result = preprocess(image, **kw)
    assert isinstance(result, Preprocessed)
    return result.view.astype(np.float32) / 255


def ink_box(v: np.ndarray, level: float = 0.3) -> tuple[int, int]:
    rows = np.flatnonzero((v > level).any(axis=1))
    cols = np.flatnonzero((v > level).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def centre_of_mass(v: np.ndarray) -> tuple[float, float]:
    total = v.sum()
    return (v.sum(axis=1) @ np.arange(28)) / total, (v.sum(axis=0) @ np.arange(28)) / total


def test_output_format():
    result = preprocess(np.asarray(seven()))
    assert result.pixels.shape == (1, 28, 28) and result.pixels.dtype == np.float32
    assert result.view.shape == (28, 28) and result.view.dtype == np.uint8
    assert 0 <= result.pixels.min() and result.pixels.max() <= 1
    assert np.array_equal(result.view, np.rint(result.pixels[0] * 255).astype(np.uint8))
    # MNIST polarity: bright ink on a black background.
    assert result.view[0, 0] == 0 and result.view.max() >= 240


@pytest.mark.parametrize("draw", [seven, zero])
def test_size_and_position_do_not_matter(draw):
    small = view(np.asarray(draw(40, (5, 8))))  # small, in the top-left corner
    large = view(np.asarray(draw(250, (15, 12))))  # large, filling the canvas
    assert np.abs(small - large).mean() < 0.06
    hs, ws = ink_box(small)
    hl, wl = ink_box(large)
    assert abs(hs - hl) <= 1 and abs(ws - wl) <= 1
    for v in (small, large):
        assert 19 <= max(ink_box(v, 0.1)) <= 21
        cy, cx = centre_of_mass(v)
        assert abs(cy - 13.5) < 0.6 and abs(cx - 13.5) < 0.6


def test_polarity_does_not_matter():
    dark_on_light = view(seven())
    light_on_dark = view(seven(ink=255, bg=0))
    assert np.abs(dark_on_light - light_on_dark).max() < 0.02


def test_mid_grey_and_coloured_backgrounds():
    ref = view(seven())
    grey = view(seven(ink=0, bg=120))
    assert np.abs(grey - ref).mean() < 0.02
    rgb = np.zeros((CANVAS, CANVAS, 3), np.uint8)
    rgb[:] = (200, 230, 255)
    rgb[np.asarray(seven()) == 0] = (20, 20, 140)  # dark blue pen on light blue paper
    assert np.abs(view(rgb) - ref).mean() < 0.02


def test_noisy_background_still_works():
    rng = np.random.default_rng(0)
    noisy = np.asarray(seven()).astype(np.float32) + rng.normal(0, 10, (CANVAS, CANVAS))
    noisy = np.clip(noisy, 0, 255).astype(np.uint8)
    assert np.abs(view(noisy) - view(seven())).mean() < 0.03


def test_numpy_layouts_agree():
    gray = np.asarray(seven())
    ref = view(gray)
    rgb = np.repeat(gray[:, :, None], 3, axis=2)
    rgba = np.dstack([rgb, np.full_like(gray, 255)])
    assert np.array_equal(view(rgb), ref)
    assert np.array_equal(view(rgba), ref)
    assert np.array_equal(view(gray[:, :, None]), ref)


@pytest.mark.parametrize("rgb_value", [0, 255])
def test_digit_only_in_alpha(rgb_value):
    alpha = 255 - np.asarray(seven())
    rgba = np.dstack([np.full((CANVAS, CANVAS, 3), rgb_value, np.uint8), alpha])
    ref = view(seven())
    assert np.abs(view(rgba) - ref).max() < 0.01
    assert np.abs(view(Image.fromarray(rgba, "RGBA")) - ref).max() < 0.01


def test_fully_transparent_is_none():
    rgba = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    rgba[:, :, :3] = np.asarray(seven())[:, :, None]  # colour present, but invisible
    assert preprocess(rgba) is None
    assert preprocess(Image.fromarray(rgba, "RGBA"), "plain", channels=3) is None


def test_palette_png_with_transparency():
    mask = np.asarray(seven()) == 0
    im = Image.fromarray(mask.astype(np.uint8), "P")
    im.putpalette([255, 255, 255, 30, 30, 30])  # index 0 white but transparent, 1 dark grey
    buf = io.BytesIO()
    im.save(buf, "PNG", transparency=0)
    loaded = Image.open(io.BytesIO(buf.getvalue()))
    assert loaded.mode == "P" and "transparency" in loaded.info
    assert np.abs(view(loaded) - view(seven())).max() < 0.01


@pytest.mark.parametrize("peak", [65535, 4095])
def test_sixteen_bit(peak):
    arr = np.where(np.asarray(seven()) == 0, 0, peak).astype(np.uint16)
    im = Image.fromarray(arr)
    assert im.mode.startswith("I;16")
    assert np.abs(view(im) - view(seven())).max() < 0.01
    assert np.abs(view(im.convert("I")) - view(seven())).max() < 0.01


@pytest.mark.parametrize("mode", ["1", "LA", "RGB", "CMYK", "F", "P", "YCbCr"])
def test_other_pil_modes(mode):
    assert np.abs(view(seven().convert(mode)) - view(seven())).max() < 0.02


def test_digit_channels_three_repeats_grey():
    result = preprocess(seven(), channels=3)
    assert result.pixels.shape == (3, 28, 28) and result.view.shape == (28, 28, 3)
    assert np.array_equal(result.pixels[0], result.pixels[2])
    assert np.array_equal(result.view[:, :, 1], view(seven()) * 0 + result.view[:, :, 0])


def test_thin_stroke_does_not_vanish():
    im = Image.new("L", (CANVAS, CANVAS), 255)
    ImageDraw.Draw(im).line([(140, 20), (140, 260)], fill=0, width=1)
    v = view(im)
    # Centred on x = 13.5, the 1-px line is shared by columns 13 and 14: nothing is lost.
    assert v.sum() == pytest.approx(20, abs=0.5)
    assert ink_box(v) == (20, 2)


def test_lopsided_digit_is_not_cut_off():
    im = Image.new("L", (CANVAS, CANVAS), 255)
    draw = ImageDraw.Draw(im)
    draw.ellipse((100, 20, 180, 100), fill=0)  # heavy blob on top...
    draw.line([(140, 100), (140, 260)], fill=0, width=3)  # ...and a long thin tail
    v = view(im)
    rows = np.flatnonzero((v > 0.1).any(axis=1))
    assert rows[-1] - rows[0] + 1 >= 20  # the tail is whole, even though the centre of mass
    assert centre_of_mass(v)[0] < 13.5  # could not be brought all the way down to 13.5


@pytest.mark.parametrize(
    "blank",
    [
        np.full((CANVAS, CANVAS), 255, np.uint8),
        np.zeros((CANVAS, CANVAS), np.uint8),
        np.full((CANVAS, CANVAS), 128, np.uint8),
        np.full((CANVAS, CANVAS, 3), (40, 160, 90), np.uint8),
        np.random.default_rng(1).integers(124, 132, (CANVAS, CANVAS)).astype(np.uint8),
        np.random.default_rng(2).normal(235, 8, (CANVAS, CANVAS)).clip(0, 255).astype(np.uint8),
    ],
    ids=["white", "black", "grey", "green", "faint-noise", "noise"],
)
def test_blank_is_none(blank):
    assert preprocess(blank) is None


def test_a_single_speck_is_none():
    speck = np.full((CANVAS, CANVAS), 255, np.uint8)
    speck[100, 100] = 0
    assert preprocess(speck) is None


@pytest.mark.parametrize("shape", [(1, 1), (2, 1000), (1000, 2), (3, 3)])
def test_degenerate_sizes_do_not_crash(shape):
    arr = np.full(shape, 255, np.uint8)
    arr[: shape[0] // 2 + 1, : shape[1] // 2 + 1] = 0
    for mode in ("digit", "plain"):
        for dark in (False, True):
            result = preprocess(Image.fromarray(arr), mode, dark_background=dark)
            assert result is None or result.view.shape == (28, 28)


def test_huge_input_is_downscaled_first():
    big = np.asarray(seven().resize((2400, 2400), Image.Resampling.NEAREST))
    assert np.abs(view(big) - view(seven())).mean() < 0.03


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        preprocess(np.asarray(seven()), "mnist")
    with pytest.raises(ValueError):
        preprocess(np.zeros((5, 5, 7), np.uint8))
    with pytest.raises(TypeError):
        preprocess([[0, 1], [1, 0]])


def test_paper_brightness_follows_uneven_light_and_ignores_the_ink():
    from digitpad.core.paper_brightness import paper_brightness

    light = np.tile(np.linspace(0.5, 0.9, 300, dtype=np.float32), (200, 1))  # lamp on the right
    page = light.copy()
    page[60:140, 100:110] = 0.1  # a dark stroke
    paper = paper_brightness(page, dark_ink=True)
    assert paper.shape == page.shape
    assert np.abs(paper - light)[:, 20:-20].max() < 0.05  # the stroke is not part of the paper
