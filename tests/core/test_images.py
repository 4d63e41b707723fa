"""open_image() / image_from_bytes(): real files, good and bad."""

import os

import numpy as np
import pytest
from PIL import Image

from digitpad.core.errors import DigitpadError, ImageError
from digitpad.core.images import MAX_SIDE, image_from_bytes, open_image
from tests.image_corpus import png_declaring


def noise(w: int = 64, h: int = 48, mode: str = "RGB") -> Image.Image:
    shape = (h, w, 3) if mode == "RGB" else (h, w)
    return Image.fromarray(np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8), mode)


def bad(path, *words: str) -> str:
    """Open `path`, expecting an ImageError naming the file; returns the message."""
    with pytest.raises(ImageError) as info:
        open_image(path)
    message = str(info.value)
    assert os.path.basename(path) in message
    assert "\n" not in message
    for word in words:
        assert word in message.lower()
    return message


def test_png_round_trip_is_loaded_and_detached(tmp_path):
    path = tmp_path / "digit.png"
    noise().save(path)
    im = open_image(path)
    assert im.size == (64, 48) and im.mode == "RGB"
    assert np.array_equal(np.asarray(im), np.asarray(noise()))
    assert getattr(im, "fp", None) is None  # no open file handle left behind
    assert open_image(str(path)).size == (64, 48)


@pytest.mark.parametrize("orientation, corner", [(6, (39, 0)), (8, (0, 59))])
def test_jpeg_exif_orientation_is_applied(tmp_path, orientation, corner):
    im = Image.new("L", (60, 40), 0)
    im.paste(255, (0, 0, 12, 12))  # a white square in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"rotated{orientation}.jpg"
    im.save(path, exif=exif, quality=95)
    out = open_image(path)
    assert out.size == (40, 60)  # width and height swapped
    assert out.getpixel(corner) > 200  # 6: now top-right; 8: now bottom-left
    assert out.getpixel((0, 0)) < 50


def test_animated_gif_gives_first_frame(tmp_path):
    path = tmp_path / "anim.gif"
    frames = [Image.new("L", (20, 20), v) for v in (30, 220, 120)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    out = open_image(path)
    assert out.convert("L").getpixel((5, 5)) == 30


def test_multipage_tiff_gives_first_page(tmp_path):
    path = tmp_path / "pages.tiff"
    pages = [Image.new("L", (30, 10), v) for v in (200, 10)]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    assert Image.open(path).n_frames == 2
    out = open_image(path)
    assert out.size == (30, 10) and out.getpixel((3, 3)) == 200


def test_sixteen_bit_png(tmp_path):
    path = tmp_path / "deep.png"
    arr = np.linspace(0, 40000, 32 * 16).reshape(16, 32).astype(np.uint16)
    Image.fromarray(arr).save(path)
    out = open_image(path)
    assert out.mode.startswith("I") and np.asarray(out).max() == 40000


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_large_image_is_downscaled(tmp_path, fmt):
    path = tmp_path / f"large.{fmt.lower()}"
    im = Image.new("L", (6000, 4500), 255)
    im.paste(0, (0, 0, 3000, 4500))
    im.save(path, fmt)
    out = open_image(path)
    assert max(out.size) <= MAX_SIDE and out.size[0] == MAX_SIDE
    assert out.size[1] == pytest.approx(MAX_SIDE * 0.75, abs=2)
    assert out.getpixel((10, 10)) < 30 and out.getpixel((out.size[0] - 10, 10)) > 225


def test_missing_file(tmp_path):
    bad(tmp_path / "nowhere.png", "not exist")


def test_directory(tmp_path):
    folder = tmp_path / "pictures"
    folder.mkdir()
    bad(folder, "folder")


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    bad(path, "empty")


@pytest.mark.parametrize(
    "name, content",
    [
        ("notes.png", b"This is a text file wearing a .png name.\n" * 20),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'),
        ("scan.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"),
    ],
)
def test_not_an_image(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    bad(path, "not an image")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file(tmp_path, fmt):
    path = tmp_path / f"cut.{fmt.lower()}"
    noise(200, 200).save(path, fmt)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    bad(path, "truncated")


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (9_500, 9_500), (10_000, 8_000)])
def test_decompression_bomb(tmp_path, width, height):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_declaring(width, height))
    bad(path, "too large")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads all")
def test_permission_denied(tmp_path):
    path = tmp_path / "secret.png"
    noise().save(path)
    path.chmod(0)
    try:
        bad(path, "permission")
    finally:
        path.chmod(0o644)


def test_image_from_bytes(tmp_path):
    path = tmp_path / "paste.png"
    noise().save(path)
    im = image_from_bytes(path.read_bytes())
    assert im.size == (64, 48)
    cases = [(b"", "empty"), (b"hello", "not an image"), (png_declaring(90_000, 90_000), "large")]
    for data, word in cases:
        with pytest.raises(ImageError, match=word) as info:
            image_from_bytes(data, "clipboard")
        assert "clipboard" in str(info.value)
    assert issubclass(ImageError, DigitpadError)
