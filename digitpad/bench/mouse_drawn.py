"""Mouse-drawn accuracy: digits drawn through the real canvas widget with scripted mouse strokes.

Every digit's stroke templates (digit_strokes) are varied — size (25-90% of the canvas), position,
pen width (6-40), slant (±20°), rotation (±8°), aspect and a smooth hand wobble — and drawn on an
offscreen DrawingCanvas with real press / move / release QMouseEvents, as a person's mouse would;
what the canvas holds then goes through the model's own Predictor, exactly as in the app.
Not MNIST's test set: a check of what the app is for, and a source of failures to learn from.

    digitpad bench mouse [--model FILE] [--per-digit N] [--seed S] [--json] [--save-failures DIR]
"""

from __future__ import annotations

import math
import os
import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtWidgets import QApplication

from digitpad.bench import mouse_strokes
from digitpad.bench.digit_strokes import DIGITS, TEMPLATES, Stroke

PEN_WIDTHS = (6, 10, 14, 18, 24, 32, 40)  # brush sizes, paper units (the paper is 280 across)
MAX_PEN_RATIO = 0.25  # no pen wider than a quarter of the digit's height: a blob is no digit
PAPER_UNITS = 280
WIDGET_SIDE = 420  # the canvas's default size on screen, in widget pixels


@dataclass(frozen=True)
class Case:
    """One digit to draw: a template and how this hand varies it."""

    digit: str
    template: str
    size: float  # longer side of the digit, as a fraction of the canvas
    shift_x: float  # where the digit sits in the room left around it: -1 left edge .. 1 right
    shift_y: float
    pen: int  # brush size
    slant: float  # degrees; positive leans the top to the right
    rotation: float  # degrees, clockwise
    aspect: float  # width multiplier: < 1 narrow, > 1 wide
    wobble: float  # amplitude of the hand's smooth wobble, as a fraction of the digit
    seed: int

    def template_strokes(self) -> list[Stroke]:
        """The template's strokes as drawn in digit_strokes, before this hand varies them."""
        return dict(TEMPLATES[self.digit])[self.template]

    def strokes(self) -> list[Stroke]:
        """The strokes in canvas fractions (0..1 across the square drawing area)."""
        rng = random.Random(self.seed)
        shear, rot = math.tan(math.radians(self.slant)), math.radians(self.rotation)
        cos, sin = math.cos(rot), math.sin(rot)
        bent: list[Stroke] = []
        for stroke in self.template_strokes():
            out: Stroke = []
            for x, y in _wobbled(stroke, self.wobble, rng):
                u, v = (x - 0.5) * self.aspect, y - 0.5
                u -= shear * v  # y points down: the top (v < 0) moves right for a positive slant
                out.append((u * cos - v * sin, u * sin + v * cos))
            bent.append(out)
        xs = [p[0] for s in bent for p in s]
        ys = [p[1] for s in bent for p in s]
        margin = self.pen / PAPER_UNITS / 2 + 0.01  # the pen's radius plus a little
        extent = max(max(xs) - min(xs), max(ys) - min(ys))
        k = min(self.size, 1 - 2 * margin) / extent  # the whole digit stays on the paper
        room_x = max(0.0, 1 - 2 * margin - k * (max(xs) - min(xs)))
        room_y = max(0.0, 1 - 2 * margin - k * (max(ys) - min(ys)))
        left = margin + room_x * (self.shift_x + 1) / 2 - k * min(xs)
        top = margin + room_y * (self.shift_y + 1) / 2 - k * min(ys)
        return [[(left + k * u, top + k * v) for u, v in s] for s in bent]


def _wobbled(stroke: Stroke, amount: float, rng: random.Random) -> Stroke:
    """The stroke with a slow, smooth sideways drift, as a hand on a mouse makes."""
    waves = [(rng.uniform(0.5, 2.5), rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi))
             for _ in range(3)]
    out, s = [], 0.0
    for i, (x, y) in enumerate(stroke):
        if i:
            s += math.dist(stroke[i - 1], (x, y))
        dx = sum(math.sin(2 * math.pi * f * s + a) for f, a, _ in waves) / 3
        dy = sum(math.sin(2 * math.pi * f * s + b) for f, _, b in waves) / 3
        out.append((x + amount * dx, y + amount * dy))
    return out


def make_cases(per_digit: int = 30, seed: int = 0) -> list[Case]:
    """A deterministic list of `per_digit` cases for every digit; templates taken in turn."""
    rng = random.Random(seed)
    cases = []
    for digit in DIGITS:
        variants = TEMPLATES[digit]
        for i in range(per_digit):
            size = rng.uniform(0.25, 0.9)
            widest = max(PEN_WIDTHS[0], MAX_PEN_RATIO * size * PAPER_UNITS)
            cases.append(Case(
                digit=digit, template=variants[i % len(variants)][0], size=round(size, 3),
                shift_x=round(rng.uniform(-1, 1), 3), shift_y=round(rng.uniform(-1, 1), 3),
                pen=rng.choice([p for p in PEN_WIDTHS if p <= widest]),
                slant=round(rng.uniform(-20, 20), 1), rotation=round(rng.uniform(-8, 8), 1),
                aspect=round(math.exp(rng.uniform(math.log(0.7), math.log(1.3))), 3),
                wobble=round(rng.uniform(0, 0.02), 4), seed=rng.randrange(2**31)))
    return cases


# --- drawing with the mouse -----------------------------------------------------------------


def draw_case(canvas: Any, case: Case) -> None:
    """Set the brush, clear the canvas (a DrawingCanvas) and draw the case's strokes on it."""
    canvas.set_brush_size(case.pen)
    canvas.clear()
    for stroke in case.strokes():
        mouse_strokes.stroke(canvas, stroke, steps=1, whole_pixels=True)


def make_canvas() -> Any:
    """An offscreen-ready DrawingCanvas at its default on-screen size (a QApplication if none)."""
    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        make_canvas.app = QApplication([])  # type: ignore[attr-defined]  # kept alive
    from digitpad.gui.canvas.drawing_canvas import DrawingCanvas

    canvas = DrawingCanvas()
    canvas.resize(WIDGET_SIDE, WIDGET_SIDE)
    return canvas


# --- evaluation -----------------------------------------------------------------------------


def _bucket(case: Case) -> dict[str, str]:
    """The groups a case falls in, for accuracy by variation."""
    size = "small <45%" if case.size < 0.45 else "medium" if case.size < 0.7 else "large >=70%"
    pen = "thin <=10" if case.pen <= 10 else "medium" if case.pen <= 24 else "thick >=32"
    slant = ("left <-10°" if case.slant < -10 else "right >10°" if case.slant > 10
             else "upright")
    return {"template": f"{case.digit} {case.template}", "size": size, "pen": pen,
            "slant": slant}


def evaluate_mouse_drawn(model_path: str | os.PathLike, cases_per_digit: int = 30,
                         seed: int = 0) -> dict[str, Any]:
    """Draw every case on a real canvas and predict it with the model file's Predictor.

    Returns per-digit and overall accuracy, accuracy by variation group, confusion pairs
    (true, predicted, count; most frequent first) and the failing cases with the 28×28 view.
    """
    from digitpad.core.predictor import Predictor

    predictor = Predictor.from_file(model_path)
    canvas = make_canvas()
    per_digit: dict[str, list[int]] = {d: [0, 0] for d in DIGITS}  # [correct, total]
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    confusions: Counter[tuple[str, str]] = Counter()
    failures: list[dict[str, Any]] = []
    for case in make_cases(cases_per_digit, seed):
        draw_case(canvas, case)
        prediction = predictor.predict(canvas.to_array())
        label = prediction.label
        ok = label == case.digit
        per_digit[case.digit][0] += ok
        per_digit[case.digit][1] += 1
        for group, name in _bucket(case).items():
            groups[group][name][0] += ok
            groups[group][name][1] += 1
        if not ok:
            confusions[(case.digit, str(label))] += 1
            failures.append({"case": asdict(case), "predicted": label,
                             "confidence": prediction.confidence, "view": prediction.view})
    canvas.deleteLater()
    correct = sum(c for c, _ in per_digit.values())
    total = sum(n for _, n in per_digit.values())
    return {
        "model": str(model_path), "seed": seed, "cases": total,
        "accuracy": correct / total if total else 0.0,
        "per_digit": {d: {"correct": c, "total": n, "accuracy": c / n if n else 0.0}
                      for d, (c, n) in per_digit.items()},
        "by_group": {g: {k: {"correct": c, "total": n, "accuracy": c / n}
                         for k, (c, n) in sorted(v.items())} for g, v in groups.items()},
        "confusions": [(t, p, n) for (t, p), n in confusions.most_common()],
        "failures": failures,
    }


def save_failures(result: dict[str, Any], folder: str | os.PathLike, zoom: int = 4) -> Path:
    """Each failure's 28×28 view as a PNG (zoomed), and all of them on one sheet; the sheet."""
    from PIL import Image

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    views = []
    for i, f in enumerate(result["failures"]):
        c = f["case"]
        view = f["view"] if f["view"] is not None else np.zeros((28, 28), np.uint8)
        views.append(view)
        name = (f"{i:03d}-{c['digit']}-as-{f['predicted']}-{c['template']}-pen{c['pen']}"
                f"-size{round(100 * c['size'])}-slant{round(c['slant'])}.png")
        Image.fromarray(view).resize((28 * zoom, 28 * zoom), Image.Resampling.NEAREST).save(
            out / name)
    cols = 10
    sheet = Image.new("L", (cols * 30 * zoom, max(1, math.ceil(len(views) / cols)) * 30 * zoom),
                      80)
    for i, view in enumerate(views):
        tile = Image.fromarray(view).resize((28 * zoom, 28 * zoom), Image.Resampling.NEAREST)
        sheet.paste(tile, ((i % cols) * 30 * zoom + zoom, (i // cols) * 30 * zoom + zoom))
    sheet.save(out / "failures.png")
    return out / "failures.png"


def bench_mouse(model: str | None, per_digit: int, seed: int,
                save_failures_to: str | None = None) -> dict[str, Any]:
    """`digitpad bench mouse`: the result with plain values only (views dropped, or saved)."""
    from digitpad.core.model_library import resolve_model

    result = evaluate_mouse_drawn(resolve_model(model), per_digit, seed)
    if save_failures_to:
        result["failures_sheet"] = str(save_failures(result, save_failures_to))
    result["failures"] = [{k: v for k, v in f.items() if k != "view"}
                          for f in result["failures"]]
    return result


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """Rows for the bench table: per-digit accuracy, overall, commonest confusions."""
    rows = [("model", result["model"]), ("cases", f"{result['cases']} (seed {result['seed']})")]
    rows += [(f"digit {d}", f"{r['correct']}/{r['total']}  {r['accuracy']:.1%}")
             for d, r in result["per_digit"].items()]
    rows.append(("all digits", f"{result['accuracy']:.1%}"))
    pairs = ", ".join(f"{t}→{p} ×{n}" for t, p, n in result["confusions"][:8])
    rows.append(("confusions (true→predicted)", pairs or "none"))
    if result.get("failures_sheet"):
        rows.append(("failures", result["failures_sheet"]))
    return rows
