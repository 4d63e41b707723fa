"""Argument types of the `digitpad` command (numbers checked as argparse reads them) and the
data arguments train and eval share."""

from __future__ import annotations

import argparse
import math
from decimal import Decimal


def key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {_quoted(text)}")
    return key.strip(), value.strip()


def finite_float(text: str) -> float:
    """A number other than NaN or infinity (float() accepts 'nan' and 'inf')."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, not {_quoted(text)}")
    return value


def positive_float(text: str) -> float:
    value = finite_float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {_quoted(text)}")
    return value


def _quoted(text: str) -> str:
    from digitpad.core.safe_text import printable

    return printable(repr(text), 80)


def _whole_number(text: str, minimum: int, maximum: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:  # also past Python's 4300-digit limit
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is not a whole number") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {_quoted(text)}")
    if maximum is not None and value > maximum:
        raise argparse.ArgumentTypeError(f"must be at most {maximum}, not {_quoted(text)}")
    return value


def seed(text: str) -> int:
    return _whole_number(text, 0, 2**64 - 1)  # torch's generators take 64 bits


def positive_int(text: str) -> int:
    return _whole_number(text, 1)


def fraction(text: str) -> float:
    value = positive_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be at most 1 (0.99 means 99%), not {text}")
    return value


def count(text: str) -> int:
    return _whole_number(text, 0)


def add_data_args(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument(
        "--dataset", required=required,
        help="mnist, fashion-mnist, a folder of IDX files, or a class-per-folder image dataset"
        + ("" if required else " (default: mnist)"),
    )
    p.add_argument(
        "--data-dir", help="where datasets are looked for and downloaded "
        "(default: $DIGITPAD_DATA_DIR, else the per-user data folder)",
    )
    p.add_argument("--limit", type=positive_int, help="use at most this many images (quick runs)")


def decline_threshold(text: str) -> float:
    """A probability strictly between 0 and 1, as 0.9 or as a percentage, 90%."""
    stripped = text.strip()
    percent = stripped.endswith("%")
    try:  # Decimal, so that 99.9% is exactly the float 0.999 (99.9 / 100 is 0.9990000000000001)
        number = Decimal(stripped[:-1] if percent else stripped)
        value = float(number / 100 if percent else number)
    except (ArithmeticError, ValueError):  # decimal.InvalidOperation is an ArithmeticError
        value = math.nan
    if not percent and 1 < value < 100:  # a percentage without its sign: say how to write it
        raise argparse.ArgumentTypeError(
            f"must be a probability between 0 and 1, not {_quoted(text)}: for {value:g} percent "
            f"write {value / 100:g} or {value:g}%")
    if not (math.isfinite(value) and 0 < value < 1):
        raise argparse.ArgumentTypeError(
            f"expected a probability between 0 and 1 (e.g. 0.9) or a percentage between 0% and "
            f"100% (e.g. 90%), not {_quoted(text)}")
    return value


def add_decline_args(p: argparse.ArgumentParser) -> None:
    """--no-decline and --decline-below, shared by predict and eval (core.decline)."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("--no-decline", action="store_true",
                       help="never answer 'not a digit': always give the best guess")
    group.add_argument("--decline-below", type=decline_threshold, metavar="P",
                       help="answer 'not a digit' when the best guess's probability is below P "
                       "(0.9 or 90%%), for any model, in place of the model's own rule")
