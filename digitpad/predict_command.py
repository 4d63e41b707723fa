"""`digitpad predict`: the top classes of each image, or "not a digit" when the model declines.

Declining (core.decline): a model trained with non-digits carries its own rule; `--no-decline`
turns it off and `--decline-below P` replaces it by a max-probability threshold, for any model.
A blank image is "no ink", which is not the same as "not a digit".
With `--model` given more than once the models are compared side by side (compare_table.py).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from digitpad.core.errors import ImageError

DIGITS = [str(d) for d in range(10)]


def apply_decline_args(predictor: Any, args: argparse.Namespace) -> None:
    """Set the Predictor's decline rule from --no-decline / --decline-below (else its own)."""
    if getattr(args, "no_decline", False):
        predictor.set_decline(False)
    elif getattr(args, "decline_below", None) is not None:
        predictor.set_decline(below=args.decline_below)


def declined_words(class_names: list[str]) -> str:
    """What a declined answer is called: "not a digit" for a digit model, else (a threshold
    set on, say, a Fashion-MNIST model) "none of its classes"."""
    from digitpad.core.decline import NOT_A_DIGIT

    return NOT_A_DIGIT if list(class_names) == DIGITS else "none of its classes"


def load_predictor(path: Any) -> Any:
    """A Predictor for a digitpad model file, or for an exported .onnx file (onnxruntime)."""
    from digitpad.core.export.onnx_predictor import is_onnx, onnx_predictor
    from digitpad.core.predictor import Predictor

    return onnx_predictor(path) if is_onnx(path) else Predictor.from_file(path)


def run_predict(args: argparse.Namespace) -> int:
    """`digitpad predict`: top-k classes for each image; bad images reported one line each."""
    from digitpad.core.images import open_image
    from digitpad.core.model_library import resolve_model
    from digitpad.core.safe_text import json_safe, printable

    specs = args.model if isinstance(args.model, list) else [args.model]  # --model is repeatable
    if len(specs) > 1:
        from digitpad.compare_table import run_compare

        return run_compare(args, specs)
    predictor = load_predictor(resolve_model(specs[0]))  # refused unless it predicts
    apply_decline_args(predictor, args)
    declined_as = declined_words(predictor.class_names)
    results, failures = [], 0
    for image_path in args.images:
        try:
            prediction = predictor.predict(open_image(image_path))
        except ImageError as exc:
            failures += 1
            print(f"digitpad: error: {printable(exc, 2000)}", file=sys.stderr)
            results.append({"image": image_path, **_no_answer(), "no_ink": False,
                            "error": str(exc)})
            continue
        results.append(_result(image_path, prediction))
        if not args.json:
            print(f"{printable(image_path, 2000)}: {_line(prediction, args.top, declined_as)}")
    if args.json:
        print(json.dumps(json_safe(results), allow_nan=False))
    return 1 if failures else 0


def _no_answer() -> dict[str, Any]:
    return {"label": None, "not_a_digit": False, "best_guess": None, "confidence": 0.0,
            "probabilities": {}, "decline_score": None, "decline_reason": ""}


def _result(image_path: str, prediction: Any) -> dict[str, Any]:
    """One image's JSON object: label is None for no ink and for a declined image, whose
    best_guess and probabilities are still given."""
    return {
        "image": image_path, "label": prediction.label, "not_a_digit": prediction.not_a_digit,
        "best_guess": prediction.best_guess, "confidence": prediction.confidence,
        "probabilities": dict(zip(prediction.class_names, prediction.probabilities)),
        "decline_score": prediction.decline_score, "decline_reason": prediction.decline_reason,
        "no_ink": prediction.no_ink,
    }


def _line(prediction: Any, top: int, declined_as: str) -> str:
    """'4 97.1%, 9 1.2%, 7 0.4%', 'not a digit (best guess 4, 31%)' or the no-ink note."""
    from digitpad.core.safe_text import printable  # class names come from the model file

    if prediction.no_ink:
        return "no ink (the image looks blank)"
    if prediction.not_a_digit:
        return (f"{declined_as} (best guess {printable(prediction.best_guess)}, "
                f"{percent(prediction.confidence)})")
    return ", ".join(f"{printable(n)} {p:.1%}" for n, p in prediction.top(top))


def percent(p: float) -> str:
    """'31%'; from 99.5% on, tenths rounded down ('99.9%'), so a guess that was not sure enough
    never reads as '100%'."""
    return f"{p:.0%}" if p < 0.995 else f"{math.floor(p * 1000) / 10:.1f}%"
