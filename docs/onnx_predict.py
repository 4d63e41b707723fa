"""Recognise an image with a model exported by `digitpad export --format onnx`, using only
onnxruntime, numpy and Pillow (no torch, no digitpad).

    python docs/onnx_predict.py MODEL.onnx IMAGE

Prints the three most likely classes, then the answer alone on the last line: a class name,
"not a digit" when the model's own rule declines the image, or "no ink" for a blank image.
Everything the model needs is read from the file's metadata (see using-an-exported-model.md).
"""

from __future__ import annotations

import json
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image


def load(path: str) -> tuple:
    """The session and its digitpad metadata (JSON values decoded)."""
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    meta = {}
    for key, value in session.get_modelmeta().custom_metadata_map.items():
        try:
            meta[key] = json.loads(value)
        except ValueError:
            meta[key] = value  # plain text: how_to_use, source_model...
    return session, meta


def read_image(path: str, channels: int) -> np.ndarray:
    """Pixels in [0, 1], (H, W) or (H, W, 3); transparency composited onto white paper."""
    image = Image.open(path)
    image = image.convert("RGBA")
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    image = Image.alpha_composite(paper, image).convert("L" if channels == 1 else "RGB")
    return np.asarray(image, dtype=np.float32) / 255


def resize(a: np.ndarray, width: int, height: int, resample: int) -> np.ndarray:
    planes = a[:, :, None] if a.ndim == 2 else a
    out = [np.asarray(Image.fromarray(planes[:, :, c]).resize((width, height), resample))
           for c in range(planes.shape[2])]
    return np.clip(np.stack(out, axis=2) if a.ndim == 3 else out[0], 0, 1)


def border(a: np.ndarray) -> np.ndarray:
    return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])


def digit_mode(gray: np.ndarray) -> np.ndarray | None:
    """MNIST's recipe: bright ink on black, crop to the ink, longer side 20 px, placed in 28x28
    with its centre of mass in the middle. None when there is no ink."""
    paper = float(np.median(border(gray)))
    ink = paper - gray if paper > 0.5 else gray - paper  # dark ink on light paper, or the reverse
    if ink.max() < 0.12:
        return None
    ink = np.clip(ink / ink.max(), 0, 1)
    rows, cols = np.flatnonzero((ink > 0.2).any(1)), np.flatnonzero((ink > 0.2).any(0))
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = 20 / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    glyph = resize(crop, w, h, Image.Resampling.LANCZOS)
    glyph = glyph / glyph.max()
    cy = (glyph.sum(1) @ np.arange(h)) / glyph.sum()
    cx = (glyph.sum(0) @ np.arange(w)) / glyph.sum()
    top = int(np.clip(round(13.5 - cy), 0, 28 - h))
    left = int(np.clip(round(13.5 - cx), 0, 28 - w))
    field = np.zeros((28, 28), np.float32)
    field[top:top + h, left:left + w] = glyph
    return field


def plain_mode(x: np.ndarray, size: int, dark_background: bool) -> np.ndarray | None:
    """Resize the shorter side to `size` and crop the centre (the photo recipe); with
    dark_background, the content cropped and fitted on black instead."""
    if np.ptp(x) < 3 / 255:
        return None
    if dark_background:
        lum = x if x.ndim == 2 else x.mean(2)
        if np.median(border(lum)) > 0.5:
            x, lum = 1 - x, 1 - lum
        dev = np.abs(lum - np.median(border(lum)))
        rows, cols = np.flatnonzero((dev > 0.1 * dev.max()).any(1)), np.flatnonzero(
            (dev > 0.1 * dev.max()).any(0))
        crop = x[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
        scale = size / max(crop.shape[:2])
        h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
        field = np.zeros((size, size, *x.shape[2:]), np.float32)
        top, left = (size - h) // 2, (size - w) // 2
        field[top:top + h, left:left + w] = resize(crop, w, h, Image.Resampling.BILINEAR)
        return field
    h, w = x.shape[:2]
    nh, nw = (size, max(size, int(size * w / h))) if h <= w else (max(size, int(size * h / w)),
                                                                  size)
    x = resize(x, nw, nh, Image.Resampling.BILINEAR)
    top, left = round((nh - size) / 2), round((nw - size) / 2)
    return x[top:top + size, left:left + size]


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def main(model_path: str, image_path: str) -> None:
    session, meta = load(model_path)
    prep, channels, size = meta["preprocess"], meta["input_channels"], meta["input_size"]
    pixels = read_image(image_path, channels)
    if prep["mode"] == "digit":
        x = digit_mode(pixels if pixels.ndim == 2 else pixels.mean(2))
    else:
        x = plain_mode(pixels, size, prep.get("dark_background", False))
    if x is None:
        print("no ink")
        return
    if x.ndim == 2 and channels == 3:
        x = np.repeat(x[:, :, None], 3, axis=2)
    x = x[None] if x.ndim == 2 else x.transpose(2, 0, 1)  # C x H x W
    mean = np.array(meta["mean"], np.float32)[:, None, None]
    std = np.array(meta["std"], np.float32)[:, None, None]
    batch = ((x - mean) / std)[None].astype(np.float32)
    outputs = session.run(None, {session.get_inputs()[0].name: batch})[0][0].astype(np.float64)

    temperature = meta.get("temperature", 1.0)
    probs = softmax(outputs / temperature)
    reject = meta.get("reject_index")
    p_not_digit = probs[reject] if reject is not None else 0.0
    if reject is not None:
        probs = np.delete(probs, reject)
        probs = probs / probs.sum()
    names = meta["class_names"]
    for i in np.argsort(probs)[::-1][:3]:
        print(f"{names[i]}: {probs[i]:.1%}")
    rule = meta.get("decline")
    if rule:
        if rule["score"] == "class":
            score = 1 - p_not_digit
        elif rule["score"] == "energy":
            z = outputs / temperature
            score = temperature * (z.max() + np.log(np.exp(z - z.max()).sum()))
        else:
            score = probs.max()
        if score < rule["threshold"]:
            print("not a digit")
            return
    print(names[int(np.argmax(probs))])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python onnx_predict.py MODEL.onnx IMAGE")
    main(sys.argv[1], sys.argv[2])
