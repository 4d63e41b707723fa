"""What an exported ONNX file says about itself (its metadata_props, all strings): everything a
program needs to use it with no digitpad at hand, and the reading back of it, checked, as a
digitpad model metadata dict (so Predictor's own code answers from it).

The graph's output is the model's raw outputs (logits, or log-probabilities for the MLP), all of
them, the extra "not a digit" output included. To turn them into what digitpad shows:
probabilities = softmax(outputs / temperature) (temperature 1 when absent); then, when
reject_index is set, the "not a digit" probability p = probabilities[reject_index] is removed and
the rest renormalised to sum to 1. The decline rule (if any) says when the answer is "not a
digit": score < threshold, with score "class" = 1 - p, "max_probability" = the largest of the
renormalised probabilities, "energy" = temperature * logsumexp(outputs / temperature).
"""

from __future__ import annotations

import json
import math
from typing import Any

from digitpad import __version__
from digitpad.core.decline import SCORES, reject_index
from digitpad.core.errors import CheckpointError

FORMAT = "digitpad-onnx"
FORMAT_VERSION = 1
INPUT_NAME, OUTPUT_NAME = "input", "logits"
HOW_TO_USE = (
    "Input: float32 N x C x H x W, pixels in [0, 1] as 'preprocess' describes, then (x - mean) / "
    "std per channel. Output: the model's raw outputs, one per name in output_names. "
    "Probabilities: softmax(outputs / temperature) (temperature 1 when absent); when "
    "reject_index is set, drop that output's probability (P(not a digit)) and renormalise the "
    "rest, which follow class_names. Decline (if 'decline' is set): 'not a digit' when score < "
    "threshold, score 'class' = 1 - P(not a digit), 'max_probability' = the top renormalised "
    "probability, 'energy' = temperature * logsumexp(outputs / temperature)."
)


def build_metadata(meta: dict[str, Any], source_sha256: str, source_name: str) -> dict[str, str]:
    """The metadata_props of an exported file, from the source model's validated metadata."""
    outputs = list(meta["class_names"])
    reject = reject_index(meta)
    classes = outputs if reject is None else outputs[:reject] + outputs[reject + 1:]
    props: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "how_to_use": HOW_TO_USE,
        "class_names": classes, "output_names": outputs,
        "mean": list(meta["mean"]), "std": list(meta["std"]),
        "input_size": meta["image_size"], "input_channels": meta["in_channels"],
        "preprocess": dict(meta["preprocess"]), "architecture": meta["architecture"],
        "dataset": meta.get("dataset", ""), "digitpad_version": __version__,
        "source_model": source_name, "source_sha256": source_sha256,
    }
    if reject is not None:
        props["reject_index"] = reject
    if meta.get("temperature") is not None:
        props["temperature"] = float(meta["temperature"])
    if isinstance(meta.get("decline"), dict):
        rule = meta["decline"]
        props["decline"] = {"score": rule["score"], "threshold": float(rule["threshold"])}
    return {k: v if isinstance(v, str) else json.dumps(v, allow_nan=False)
            for k, v in props.items()}


def read_metadata(props: dict[str, str], name: str) -> dict[str, Any]:
    """The metadata_props of an exported file as digitpad model metadata (class_names with the
    "not a digit" output in place, preprocess, mean, std, temperature, decline); a file that is
    not a digitpad export, or whose values do not make sense, is refused (CheckpointError)."""
    if props.get("format") != FORMAT:
        raise CheckpointError(f"{name} is not an ONNX file exported by digitpad (its metadata "
                              "has no digitpad format), so its preprocessing is unknown.")
    try:
        values = {k: json.loads(v) for k, v in props.items()
                  if k not in ("format", "how_to_use", "source_model", "source_sha256",
                               "architecture", "dataset", "digitpad_version")}
        meta = _checked(values)
    except (ValueError, TypeError, KeyError) as exc:
        raise CheckpointError(f"{name} has unusable digitpad metadata ({exc}).") from None
    meta["architecture"] = props.get("architecture", "onnx")
    meta["dataset"] = props.get("dataset", "")
    return meta


def _checked(v: dict[str, Any]) -> dict[str, Any]:
    if v.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"format_version {v.get('format_version')!r} is not {FORMAT_VERSION}")
    outputs = _strings(v["output_names"], "output_names")
    channels, size = _int(v["input_channels"], 1, 3), _int(v["input_size"], 8, 1024)
    prep = v["preprocess"]
    if not isinstance(prep, dict) or prep.get("mode") not in ("digit", "plain"):
        raise ValueError("preprocess.mode must be 'digit' or 'plain'")
    if _int(prep.get("size"), 8, 1024) != size or _int(prep.get("channels"), 1, 3) != channels:
        raise ValueError("preprocess size/channels differ from input_size/input_channels")
    if not isinstance(prep.get("dark_background", False), bool):
        raise ValueError("preprocess.dark_background must be true or false")
    mean, std = _floats(v["mean"], channels, "mean"), _floats(v["std"], channels, "std")
    if min(std) <= 0:
        raise ValueError("std must be positive")
    meta: dict[str, Any] = {"class_names": outputs, "in_channels": channels, "image_size": size,
                            "mean": mean, "std": std,
                            "preprocess": {"mode": prep["mode"], "size": size,
                                           "channels": channels,
                                           "dark_background": prep.get("dark_background", False)}}
    if v.get("temperature") is not None:
        t = v["temperature"]
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t < 1e3:
            raise ValueError("temperature must be a positive number")
        meta["temperature"] = float(t)
    if v.get("decline") is not None:
        rule = v["decline"]
        if (not isinstance(rule, dict) or rule.get("score") not in SCORES
                or _floats([rule.get("threshold")], 1, "decline.threshold") is None):
            raise ValueError("decline must be {score: one of " + ", ".join(SCORES)
                             + ", threshold: a number}")
        meta["decline"] = {"score": rule["score"], "threshold": float(rule["threshold"])}
    expected = len(outputs) - 1 if meta.get("decline", {}).get("score") == "class" else None
    if v.get("reject_index") != expected:
        raise ValueError("reject_index must be the last output exactly when the decline score "
                         "is 'class'")
    classes = _strings(v["class_names"], "class_names")
    if classes != [n for i, n in enumerate(outputs) if i != expected]:
        raise ValueError("class_names do not match output_names")
    return meta


def _strings(value: Any, what: str) -> list[str]:
    if (not isinstance(value, list) or not 1 <= len(value) <= 100_000
            or not all(isinstance(s, str) and 0 < len(s) <= 500 for s in value)):
        raise ValueError(f"{what} must be a list of names")
    return value


def _int(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{value!r} is not a whole number from {low} to {high}")
    return value


def _floats(value: Any, n: int, what: str) -> list[float]:
    if (not isinstance(value, list) or len(value) != n
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                       and math.isfinite(x) for x in value)):
        raise ValueError(f"{what} must be {n} finite number(s)")
    return [float(x) for x in value]
