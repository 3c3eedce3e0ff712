"""Background work: run a function on the thread pool with progress and cancel; the window never blocks.

The function receives a ``Job`` (``job.progress(done, total, text)``, ``job.cancelled``) and returns a
result. Results and errors come back on the GUI thread through queued signals. Functions must not touch
widgets (Anki's ``QueryOp`` rule): they call services, which open their own database sessions.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from execdesk.rules.errors import UserError

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a job when the user pressed 取消."""


class Job:
    """Handed to the work function: report progress, check for cancellation."""

    def __init__(self, signals: _Signals):
        self._signals = signals
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int, text: str = "") -> None:
        try:
            self._signals.progress.emit(int(done), int(total), text)
        except RuntimeError:  # owner deleted (window closed): stop the work at the next check
            self._cancel.set()


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()


# Conditions a person can see and fix (the court network is down, no keyring on this machine, a Chinese
# validation message): the log gets one line, not an ERROR with a traceback. Everything else is a bug.
EXPECTED_SYNC_ERRORS = ("NotConfigured", "KeyringUnavailable", "AuthRequired", "NetworkError", "TlsError",
                        "UpgradeRequired")


def expected_condition(exc: BaseException) -> bool:
    from execdesk.rules.errors import ValidationError

    if isinstance(exc, ValidationError | LookupError):
        return True
    return type(exc).__module__.startswith("execdesk.sync") and type(exc).__name__ in EXPECTED_SYNC_ERRORS


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Job], Any], job: Job, signals: _Signals):
        super().__init__()
        self.fn, self.job, self.signals = fn, job, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(self.job)
        except Cancelled:
            self._emit(self.signals.cancelled)
        except BaseException as exc:  # every error reaches the GUI thread, never dies silently in a thread
            if isinstance(exc, UserError) or expected_condition(exc):  # shown to the person / offline: one line
                log.info("background job stopped: %s: %s", type(exc).__name__, exc)
            else:
                log.error("background job failed:\n%s", "".join(traceback.format_exception(exc)))
            # The exception travels to the GUI thread and may outlive this runnable, which the pool deletes
            # (autoDelete): drop this frame (it holds ``self``) from its traceback, keep the frames below.
            if exc.__traceback__ is not None and exc.__traceback__.tb_frame is sys._getframe():
                exc.__traceback__ = exc.__traceback__.tb_next
            self._emit(self.signals.failed, exc)
            del exc
        else:
            if self.job.cancelled:
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.finished, result)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the screen that asked was closed meanwhile: nobody to tell
            log.debug("result of a background job dropped: its owner was deleted")


class Task(QObject):
    """A running background job, owned by a parent QObject so its signals stay alive."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    done = Signal()  # after any of finished / failed / cancelled

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        # Owned by the task (Qt parent), so it is deleted in the GUI thread with the task, never by the
        # worker thread dropping its last Python reference.
        self._signals = _Signals(self)
        self.job = Job(self._signals)
        self.running = False
        self._signals.progress.connect(self.progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._signals.cancelled.connect(self._on_cancelled)

    def _on_finished(self, result: object) -> None:
        self.running = False
        self.finished.emit(result)
        self.done.emit()

    def _on_failed(self, exc: object) -> None:
        self.running = False
        self.failed.emit(exc)
        self.done.emit()

    def _on_cancelled(self) -> None:
        self.running = False
        self.cancelled.emit()
        self.done.emit()

    def cancel(self) -> None:
        self.job.cancel()


def start(parent: QObject, fn: Callable[[Job], Any], *, on_done: Callable[[Any], None] | None = None,
          on_error: Callable[[BaseException], None] | None = None,
          on_cancel: Callable[[], None] | None = None, pool: QThreadPool | None = None) -> Task:
    task = Task(parent)
    if on_done:
        task.finished.connect(on_done)
    if on_error:
        task.failed.connect(on_error)
    if on_cancel:
        task.cancelled.connect(on_cancel)
    task.done.connect(task.deleteLater)
    task.running = True
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, task.job, task._signals))
    return task


def run_with_progress(parent: QWidget, title: str, fn: Callable[[Job], Any], *,
                      on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None,
                      on_cancel: Callable[[], None] | None = None) -> Task:
    """Start ``fn`` with a window-modal progress dialog whose 取消 button cancels the job."""
    dialog = QProgressDialog(title, parent.tr("取消"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    task = start(parent, fn, on_done=on_done, on_error=on_error, on_cancel=on_cancel)

    def progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if text:
            dialog.setLabelText(text)

    task.progress.connect(progress)
    dialog.canceled.connect(task.cancel)
    task.done.connect(dialog.close)
    task.done.connect(dialog.deleteLater)
    return task


class StallProbe(QObject):
    """Measures how long the GUI event loop goes without running: a 10 ms timer records the longest gap
    between its ticks (minus the interval). Used around long work to show the window never froze."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 10):
        super().__init__(parent)
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.interval_ms = interval_ms
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self.longest_ms = 0.0
        self.ticks = 0
        self._last = 0.0

    def start(self) -> None:
        self.longest_ms = 0.0
        self.ticks = 0
        self._clock.start()
        self._last = 0.0
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        self._tick()
        return self.longest_ms

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed() / 1e6
        gap = now - self._last - self.interval_ms
        self._last = now
        self.ticks += 1
        if gap > self.longest_ms:
            self.longest_ms = float(gap)
