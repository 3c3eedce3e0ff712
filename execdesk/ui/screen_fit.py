"""Windows and dialogs that fit the screen they are on (issue 17 item 9).

A court PC is often a 1366×768 laptop or monitor with the Windows taskbar at the bottom: the area a window may
use (``QScreen.availableGeometry()``) is then about 1366×728, and a window's frame and title bar take some of
that too. Every top-level window and dialog of ExecDesk asks for its size through :func:`fit_window`, which
clamps the wished size to what the screen offers and moves the window inside the available area; the main
window starts maximised when its wished size does not fit (what a clerk would do by hand).

Pure geometry: no data, no services.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Frame + title bar of a top-level window before it is shown (Windows 10/11 at 100 %: 8 px borders on each side,
# ~31 px title bar); once shown, the real frame is used.
FRAME_ALLOWANCE = QSize(16, 40)
# The size the main window asks for on a screen that has room for it.
MAIN_WINDOW_SIZE = QSize(1366, 768)


def available_rect(widget: QWidget | None = None) -> QRect:
    """The available geometry (without taskbar and docks) of the screen ``widget`` is on (or of its parent's
    screen, or of the primary screen)."""
    screen = None
    w = widget
    while w is not None and screen is None:
        if w.isWindow() and w.windowHandle() is not None:
            screen = w.windowHandle().screen()
        w = w.parentWidget()
    if screen is None and widget is not None:
        screen = widget.screen()
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def frame_allowance(widget: QWidget) -> QSize:
    """What the window manager adds around the client area of ``widget`` (measured when shown)."""
    if widget.isVisible():
        frame, inner = widget.frameGeometry(), widget.geometry()
        extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
        if extra.width() > 0 or extra.height() > 0:
            return extra
    return FRAME_ALLOWANCE


def room(widget: QWidget) -> QSize:
    """The largest client size ``widget`` can have on its screen with its frame inside the available area."""
    avail = available_rect(widget)
    extra = frame_allowance(widget)
    return QSize(max(200, avail.width() - extra.width()), max(150, avail.height() - extra.height()))


def fitted_size(widget: QWidget, width: int, height: int) -> QSize:
    """``width``×``height`` made no larger than :func:`room`."""
    return QSize(width, height).boundedTo(room(widget))


def keep_inside(widget: QWidget) -> None:
    """Move a top-level window so that its frame lies inside the available area (top-left wins if too big)."""
    avail = available_rect(widget)
    extra = frame_allowance(widget)
    frame = QRect(widget.pos(), widget.size() + extra)
    x = min(frame.x(), avail.right() + 1 - frame.width())
    y = min(frame.y(), avail.bottom() + 1 - frame.height())
    target = QPoint(max(avail.x(), x), max(avail.y(), y))
    if target != widget.pos():
        widget.move(target)


def fit_window(widget: QWidget, width: int | None = None, height: int | None = None) -> QSize:
    """Resize ``widget`` to the wished size (default: its current size) clamped to the screen, and keep it on
    the screen. Returns the size given."""
    size = fitted_size(widget, width if width is not None else widget.width(),
                       height if height is not None else widget.height())
    widget.resize(size)
    if widget.isWindow():
        keep_inside(widget)
    return size


def fit_main_window(window: QWidget) -> None:
    """The main window on first start: 1366×768 where that fits with its frame, else the whole available area
    (maximised, as a clerk with a 1366×768 screen and a taskbar would have it)."""
    wished = MAIN_WINDOW_SIZE
    space = room(window)
    if wished.width() <= space.width() and wished.height() <= space.height():
        window.resize(wished)
        return
    avail = available_rect(window)
    window.resize(space)
    window.move(avail.topLeft())
    window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


def clamp_restored(window: QWidget) -> None:
    """After restoreGeometry: a size saved on a larger screen (or a screen no longer attached) is made to fit."""
    if window.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return
    space = room(window)
    if window.width() > space.width() or window.height() > space.height():
        fit_window(window)
    else:
        keep_inside(window)
