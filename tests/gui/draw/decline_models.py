"""Model files and drawings for the "not a digit" tests (issue 14).

The model files are the bundled digit model with its metadata edited, so they load in a moment
and answer deterministically: a `decline` block makes a model that declines by its own rule, no
block one that never declines by itself, and the largest temperature a file may carry makes one
that is never sure (its best guess stays the same class, with under 50%: the bundled model's 1
gets about 17%), so its own threshold of 0.999, or any View-menu threshold, declines whatever
is drawn (the bundled model itself is 99.98% sure of a drawn 1, and of a W as a 4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import torch
from PySide6.QtCore import QSettings

from digitpad.bench.digit_strokes import TEMPLATES as DIGIT_TEMPLATES
from digitpad.core.model_meta import MAX_TEMPERATURE
from digitpad.core.not_digit_strokes import TEMPLATES as NOT_DIGIT_TEMPLATES
from tests.conftest import PROJECT_ROOT
from tests.gui.helpers import open_main_window, stroke

BUNDLED = PROJECT_ROOT / "resources" / "models" / "digits.pt"
DECLINE_ALL = {"score": "max_probability", "threshold": 0.999}


def _real_classes_only(payload: dict[str, Any]) -> None:
    """A model with an extra "not a digit" output (decline score "class") without it: the last
    row of its output layer (the last weight and bias with one row per class) and its name go,
    so the file is a plain ten-class model whatever the bundled one is."""
    meta = payload["meta"]
    if (meta.get("decline") or {}).get("score") != "class":
        return
    n = len(meta["class_names"])
    state = payload["state_dict"]
    outputs = [k for k, v in state.items() if k.endswith(".weight") and v.ndim == 2
               and v.shape[0] == n]
    weight = outputs[-1]
    bias = weight[: -len("weight")] + "bias"
    state[weight] = state[weight][:-1].clone()
    if bias in state:
        state[bias] = state[bias][:-1].clone()
    meta["class_names"] = meta["class_names"][:-1]


def digit_model(dst: Path, decline: dict[str, Any] | None = None, unsure: bool = False) -> Path:
    """The bundled digit model saved to `dst`, declining by `decline` (None: never by itself);
    `unsure` divides its outputs by the largest temperature a file may carry."""
    payload = torch.load(BUNDLED, weights_only=True)
    _real_classes_only(payload)
    meta = payload["meta"]
    meta.pop("decline", None)
    if decline is not None:
        meta["decline"] = dict(decline)
    if unsure:
        meta["temperature"] = MAX_TEMPERATURE
    dst.parent.mkdir(parents=True, exist_ok=True)
    torch.save(payload, dst)
    return dst


def fitted(strokes: Sequence[Sequence[tuple[float, float]]], size: float = 0.7
           ) -> list[list[tuple[float, float]]]:
    """Strokes drawn in a unit box, scaled (aspect kept) so the longer side is `size` of the
    canvas, and centred on it."""
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    extent = max(max(xs) - min(xs), max(ys) - min(ys))
    k = size / extent
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [[(0.5 + k * (x - cx), 0.5 + k * (y - cy)) for x, y in s] for s in strokes]


def draw(canvas: Any, strokes: Sequence[Sequence[tuple[float, float]]]) -> None:
    """Draw `strokes` (unit box) on the canvas with real mouse presses, drags and releases."""
    for points in fitted(strokes):
        steps = max(1, math.ceil(12 / max(1, len(points))))  # a long polyline is dense already
        stroke(canvas, points, steps=steps)


def draw_w(canvas: Any) -> None:
    """A W, as the not-a-digit generator's template draws it."""
    draw(canvas, NOT_DIGIT_TEMPLATES["W"])


def draw_7(canvas: Any) -> None:
    """A plain 7, as `digitpad bench mouse` draws it."""
    draw(canvas, dict(DIGIT_TEMPLATES["7"])["plain"])


# --- the window ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_train_choices(monkeypatch):  # noqa: ANN001, ANN201
    """The Train tab's choices are not needed here (and would keep the CPU busy)."""
    from digitpad.gui.train.train_tab import TrainTab

    monkeypatch.setattr(TrainTab, "load_choices", lambda self: None)


def settled(window) -> bool:  # noqa: ANN001
    """The tab shows the answer to the newest drawing (not one still on its way)."""
    return window.draw_tab._latest_shown >= window.service._requests


def wait_text(window, qtbot, want) -> None:  # noqa: ANN001
    """Wait until the newest drawing's answer is shown and the big label reads `want` (a text,
    or a test of the text)."""
    check = want if callable(want) else (lambda text: text == want)
    label = window.draw_tab.label
    qtbot.waitUntil(lambda: settled(window) and check(label.text()), timeout=15_000)


def open_with(qtbot, library, monkeypatch, model):  # noqa: ANN001, ANN201
    """The main window as the app starts it with `model` remembered as the last one used."""
    QSettings().setValue("model", str(model))
    window = open_main_window(qtbot, library, monkeypatch)
    assert window.draw_tab.model_path == str(model)
    return window
