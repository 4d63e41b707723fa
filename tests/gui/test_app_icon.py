"""The app icon: on the window (and so the About box), and rendered from its one SVG."""

from __future__ import annotations

import importlib.util

from PIL import Image
from PySide6.QtCore import QSize

from tests.conftest import PROJECT_ROOT


def test_the_main_window_carries_the_icon_at_every_size(qtbot, tmp_path, monkeypatch):
    from digitpad.gui.main_window import MainWindow

    monkeypatch.setenv("DIGITPAD_MODEL_DIR", str(tmp_path))
    window = MainWindow()
    qtbot.addWidget(window)
    sizes = window.windowIcon().availableSizes()
    assert QSize(16, 16) in sizes and QSize(512, 512) in sizes
    window.shutdown()


def test_make_icons_renders_every_size_from_the_svg(qapp, tmp_path):
    script = PROJECT_ROOT / "packaging" / "linux" / "make_icons.py"
    spec = importlib.util.spec_from_file_location("make_icons", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.render(out=tmp_path)
    assert [p.name for p in written] == [f"digitpad-{s}.png" for s in module.SIZES]
    for path, size in zip(written, module.SIZES):
        with Image.open(path) as image:
            assert image.size == (size, size)
            assert image.getpixel((size // 2, size // 2))[3] == 255  # opaque in the middle
