"""Fine-tuning on a person's handwriting, measured: simulated writers the bundled model misreads.

For each simulated writer (writers.py: ordinary digits plus a quirk or two the model misreads,
in a consistent hand), `--per-digit` drawings of every digit are drawn on the real DrawingCanvas
with mouse events and saved as the app keeps a person's samples (what the canvas holds, uint8
grey PNGs in `<digit>/<n>.png`); `--unseen` other drawings per digit, by the same hand, are drawn
for the test. The app's fine-tune (core.personal.finetune, every sample trained on) runs from the
base model, and the unseen drawings are read by the base and by the fine-tuned model with the
Predictor, as the Draw tab reads them (a declined digit counts as wrong). The fine-tune's time is
the wall time from its start to its Finished record (loading, the MNIST scoring before and after
and the steps: what a person waits for); its own training time is reported too.

    digitpad bench personal [--model FILE] [--writers N] [--per-digit 5] [--unseen 20]
                            [--seed S] [--data-dir DIR] [--json] [--threads N]
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.bench.mouse_drawn import draw_case, make_canvas
from digitpad.bench.writers import QUIRKS, WRITERS, Writer, WriterCase

TARGET_UNSEEN = 0.97  # every writer's unseen drawings read after fine-tuning
TARGET_MNIST_DROP = 0.003  # MNIST test accuracy lost, at most (0.3 points)
TARGET_SECONDS = 20.0  # a fine-tune on TARGET_SAMPLES samples, at most
TARGET_SAMPLES = 50

FineTune = Callable[[Any], Iterable[Any]]  # core.personal.finetune.fine_tune's shape


def check_mnist(data_dir: Path) -> None:
    """DigitpadError, one line, unless `data_dir` holds MNIST (the fine-tune's replay and the
    before/after test); checked before anything is drawn. Never downloads."""
    from digitpad.core.errors import DigitpadError
    from digitpad.core.idx import IDX_NAMES, find_idx
    from digitpad.core.safe_text import printable

    for folder in (data_dir / "mnist", data_dir / "MNIST" / "raw"):
        if folder.is_dir() and all(find_idx(folder, name) is not None for name in IDX_NAMES):
            return
    raise DigitpadError(f"MNIST was not found in {printable(data_dir)} (bench personal needs it "
                        "for the fine-tune's replay and the MNIST test); pass --data-dir a "
                        "folder with mnist/ in it.")


def check_digit_model(predictor: Any, path: Path) -> None:
    """DigitpadError, one line, before anything is drawn, unless the model reads the ten digits
    from drawings (what the fine-tune starts from)."""
    from digitpad.bench.digit_strokes import DIGITS
    from digitpad.core.errors import DigitpadError
    from digitpad.core.safe_text import printable

    if predictor.class_names != list(DIGITS) or predictor.meta["preprocess"].get(
            "mode") != "digit":
        raise DigitpadError(f"{printable(path.name)} is not a model of the ten digits (0 … 9) "
                            "prepared as drawings are; bench personal fine-tunes a digit model.")


def draw(canvas: Any, cases: list[WriterCase]) -> list[np.ndarray]:
    """Each case drawn on the canvas with mouse events: what the canvas holds then."""
    images = []
    for case in cases:
        draw_case(canvas, case)
        images.append(canvas.to_array())
    return images


def save_samples(folder: Path, cases: list[WriterCase], images: list[np.ndarray]) -> int:
    """The drawings as a person's samples: `<digit>/<n>.png`, uint8 grey as the canvas holds
    them; how many."""
    from PIL import Image

    numbers: dict[str, int] = {}
    for case, image in zip(cases, images):
        n = numbers[case.digit] = numbers.get(case.digit, 0) + 1
        (folder / case.digit).mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(folder / case.digit / f"{n}.png")  # uint8 (H, W): grey
    return len(images)


def read(predictor: Any, cases: list[WriterCase], images: list[np.ndarray]) -> dict[str, Any]:
    """The share read right (declined: wrong), per digit too, and what each digit was read as."""
    with _one_thread():
        labels = [predictor.predict(image).label for image in images]
    per_digit: dict[str, list[int]] = {}
    read_as: dict[str, dict[str, int]] = {}
    for case, label in zip(cases, labels):
        tally = per_digit.setdefault(case.digit, [0, 0])
        tally[0] += label == case.digit
        tally[1] += 1
        seen = read_as.setdefault(case.digit, {})
        seen[str(label)] = seen.get(str(label), 0) + 1
    right = sum(c for c, _ in per_digit.values())
    return {"accuracy": right / max(1, len(cases)),
            "per_digit": {d: c / n for d, (c, n) in per_digit.items()}, "read_as": read_as}


@contextmanager
def _one_thread() -> Iterator[None]:
    """One image at a time: one torch thread is fastest, and steady when the machine is busy."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def run_fine_tune(fine_tune: FineTune, config: Any) -> tuple[Any, float, dict[str, float]]:
    """Every record of the fine-tune up to its Finished, the seconds that took, and where they
    went: before its first step (samples, MNIST, scoring the base), the steps (with the checks
    between chunks), after its last chunk (scoring the fine-tuned model)."""
    from digitpad.core.errors import DigitpadError
    from digitpad.core.records import EpochEnd, Finished, Started

    start = time.perf_counter()
    finished, started, last_chunk = None, None, None
    for record in fine_tune(config):
        if isinstance(record, Started):
            started = time.perf_counter()
        elif isinstance(record, EpochEnd):
            last_chunk = time.perf_counter()
        elif isinstance(record, Finished):
            finished = record
    end = time.perf_counter()
    if finished is None or finished.reason != "completed" or finished.model is None:
        why = finished.message if finished is not None else "it gave no result"
        raise DigitpadError(f"The fine-tune did not complete: {why}")
    started = start if started is None else started
    last_chunk = end if last_chunk is None else last_chunk
    phases = {"before_steps": started - start, "steps": last_chunk - started,
              "after_steps": end - last_chunk}
    return finished, end - start, phases


def bench_writer(writer: Writer, base: Any, base_path: Path, canvas: Any, per_digit: int,
                 unseen: int, seed: int, data_dir: Path, threads: int | None,
                 fine_tune: FineTune | None = None) -> dict[str, Any]:
    """One writer: draw, save, fine-tune, read the unseen drawings before and after."""
    from digitpad.core.checkpoint import save_checkpoint
    from digitpad.core.predictor import Predictor

    if fine_tune is None:
        from digitpad.core.personal.finetune import fine_tune
    from digitpad.core.personal.finetune_config import FineTuneConfig

    train_cases = writer.cases(per_digit, "train", seed)
    test_cases = writer.cases(unseen, "unseen", seed)
    test_images = draw(canvas, test_cases)
    before = read(base, test_cases, test_images)
    with tempfile.TemporaryDirectory(prefix="digitpad-bench-personal-") as tmp:
        folder = Path(tmp) / "samples"
        samples = save_samples(folder, train_cases, draw(canvas, train_cases))
        config = FineTuneConfig(samples=str(folder), base=str(base_path), data_dir=str(data_dir),
                                held_out=0.0, seed=seed, threads=threads)
        finished, seconds, phases = run_fine_tune(fine_tune, config)
        model_file = save_checkpoint(Path(tmp) / "fine-tuned.pt", finished.model, finished.meta)
        after = read(Predictor.from_file(model_file), test_cases, test_images)
    metrics = finished.metrics
    quirky = writer.quirky_digits()
    return {
        "name": writer.name, "quirks": list(writer.quirks),
        "unseen_before": before["accuracy"], "unseen_after": after["accuracy"],
        "mnist_before": metrics.get("mnist_before"), "mnist_after": metrics.get("mnist_after"),
        "finetune_seconds": seconds, "train_seconds": metrics.get("train_seconds"),
        "finetune_phases": phases,
        "samples": samples, "unseen": len(test_cases),
        "quirky_digits": {d: {"before": before["per_digit"][d], "after": after["per_digit"][d],
                              "read_as_before": before["read_as"][d],
                              "read_as_after": after["read_as"][d]} for d in quirky},
        "others_before": _others(before, quirky), "others_after": _others(after, quirky),
    }


def _others(read_out: dict[str, Any], quirky: tuple[str, ...]) -> float:
    """The mean accuracy on the digits the writer writes the ordinary way."""
    rest = [a for d, a in read_out["per_digit"].items() if d not in quirky]
    return sum(rest) / max(1, len(rest))


def targets(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each target with the worst writer's figure and whether it is met."""
    worst_after = min(rows, key=lambda r: r["unseen_after"])
    drops = [(r["mnist_before"] - r["mnist_after"], r) for r in rows
             if r["mnist_before"] is not None and r["mnist_after"] is not None]
    worst_drop = max(drops, key=lambda d: d[0]) if drops else None
    timed = [r for r in rows if r["samples"] == TARGET_SAMPLES]
    slowest = max(timed, key=lambda r: r["finetune_seconds"]) if timed else None
    return {
        "unseen_after": {"target": TARGET_UNSEEN, "worst": worst_after["unseen_after"],
                         "writer": worst_after["name"],
                         "met": worst_after["unseen_after"] >= TARGET_UNSEEN},
        "mnist_drop": {"target": TARGET_MNIST_DROP,
                       "worst": worst_drop[0] if worst_drop else None,
                       "writer": worst_drop[1]["name"] if worst_drop else None,
                       "met": worst_drop[0] <= TARGET_MNIST_DROP + 1e-12 if worst_drop else None},
        "finetune_seconds": {"target": TARGET_SECONDS, "samples": TARGET_SAMPLES,
                             "worst": slowest["finetune_seconds"] if slowest else None,
                             "writer": slowest["name"] if slowest else None,
                             "met": slowest["finetune_seconds"] <= TARGET_SECONDS
                             if slowest else None},
    }


def bench_personal(model: str | None, writers: int | None, per_digit: int, unseen: int,
                   seed: int, data_dir: str | None, threads: int = 0,
                   fine_tune: FineTune | None = None) -> dict[str, Any]:
    """`digitpad bench personal`: plain values only."""
    from digitpad.core.errors import DigitpadError
    from digitpad.core.model_library import resolve_model
    from digitpad.core.paths import data_dir as data_folder
    from digitpad.core.predictor import Predictor
    from digitpad.core.safe_text import json_safe

    if writers is not None and not 1 <= writers <= len(WRITERS):
        raise DigitpadError(f"--writers must be 1 to {len(WRITERS)} (there are "
                            f"{len(WRITERS)} simulated writers), not {writers}.")
    folder = data_folder(data_dir)
    check_mnist(folder)
    base_path = resolve_model(model)
    base = Predictor.from_file(base_path)
    check_digit_model(base, base_path)
    canvas = make_canvas()
    try:
        rows = [bench_writer(writer, base, base_path, canvas, per_digit, unseen, seed, folder,
                             threads or None, fine_tune)
                for writer in WRITERS[:writers]]
    finally:
        canvas.deleteLater()
    return json_safe({"model": str(base_path), "seed": seed, "per_digit": per_digit,
                      "unseen_per_digit": unseen, "writers": rows, "targets": targets(rows)})


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The settings, one line per writer under a heading line, then the targets."""
    from digitpad.core.safe_text import printable

    rows = [("model", printable(result["model"])),
            ("drawings", f"{result['per_digit']} per digit to fine-tune on, "
             f"{result['unseen_per_digit']} unseen per digit to test (seed {result['seed']}); "
             "declines count as wrong")]
    heading = ("quirks (the base reads them as)", "unseen", "MNIST test", "fine-tune (all in)")
    cells = [(", ".join(f"{q} ({QUIRKS[q].misread_as})" if q in QUIRKS else q
                        for q in row["quirks"]),
              f"{row['unseen_before']:.1%} → {row['unseen_after']:.1%}",
              f"{_pct2(row['mnist_before'])} → {_pct2(row['mnist_after'])}",
              f"{row['finetune_seconds']:.1f} s ({_steps_time(row)}{row['samples']} samples)")
             for row in result["writers"]]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(heading)]
    rows.append(("writer", "  ".join(h.ljust(w) for h, w in zip(heading, widths)).rstrip()))
    for row, line in zip(result["writers"], cells):
        rows.append((row["name"], "  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()))
    phased = [row["finetune_phases"] for row in result["writers"] if "finetune_phases" in row]
    if phased:
        mean = {k: sum(p[k] for p in phased) / len(phased) for k in phased[0]}
        rows.append(("fine-tune time, mean", f"{mean['before_steps']:.1f} s before the first "
                     f"step (samples, MNIST, scoring the base), {mean['steps']:.1f} s of steps, "
                     f"{mean['after_steps']:.1f} s scoring the result"))
    goal = result["targets"]
    after, drop, speed = goal["unseen_after"], goal["mnist_drop"], goal["finetune_seconds"]
    rows.append((f"target: unseen ≥ {after['target']:.0%} after",
                 f"{_met(after['met'])} (worst {after['worst']:.1%}, {after['writer']})"))
    rows.append((f"target: MNIST drop ≤ {100 * drop['target']:.1f} points",
                 f"{_met(drop['met'])}" + (f" (worst {100 * drop['worst']:.2f} points, "
                                            f"{drop['writer']})" if drop["worst"] is not None
                                           else "")))
    rows.append((f"target: fine-tune ≤ {speed['target']:.0f} s for {speed['samples']} samples",
                 f"{_met(speed['met'])}" + (f" (slowest {speed['worst']:.1f} s, "
                                             f"{speed['writer']})" if speed["worst"] is not None
                                            else f" (no writer had {speed['samples']} "
                                                 "samples)")))
    return rows


def _steps_time(row: dict[str, Any]) -> str:
    seconds = row.get("train_seconds")
    return "" if seconds is None else f"steps {seconds:.1f} s, "


def _pct2(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def _met(met: bool | None) -> str:
    return "not measured" if met is None else "met" if met else "MISSED"
