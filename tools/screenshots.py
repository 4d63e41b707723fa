"""Take the README's screenshots of the real window (run under Xvfb, xcb platform).

    xvfb-run -s "-screen 0 1280x800x24" python tools/screenshots.py --data-dir ../shared/data

It opens the app as a person would, trains a small digitnet from the Train tab (docs/train-tab.png),
then draws a 3 on the Draw tab with real mouse events and shows the new model's guess
(docs/draw-tab.png), then switches back to the bundled digits model and draws a W, which it
declines (docs/not-a-digit.png: "That doesn't look like a digit", the best guess, greyed bars),
then draws a 4 and presses H (docs/why-this-digit.png: the strokes that made it a 4 glow), shows
View > Inside the Network with the same drawing (docs/inside-the-network.png: every layer's
activations, the first layer's filters) and View > Compare Models with the bundled digits model,
the digitnet just trained and the bundled fashion model as columns (docs/compare-models.png),
then hides both docks again and on the My handwriting tab draws a simulated writer's 50 digits in
the guided session (their 1s have a long flag) and fine-tunes on them (docs/my-handwriting.png:
samples, before/after). The Train tab is also shot with its "Watch it learn" page after the
last epoch (docs/watch-it-learn.png). Models are saved to a fresh folder of their own.
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

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QDockWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digitpad.bench.mouse_drawn import draw_case  # noqa: E402
from digitpad.bench.writers import WRITERS  # noqa: E402
from digitpad.core.not_digit_strokes import TEMPLATES as NOT_DIGIT_TEMPLATES  # noqa: E402
from digitpad.gui.draw.decline_view import DECLINED  # noqa: E402
from digitpad.gui.main_window import MainWindow  # noqa: E402
from tests.gui.helpers import stroke  # noqa: E402

# a 4 in two strokes (as tests/gui/draw/test_why_this_digit.py draws it)
FOUR = [[(0.4, 0.18), (0.3, 0.58), (0.72, 0.58)], [(0.6, 0.3), (0.6, 0.85)]]
WINDOW = (1180, 760)  # the window of the first shots
FULL_SCREEN = (1280, 800)  # the screen's size, for the shots with a dock
DOCK_WIDTH = 480  # wide enough for three compare columns' bars and the layers' map grids


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


def place(window: MainWindow, at: tuple[int, int], size: tuple[int, int]) -> None:
    """Move the window to `at` and make it `size` (there is no window manager under Xvfb)."""
    window.move(*at)
    window.resize(*size)
    wait_for(lambda: window.size().toTuple() == size, 5_000)


def press(window: MainWindow, key: Qt.Key,
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A real key press on the (active) window, as the person's keyboard sends it."""
    window.activateWindow()
    wait_for(lambda: QApplication.activeWindow() is window, 5_000)
    QTest.keyClick(window, key, modifier)


def watch_it_learn(window: MainWindow, path: Path) -> None:
    """The Train tab's "Watch it learn" page, clicked open, showing the run's last epoch."""
    tab = window.train_tab
    bar = tab.details.tabBar()
    index = next(i for i in range(tab.details.count()) if tab.details.widget(i) is tab.watch)
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    wait_for(lambda: tab.details.currentWidget() is tab.watch, 5_000)
    moment = tab.watch.shown()
    if moment is None or moment.epoch != moment.epochs:
        print(f"warning: Watch it learn shows {moment}", file=sys.stderr)
    shoot(window, path)
    tab.details.setCurrentIndex(0)


def why_this_digit(window: MainWindow, path: Path) -> None:
    """A 4 drawn with real mouse events on the bundled digits model, then H: the heat map."""
    tab = window.draw_tab
    tab.canvas.clear()
    for points in FOUR:
        stroke(tab.canvas, points)
    wait_for(lambda: settled(window) and tab.bars.probabilities() is not None, 10_000)
    if not tab.label.text().startswith("4 "):
        print(f"warning: the 4 was read as {tab.label.text()!r}", file=sys.stderr)
    press(window, Qt.Key.Key_H)
    if not tab.why.action.isChecked():
        print("warning: H did not turn on Why this digit", file=sys.stderr)
    wait_for(tab.why.shown, 120_000)
    if not tab.why.shown():
        print("warning: no heat map came", file=sys.stderr)
    shoot(window, path)


def show_dock(window: MainWindow, dock: QDockWidget, key: Qt.Key) -> None:
    """Ctrl+key (View > Inside the Network / Compare Models), the dock made DOCK_WIDTH wide."""
    press(window, key, Qt.KeyboardModifier.ControlModifier)
    wait_for(dock.isVisible, 5_000)
    if not dock.isVisible():
        print(f"warning: Ctrl+{key.name} did not show {dock.windowTitle()}", file=sys.stderr)
    window.resizeDocks([dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)


def inside_the_network(window: MainWindow, path: Path) -> None:
    """The same drawing with the Inside the network dock showing every layer."""
    panel = window.inside_dock.widget()
    show_dock(window, window.inside_dock, Qt.Key.Key_I)
    wait_for(lambda: len(panel.section_titles()) > 2, 120_000)
    if len(panel.section_titles()) <= 2:
        print(f"warning: the layers shown are {panel.section_titles()}", file=sys.stderr)
    shoot(window, path)
    window.inside_dock.hide()


def pick(combo: QComboBox, stem: str) -> None:
    """Open `combo`'s list with a click, go to the model whose file is `stem`.pt with the arrow
    keys and take it with Return."""
    row = next((i for i in range(combo.count())
                if Path(str(combo.itemData(i) or "")).stem == stem), -1)
    if row < 0:
        print(f"warning: {stem} is not offered to compare", file=sys.stderr)
        return
    QTest.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    wait_for(view.isVisible, 5_000)
    key = Qt.Key.Key_Down if row > view.currentIndex().row() else Qt.Key.Key_Up
    for _ in range(combo.count()):
        if view.currentIndex().row() == row:
            break
        QTest.keyClick(view, key)
    QTest.keyClick(view, Qt.Key.Key_Return)
    wait_for(lambda: not view.isVisible(), 5_000)
    combo.window().activateWindow()


def compare_models(window: MainWindow, path: Path) -> None:
    """The same drawing in the Compare models dock: the model in use (bundled digits), the
    digitnet just trained and the bundled fashion model, once all three have answered."""
    dock = window.compare_dock
    panel = dock.widget()
    show_dock(window, dock, Qt.Key.Key_K)
    wait_for(lambda: panel.columns[2].combo.count() > 3, 30_000)  # the models are listed
    pick(panel.columns[1].combo, "digitnet-demo")
    pick(panel.columns[2].combo, "fashion")

    def answered() -> bool:
        answers = panel.answers()
        return len(answers) == 3 and all(a is not None for a in answers.values())
    wait_for(answered, 120_000)
    if not answered():
        print(f"warning: the columns answered {panel.answers()}", file=sys.stderr)
    shoot(window, path)
    dock.hide()


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
    # and the models trained go to a fresh library, so every run offers the same models
    os.environ.setdefault("DIGITPAD_MODEL_DIR", tempfile.mkdtemp(prefix="digitpad-models-"))
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    app = QApplication(sys.argv)
    app.setOrganizationName("digitpad-screenshots")
    app.setApplicationName("digitpad-screenshots")
    window = MainWindow()
    window.resize(*WINDOW)
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
    watch_it_learn(window, out / "watch-it-learn.png")
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
    place(window, (0, 0), FULL_SCREEN)  # room for a dock beside the Draw tab
    why_this_digit(window, out / "why-this-digit.png")
    inside_the_network(window, out / "inside-the-network.png")
    compare_models(window, out / "compare-models.png")
    window.draw_tab.why.action.setChecked(False)  # the heat map off again, both docks hidden
    place(window, (20, 20), WINDOW)
    fine_tune_on_a_writer(window, args.data_dir)
    shoot(window, out / "my-handwriting.png")
    if args.sizes:
        shoot_sizes(window, Path(args.sizes))
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
