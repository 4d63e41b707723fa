"""The gallery of misclassified validation images: order, captions, cap, RGB, empty states."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from digitpad.core.records import Misclassified
from digitpad.gui.results.misclassified_gallery import (
    MAX_SHOWN,
    NONE_TEXT,
    THUMB,
    WAITING_TEXT,
    MisclassifiedGallery,
    Mistake,
    thumbnail,
)


def mistake(true: int, predicted: int, confidence: float, rgb: bool = False) -> Mistake:
    shape = (32, 32, 3) if rgb else (28, 28)
    image = np.random.default_rng(true * 100 + predicted).integers(0, 256, shape, dtype=np.uint8)
    return Mistake.named(Misclassified(image, true, predicted, confidence),
                         [str(i) for i in range(10)])


@pytest.fixture
def gallery(qtbot):
    widget = MisclassifiedGallery()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    return widget


def test_empty_before_the_first_epoch(gallery):
    assert gallery.count() == 0 and gallery.captions() == []
    assert gallery.empty_text() == WAITING_TEXT and gallery.empty.isVisibleTo(gallery)


def test_most_confident_mistakes_come_first_with_captions(gallery):
    gallery.set_items([mistake(4, 9, 0.61), mistake(7, 1, 0.97), mistake(3, 5, 0.8)])
    assert gallery.count() == 3
    assert gallery.captions() == ["true: 7\n→ 1 97.0%", "true: 3\n→ 5 80.0%",
                                  "true: 4\n→ 9 61.0%"]
    assert gallery.list.isVisibleTo(gallery) and not gallery.empty.isVisibleTo(gallery)
    assert "97.0% confidence" in gallery.list.item(0).toolTip()


def test_names_are_used_in_captions(gallery):
    item = mistake(3, 5, 0.5)
    gallery.set_items([replace(item, true_name="cat", predicted_name="dog")])
    assert gallery.captions() == ["true: cat\n→ dog 50.0%"]


def test_at_most_64_are_shown_the_most_confident_ones(gallery):
    items = [mistake(i % 10, (i + 1) % 10, i / 100) for i in range(100)]
    gallery.set_items(items)
    assert gallery.count() == MAX_SHOWN == 64
    assert gallery.captions()[0].endswith(" 99.0%") and gallery.captions()[-1].endswith(" 36.0%")


def test_rgb_and_grey_images_become_56_pixel_nearest_neighbour_thumbnails(gallery):
    gallery.set_items([mistake(1, 2, 0.9, rgb=True), mistake(2, 1, 0.8)])
    assert gallery.count() == 2
    grey = np.zeros((28, 28), dtype=np.uint8)
    grey[0, 0] = 255
    image = thumbnail(grey).toImage()
    assert (image.width(), image.height()) == (THUMB, THUMB)
    assert image.pixelColor(1, 1).red() == 255 and image.pixelColor(2, 2).red() == 0
    rgb = np.zeros((32, 32, 3), dtype=np.uint8)
    rgb[..., 0] = 200
    image = thumbnail(rgb[:, ::2]).toImage()  # a non-contiguous view, taller than wide
    assert (image.width(), image.height()) == (THUMB // 2, THUMB)  # aspect ratio kept
    assert image.pixelColor(5, 5).red() == 200
    assert not gallery.grab().isNull()


def test_clear_and_an_epoch_without_mistakes(gallery):
    gallery.set_items([mistake(4, 9, 0.6)])
    gallery.set_items([])
    assert gallery.count() == 0 and gallery.empty_text() == NONE_TEXT
    assert gallery.empty.isVisibleTo(gallery)
    gallery.set_items([mistake(4, 9, 0.6)])
    gallery.clear()
    assert gallery.count() == 0 and gallery.empty_text() == WAITING_TEXT
