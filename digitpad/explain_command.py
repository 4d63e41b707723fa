"""`digitpad explain IMAGE`: what the model answers, and which pixels made it answer that, as
files: the image with a translucent heat map over it, and the bare heat map in grey (brighter =
more evidence), both the size of the image as read (core.explain.attribution, overlay)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from digitpad.cli_args import add_decline_args, positive_int

HELP = ("Explain what a model answers for one image: prints its answer as 'digitpad predict' "
        "does and writes the image with a heat map over it (--out) and the bare heat map as a "
        "greyscale PNG (--heatmap; brighter = more evidence for the class), each the size of "
        "the image (images over 2048 px are read, and written, at 2048 px on their longer "
        "side). The evidence is Integrated Gradients (Captum) for the best guess, or for "
        "--target. With neither --out nor --heatmap the overlay goes to IMAGE-why.png in the "
        "current folder.")


def add_explain_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("--model", help="a model file or name (default: the bundled digits model)")
    p.add_argument("--out", metavar="PNG", help="write the image with the heat map over it here")
    p.add_argument("--heatmap", metavar="PNG", help="write the bare heat map (grey) here")
    p.add_argument("--target", metavar="CLASS",
                   help="explain this class instead of the best guess (e.g. 'why not 7?')")
    add_decline_args(p)
    p.add_argument("--threads", type=positive_int, help="torch threads (default: torch's)")


def run_explain(args: argparse.Namespace) -> int:
    """Predict, attribute, write the PNGs; a bad image, a blank one or an unknown --target is
    one line on stderr and exit code 1, with nothing written."""
    from digitpad.core.errors import ImageError
    from digitpad.core.images import open_image
    from digitpad.core.model_library import resolve_model
    from digitpad.core.predictor import Predictor
    from digitpad.core.safe_text import printable
    from digitpad.predict_command import _line, apply_decline_args, declined_words

    shown = printable(args.image, 2000)
    outputs = _targets(args)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    predictor = Predictor.from_file(resolve_model(args.model))
    apply_decline_args(predictor, args)
    if args.target is not None and args.target not in predictor.class_names:
        names = ", ".join(printable(n) for n in predictor.class_names)
        return _fail(f"--target {printable(args.target)} is not one of the model's classes "
                     f"({names}).")
    try:
        image = open_image(args.image)
    except ImageError as exc:
        return _fail(str(exc))
    prediction = predictor.predict(image)
    print(f"{shown}: {_line(prediction, 3, declined_words(predictor.class_names))}")
    if prediction.no_ink:
        return _fail(f"{shown}: nothing to explain (no ink); no file written.")
    from digitpad.core.explain.attribution import attribute
    from digitpad.core.explain.overlay import heat_map_image, overlay_image

    target = args.target if args.target is not None else prediction.best_guess
    why = attribute(predictor, image, target)
    print(f"evidence for {printable(target)}: {why.method}, {why.seconds * 1000:.0f} ms")
    size = f"{image.width}x{image.height}"
    for kind, path in outputs:
        picture = (overlay_image(image, why.source_heat) if kind == "overlay"
                   else heat_map_image(why.source_heat))
        save_png(picture, path)
        print(f"wrote the {kind} ({size}) to {printable(path, 2000)}")
    return 0


def _targets(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(kind, path) of each file to write; the default overlay's name when none is asked."""
    outputs = [(kind, Path(p)) for kind, p in (("overlay", args.out), ("heat map", args.heatmap))
               if p]
    if not outputs:
        outputs = [("overlay", Path(f"{Path(args.image).stem or 'image'}-why.png"))]
    if len(outputs) == 2 and os.path.abspath(outputs[0][1]) == os.path.abspath(outputs[1][1]):
        from digitpad.core.errors import DigitpadError

        raise DigitpadError("--out and --heatmap name the same file.")
    return outputs


def save_png(picture: Any, path: Path) -> None:
    """Write a PIL image as PNG atomically: a temporary file in the target's folder, flushed,
    then renamed over the target, so a full disk never leaves a half-written PNG."""
    from digitpad.core.atomic_save import atomic_write
    from digitpad.core.errors import DigitpadError
    from digitpad.core.safe_text import printable

    try:
        atomic_write(path, lambda handle: picture.save(handle, "PNG"))
    except OSError as exc:
        raise DigitpadError(f"Cannot write {printable(path, 2000)}: "
                            f"{exc.strerror or exc}.") from None


def _fail(message: str) -> int:
    from digitpad.core.safe_text import printable

    print(f"digitpad: error: {printable(message, 2000)}", file=sys.stderr)
    return 1
