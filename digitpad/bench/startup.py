"""`digitpad bench startup`: cold start of the app in fresh processes, offscreen.

Each run starts `python -m digitpad` with $DIGITPAD_STARTUP_PROBE set to the launch time (see
digitpad/gui/startup_probe.py), fresh settings (its own $XDG_CONFIG_HOME, with the benchmark's
model as the last one used) and its own model library, and reads back the seconds from launch
to the window being shown and to the model being loaded (a drawing can be recognised). The
medians over the runs are reported. "Cold" means a new process; files stay in the OS's cache.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from digitpad.core.errors import DigitpadError

PREFIX = "digitpad-startup"  # as digitpad.gui.startup_probe prints it
ENV = "DIGITPAD_STARTUP_PROBE"


def _environment(scratch: Path, model: Path) -> dict[str, str]:
    """Offscreen, fresh settings naming `model`, and a model library holding a copy of it."""
    library, config = scratch / "models", scratch / "config"
    library.mkdir()
    (config / "digitpad").mkdir(parents=True)
    copy = library / model.name
    shutil.copyfile(model, copy)
    (config / "digitpad" / "digitpad.conf").write_text(f"[General]\nmodel={copy}\n",
                                                       encoding="utf-8")
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config),
            "DIGITPAD_MODEL_DIR": str(library)}


def launch_once(env: dict[str, str], timeout_s: float = 60.0,
                command: list[str] | None = None) -> dict[str, float]:
    """Start the app once (`command`, default `python -m digitpad`); returns {event: seconds
    since launch} as the probe reported."""
    launched = time.time()
    try:
        done = subprocess.run(command or [sys.executable, "-m", "digitpad"],
                              env={**env, ENV: repr(launched)}, capture_output=True, text=True,
                              timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise DigitpadError(f"digitpad did not start and load its model within {timeout_s:g} s."
                            ) from None
    events = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == PREFIX:
            events[parts[1]] = float(parts[2])
    if "window_shown" not in events or "model_loaded" not in events:
        lines = done.stderr.strip().splitlines() or ["no output"]
        failure = [line for line in lines if line.startswith(f"{PREFIX} failure:")]
        tail = (failure or lines)[-1]
        raise DigitpadError(f"digitpad reported {sorted(events) or 'nothing'} and exited with "
                            f"{done.returncode} ({tail}).")
    return events


def bench_startup(model: str | None = None, data_dir: str | os.PathLike | None = None,
                  runs: int = 5, timeout_s: float = 60.0,
                  executable: str | None = None) -> dict[str, Any]:
    """Median seconds from launch to window shown and to model loaded over `runs` starts of
    `python -m digitpad`, or of `executable` (a standalone bundle's digitpad)."""
    from digitpad.bench.bench_model import benchmark_model

    with tempfile.TemporaryDirectory(prefix="digitpad-bench-") as tmp:
        scratch = Path(tmp)
        path, chosen = benchmark_model(model, data_dir, scratch)
        env = _environment(scratch, path)
        command = [executable] if executable else None
        results = [launch_once(env, timeout_s, command) for _ in range(runs)]
    shown = [r["window_shown"] for r in results]
    loaded = [r["model_loaded"] for r in results]
    return {"model": chosen, "runs": runs, "executable": executable or "python -m digitpad",
            "window_shown_s": statistics.median(shown), "model_loaded_s": statistics.median(loaded),
            "window_shown_all": shown, "model_loaded_all": loaded}


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The table `digitpad bench startup` prints."""
    def spread(values: list[float]) -> str:
        return f"(min {min(values):.2f}, max {max(values):.2f})"

    return [
        ("model", result["model"]),
        ("started", result.get("executable", "python -m digitpad")),
        ("runs", f"{result['runs']} fresh processes, offscreen"),
        ("launch to window shown (median)", f"{result['window_shown_s']:.2f} s "
                                            f"{spread(result['window_shown_all'])}"),
        ("launch to model loaded (median)", f"{result['model_loaded_s']:.2f} s "
                                            f"{spread(result['model_loaded_all'])}"),
    ]
