"""Predictor on real MNIST digits presented as a user would: big, dark-on-light PNG files."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from digitpad.core.images import open_image
from digitpad.core.predictor import Predictor


def as_user_drawing(digit: np.ndarray, scale: int = 10, offset: tuple[int, int] = (0, 0)):
    """A 28x28 MNIST digit as a 400x400 black-on-white image, off-centre."""
    big = Image.fromarray(255 - digit).resize((28 * scale, 28 * scale), Image.BILINEAR)
    canvas = Image.new("L", (400, 400), 255)
    canvas.paste(big, (60 + offset[0], 60 + offset[1]))
    return canvas


def test_predicts_real_test_digits_drawn_big_and_inverted(trained_model_file, small_mnist,
                                                          tmp_path):
    predictor = Predictor.from_file(trained_model_file)
    images, labels = small_mnist.test.images[:60, 0].numpy(), small_mnist.test.labels[:60]
    correct = 0
    for i, (digit, label) in enumerate(zip(images, labels.tolist())):
        path = tmp_path / f"digit {i}.png"
        as_user_drawing(digit, offset=(i % 7 * 9, i % 5 * 11)).save(path)
        prediction = predictor.predict(open_image(path))
        assert len(prediction.probabilities) == 10
        assert abs(sum(prediction.probabilities) - 1) < 1e-4
        correct += prediction.label == str(label)
    assert correct >= 54  # >= 90% on user-style renderings of real test digits


def test_blank_images_give_no_ink(trained_model_file):
    predictor = Predictor.from_file(trained_model_file)
    for value in (0, 255, 128):
        prediction = predictor.predict(np.full((280, 280), value, np.uint8))
        assert prediction.no_ink and prediction.label is None and prediction.view is None


def test_prediction_view_and_top_k(trained_model_file, small_mnist):
    predictor = Predictor.from_file(trained_model_file)
    canvas = np.asarray(as_user_drawing(small_mnist.test.images[0, 0].numpy()))
    prediction = predictor.predict(canvas)
    assert prediction.view.shape == (28, 28) and prediction.view.dtype == np.uint8
    top = prediction.top(3)
    assert len(top) == 3 and top[0][1] >= top[1][1] >= top[2][1]
    assert top[0][0] == prediction.label and top[0][1] == pytest.approx(prediction.confidence)
