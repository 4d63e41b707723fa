"""`digitpad bench gui`: how smooth the window stays while the Train tab trains.

A 10 ms QTimer on the GUI thread records the gap between its ticks while a real training run,
started by clicking Start on the Train tab, goes on; a smooth GUI shows gaps close to 10 ms.
Then the same config is trained the command line's way (core `train()` on this thread, no GUI),
in the same process, so the two speeds can be compared on a noisy machine.

`dataset` may be any dataset `digitpad train` takes: a class-per-folder image dataset with many
classes checks that what the Train tab draws per epoch (confusion matrix, mistakes) stays cheap.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from digitpad.bench.timer_probe import TimerProbe


def _gui_run(values: dict[str, Any], timeout_s: float) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from digitpad.gui.main_window import MainWindow
    from digitpad.gui.workers.gui_thread_gc import collect_on_gui_thread

    app = QApplication.instance() or QApplication([])
    collect_on_gui_thread(app)
    window = MainWindow()
    window.resize(1100, 720)
    window.show()
    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    tab.load_choices()
    loop = QEventLoop()
    poll = QTimer(interval=50)
    poll.timeout.connect(lambda: tab.start_button.isEnabled() and loop.quit())
    poll.start()
    loop.exec()  # the model list arrives from a background thread
    poll.stop()
    tab.apply_settings(values)
    probe = TimerProbe()
    state: dict[str, Any] = {"rates": [], "done": False}

    def record(r: object) -> None:
        from digitpad.core.records import EpochEnd, Finished, Steps

        if isinstance(r, Steps):
            probe.measuring = True  # from the first batch on: data loading is not training
            state["threads"] = r.latest.threads
            if r.latest.step == r.latest.steps_per_epoch:
                state["rates"].append(r.latest.images_per_s)
        elif isinstance(r, EpochEnd):
            state["rates"].append(r.images_per_s)
        elif isinstance(r, Finished):
            state["result"] = r

    def ended() -> None:
        probe.measuring = False
        state["done"] = True

    probe.start()
    tab.run.record.connect(record)
    tab.run.ended.connect(ended)
    tab.run.ended.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), tab.stop)  # a cap for quick runs
    tab.start_button.click()
    loop.exec()  # the event loop, as app.exec() runs it
    probe.stop()
    window.close()
    rates = state["rates"] or [float("nan")]
    return {"gaps": probe.percentiles(), "images_per_s": float(np.mean(rates)),
            "result": state.get("result"), "threads": state.get("threads", 0)}


def _cli_run(values: dict[str, Any]) -> tuple[float, int]:
    from digitpad.core.config import TrainConfig
    from digitpad.core.records import EpochEnd, Step
    from digitpad.core.training import train

    config = TrainConfig.from_dict(values)
    rates, threads = [], 0
    for r in train(config):
        if isinstance(r, EpochEnd):
            rates.append(r.images_per_s)
        elif isinstance(r, Step):
            threads = r.threads
    return (float(np.mean(rates)) if rates else float("nan")), threads


def bench_gui(data_dir: str, model: str = "digitnet", epochs: int = 1, limit: int = 8000,
              timeout_s: float = 300, dataset: str = "mnist", busy: int = 0) -> dict[str, Any]:
    """Measure GUI timer gaps during a Train-tab run, and GUI vs command-line images/s, both
    with the thread count they choose (core/thread_choice.py), beside `busy` busy processes
    (bench/busy.py) started before and stopped after both runs."""
    from digitpad.bench.busy import busy_processes

    values = {"dataset": dataset, "data_dir": data_dir, "model": model, "epochs": epochs,
              "limit": limit, "device": "cpu"}
    with busy_processes(busy):
        gui = _gui_run(values, timeout_s)
        cli_rate, cli_threads = _cli_run(values)
    return {
        "timer_gap": gui["gaps"],
        "gui_images_per_s": gui["images_per_s"],
        "gui_training_threads": gui["threads"],
        "cli_images_per_s": cli_rate,
        "cli_training_threads": cli_threads,
        "gui_vs_cli": gui["images_per_s"] / cli_rate if cli_rate else float("nan"),
        "busy_processes": busy,
        "config": values,
    }


def format_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The table `digitpad bench gui` prints."""
    from digitpad.core.safe_text import printable

    gap, config = result["timer_gap"], result["config"]
    return [
        ("config", f"{printable(config['dataset'])}, {config['model']}, {config['epochs']} "
                   f"epoch(s), {config['limit']:,} images, beside "
                   f"{result.get('busy_processes', 0)} busy process(es)"),
        ("timer gap p50 / p99 / max", f"{gap['p50_ms']:.1f} / {gap['p99_ms']:.1f} / "
                                      f"{gap['max_ms']:.1f} ms (10 ms timer)"),
        ("training images/s: GUI", f"{result['gui_images_per_s']:,.0f} "
                                   f"(ended on {result['gui_training_threads']} thread(s))"),
        ("training images/s: command line", f"{result['cli_images_per_s']:,.0f} "
                                            f"(ended on {result['cli_training_threads']} "
                                            "thread(s))"),
        ("GUI / command line", f"{result['gui_vs_cli']:.0%}"),
    ]
