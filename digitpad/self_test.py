"""`digitpad --self-test`: is this installation able to work? For users, packagers and CI.

Checks, in order: the bundled default model loads (safely) and reads a 7 drawn in memory; the
training stack imports (torchvision included) and takes a step; the Qt platform plugin the user
will get (on Linux: the one Qt picks from QT_QPA_PLATFORM, DISPLAY and WAYLAND_DISPLAY, xcb
where there is no display) can load every system library it links; the main window can be
created and shown (offscreen, so it needs no display); then prints the compute device found and
the versions. Exit status 0 when all pass, 1 with the reason otherwise.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from importlib import metadata

PACKAGES = ("digitpad", "torch", "torchvision", "PySide6-Essentials", "pyqtgraph", "numpy",
            "pillow")


def _drawn_seven():  # noqa: ANN202 - a PIL image; PIL is imported here to keep start-up light
    """A 7 as a person would draw it on the 280x280 canvas: two thick dark strokes on white."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (280, 280), 255)
    pen = ImageDraw.Draw(image)
    pen.line([(70, 62), (205, 62), (125, 222)], fill=0, width=20, joint="curve")
    return image


def check_model() -> str:
    from digitpad.core.model_library import resolve_model
    from digitpad.core.predictor import Predictor

    path = resolve_model(None)
    predictor = Predictor.from_file(path)
    prediction = predictor.predict(_drawn_seven())
    if prediction.label != "7":
        raise RuntimeError(f"the bundled model read a drawn 7 as {prediction.label!r}")
    return f"bundled model {path.name} reads a drawn 7 ({prediction.confidence:.0%})"


def check_explain() -> str:
    """Why this digit and the layers (Captum and its matplotlib must be in a bundle)."""
    from digitpad.core.explain.explain import explain
    from digitpad.core.model_library import resolve_model
    from digitpad.core.predictor import Predictor

    predictor = Predictor.from_file(resolve_model(None))
    image = _drawn_seven()
    found = explain(predictor, image, predictor.predict(image), layers=True)
    if found is None or found.attribution is None or not found.layers:
        raise RuntimeError("the drawn 7 could not be explained")
    return (f"why this digit ({found.attribution.target}, {found.attribution.seconds * 1000:.0f}"
            f" ms) and {len(found.layers)} layers")


def check_training() -> str:
    """The training stack imports (datasets use torchvision) and one digitnet step runs."""
    import torch
    import torchvision

    from digitpad.core import training  # noqa: F401 - what `digitpad train` and the GUI import
    from digitpad.core.models.registry import build_model

    model = build_model("digitnet", 10, 1, 28, {})
    loss = torch.nn.functional.cross_entropy(model(torch.rand(8, 1, 28, 28)),
                                             torch.randint(0, 10, (8,)))
    loss.backward()
    return f"a digitnet training step runs (torchvision {torchvision.__version__} loads)"


def check_platform() -> str:
    """The platform plugin the window will use loads: none of the libraries it links is missing."""
    if not sys.platform.startswith("linux"):
        return f"Qt uses its own native platform plugin on {sys.platform}"
    from digitpad.gui.platform_libraries import check_plugin, missing_message, platform_outcome

    outcome = platform_outcome()
    if outcome.failed and not outcome.used:
        raise RuntimeError(missing_message(outcome.failed))
    where = "the one the window gets here"
    used = outcome.used
    if used is None:  # no display here: check the plugin an X11 desktop session would load
        where = "the one an X11 desktop gets (there is no display here)"
        used = check_plugin("xcb")
        if used is None:
            raise RuntimeError("Qt's xcb platform plugin (libqxcb.so) is not installed")
        if used.missing:
            raise RuntimeError(missing_message([used]))
    found = f" finds the {used.found} libraries it links" if used.found else " loads"
    return f"Qt's {used.platform} platform plugin, {where},{found} ({used.plugin})"


def check_window() -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from digitpad.gui.main_window import MainWindow
    from digitpad.gui.workers.gui_thread_gc import collect_on_gui_thread

    app = QApplication.instance() or QApplication(sys.argv[:1])
    collect_on_gui_thread(app)
    window = MainWindow()
    window.show()
    app.processEvents()
    shown = window.isVisible()
    window.shutdown()
    window.close()
    if not shown:
        raise RuntimeError("the main window could not be shown")
    return f"main window shown on the Qt platform '{app.platformName()}'"


def describe_device() -> str:
    from digitpad.core.devices import describe_device as describe
    from digitpad.core.devices import resolve_device

    return describe(resolve_device("auto")[0])  # what training with device "auto" would use


def versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return f"Python {platform.python_version()}, " + ", ".join(found)


def run_self_test(out: Callable[[str], None] = print) -> int:
    """Run every check, reporting each as it goes; 0 when all pass."""
    failures = 0
    for name, check in (("model", check_model), ("explain", check_explain),
                        ("training", check_training),
                        ("platform", check_platform), ("window", check_window),
                        ("device", describe_device),
                        ("versions", versions)):
        began = time.perf_counter()
        try:
            detail = check()
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none escapes
            failures += 1
            out(f"FAIL  {name}: {type(exc).__name__}: {exc}")
        else:
            out(f"ok    {name}: {detail} [{time.perf_counter() - began:.1f} s]")
    out("self-test passed" if not failures else f"self-test FAILED ({failures} check(s))")
    return 1 if failures else 0
