"""Helpers for the desktop tests: a UI context on the test database and a way to answer modal dialogs.

Modal dialogs (``exec()``) block the test until closed; ``on_modal`` schedules a function that runs on the
dialog once it is the active modal widget, the way a person would type into it and press a button.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import TODAY
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton, QWidget

from execdesk.config import Settings
from execdesk.services.profiles import actor_for
from execdesk.ui.context import UiContext


def make_ctx(store, username: str = "zhangwei", today=TODAY) -> UiContext:
    return UiContext(store=store, actor=actor_for(store, username), settings=Settings(), clock=lambda: today)


def on_modal(action: Callable[[QWidget], None], *, exclude: QWidget | None = None, tries: int = 3000,
             match: Callable[[QWidget], bool] | None = None) -> list:
    """Run ``action(dialog)`` on the next modal dialog (polled every 20 ms) — with ``match``, on the next one the
    predicate accepts (another modal, e.g. a progress dialog shown first on a slow machine, is left alone).
    Returns a list that receives the dialog, so a test can check it was seen."""
    seen: list = []

    def poll(left: int = tries) -> None:
        w = QApplication.activeModalWidget()
        if w is not None and w is not exclude and (match is None or match(w)):
            seen.append(w)
            action(w)
            return
        if left > 0:
            QTimer.singleShot(20, lambda: poll(left - 1))

    QTimer.singleShot(0, poll)
    return seen


def click_button(dialog: QWidget, text: str) -> None:
    """Press the button whose text is ``text`` (message boxes, button boxes, plain buttons)."""
    if isinstance(dialog, QMessageBox):
        for b in dialog.buttons():
            if b.text() == text:
                b.click()
                return
    for box in dialog.findChildren(QDialogButtonBox):
        for b in box.buttons():
            if b.text() == text:
                b.click()
                return
    for b in dialog.findChildren(QPushButton):
        if b.text() == text:
            b.click()
            return
    raise AssertionError(f"no button {text!r} in {dialog.windowTitle()!r}: "
                         f"{[b.text() for b in dialog.findChildren(QPushButton)]}")


def wait_op(dialog: QWidget, limit_s: float = 60.0) -> None:
    """Saves run off the GUI thread (ui.operations) and disable the dialog meanwhile: let the event loop run
    until the dialog has closed or is enabled again (the operation answered). Bounded, never a timing check."""
    import time

    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + limit_s
    while dialog.isVisible() and not dialog.isEnabled() and time.monotonic() < end:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    QApplication.processEvents()


def save(dialog: QWidget, text: str = "保存") -> None:
    """Press ``text`` and wait for the operation it started."""
    click_button(dialog, text)
    wait_op(dialog)


def submit(dialog: QWidget, text: str = "保存", failures: list | None = None) -> None:
    """Press ``text``; if the dialog stays open (a validation error), record the message and cancel it, so a
    failing test reports the message instead of waiting on a dialog nobody answers."""
    click_button(dialog, text)
    wait_op(dialog)
    if dialog.isVisible():
        label = getattr(dialog, "error", None)
        message = label.text() if label is not None else "dialog stayed open"
        if failures is not None:
            failures.append(message)
        from PySide6.QtWidgets import QDialog

        QDialog.reject(dialog)  # no "discard what was typed?" question: the test already failed
        raise AssertionError(message)


@pytest.fixture(autouse=True)
def dispose_widgets(qapp):
    """After each test (and after qtbot closed its widgets): close what is left and run the deferred
    deletions now, so no window outlives its test and PySide's exit-time cleanup has nothing to tear down."""
    yield
    from PySide6.QtCore import QEvent

    for w in QApplication.topLevelWidgets():
        if w.isVisible():
            w.close()
    for _ in range(3):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()


def fill_node(dlg, code: str, day, data: dict, *, description: str = "", ended=None) -> None:
    """Fill the node dialog as a person would: pick the node, the dates, then each typed field by what it shows
    (a combo by its text, a checklist by ticking, a line edit by typing)."""
    from execdesk.ui.node_form import CheckList, ChoiceBox

    dlg.set_code(code)
    dlg.started.set_value(day)
    dlg.ended.set_value(ended or day)
    for key, value in data.items():
        w = dlg.field(key)
        if isinstance(w, ChoiceBox):
            i = w.findText(value)
            assert i >= 0, f"{key}: {value!r} is not offered ({[w.itemText(k) for k in range(w.count())]})"
            w.setCurrentIndex(i)
        elif isinstance(w, CheckList):
            w.set_value(value)
        else:
            w.setText(value)
    if description:
        dlg.description.setPlainText(description)
