"""Batch augmentation: shapes, ranges, reproducibility, and what each style does."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from digitpad.core.augment import STYLES, _stroke_jitter, augment_batch


def digit_batch(n: int = 64) -> torch.Tensor:
    """n copies of a thin (1 px) white '1' on black, 28x28."""
    x = torch.zeros(n, 1, 28, 28)
    x[:, :, 6:22, 14] = 1.0
    return x


@pytest.mark.parametrize("style", STYLES)
def test_shape_dtype_range_and_change(style: str) -> None:
    x = torch.rand(16, 3 if style == "photo" else 1, 28, 28)
    y = augment_batch(x, style, torch.Generator().manual_seed(0))
    assert y.shape == x.shape and y.dtype == x.dtype and y.device == x.device
    assert float(y.min()) >= 0 and float(y.max()) <= 1
    assert not torch.equal(y, x)
    changed = (y - x).abs().flatten(1).amax(1) > 1e-3
    assert changed.float().mean() > 0.5  # per-sample randomness: most images change


@pytest.mark.parametrize("style", STYLES)
def test_reproducible_with_a_seeded_generator(style: str) -> None:
    x = torch.rand(8, 1, 28, 28)
    a = augment_batch(x, style, torch.Generator().manual_seed(5))
    b = augment_batch(x, style, torch.Generator().manual_seed(5))
    c = augment_batch(x, style, torch.Generator().manual_seed(6))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_digit_keeps_the_digit_in_the_frame() -> None:
    x = digit_batch(128)
    y = augment_batch(x, "digit", torch.Generator().manual_seed(0))
    ink = y.sum((1, 2, 3)) / x.sum((1, 2, 3))
    assert (ink > 0.4).all() and (ink < 5).all()  # never erased; a 1 px line blurs + dilates
    assert (y[:, :, :2].sum() + y[:, :, -2:].sum()) == 0  # 2 px margins stay empty


def test_dilation_thickens_strokes_and_erosion_spares_thin_digits() -> None:
    x = digit_batch(300)
    y = _stroke_jitter(x, torch.Generator().manual_seed(0))
    thick = F.max_pool2d(x, 3, stride=1, padding=1)
    dilated = (y == thick).flatten(1).all(1)
    assert 0.2 < dilated.float().mean() < 0.45  # ~1/3 of the samples
    assert (y.sum((1, 2, 3))[dilated] > 2.5 * x.sum((1, 2, 3))[dilated]).all()
    assert ((y == x).flatten(1).all(1) | dilated).all()  # 1 px lines are never eroded away


def test_erosion_thins_thick_strokes() -> None:
    x = torch.zeros(300, 1, 28, 28)
    x[:, :, 6:22, 11:17] = 1.0  # a 6 px wide bar survives erosion
    y = _stroke_jitter(x, torch.Generator().manual_seed(0))
    thinner = y.sum((1, 2, 3)) < x.sum((1, 2, 3))
    assert 0.15 < thinner.float().mean() < 0.35  # ~1/4 of the samples


def test_fashion_flips_some_images() -> None:
    x = torch.zeros(64, 1, 28, 28)
    x[:, :, 10:18, 2:8] = 1.0  # a block on the left
    y = augment_batch(x, "fashion", torch.Generator().manual_seed(0))
    right = y[..., 14:].sum((1, 2, 3)) > y[..., :14].sum((1, 2, 3))
    assert 0.25 < right.float().mean() < 0.75


def test_photo_changes_brightness() -> None:
    x = torch.full((64, 3, 16, 16), 0.5)
    y = augment_batch(x, "photo", torch.Generator().manual_seed(0))
    means = y.mean((1, 2, 3))
    assert means.min() < 0.45 and means.max() > 0.55


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("style", STYLES)
def test_cuda_matches_cpu(style: str) -> None:
    x = torch.rand(32, 1, 28, 28)
    cpu = augment_batch(x, style, torch.Generator().manual_seed(2))
    gpu = augment_batch(x.cuda(), style, torch.Generator().manual_seed(2))
    assert gpu.device.type == "cuda"
    torch.testing.assert_close(gpu.cpu(), cpu, atol=1e-4, rtol=0)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="style"):
        augment_batch(torch.rand(2, 1, 28, 28), "cartoon")
    with pytest.raises(ValueError, match="float"):
        augment_batch(torch.zeros(2, 1, 28, 28, dtype=torch.uint8), "digit")
    assert augment_batch(torch.rand(0, 1, 28, 28), "digit").shape == (0, 1, 28, 28)
