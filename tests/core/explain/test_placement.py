"""The inverse mapping puts heat over the model input back on the strokes drawn in the source
(core.explain.placement, recorded by core.preprocess)."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.core.preprocess import preprocess


def seven(shape: tuple[int, int] = (280, 280)) -> np.ndarray:
    """A dark 7 on white paper, off-centre: a bar and a slanted stroke 12 px wide."""
    image = np.full(shape, 255, np.uint8)
    image[60:72, 80:200] = 0
    for t in range(140):
        x = int(195 - t * 0.6)
        image[72 + t, x - 6 : x + 6] = 0
    return image


def share(heat: np.ndarray, mask: np.ndarray) -> float:
    return float(heat[mask].sum() / heat.sum())


def centre(weights: np.ndarray) -> np.ndarray:
    ys, xs = np.indices(weights.shape)
    return np.array([(ys * weights).sum(), (xs * weights).sum()]) / weights.sum()


def dilated(mask: np.ndarray, r: int) -> np.ndarray:
    out = mask.copy()
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            out |= np.roll(np.roll(mask, dy, 0), dx, 1)
    return out


def test_digit_mode_heat_lands_on_the_strokes_drawn():
    image = seven()
    ink = image < 128
    prep = preprocess(image, "digit")
    assert prep.placement is not None
    heat = prep.placement.to_source(prep.view / 255.0)  # heat = what the model sees itself
    assert heat.shape == image.shape and heat.dtype == np.float32
    assert share(heat, ink) > 0.6  # most of it on the very pixels drawn (measured 0.70)
    assert share(heat, dilated(ink, 8)) > 0.95  # nearly all within one field pixel (~7.6 px)
    # within 5 px (2/3 of a field pixel; measured 4.1): the resampling's blur beyond the ink's
    # box is cut off there (outside the crop is 0), which pulls the bar's heat inwards
    assert np.abs(centre(heat) - centre(ink)).max() < 5.0
    assert heat[:50].max() == 0 and heat[:, :70].max() == 0  # outside the ink's box: nothing


def test_a_symmetric_stroke_comes_back_centred_on_itself():
    image = np.full((280, 280), 255, np.uint8)
    image[100:180, 120:140] = 0
    prep = preprocess(image, "digit")
    heat = prep.placement.to_source(prep.view / 255.0)
    np.testing.assert_allclose(centre(heat), [139.5, 129.5], atol=0.1)
    assert share(heat, image < 128) > 0.85


def test_one_field_pixel_maps_back_to_where_it_came_from():
    """A bright field pixel's heat comes back around the source point that was resized onto
    it: the forward mapping, inverted."""
    image = seven()
    p = preprocess(image, "digit").placement
    heat = np.zeros((28, 28), np.float32)
    heat[14, 14] = 1
    back = p.to_source(heat)
    scale_y = (p.bottom - p.top) / p.glyph_height
    scale_x = (p.right - p.left) / p.glyph_width
    expected = (p.top + (14 - p.offset_y + 0.5) * scale_y - 0.5,
                p.left + (14 - p.offset_x + 0.5) * scale_x - 0.5)
    assert np.abs(centre(back) - expected).max() < 1.0
    assert back.max() == pytest.approx(1, abs=0.1)


def test_plain_mode_resize_and_centre_crop():
    image = np.full((200, 300), 255, np.uint8)
    image[50:150, 140:160] = 0  # in the middle: kept
    image[90:110, 10:30] = 0  # on the left edge: cut off by the centre crop
    prep = preprocess(image, "plain", size=28)
    p = prep.placement
    assert (p.glyph_height, p.glyph_width, p.offset_x) == (28, 42, -7.0)
    heat = p.to_source(1 - prep.pixels[0])  # white paper: the ink is what is dark
    assert heat.shape == image.shape
    assert heat[90:110, 10:30].max() == 0 and heat[:, :45].max() == 0  # cut off: no heat
    kept = np.zeros_like(image, bool)
    kept[50:150, 140:160] = True
    assert share(heat, dilated(kept, 8)) > 0.9
    assert np.abs(centre(heat) - centre(kept)).max() < 3.0


def test_plain_mode_fit_on_black():
    image = np.zeros((200, 300), np.uint8)
    image[50:150, 140:160] = 255
    image[90:110, 10:30] = 255
    prep = preprocess(image, "plain", size=28, dark_background=True)
    heat = prep.placement.to_source(prep.pixels[0])
    ink = image > 128
    assert share(heat, ink) > 0.85  # measured 0.92
    assert heat[:, 170:].max() == 0 and heat[:40].max() == 0


def test_rgb_plain_and_a_wrong_heat_size():
    rgb = np.full((64, 64, 3), 255, np.uint8)
    rgb[20:40, 30:34] = (200, 0, 0)
    prep = preprocess(rgb, "plain", size=32, channels=3)
    assert prep.placement.to_source(np.ones((32, 32))).shape == (64, 64)
    with pytest.raises(ValueError, match="32x32"):
        prep.placement.to_source(np.ones((28, 28)))
