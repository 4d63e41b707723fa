"""The canvas's paper: a fixed-size grayscale QImage, white with near-black ink (no widgets here).

The paper is 280 units square, stored at 2× (560×560 pixels) so that strokes stay smooth when it
is shown large or on a HiDPI screen. Brush sizes are given in paper units.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from digitpad.core.images import flattened_gray, light_ink_on_dark

PAPER = 280  # logical paper units
SCALE = 2  # stored pixels per paper unit
SIZE = PAPER * SCALE
WHITE, INK = QColor(255, 255, 255), QColor(20, 20, 20)
BLANK_LEVEL = 250  # a pixel darker than this counts as ink


def blank_paper() -> QImage:
    """A new white SIZE×SIZE Grayscale8 image."""
    image = QImage(SIZE, SIZE, QImage.Format.Format_Grayscale8)
    image.fill(WHITE)
    return image


def pixels(image: QImage) -> np.ndarray:
    """A read-only (H, W) uint8 view of a Grayscale8 image (valid while `image` lives)."""
    height, stride = image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=height * stride)
    return buffer.reshape(height, stride)[:, : image.width()]


def is_blank(image: QImage) -> bool:
    """True when no pixel of a Grayscale8 image is darker than near-white."""
    return bool(pixels(image).min() >= BLANK_LEVEL)


def fit_onto_paper(image: QImage, as_dark_ink: bool = True) -> QImage:
    """`image` on paper of its own background shade: grey (transparency flattened as the
    preprocessing flattens it), fitted keeping its aspect ratio (smoothly scaled, up or down)
    and centred.

    The margins a non-square image leaves take the median shade of the image's own edge, so a
    light-on-dark picture gets dark margins (white ones would read as a box drawn round it) and
    the canvas predicts what `digitpad predict` does for the same file.

    `as_dark_ink`: a picture the preprocessing reads as light ink on a dark ground (a white
    MNIST digit on black) is put on the paper as its negative, dark ink on light paper, the way
    the canvas draws, so that strokes drawn on it add ink instead of erasing it. Pass it only
    when the model reads an image and its negative alike (core.images.reads_negatives_alike):
    then what the model sees is unchanged."""
    if image.isNull():
        return blank_paper()
    grey = _flattened(image)
    scaled = grey.scaled(SIZE, SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    paper = QImage(SIZE, SIZE, QImage.Format.Format_Grayscale8)
    shade = _edge_shade(scaled) if scaled.size() != paper.size() else 255
    paper.fill(QColor(shade, shade, shade))
    with QPainter(paper) as painter:
        painter.drawImage(QPointF((SIZE - scaled.width()) / 2,
                                  (SIZE - scaled.height()) / 2), scaled)
    if as_dark_ink and light_ink_on_dark(pixels(paper)):  # the preprocessing's own test
        paper.invertPixels()
    return paper


def _flattened(image: QImage) -> QImage:
    """`image` in grey; one with transparent pixels flattened by the core (core.images
    .flattened_gray: a white digit on a transparent ground goes onto black, as `digitpad
    predict` reads it, not onto white, where it would vanish)."""
    if not image.hasAlphaChannel():
        return image.convertToFormat(QImage.Format.Format_Grayscale8)
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    height, stride = rgba.height(), rgba.bytesPerLine()
    buffer = np.frombuffer(rgba.constBits(), dtype=np.uint8, count=height * stride)
    array = buffer.reshape(height, stride)[:, : rgba.width() * 4].reshape(height, -1, 4)
    if int(array[:, :, 3].min()) == 255:  # opaque after all (files arrive as RGBA)
        return rgba.convertToFormat(QImage.Format.Format_Grayscale8)
    grey = np.ascontiguousarray(flattened_gray(array))
    return QImage(grey.data, grey.shape[1], grey.shape[0], grey.shape[1],
                  QImage.Format.Format_Grayscale8).copy()


def _edge_shade(image: QImage) -> int:
    """The median grey of a Grayscale8 image's outermost pixels (about 3% of its shorter side,
    as the core's preprocessing measures the background)."""
    a = pixels(image)
    b = max(1, min(a.shape) * 3 // 100)
    edge = np.concatenate([a[:b].ravel(), a[-b:].ravel(), a[:, :b].ravel(), a[:, -b:].ravel()])
    return int(np.median(edge))


def paint_segment(image: QImage, a: QPointF, b: QPointF, width: float, erase: bool) -> QRectF:
    """Draw a round-capped antialiased line a→b (a dot when a == b) in ink, or in white when
    erasing; returns the rectangle (image pixels) it may have touched."""
    colour = WHITE if erase else INK
    with QPainter(image) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if a == b:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(a, width / 2, width / 2)
        else:
            painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                Qt.PenJoinStyle.RoundJoin))
            painter.drawLine(a, b)
    margin = width / 2 + 2
    return QRectF(a, b).normalized().adjusted(-margin, -margin, margin, margin)
