"""Pasted and dropped images are checked as opened files are (issue 13 item 6): paste and drop
used to build a QImage straight from the clipboard or the drop and skip the size checks. Through
the real clipboard with Ctrl+V, and real drag-and-drop events on the canvas."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import draw_digit, shown_label
from tests.image_corpus import mnist_seven, png_declaring

CTRL = Qt.KeyboardModifier.ControlModifier


def opened_message(window, qtbot, path) -> str:  # noqa: ANN001
    """The message opening the file `path` gives."""
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=10_000) as opened:
        window.draw_tab.open_file(str(path))
    assert opened.args[1]
    return opened.args[1]


def paste(window, qtbot) -> list:  # noqa: ANN001
    """Ctrl+V on the Draw tab; openFinished's (what, error)."""
    window.activateWindow()
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=20_000) as done:
        qtbot.keyClick(window, Qt.Key.Key_V, CTRL)
    return done.args


def drop(widget, mime: QMimeData) -> bool:  # noqa: ANN001
    """Drag `mime` onto the middle of `widget` and drop it; whether the drag was accepted."""
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(centre, *args)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(widget, QDragMoveEvent(centre, *args))
    QApplication.sendEvent(widget, QDropEvent(QPointF(centre), *args))
    return True


def png_bytes_mime(data: bytes) -> QMimeData:
    """What another program puts on the clipboard or in a drag: encoded PNG bytes."""
    mime = QMimeData()
    mime.setData("image/png", data)
    return mime


def test_a_pasted_image_bomb_gets_the_message_an_opened_one_gets(window, qtbot, tmp_path):
    tab = window.draw_tab
    bomb = png_declaring(90_000, 90_000)
    (tmp_path / "bomb.png").write_bytes(bomb)
    expected = opened_message(window, qtbot, tmp_path / "bomb.png")
    assert "too large" in expected
    draw_digit(tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)
    QGuiApplication.clipboard().setMimeData(png_bytes_mime(bomb))
    what, error = paste(window, qtbot)
    assert error == expected.replace("bomb.png", what) and "\n" not in error
    assert tab.messages.isVisible() and tab.messages.text() == error
    assert shown_label(window) == "1"  # the drawing stays


def test_a_pasted_decoded_image_over_the_limit_is_refused_alike(window, qtbot, tmp_path):
    from digitpad.core.images import MAX_PIXELS

    tab = window.draw_tab
    width, height = 8001, MAX_PIXELS // 8001 + 1  # just over the limit
    (tmp_path / "big.png").write_bytes(png_declaring(width, height))
    expected = opened_message(window, qtbot, tmp_path / "big.png")
    draw_digit(tab.canvas, "1")
    qtbot.waitUntil(lambda: shown_label(window) == "1", timeout=10_000)
    huge = QImage(width, height, QImage.Format.Format_Grayscale8)
    huge.fill(255)
    QGuiApplication.clipboard().setImage(huge)  # pixels, as a platform clipboard may hand over
    del huge
    what, error = paste(window, qtbot)
    assert error == expected.replace("big.png", what)
    assert shown_label(window) == "1"
    QGuiApplication.clipboard().clear()


def test_a_large_pasted_image_is_scaled_down_and_recognised(window, qtbot, shared_data):
    seven = Image.fromarray(255 - mnist_seven(shared_data)).resize((3000, 3000))
    picture = QImage(np.ascontiguousarray(np.asarray(seven)).data, 3000, 3000, 3000,
                     QImage.Format.Format_Grayscale8).copy()
    QGuiApplication.clipboard().setImage(picture)
    what, error = paste(window, qtbot)
    assert error == ""
    qtbot.waitUntil(lambda: shown_label(window) == "7", timeout=10_000)
    QGuiApplication.clipboard().clear()


def test_dropped_image_bytes_over_the_limit_get_the_same_message(window, qtbot, tmp_path):
    tab = window.draw_tab
    bomb = png_declaring(90_000, 90_000)
    (tmp_path / "bomb.png").write_bytes(bomb)
    expected = opened_message(window, qtbot, tmp_path / "bomb.png")
    draw_digit(tab.canvas, "1")
    with qtbot.waitSignal(tab.openFinished, timeout=20_000) as done:
        assert drop(tab.canvas, png_bytes_mime(bomb))
    what, error = done.args
    assert error == expected.replace("bomb.png", what)
    assert tab.messages.text() == error and not tab.canvas.is_blank()


def test_dropped_png_bytes_of_a_digit_are_put_on_the_canvas(window, qtbot, shared_data, tmp_path):
    path = tmp_path / "seven.png"
    Image.fromarray(mnist_seven(shared_data)).save(path)
    with qtbot.waitSignal(window.draw_tab.openFinished, timeout=20_000) as done:
        assert drop(window.draw_tab.canvas, png_bytes_mime(path.read_bytes()))
    assert done.args[1] == ""
    qtbot.waitUntil(lambda: shown_label(window) == "7", timeout=10_000)
