"""One way to run a save: off the GUI thread, with one rule for errors, and screens refreshed from what changed.

Modelled on Anki's ``CollectionOp`` (aqt/operations/__init__.py): an operation is a service call that runs on
the thread pool (``ui.workers``), never touching widgets; when it is done, back on the GUI thread,

* success: the ``success`` callback gets the service's return value, then every screen hears what the
  operation changed (``Changes``: case ids and entity kinds) through ``hub().did_execute`` and re-reads only
  if it shows one of those cases (Anki's ``operation_did_execute`` hook);
* a ``UserError`` (bad input, a record that is gone, a stale form): the ``failure`` callback shows the Chinese
  message where it belongs (next to the field); without one, a warning box. Nothing was written (services
  roll back);
* anything else is a programming error: it goes to the error dialog with its traceback and into the log,
  never into a red label (issue 11).

``run()`` returns at once (the caller's window stays live). ``run_and_wait()`` also runs the call off the GUI
thread but spins a local event loop until it is done and returns whether it succeeded, for callers that must
answer yes/no (the save-before-closing question). While an operation runs, ``busy`` (by default the parent)
is disabled so a second click cannot submit the same form twice.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from execdesk.rules.errors import UserError
from execdesk.ui import workers

log = logging.getLogger(__name__)
from execdesk.ui.uncaught import uncaught_errors  # noqa: E402


@dataclass(frozen=True)
class Changes:
    """What an operation changed: the cases it touched and the kinds of entity (``case``, ``node``, ``inquiry``,
    ``measure``, ``asset``, ``payment``, ``interview``, ``lead``, ``deduction``, ``extension`` …)."""

    case_ids: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    @classmethod
    def of(cls, case_ids: Iterable[str | None] = (), kinds: Iterable[str] = ()) -> Changes:
        return cls(frozenset(c for c in case_ids if c), frozenset(kinds))

    def touches(self, case_id: str | None) -> bool:
        return case_id is not None and case_id in self.case_ids

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.case_ids | other.case_ids, self.kinds | other.kinds)

    def __bool__(self) -> bool:
        return bool(self.case_ids or self.kinds)


@dataclass
class Reported:
    """An operation function may return this to report what it changed beyond what the caller declared
    (e.g. a service that touched several cases)."""

    value: Any
    changes: Changes = field(default_factory=Changes)


class OpHub(QObject):
    """Where screens hear that an operation changed data. ``did_execute(changes, initiator)``."""

    did_execute = Signal(object, object)


_hub: OpHub | None = None
_RUNNING: set[Op] = set()  # operations started and not yet answered


def hub() -> OpHub:
    """The application's one hub (created on first use, on the GUI thread, owned by the QApplication)."""
    global _hub
    if _hub is None:
        _hub = OpHub(QCoreApplication.instance())
        _hub.destroyed.connect(_forget_hub)
    return _hub


def _forget_hub(*_args) -> None:
    global _hub
    _hub = None


class Op:
    """``Op(parent, lambda: cases.record_node(...), changes=Changes.of([case_id], {"node"})).success(f).run()``"""

    def __init__(self, parent: QWidget, fn: Callable[[], Any], *, changes: Changes | None = None,
                 title: str = "", busy: QWidget | None = None):
        self.parent = parent
        self.fn = fn
        self.changes = changes or Changes()
        self.title = title or QCoreApplication.translate("Operations", "无法完成操作")
        self.busy = parent if busy is None else busy
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[UserError], None] | None = None
        self._finally: Callable[[], None] | None = None
        self.succeeded: bool | None = None  # None while running
        self.value: Any = None

    def success(self, fn: Callable[[Any], None]) -> Op:
        self._success = fn
        return self

    def failure(self, fn: Callable[[UserError], None]) -> Op:
        """Called with a ``UserError`` only; programming errors always go to the error dialog."""
        self._failure = fn
        return self

    def after(self, fn: Callable[[], None]) -> Op:
        """Called last, whatever the outcome."""
        self._finally = fn
        return self

    def run(self) -> workers.Task:
        self._set_busy(True)
        # Kept alive until it has answered: Qt connections to bound methods are weak in PySide, and the caller
        # usually drops the Op right after run().
        _RUNNING.add(self)
        return workers.start(self.parent, lambda _job: self.fn(), on_done=lambda r: self._done(r),
                             on_error=lambda e: self._error(e))

    def run_and_wait(self) -> bool:
        """Run off the GUI thread; wait (the event loop keeps running) and return whether it succeeded."""
        loop = QEventLoop()
        task = self.run()
        task.done.connect(loop.quit)
        if self.succeeded is None:
            loop.exec()
        return bool(self.succeeded)

    # -- back on the GUI thread

    def _set_busy(self, busy: bool) -> None:
        if self.busy is not None:
            try:
                self.busy.setEnabled(not busy)
            except RuntimeError:  # the widget is gone
                pass

    def _done(self, result: Any) -> None:
        _RUNNING.discard(self)
        self._set_busy(False)
        changes = self.changes
        if isinstance(result, Reported):
            result, changes = result.value, changes | result.changes
        self.succeeded, self.value = True, result
        try:
            if self._success is not None:
                self._success(result)
        finally:
            if changes:
                hub().did_execute.emit(changes, self.parent)
            if self._finally is not None:
                self._finally()

    def _error(self, exc: BaseException) -> None:
        _RUNNING.discard(self)
        self._set_busy(False)
        self.succeeded = False
        try:
            if isinstance(exc, UserError):
                if self._failure is not None:
                    self._failure(exc)
                else:
                    show_user_error(self.parent, self.title, exc)
            else:
                show_internal_error(self.parent, exc)
        finally:
            if self._finally is not None:
                self._finally()


def show_user_error(parent: QWidget | None, title: str, exc: UserError) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(exc), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("userErrorBox")
    box.exec()
    box.deleteLater()


def show_internal_error(parent: QWidget | None, exc: BaseException) -> None:
    """The app's error dialog: a programming error, with the traceback under 显示详细信息 and in the log."""
    from execdesk.logging_setup import log_file
    text = "".join(traceback.format_exception(exc))
    log.error("operation failed:\n%s", text)
    uncaught_errors.append(text)
    if os.environ.get("EXECDESK_QUIT_AFTER_MS"):  # an automated run: nobody to click a dialog
        print(text, file=sys.stderr, flush=True)
        return
    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, QCoreApplication.translate("App", "程序内部错误"),
                      QCoreApplication.translate("App", "发生了一个内部错误（{0}），刚才的操作没有完成；"
                                                        "已保存的数据不受影响。\n\n详细信息已写入日志文件：\n{1}")
                      .format(type(exc).__name__, log_file()), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("internalErrorBox")
    box.setDetailedText(text)
    box.exec()
