"""Take the README's screenshots of the real window (run under Xvfb, xcb platform).

    xvfb-run -s "-screen 0 1280x800x24" python tools/screenshots.py --data-dir ../shared/data

It opens the app as a person would, trains a small digitnet from the Train tab (docs/train-tab.png),
then draws a 3 on the Draw tab with real mouse events and shows the new model's guess
(docs/draw-tab.png), then switches back to the bundled digits model and draws a W, which it
declines (docs/not-a-digit.png: "That doesn't look like a digit", the best guess, greyed bars),
then on the My handwriting tab draws a simulated writer's 50 digits in the guided session (their
1s have a long flag) and fine-tunes on them (docs/my-handwriting.png: samples, before/after).
The pictures are grabbed from the X screen, so they show exactly what the window looks like.
`--sizes DIR` also shoots both tabs at the window's minimum size and at 1920x1080 into DIR
(run with a 1920x1080 screen) to check the layout at both ends.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digitpad.bench.mouse_drawn import draw_case  # noqa: E402
from digitpad.bench.writers import WRITERS  # noqa: E402
from digitpad.core.not_digit_strokes import TEMPLATES as NOT_DIGIT_TEMPLATES  # noqa: E402
from digitpad.gui.draw.decline_view import DECLINED  # noqa: E402
from digitpad.gui.main_window import MainWindow  # noqa: E402
from tests.gui.helpers import stroke  # noqa: E402


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition, timeout_ms: int = 120_000) -> None:  # noqa: ANN001
    waited = 0
    while not condition() and waited < timeout_ms:
        wait(50)
        waited += 50


def shoot(window: MainWindow, path: Path) -> None:
    wait(400)
    geometry = window.frameGeometry()
    picture = QGuiApplication.primaryScreen().grabWindow(
        0, geometry.x(), geometry.y(), geometry.width(), geometry.height())
    picture.save(str(path))
    print(f"saved {path}")


def settled(window: MainWindow) -> bool:
    """The Draw tab shows the answer to the newest drawing, not one still on its way (the same
    test as tests/gui/draw/decline_models.py's)."""
    return window.draw_tab._latest_shown >= window.service._requests


def use_bundled_digits(window: MainWindow) -> None:
    """Choose the bundled digits model in the Draw tab's picker, as a person picking it would."""
    picker = window.draw_tab.picker
    index = next(i for i in range(picker.count())
                 if Path(str(picker.itemData(i) or "")).name == "digits.pt")
    picker.setCurrentIndex(index)
    picker.activated.emit(index)
    wait_for(lambda: Path(window.draw_tab.model_path).name == "digits.pt", 30_000)


def draw_w(window: MainWindow) -> None:
    """A W from the not-a-digit templates, drawn with real mouse events on a cleared canvas,
    its box scaled to the middle 70% of the paper (as tests/gui/draw/decline_models.py draws
    it), and wait until the model has declined it."""
    canvas = window.draw_tab.canvas
    canvas.clear()
    for points in NOT_DIGIT_TEMPLATES["W"]:
        stroke(canvas, [(0.15 + 0.7 * x, 0.15 + 0.7 * y) for x, y in points], steps=3)
    wait_for(lambda: settled(window) and window.draw_tab.label.text() == DECLINED, 10_000)
    if window.draw_tab.label.text() != DECLINED:
        print(f"warning: the W was read as {window.draw_tab.label.text()!r}", file=sys.stderr)


def shoot_sizes(window: MainWindow, folder: Path) -> None:
    from digitpad.gui.main_window import MINIMUM_SIZE

    folder.mkdir(parents=True, exist_ok=True)
    for name, (width, height) in (("minimum", MINIMUM_SIZE), ("1920x1080", (1920, 1080))):
        window.move(0, 0)
        window.resize(width, height)
        wait_for(lambda w=width, h=height: window.size().toTuple() == (w, h), 5_000)
        for tab_name, tab in (("draw", window.draw_tab), ("train", window.train_tab)):
            window.tabs.setCurrentWidget(tab)
            shoot(window, folder / f"{tab_name}-{name}.png")


def fine_tune_on_a_writer(window: MainWindow, data_dir: str) -> None:
    """The guided session with a writer's 50 drawings (real mouse events), then Fine-tune."""
    window.tabs.setCurrentWidget(window.handwriting_tab)
    window.train_tab.form.data_dir.setText(data_dir)
    collect, panel = window.handwriting_tab.collect, window.finetune
    cases: dict[str, list] = {}
    for case in WRITERS[0].cases(5, "train"):
        cases.setdefault(case.digit, []).append(case)
    collect.start_button.click()
    for _ in range(50):
        draw_case(collect.canvas, cases[collect.prompt.text().removeprefix("Draw a ")].pop())
        collect.accept()
    wait_for(panel.button.isEnabled, 10_000)
    panel.button.click()
    wait_for(panel.result.isVisible, 300_000)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--sizes", help="also shoot both tabs at the minimum size and 1920x1080")
    args = parser.parse_args()
    # the writer's samples go to a folder of their own, never the person's handwriting
    os.environ.setdefault("DIGITPAD_HANDWRITING_DIR", tempfile.mkdtemp(prefix="digitpad-hw-"))
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    app = QApplication(sys.argv)
    app.setOrganizationName("digitpad-screenshots")
    app.setApplicationName("digitpad-screenshots")
    window = MainWindow()
    window.resize(1180, 760)
    window.move(20, 20)
    window.show()
    window.start_background_loading()
    wait_for(lambda: bool(window.draw_tab.model_path))
    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    wait_for(tab.start_button.isEnabled)
    tab.apply_settings({"dataset": "mnist", "data_dir": args.data_dir, "model": "digitnet",
                        "epochs": 4, "limit": 12000, "save_name": "digitnet-demo"})
    tab.start_button.click()
    wait_for(lambda: not tab.is_training(), 600_000)
    tab.details.setCurrentIndex(0)
    shoot(window, out / "train-tab.png")
    window.tabs.setCurrentWidget(window.draw_tab)
    wait_for(lambda: "digitnet-demo" in window.draw_tab.model_path)
    canvas = window.draw_tab.canvas
    # a "3" in two strokes, drawn with real mouse events
    stroke(canvas, [(0.34, 0.26), (0.5, 0.2), (0.66, 0.28), (0.62, 0.42), (0.46, 0.5)])
    stroke(canvas, [(0.46, 0.5), (0.66, 0.58), (0.68, 0.72), (0.5, 0.8), (0.3, 0.74)])
    wait_for(lambda: settled(window) and window.draw_tab.bars.probabilities() is not None,
             10_000)
    if not window.draw_tab.label.text().startswith("3 "):
        print(f"warning: the 3 was read as {window.draw_tab.label.text()!r}", file=sys.stderr)
    shoot(window, out / "draw-tab.png")
    use_bundled_digits(window)
    draw_w(window)
    shoot(window, out / "not-a-digit.png")
    fine_tune_on_a_writer(window, args.data_dir)
    shoot(window, out / "my-handwriting.png")
    if args.sizes:
        shoot_sizes(window, Path(args.sizes))
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
