"""docs/onnx_predict.py, the example that uses an export with only onnxruntime, numpy and
Pillow: it gives digitpad's own label on ordinary images (MNIST test images, digits and symbols
drawn with PIL, Fashion-MNIST images), and it runs in a virtual environment without torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from digitpad.core.export.onnx_export import export_onnx
from digitpad.core.idx import read_idx
from digitpad.core.model_library import resolve_model
from tests.conftest import PROJECT_ROOT
from tests.core.compare_files import mnist_digit, save_png

EXAMPLE = PROJECT_ROOT / "docs" / "onnx_predict.py"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
def exports(tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("onnx")
    return {name: export_onnx(resolve_model(name), folder / f"{name}.onnx",
                              data_dir=shared_data, samples=100).path
            for name in ("digits", "fashion")}


def drawn(path: Path, text: str) -> Path:
    """`text` in black on a white 280x280 PNG, as a paint program would save a drawing."""
    image = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(image).text((140, 140), text, font=ImageFont.truetype(FONT, 190), fill=0,
                               anchor="mm")
    image.save(path)
    return path


def strokes(path: Path) -> Path:
    """A 7 drawn as two thick strokes on a transparent background (RGBA)."""
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(70, 60), (230, 60), (130, 260)], fill=(0, 0, 0, 255),
                               width=18, joint="curve")
    image.save(path)
    return path


def digitpad_labels(model: str, images: list[Path]) -> list[str]:
    result = subprocess.run([sys.executable, "-m", "digitpad", "predict", "--model", model,
                             "--json", *map(str, images)], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, timeout=120, check=True)
    return [a["label"] or ("not a digit" if a["not_a_digit"] else "no ink")
            for a in json.loads(result.stdout)]


def example_label(python: str, model: Path, image: Path, env: dict | None = None) -> str:
    result = subprocess.run([python, str(EXAMPLE), str(model), str(image)], capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def digit_images(folder: Path, mnist_dir: Path) -> list[Path]:
    images = [save_png(folder / f"mnist{d}.png", mnist_digit(mnist_dir, d, 7)) for d in "0369"]
    images += [drawn(folder / f"font{i}.png", t) for i, t in enumerate("2580#@*")]
    return [*images, strokes(folder / "seven.png")]


def test_the_example_gives_digitpads_labels(exports, tmp_path, mnist_dir):
    images = digit_images(tmp_path, mnist_dir)
    expected = digitpad_labels("digits", images)
    assert expected[:4] == list("0369") and "not a digit" in expected
    assert [example_label(sys.executable, exports["digits"], p) for p in images] == expected


def test_the_example_does_plain_mode_on_fashion(exports, tmp_path, shared_data):
    images = read_idx(shared_data / "fashion-mnist" / "t10k-images-idx3-ubyte.gz")
    paths = []
    for i in range(6):
        picture = Image.fromarray(images[i]).resize((112, 112), Image.Resampling.BILINEAR)
        picture.save(tmp_path / f"f{i}.png")
        paths.append(tmp_path / f"f{i}.png")
    expected = digitpad_labels("fashion", paths)
    assert [example_label(sys.executable, exports["fashion"], p) for p in paths] == expected


@pytest.mark.slow
def test_the_example_runs_without_torch(exports, tmp_path, mnist_dir):
    """A plain venv (no system site-packages, so no torch) with onnxruntime, numpy, Pillow."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = str(env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
    install = subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                              "onnxruntime", "numpy", "pillow"], capture_output=True, text=True,
                             timeout=600)
    if install.returncode != 0:
        pytest.skip("pip could not install onnxruntime, numpy and pillow into a fresh venv: "
                    + (install.stderr.strip().splitlines() or ["no output"])[-1])
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    probe = subprocess.run([python, "-c", "import torch"], capture_output=True, env=clean)
    assert probe.returncode != 0, "torch is importable in the test venv"
    images = digit_images(tmp_path, mnist_dir)
    expected = digitpad_labels("digits", images)
    assert [example_label(python, exports["digits"], p, clean) for p in images] == expected
    assert example_label(python, exports["digits"], images[1], clean) == "3"
