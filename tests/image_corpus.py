"""A corpus of awkward image files, written by the tests themselves (nothing binary committed).

Every case names what must happen when it is opened and recognised: the digit it shows, "no ink"
(a blank picture gets no guess), or the words the one-line error message must contain. The digit
is a real MNIST test image (a 7, test image 0), scaled up as a person's photo or scan would be.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from digitpad.core.idx import read_idx

NO_INK = "no ink"
DIGIT = "7"


@dataclass(frozen=True)
class Case:
    name: str  # what kind of input this is
    path: Path
    expect: str  # DIGIT's label, NO_INK, or words the error message contains ("error: ...")

    @property
    def is_error(self) -> bool:
        return self.expect.startswith("error:")

    @property
    def words(self) -> list[str]:
        return self.expect.removeprefix("error:").split("|")


def mnist_seven(shared_data: Path) -> np.ndarray:
    """MNIST test image 0 (a 7), white on black, 28x28 uint8."""
    images = read_idx(shared_data / "mnist" / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(shared_data / "mnist" / "t10k-labels-idx1-ubyte.gz")
    assert int(labels[0]) == 7
    return np.asarray(images[0], dtype=np.uint8)


def _ink(digit: np.ndarray, side: int) -> np.ndarray:
    """The digit's ink (0..1 floats), scaled up to side x side."""
    big = Image.fromarray(digit).resize((side, side), Image.Resampling.BICUBIC)
    return np.asarray(big, dtype=np.float32) / 255


def _blend(ink: np.ndarray, paper: np.ndarray, pen: np.ndarray) -> np.ndarray:
    """Paper (H, W, 3) with the pen colour laid on where the ink is."""
    a = ink[..., None]
    return np.clip(paper * (1 - a) + pen * a, 0, 255).astype(np.uint8)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny real PNG whose header declares another size (CRC fixed): a decompression bomb."""
    buf = io.BytesIO()
    Image.new("L", (8, 8), 0).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = bytes(data[12:29])
    ihdr = ihdr[:4] + struct.pack(">II", width, height) + ihdr[12:]
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    return bytes(data)


def build_corpus(folder: Path, digit: np.ndarray, huge: bool = True) -> list[Case]:
    """Write every case into `folder`; `huge` adds the 8000x8000 photo (slow to write: ~2 s)."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, filename: str, expect: str) -> Path:
        path = folder / filename
        cases.append(Case(name, path, expect))
        return path

    ink = _ink(digit, 280)
    black_on_white = (255 - 255 * ink).astype(np.uint8)
    white_on_black = (255 * ink).astype(np.uint8)
    truncated_words = "error:cannot be decoded|truncated"
    not_image = "error:not an image"

    # --- not images at all, or broken ones
    add("zero-byte file", "empty.png", "error:empty").write_bytes(b"")
    for fmt, ext in (("PNG", "png"), ("JPEG", "jpg")):
        buf = io.BytesIO()
        Image.fromarray(black_on_white).convert("RGB").save(buf, fmt)
        add(f"truncated {fmt}", f"cut.{ext}", truncated_words).write_bytes(
            buf.getvalue()[: len(buf.getvalue()) // 2])
    add("text file named .png", "notes.png", not_image).write_text("Shopping list\n" * 40)
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28">'
           b'<path d="M4 4h20L10 26"/></svg>')
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << >>\n%%EOF\n"
    add("SVG named as such", "seven.svg", not_image).write_bytes(svg)
    add("SVG disguised as .png", "seven-svg.png", not_image).write_bytes(svg)
    add("PDF named as such", "scan.pdf", not_image).write_bytes(pdf)
    add("PDF disguised as .jpg", "scan.jpg", not_image).write_bytes(pdf)
    add("decompression bomb (100000x100000 declared)", "bomb.png",
        "error:too large").write_bytes(png_declaring(100_000, 100_000))
    add("a folder where a file is expected", "a folder.png", "error:folder").mkdir()
    cases.append(Case("a file that no longer exists", folder / "gone.png",
                      "error:does not exist"))

    # --- odd sizes
    Image.new("L", (1, 1), 0).save(add("1x1 image", "one-pixel.png", NO_INK))
    tall = np.full((1000, 2), 255, np.uint8)
    tall[100:900, :] = 0
    Image.fromarray(tall).save(add("2x1000 image (a thin dark line)", "sliver.png", "1"))
    if huge:
        big = Image.fromarray(black_on_white).resize((8000, 8000), Image.Resampling.BILINEAR)
        big.save(add("8000x8000 photo-sized PNG", "huge.png", DIGIT), compress_level=1)

    # --- encodings and modes
    Image.fromarray(black_on_white).save(add("black on white PNG", "plain.png", DIGIT))
    Image.fromarray(white_on_black).save(add("white on black PNG", "inverted.png", DIGIT))
    Image.fromarray(black_on_white.astype(np.uint16) * 257).save(
        add("16-bit grayscale PNG", "deep.png", DIGIT))
    Image.fromarray(black_on_white).convert("CMYK").save(
        add("CMYK JPEG", "print.jpg", DIGIT), quality=95)
    palette = Image.fromarray((ink > 0.5).astype(np.uint8), "P")
    palette.putpalette([255, 255, 255, 20, 20, 20] + [0, 0, 0] * 254)
    palette.save(add("palette PNG with a transparent background", "palette.png", DIGIT),
                 transparency=0)
    Image.new("RGBA", (280, 280), (0, 0, 0, 0)).save(
        add("fully transparent PNG", "clear.png", NO_INK))
    alpha_only = np.zeros((280, 280, 4), np.uint8)
    alpha_only[..., 3] = white_on_black
    Image.fromarray(alpha_only, "RGBA").save(add("digit only in the alpha channel",
                                                 "alpha.png", DIGIT))
    blank = Image.new("L", (280, 280), 255)
    Image.fromarray(black_on_white).save(
        add("animated GIF (the first frame counts)", "anim.gif", DIGIT),
        save_all=True, append_images=[blank, Image.fromarray(255 - black_on_white)], duration=100)
    Image.fromarray(black_on_white).save(
        add("multi-page TIFF (the first page counts)", "pages.tiff", DIGIT),
        save_all=True, append_images=[blank])
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": the pixels are stored turned left
    Image.fromarray(black_on_white).rotate(90, expand=True).save(
        add("EXIF-rotated JPEG", "rotated.jpg", DIGIT), exif=exif, quality=95)
    Image.fromarray(black_on_white).convert("RGB").save(add("JPEG named .png", "really-jpeg.png",
                                                            DIGIT), "JPEG", quality=90)
    Image.fromarray(black_on_white).save(add("WebP", "seven.webp", DIGIT), lossless=True)
    Image.fromarray(black_on_white).save(add("BMP", "seven.bmp", DIGIT))

    # --- what the picture looks like
    yellow = np.broadcast_to(np.array([250, 225, 80], np.float32), (280, 280, 3))
    Image.fromarray(_blend(ink, yellow, np.array([30, 40, 170], np.float32))).save(
        add("blue ink on a yellow background", "colour.png", DIGIT))
    rng = np.random.default_rng(0)
    ramp = np.linspace(150, 215, 280, dtype=np.float32)
    photo = (ramp[None, :, None] + rng.normal(0, 10, (280, 280, 3))).astype(np.float32)
    photo[..., 2] -= 20  # a warm cast, like paper under a lamp
    Image.fromarray(_blend(ink, photo, np.array([35, 30, 30], np.float32))).save(
        add("noisy photo-like background, lit unevenly", "photo.jpg", DIGIT), quality=85)
    Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8)).save(
        add("the same photo of blank paper", "blank-photo.jpg", NO_INK), quality=85)
    Image.new("L", (280, 280), 255).save(add("all white", "white.png", NO_INK))
    Image.new("L", (280, 280), 0).save(add("all black", "black.png", NO_INK))
    Image.fromarray(black_on_white).save(
        add("non-ASCII name with spaces", "Ziffer sieben – ü 七.png", DIGIT))
    return cases
