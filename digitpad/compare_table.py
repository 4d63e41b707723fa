"""`digitpad predict --model A --model B IMAGE…`: several models on the same images, side by side.

Each image gets one row and each model one column: its answer and how sure it is ("7 99.1%"),
"not a digit (best guess 4, 31%)" when it declines, or "no ink"; a row where the models do not
give the same answer is marked. `--json` gives, per image, every model's answer (the keys of a
one-model `predict --json` object) and "agree". Every model is loaded before any image is read,
so a model that cannot be loaded stops the command with one line naming it. A model is what a
one-model predict takes: a file or library name, or an exported .onnx file (onnxruntime).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from digitpad.core.errors import ImageError

DISAGREE_MARK = "≠ disagree"
NO_INK = "no ink"


def answer_of(prediction: Any) -> str:
    """What a model answered, as compared between models: its label, "not a digit" (it declined)
    or "no ink" (nothing to recognise)."""
    from digitpad.core.decline import NOT_A_DIGIT

    if prediction.no_ink:
        return NO_INK
    return NOT_A_DIGIT if prediction.not_a_digit else str(prediction.label)


def column_names(specs: list[str | None], paths: list[Path]) -> list[str]:
    """A heading per model: the name given (a bundled or library name) or the file's stem;
    the same name twice is told apart by its place ("digits", "digits (2)")."""
    names: list[str] = []
    for spec, path in zip(specs, paths):
        base = spec if spec and Path(spec).suffix == "" and "/" not in spec else path.stem
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base} ({n})"
        names.append(name)
    return names


def run_compare(args: argparse.Namespace, specs: list[str | None]) -> int:
    """Load every model (or fail naming the one that cannot be), then one row per image."""
    from digitpad.core.images import open_image
    from digitpad.core.model_library import resolve_model
    from digitpad.core.safe_text import json_safe, printable
    from digitpad.predict_command import _result, apply_decline_args, declined_words, load_predictor

    paths = [resolve_model(spec) for spec in specs]
    # a .pt through Predictor.from_file, an exported .onnx through onnxruntime (predict's own
    # loader); an error names the file
    predictors = [load_predictor(path) for path in paths]
    for predictor in predictors:
        apply_decline_args(predictor, args)
    names = column_names(specs, paths)
    rows: list[list[str]] = []
    results: list[dict[str, Any]] = []
    failures = disagreements = 0
    for image_path in args.images:
        try:
            image = open_image(image_path)
        except ImageError as exc:
            failures += 1
            print(f"digitpad: error: {printable(exc, 2000)}", file=sys.stderr)
            results.append({"image": image_path, "models": [], "agree": None,
                            "error": str(exc)})
            rows.append([printable(image_path, 2000), *["(unreadable)"] * len(names), ""])
            continue
        predictions = [predictor.predict(image) for predictor in predictors]
        agree = len({answer_of(p) for p in predictions}) == 1
        disagreements += not agree
        models = []
        for name, path, prediction in zip(names, paths, predictions):
            entry = _result(image_path, prediction)
            del entry["image"]
            models.append({"model": name, "path": str(path), **entry})
        results.append({"image": image_path, "models": models, "agree": agree})
        rows.append([printable(image_path, 2000),
                     *(cell(p, declined_words(pr.class_names))
                       for p, pr in zip(predictions, predictors)),
                     "" if agree else DISAGREE_MARK])
    if args.json:
        print(json.dumps(json_safe(results), allow_nan=False))
    else:
        print(table(["image", *(printable(n, 200) for n in names), ""], rows))
        read = len(args.images) - failures
        print(f"The models disagree on {disagreements} of {read} image{'s' * (read != 1)}."
              if disagreements else
              f"The models agree on {'the image' if read == 1 else f'all {read} images'}."
              if read else "No image could be read.")
    return 1 if failures else 0


def cell(prediction: Any, declined_as: str) -> str:
    """One model's answer for one image: '7 99.1%', 'not a digit (best guess 4, 31%)' or
    'no ink'."""
    from digitpad.core.safe_text import printable  # class names come from the model file
    from digitpad.predict_command import percent

    if prediction.no_ink:
        return NO_INK
    if prediction.not_a_digit:
        return (f"{declined_as} (best guess {printable(prediction.best_guess)}, "
                f"{percent(prediction.confidence)})")
    return f"{printable(prediction.label)} {percent(prediction.confidence)}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """Left-aligned columns two spaces apart, a rule under the header; no trailing spaces."""
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    rule = "  ".join("-" * w for w in widths[:-1])
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
