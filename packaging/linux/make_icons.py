"""Render resources/icons/digitpad.svg to the PNG sizes desktops and bundles use.

Run from the project root after changing the SVG: `python packaging/linux/make_icons.py`.
Qt's own SVG renderer (PySide6.QtSvg, already a dependency) draws them, so no extra tool is
needed; the PNGs are committed so that building a wheel or a bundle needs no rendering step.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"


def render(svg: Path = ICONS / "digitpad.svg", out: Path = ICONS) -> list[Path]:
    """Write digitpad-<N>.png for every size in SIZES next to the SVG; returns the paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = out / f"digitpad-{size}.png"
        if not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in render():
        print(path)
