"""The Fine-tune panel's sentences: how many samples there are and whether that is enough, where
a fine-tune is, and what it made. Plain functions of plain values (no Qt, no torch), so the
panel (finetune_panel.py) stays about its widgets."""

from __future__ import annotations

from pathlib import Path

from digitpad.core.personal.samples import DIGITS
from digitpad.core.records import Step
from digitpad.core.safe_text import printable
from digitpad.gui.train.train_progress import format_duration

MIN_OF_A_DIGIT = 2  # one to learn from and one held out to measure it on
NO_SAMPLES = ("No samples yet: draw some with Start (5 of each digit is a good start), then "
              "fine-tune on them here.")
TOO_FEW = (f"Draw at least {MIN_OF_A_DIGIT} of a digit to fine-tune: one is kept out to "
           "measure how much better it got.")
TRAINING_ELSEWHERE = ("The Train tab is training: fine-tune when it has finished (both would "
                      "share the same processor cores).")
NO_FOLDER = "Your handwriting folder cannot be used, so there is nothing to fine-tune on."


def _listed(digits: list[str]) -> str:
    """'4', '4 and 8', '4, 8 and 9'."""
    return digits[0] if len(digits) == 1 else f"{', '.join(digits[:-1])} and {digits[-1]}"


def describe_counts(counts: dict[str, int]) -> str:
    """'50 samples: 5 of each digit', '23 samples: 1 to 5 of each digit', '12 samples of 4
    digits (2 to 4 each); none yet of 0, 5, 6, 7, 8 and 9', or NO_SAMPLES."""
    total = sum(counts.get(d, 0) for d in DIGITS)
    if not total:
        return NO_SAMPLES
    had = [counts[d] for d in DIGITS if counts.get(d, 0)]
    missing = [d for d in DIGITS if not counts.get(d, 0)]
    low, high = min(had), max(had)
    each = f"{low}" if low == high else f"{low} to {high}"
    samples = f"{total} sample{'s' if total != 1 else ''}"
    if not missing:
        return f"{samples}: {each} of each digit"
    if len(had) == 1:
        only = next(d for d in DIGITS if counts.get(d, 0))
        return f"{samples}, all of the digit {only}"
    return f"{samples} of {len(had)} digits ({each} each); none yet of {_listed(missing)}"


def too_few(counts: dict[str, int]) -> str:
    """Why these samples cannot be fine-tuned on ('' when they can)."""
    if not sum(counts.values()):
        return NO_SAMPLES
    return "" if max(counts.values()) >= MIN_OF_A_DIGIT else TOO_FEW


def model_name(path: str) -> str:
    """The name a model file goes by in the library and the picker (its file name's stem), or
    the bundled model's when none is in use yet; made printable."""
    return printable(Path(path).stem if path else "digits", 80)


def step_line(step: Step, check: str) -> str:
    """'Step 60 of 150 · 0:04 left · your held-out samples: 90% right' while it trains."""
    parts = [f"Step {step.global_step:,} of {step.total_steps:,}"]
    if step.eta >= 0:
        parts.append(f"{format_duration(step.eta)} left")
    if check:
        parts.append(check)
    return " · ".join(parts)


def saved_line(saved: str, base: str) -> str:
    """Where the fine-tuned model went, and that the one it started from is still there."""
    return (f"Saved as “{model_name(saved)}” in your model library and put to use on the Draw "
            f"tab; “{model_name(base)}” is still there to go back to.")
