"""`digitpad bench gui --finetune`: how smooth the window stays while My handwriting fine-tunes.

A simulated writer (writers.WRITERS[0], the long-flag 1 the bundled model reads as 7) draws 5
of each digit on a real DrawingCanvas with mouse events; the drawings are saved as the app keeps
a person's samples into a temporary handwriting folder (DIGITPAD_HANDWRITING_DIR). The real
MainWindow then opens (offscreen unless a display is asked for) on that folder, an empty
temporary model library (DIGITPAD_MODEL_DIR: the bundled model is the one in use) and temporary
settings; once its model is loaded, Fine-tune on the My handwriting tab is clicked with mouse
events, and a 10 ms QTimer on the GUI thread (timer_probe, as `bench gui` uses) records the
gaps between its ticks from the click until the before/after table shows. Also reported: the
seconds from the click to the table (what a person waits) and the table itself. The temporary
folders are removed afterwards; the user's own samples, models and settings are not touched.

    digitpad bench gui --finetune [--data-dir DIR] [--timeout S] [--json]
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PER_DIGIT = 5  # 50 samples, the fine-tune size
WRITER = 0  # writers.WRITERS[0]
SETUP_TIMEOUT_S = 120.0  # for the window to load its model and the Train tab's choices


def bench_gui_finetune(data_dir: str, timeout_s: float = 300,
                       steps: int | None = None) -> dict[str, Any]:
    """Timer gaps on the GUI thread while the My handwriting tab fine-tunes on 50 drawings, and
    the seconds from pressing Fine-tune to its table. `steps`: the fine-tune's (None: the
    app's own; fewer make a quick test). Plain values only."""
    from digitpad.bench.personal import check_mnist
    from digitpad.core.errors import DigitpadError
    from digitpad.core.safe_text import json_safe, printable

    try:
        check_mnist(Path(data_dir))  # one clear line before anything is drawn
    except DigitpadError:
        raise DigitpadError(f"MNIST was not found in {printable(data_dir)} (the fine-tune "
                            "replays it and scores on its test set); pass --data-dir a folder "
                            "with mnist/ in it.") from None
    with tempfile.TemporaryDirectory(prefix="digitpad-bench-gui-finetune-") as tmp:
        with _temporary_places(Path(tmp)) as handwriting:
            return json_safe(_run(handwriting, data_dir, timeout_s, steps))


@contextmanager
def _temporary_places(tmp: Path) -> Iterator[Path]:
    """The handwriting folder, model library and QSettings in `tmp` while the bench runs (the
    environment is restored after; QSettings paths have no getter, so they stay pointed at the
    folder, which is gone: nothing else in a bench process reads them)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    handwriting = tmp / "handwriting"
    saved = {name: os.environ.get(name) for name in ("DIGITPAD_HANDWRITING_DIR",
                                                     "DIGITPAD_MODEL_DIR")}
    os.environ["DIGITPAD_HANDWRITING_DIR"] = str(handwriting)
    os.environ["DIGITPAD_MODEL_DIR"] = str(tmp / "models")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp / "settings"))
    try:
        yield handwriting
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _draw_samples(folder: Path) -> tuple[str, int]:
    """The writer's drawings, drawn with mouse events and saved as samples: (writer, count)."""
    from digitpad.bench.mouse_drawn import make_canvas
    from digitpad.bench.personal import draw, save_samples
    from digitpad.bench.writers import WRITERS

    writer = WRITERS[WRITER]
    cases = writer.cases(PER_DIGIT, "train")
    canvas = make_canvas()
    try:
        count = save_samples(folder, cases, draw(canvas, cases))
    finally:
        canvas.deleteLater()
    return writer.name, count


def _wait(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Run the event loop until `condition()`; DigitpadError after `timeout_s`."""
    from PySide6.QtCore import QEventLoop, QTimer

    from digitpad.core.errors import DigitpadError

    loop, poll = QEventLoop(), QTimer(interval=20)
    poll.timeout.connect(lambda: condition() and loop.quit())
    poll.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    if not condition():
        loop.exec()
    poll.stop()
    if not condition():
        raise DigitpadError(f"The window did not get ready within {timeout_s:.0f} s ({what}).")


def _click(widget: Any) -> None:
    """A left click in the middle of `widget`: press and release mouse events."""
    from PySide6.QtCore import QPointF

    from digitpad.bench.mouse_strokes import PRESS, RELEASE, send

    middle = QPointF(widget.width() / 2, widget.height() / 2)
    send(widget, PRESS, middle)
    send(widget, RELEASE, middle)


def _run(handwriting: Path, data_dir: str, timeout_s: float,
         steps: int | None) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from digitpad.bench.timer_probe import TimerProbe
    from digitpad.core.errors import DigitpadError
    from digitpad.core.records import Finished
    from digitpad.core.safe_text import printable
    from digitpad.gui.handwriting.finetune_panel import DEFAULT_STEPS
    from digitpad.gui.main_window import MainWindow
    from digitpad.gui.workers.gui_thread_gc import collect_on_gui_thread
    from digitpad.gui.workers.training_worker import training_threads

    app = QApplication.instance() or QApplication([])
    collect_on_gui_thread(app)
    writer, count = _draw_samples(handwriting)
    window = MainWindow()
    try:
        window.resize(1100, 720)
        window.show()
        loaded: list[object] = []
        window.service.modelLoaded.connect(loaded.append)
        window.start_background_loading()
        train, panel = window.train_tab, window.finetune
        panel.steps = steps
        _wait(lambda: bool(loaded) and train.start_button.isEnabled(), SETUP_TIMEOUT_S,
              "loading the model and the Train tab's choices")
        train.form.data_dir.setText(data_dir)  # where MNIST is, as a person sets it
        window.tabs.setCurrentWidget(window.handwriting_tab)
        _wait(panel.button.isEnabled, 10, f"Fine-tune enabled with {count} samples")
        base = Path(window.draw_tab.model_path).name
        probe = TimerProbe()
        state: dict[str, Any] = {}
        loop = QEventLoop()

        def record(r: object) -> None:  # after the panel's own slot: the table is filled
            if isinstance(r, Finished):
                state["finished"] = r
                if panel.result.isVisible():
                    state["shown"] = time.perf_counter()
                    probe.measuring = False
                    loop.quit()

        panel.run.record.connect(record)
        panel.run.ended.connect(loop.quit)  # a failed run ends without a table
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        probe.start()
        _wait(lambda: probe.ticking, 5, "the timer probe")  # the click's own time counts
        probe.measuring = True
        pressed = time.perf_counter()
        _click(panel.button)
        if panel.is_running():
            loop.exec()  # the event loop, as app.exec() runs it
        probe.stop()
        if "shown" not in state:
            timed_out = panel.is_running()
            panel.stop()
            why = (f"no result within {timeout_s:.0f} s" if timed_out else
                   panel.messages.text() or panel.progress.text() or panel.reason.text()
                   or "it gave no result")
            raise DigitpadError(f"The fine-tune did not show its table: {printable(why)}")
        seconds = state["shown"] - pressed
        rows = panel.result.rows()
        metrics = state["finished"].metrics
    finally:
        window.close()
    return {
        "timer_gap": probe.percentiles(),
        "finetune_seconds": seconds,
        "finetune_train_seconds": metrics.get("train_seconds"),
        "finetune_threads": panel.threads or training_threads(),
        "report": [list(row) for row in rows],
        "config": {"writer": writer, "samples": count, "per_digit": PER_DIGIT, "base": base,
                   "steps": steps or DEFAULT_STEPS, "data_dir": data_dir},
    }


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The table `digitpad bench gui --finetune` prints."""
    from digitpad.core.safe_text import printable

    gap, config = result["timer_gap"], result["config"]
    train = result.get("finetune_train_seconds")
    rows = [
        ("config", f"fine-tune of {printable(config['base'])} on {config['samples']} drawings "
                   f"({config['per_digit']} per digit) by writer {printable(config['writer'])}, "
                   f"{config['steps']} steps"),
        ("timer gap p50 / p99 / max", f"{gap['p50_ms']:.1f} / {gap['p99_ms']:.1f} / "
                                      f"{gap['max_ms']:.1f} ms (10 ms timer, {gap['ticks']:,} "
                                      "ticks, press to table)"),
        ("fine-tune: press to table", f"{result['finetune_seconds']:.1f} s"
         + (f" (steps {train:.1f} s)" if train is not None else "")
         + f", {result['finetune_threads']} thread(s)"),
    ]
    for what, before, after in result["report"]:
        rows.append((printable(what), f"{printable(before)} → {printable(after)}"))
    return rows
