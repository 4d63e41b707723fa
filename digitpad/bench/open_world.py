"""Open-world accuracy: digits and non-digits drawn with the mouse, and how each model declines.

The digits are `bench mouse`'s cases. The non-digits are drawn the same way, on the same offscreen
DrawingCanvas with real mouse events and the same hand's variation (size, position, pen, slant,
rotation, aspect, wobble):
  seen      the stroke templates the not-a-digit generator trains on (core.not_digit_strokes)
  held-out  letters, symbols, shapes and random scribbles training never sees (held_out_strokes)
and, scored directly as 28x28 images (no canvas), generated non-digits from core.not_digits with
a seed training does not use. Every drawing goes through each model's own Predictor, as in the
app, with the model's own decline rule (a model without one never declines).

Per model: mouse digits read correctly (a decline counts as wrong), digits declined, the share of
each set of non-digits declined, the AUROC of the decline score (max probability for a model with
no rule) between mouse digits and mouse non-digits, and the expected calibration error (15 bins)
of the calibrated probabilities, on the MNIST test set when the data folder has MNIST (with the
test accuracy, declines counted as wrong), else on the mouse digits.

    digitpad bench open-world [--model M ...] [--per-digit N] [--per-kind N] [--generated N]
                              [--seed S] [--data-dir DIR] [--json] [--save-failures DIR]
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.bench import held_out_strokes
from digitpad.bench.digit_strokes import DIGITS, Stroke, line
from digitpad.bench.mouse_drawn import (
    MAX_PEN_RATIO,
    PAPER_UNITS,
    PEN_WIDTHS,
    Case,
    draw_case,
    make_canvas,
    make_cases,
)
from digitpad.bench.open_world_scores import ModelScores, check_digit_model, mnist_test

GENERATED_SEED = 12345  # plus --seed: not the seed (nor seed + 1) `digitpad train` uses
SCRIBBLES_PER_KIND = 5  # random scribbles drawn per --per-kind (they vary far more than a letter)
SEEN, HELD_OUT = "seen", "held-out"


@dataclass(frozen=True)
class Shape(Case):
    """A non-digit drawn as bench mouse draws a digit: `digit` holds its set (SEEN or HELD_OUT),
    `template` its name and `lines` its strokes in a unit box."""

    lines: tuple[tuple[tuple[float, float], ...], ...] = field(default=(), repr=False)

    def template_strokes(self) -> list[Stroke]:
        return [list(stroke) for stroke in self.lines]


def seen_templates() -> dict[str, list[Stroke]]:
    """The generator's own stroke templates, sampled densely as a mouse reports a drag."""
    from digitpad.core.not_digit_strokes import TEMPLATES

    return {name: [line(*polyline) for polyline in polylines]
            for name, polylines in TEMPLATES.items()}


def make_shapes(per_kind: int = 5, seed: int = 0) -> list[Shape]:
    """`per_kind` varied cases of every seen and held-out template, and SCRIBBLES_PER_KIND times
    as many random scribbles; deterministic for a seed."""
    rng = random.Random(f"open-world {seed}")
    shapes = []
    sets = ((SEEN, seen_templates()), (HELD_OUT, held_out_strokes.TEMPLATES))
    for kind, templates in sets:
        for name, strokes in templates.items():
            shapes += [_varied(rng, kind, name, strokes) for _ in range(per_kind)]
    for _ in range(per_kind * SCRIBBLES_PER_KIND):
        strokes = held_out_strokes.scribble(rng.randrange(2**31))
        shapes.append(_varied(rng, HELD_OUT, held_out_strokes.SCRIBBLE, strokes))
    return shapes


def _varied(rng: random.Random, kind: str, name: str, strokes: list[Stroke]) -> Shape:
    """The template with a hand's variation, drawn from the ranges make_cases uses."""
    size = rng.uniform(0.25, 0.9)
    widest = max(PEN_WIDTHS[0], MAX_PEN_RATIO * size * PAPER_UNITS)
    return Shape(
        digit=kind, template=name, size=round(size, 3), shift_x=round(rng.uniform(-1, 1), 3),
        shift_y=round(rng.uniform(-1, 1), 3),
        pen=rng.choice([p for p in PEN_WIDTHS if p <= widest]),
        slant=round(rng.uniform(-20, 20), 1), rotation=round(rng.uniform(-8, 8), 1),
        aspect=round(math.exp(rng.uniform(math.log(0.7), math.log(1.3))), 3),
        wobble=round(rng.uniform(0, 0.02), 4), seed=rng.randrange(2**31),
        lines=tuple(tuple(stroke) for stroke in strokes))


def evaluate_open_world(model_paths: list[Path], per_digit: int = 50, per_kind: int = 5,
                        generated: int = 1000, seed: int = 0,
                        data_dir: Path | None = None) -> dict[str, Any]:
    """Draw every digit and non-digit once and score it with each model; one row per model,
    plus the failures (declined digits, accepted non-digits) with what the model saw."""
    from digitpad.core.not_digits import generate
    from digitpad.core.predictor import Predictor

    predictors = [Predictor.from_file(path) for path in model_paths]
    for predictor, path in zip(predictors, model_paths):
        check_digit_model(predictor, path)
    tallies = [ModelScores(predictor) for predictor in predictors]
    canvas = make_canvas()
    cases: list[Case] = [*make_cases(per_digit, seed), *make_shapes(per_kind, seed)]
    for case in cases:
        draw_case(canvas, case)
        image = canvas.to_array()
        for tally in tallies:
            tally.add(case, tally.predictor.predict(image))
    canvas.deleteLater()
    folder = data_dir if data_dir is not None and data_dir.is_dir() else None
    others = generate(generated, GENERATED_SEED + seed, data_dir=folder)
    tests, mnist_note = mnist_test(data_dir, predictors)
    rows, failures = [], []
    for tally in tallies:
        tally.add_generated(others)
        rows.append(tally.row(tests.get(id(tally.predictor))))
        failures.append(tally.failures)
    notes = list(others.recipe.get("notices", []))
    if mnist_note:
        notes.append(mnist_note)
    for tally in tallies:
        trained = (tally.predictor.meta.get("not_digits") or {}).get("seed")
        if trained is not None and GENERATED_SEED + seed in (trained, trained + 1):
            notes.append(f"{tally.name} was trained on non-digits of seed {trained}: its "
                         "'generated' column is not held out; pick another --seed")
    held_out = sum(1 for c in cases if c.digit == HELD_OUT)
    return {
        "seed": seed, "generated_seed": GENERATED_SEED + seed,
        "digits": sum(1 for c in cases if c.digit in DIGITS),
        "seen_templates": len(seen_templates()), "seen": sum(1 for c in cases if c.digit == SEEN),
        "held_out_templates": len(held_out_strokes.TEMPLATES), "held_out": held_out,
        "generated": len(others.images), "generated_kinds": others.recipe["kinds"],
        "ece_on": "MNIST test" if len(tests) == len(tallies) else "mouse digits",
        "rows": rows, "notes": notes, "failures": failures,
    }


def save_failures(result: dict[str, Any], folder: str | os.PathLike, zoom: int = 4) -> Path:
    """The 28x28 view of every declined digit and accepted non-digit as a PNG (zoomed), one
    folder per model (numbered: model file names are not trusted as folder names)."""
    from PIL import Image

    from digitpad.core.safe_text import printable

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "models.txt").write_text("".join(
        f"model-{number}: {printable(row['model'])}\n"
        for number, row in enumerate(result["rows"], 1)), encoding="utf-8")
    for number, failures in enumerate(result["failures"], 1):
        where = out / f"model-{number}"
        where.mkdir(parents=True, exist_ok=True)
        for i, failure in enumerate(failures):
            view = failure.pop("view")
            if view is None:
                view = np.zeros((28, 28), np.uint8)
            Image.fromarray(view).resize((28 * zoom, 28 * zoom), Image.Resampling.NEAREST).save(
                where / f"{i:03d}-{failure['file']}.png")
    return out


def bench_open_world(models: list[str] | None, per_digit: int, per_kind: int, generated: int,
                     seed: int, data_dir: str | None,
                     save_failures_to: str | None = None) -> dict[str, Any]:
    """`digitpad bench open-world`: plain values only (the failures saved as PNGs if asked)."""
    import torch

    from digitpad.core.model_library import resolve_model
    from digitpad.core.paths import data_dir as data_folder
    from digitpad.core.safe_text import json_safe

    if save_failures_to:  # before the run: a bad folder must not cost the results
        save_failures_to = str(_failures_folder(save_failures_to))
    paths = list(dict.fromkeys(resolve_model(m) for m in (models or [None])))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one image at a time: one thread is fastest, and steady when busy
    try:
        result = evaluate_open_world(paths, per_digit, per_kind, generated, seed,
                                     data_folder(data_dir))
    finally:
        torch.set_num_threads(threads)
    if save_failures_to:
        result["failures_folder"] = str(save_failures(result, save_failures_to))
    del result["failures"]  # thousands for a model that never declines: PNGs, not JSON
    return json_safe(result)


def _failures_folder(path: str) -> Path:
    """The --save-failures folder, made now; DigitpadError if it is a file."""
    from digitpad.core.errors import DigitpadError
    from digitpad.core.paths import expand_user
    from digitpad.core.safe_text import printable

    folder = expand_user(path, "The --save-failures folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise DigitpadError(f"Cannot save failures in {printable(folder)}: it or a folder "
                            "above it is a file; pass a folder.") from None
    return folder


COLUMNS = (  # (heading, row field, format)
    ("declines by", "decline_score", "{}"), ("digits ok", "digits_correct", "{:.1%}"),
    ("digits declined", "digits_declined", "{:.1%}"),
    ("seen declined", "not_digits_declined_seen", "{:.1%}"),
    ("held-out declined", "not_digits_declined_held_out", "{:.1%}"),
    ("generated declined", "not_digits_declined_generated", "{:.1%}"),
    ("AUROC", "auroc", "{:.4f}"), ("MNIST test ok", "mnist_test_accuracy", "{:.2%}"),
    ("ECE", "ece", "{:.2%}"),
)


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The settings, then one line per model under a heading line, then notes."""
    from digitpad.core.safe_text import printable

    rows = [("cases", f"{result['digits']} mouse digits, {result['seen']} seen-template and "
             f"{result['held_out']} held-out mouse non-digits ({result['held_out_templates']} "
             f"templates and scribbles), {result['generated']} generated (seed "
             f"{result['generated_seed']}); seed {result['seed']}"),
            ("ECE on", result["ece_on"])]
    cells = [[_cell(row.get(key), form) for _, key, form in COLUMNS] for row in result["rows"]]
    widths = [max(len(heading), *(len(c[i]) for c in cells)) for i, (heading, _, _)
              in enumerate(COLUMNS)]
    rows.append(("model", "  ".join(h.rjust(w) for (h, _, _), w in zip(COLUMNS, widths))))
    for row, line_cells in zip(result["rows"], cells):
        rows.append((printable(row["name"], 40),
                     "  ".join(c.rjust(w) for c, w in zip(line_cells, widths))))
    for row in result["rows"]:
        worst = sorted(row["held_out_by_template"].items(), key=lambda kv: kv[1])[:5]
        if row["can_decline"]:
            rows.append((f"least declined ({printable(row['name'], 30)})",
                         ", ".join(f"{name} {share:.0%}" for name, share in worst)))
    rows += [("note", printable(note, 300)) for note in result["notes"]]
    if result.get("failures_folder"):
        rows.append(("failures", printable(result["failures_folder"])))
    return rows


def _cell(value: Any, form: str) -> str:
    if value is None:
        return "never" if form == "{}" else "-"
    return form.format(value)

