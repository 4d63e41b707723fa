"""Export… / Import… of the handwriting samples as one .zip (issue 15), as a person does it: the
File menu's items and the tab's buttons, the file dialogs answered with real paths, a real zip
written and read back (the check runs in the background), what the window then says, and a
hostile zip refused with its one line while the samples stay as they were."""

from __future__ import annotations

import threading
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from digitpad.core.personal.samples import SampleStore
from digitpad.gui.handwriting import sample_transfer
from digitpad.gui.handwriting.handwriting_tab import HandwritingTab
from tests.gui.helpers import menu_action, shown

LEFT = Qt.MouseButton.LeftButton


def drawing(seed: int) -> np.ndarray:
    image = np.full((280, 280), 255, np.uint8)
    image[40 + seed: 240, 130:150] = 20  # a bar, a little different each time
    return image


def fill(store: SampleStore, digits: str, start: int = 0) -> None:
    for n, digit in enumerate(digits, start):
        store.add(digit, drawing(n))


class Dialogs:
    """QFileDialog's static functions answered with `answer` (None: cancelled); what each was
    asked (its start path) is kept in `asked`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answer: Path | None = None
        self.asked: list[str] = []

        def answer(_parent, _title, start="", _filter="", *_args, **_kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            self.asked.append(start)
            return (str(self.answer) if self.answer else "", "")

        monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", answer)


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    return Dialogs(monkeypatch)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def tab_on(qtbot, root: Path) -> HandwritingTab:  # noqa: ANN001
    """The tab on its own, on the store at `root`, shown and listed."""
    store = SampleStore(root)
    tab = shown(qtbot, HandwritingTab(store=store), 1000, 680)
    total = store.total()
    qtbot.waitUntil(lambda: tab.grid.count() == total and tab.review_title.text() != "",
                    timeout=10_000)
    return tab


def message(tab: HandwritingTab) -> str:
    return tab.notes.text() if tab.notes.isVisible() else ""


def test_menu_export_then_import_round_trip(store_dir, window, qtbot, dialogs, home, tmp_path):
    store = window.handwriting_tab.store
    fill(store, "0117")
    status = window.statusBar()
    dialogs.answer = tmp_path / "moved" / "mine.zip"
    (tmp_path / "moved").mkdir()
    menu_action(window, "File", "Export My Handwriting").trigger()
    assert window.tabs.currentWidget() is window.handwriting_tab  # where the result shows
    expected = f"Exported 4 samples to {dialogs.answer}."
    qtbot.waitUntil(lambda: status.currentMessage() == expected, timeout=10_000)
    assert dialogs.asked == [str(home / f"handwriting-{date.today().isoformat()}.zip")]
    with zipfile.ZipFile(dialogs.answer) as archive:
        assert sorted(n.split("/")[1] for n in archive.namelist()) == list("0117")
    # two drawings lost here; importing the zip brings them back, the other two are there
    tab = window.handwriting_tab
    qtbot.waitUntil(lambda: tab.grid.count() == 4, timeout=10_000)
    for sample in store.samples("1"):
        store.delete(sample)
    window.tabs.setCurrentWidget(window.draw_tab)
    menu_action(window, "File", "Import My Handwriting").trigger()
    assert window.tabs.currentWidget() is tab
    expected = "Imported 2 samples from mine.zip (2 already there)."
    qtbot.waitUntil(lambda: status.currentMessage() == expected, timeout=10_000)
    assert dialogs.asked[-1] == str(tmp_path / "moved")  # the folder last used
    qtbot.waitUntil(lambda: tab.grid.count() == 4 and tab.grid.count("1") == 2, timeout=10_000)
    assert store.counts() == {**dict.fromkeys("0123456789", 0), "0": 1, "1": 2, "7": 1}
    assert message(tab) == expected


def test_buttons_move_the_samples_to_another_store(qtbot, dialogs, tmp_path):
    mine = tab_on(qtbot, tmp_path / "here")
    fill(mine.store, "0123456789" * 2)
    mine.refresh()
    qtbot.waitUntil(lambda: mine.grid.count() == 20 and mine.export_button.isEnabled(),
                    timeout=10_000)
    dialogs.answer = tmp_path / "out" / "handwriting"  # no suffix typed: .zip added
    qtbot.mouseClick(mine.export_button, LEFT)
    zip_path = tmp_path / "out" / "handwriting.zip"
    qtbot.waitUntil(lambda: message(mine) == f"Exported 20 samples to {zip_path}.",
                    timeout=10_000)
    other = tab_on(qtbot, tmp_path / "there")
    assert other.grid.count() == 0 and not other.export_button.isEnabled()
    dialogs.answer = zip_path
    with qtbot.waitSignal(other.samplesChanged, timeout=10_000):
        qtbot.mouseClick(other.import_button, LEFT)
    assert message(other) == "Imported 20 samples from handwriting.zip."
    qtbot.waitUntil(lambda: other.grid.count() == 20, timeout=10_000)
    assert other.store.counts() == mine.store.counts()
    assert other.export_button.isEnabled()
    qtbot.mouseClick(other.import_button, LEFT)  # again: nothing new
    qtbot.waitUntil(lambda: message(other) == "Nothing new in handwriting.zip (20 already "
                    "there).", timeout=10_000)
    assert other.store.total() == 20


def hostile(path: Path, name: str) -> Path:
    """A zip with one good sample and the member `name` (a real PNG)."""
    first, second = path.with_suffix(".1.png"), path.with_suffix(".2.png")
    Image.fromarray(drawing(3)).save(first)
    Image.fromarray(drawing(4)).save(second)
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(first, "handwriting/3/fine.png")
        archive.write(second, name)
    return path


@pytest.mark.parametrize(("member", "says"), [
    ("../x.png", "member '../x.png'"),
    ("handwriting/<b>7</b>/x.png", "member 'handwriting/<b>7</b>/x.png' is not <digit>/"),
])
def test_a_hostile_zip_is_refused_in_one_plain_line_and_nothing_changes(
        qtbot, dialogs, tmp_path, member, says):
    tab = tab_on(qtbot, tmp_path / "store")
    fill(tab.store, "12")
    before = sorted(p.relative_to(tab.store.root) for p in tab.store.root.rglob("*"))
    dialogs.answer = hostile(tmp_path / "evil.zip", member)
    changed = []
    tab.samplesChanged.connect(lambda: changed.append(True))
    qtbot.mouseClick(tab.import_button, LEFT)
    qtbot.waitUntil(lambda: message(tab).startswith("Refused to import 'evil.zip'"),
                    timeout=10_000)
    assert says in message(tab) and "\n" not in message(tab)
    labels = [w for w in tab.notes.findChildren(QLabel) if w.text() == message(tab)]
    assert labels and all(w.textFormat() == Qt.TextFormat.PlainText for w in labels)
    assert sorted(p.relative_to(tab.store.root) for p in tab.store.root.rglob("*")) == before
    assert changed == [] and tab.import_button.isEnabled()


def test_not_a_zip_is_said_so(qtbot, dialogs, tmp_path):
    tab = tab_on(qtbot, tmp_path / "store")
    dialogs.answer = tmp_path / "notes.zip"
    dialogs.answer.write_text("just some text\n")
    qtbot.mouseClick(tab.import_button, LEFT)
    qtbot.waitUntil(lambda: "'notes.zip' is not a zip file" in message(tab), timeout=10_000)
    assert tab.store.total() == 0


def test_export_with_no_samples_says_so_without_a_dialog(store_dir, window, qtbot, dialogs):
    menu_action(window, "File", "Export My Handwriting").trigger()
    tab = window.handwriting_tab
    assert message(tab) == sample_transfer.NO_SAMPLES and dialogs.asked == []
    qtbot.waitUntil(lambda: tab.review_title.text().startswith("Your samples: none"),
                    timeout=10_000)
    assert not tab.export_button.isEnabled()


def test_a_zip_that_cannot_be_written_is_one_line(qtbot, dialogs, tmp_path):
    tab = tab_on(qtbot, tmp_path / "store")
    fill(tab.store, "5")
    tab.refresh()
    qtbot.waitUntil(tab.export_button.isEnabled, timeout=10_000)
    (tmp_path / "a file").write_text("not a folder")
    dialogs.answer = tmp_path / "a file" / "x.zip"  # works as root too, unlike chmod
    qtbot.mouseClick(tab.export_button, LEFT)
    qtbot.waitUntil(lambda: message(tab).startswith("Cannot write"), timeout=10_000)
    assert "\n" not in message(tab) and list(tmp_path.glob("a file*")) == [tmp_path / "a file"]


def test_cancelled_dialogs_do_nothing(qtbot, dialogs, tmp_path):
    tab = tab_on(qtbot, tmp_path / "store")
    fill(tab.store, "5")
    tab.refresh()
    qtbot.waitUntil(tab.export_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(tab.export_button, LEFT)
    qtbot.mouseClick(tab.import_button, LEFT)
    assert len(dialogs.asked) == 2 and not tab.transfer.is_busy() and message(tab) == ""


def test_one_transfer_at_a_time(store_dir, window, qtbot, dialogs, tmp_path, monkeypatch):
    """While a zip is being checked (held here, as a large hostile one takes seconds), the
    buttons and menu items are greyed, a second request is answered in one line, and the window
    keeps working; then the import ends as usual."""
    release = threading.Event()
    real = sample_transfer.import_zip

    def slow(path, store):  # noqa: ANN001, ANN202
        assert release.wait(10), "the test never let the import finish"
        return real(path, store)

    monkeypatch.setattr(sample_transfer, "import_zip", slow)
    tab = window.handwriting_tab
    dialogs.answer = hostile(tmp_path / "fine.zip", "handwriting/4/also.png")
    importer = menu_action(window, "File", "Import My Handwriting")
    exporter = menu_action(window, "File", "Export My Handwriting")
    importer.trigger()
    assert tab.transfer.is_busy() and message(tab) == "Checking the zip…"
    assert not tab.import_button.isEnabled() and not tab.export_button.isEnabled()
    assert not importer.isEnabled() and not exporter.isEnabled()
    tab.transfer.import_samples()  # a shortcut or a script could still ask
    assert message(tab) == "An import is still under way; wait for it to finish."
    assert len(dialogs.asked) == 1  # no second dialog
    window.tabs.setCurrentWidget(window.draw_tab)  # the window answers meanwhile
    window.tabs.setCurrentWidget(tab)
    release.set()
    qtbot.waitUntil(lambda: message(tab) == "Imported 2 samples from fine.zip.", timeout=10_000)
    assert importer.isEnabled() and exporter.isEnabled() and tab.import_button.isEnabled()
    qtbot.waitUntil(lambda: tab.grid.count() == 2 and tab.export_button.isEnabled(),
                    timeout=10_000)
