"""Import and export of cases from the desktop (issue 6 §9; file format: docs/data-format.md).

The same all-or-nothing service as ``execdesk import`` / ``execdesk export``, run in a worker with a progress
dialog whose 取消 imports nothing (one transaction) and writes no file (the file appears whole or not at all).
A refused import lists every record's problem in Chinese and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from execdesk.rules.errors import ValidationError
from execdesk.ui.context import UiContext
from execdesk.ui.widgets import show_error
from execdesk.ui.workers import Task, run_with_progress


class CaseExchange(QObject):
    imported = Signal(int)  # cases imported
    exported = Signal(int, str)  # cases exported, file
    refused = Signal(str)  # the Chinese message shown (nothing was imported)

    def __init__(self, ctx: UiContext, window: QWidget):
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.task: Task | None = None

    def _file_filter(self) -> str:
        return self.tr("ExecDesk 案件文件 (*.json)")

    # -- import

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("导入案件"), "", self._file_filter())
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> Task:
        from execdesk.services.exchange import import_cases

        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        text = self.tr("正在导入案件 {0}/{1}…")

        def work(job) -> int:
            def progress(done: int, total: int) -> None:
                job.progress(done, total, text.format(done, total))
                job.check()  # 取消: raises, the one transaction rolls back, nothing is imported

            return import_cases(store, actor, path, today=today, progress=progress)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                message = self.tr("没有导入任何案件（全部成功或全部不导入）：\n{0}").format(exc)
                self.refused.emit(message)
                QMessageBox.warning(self.window, self.tr("导入案件"), message)
            else:
                show_error(self.window, self.tr("导入案件"), exc)

        def done(count: int) -> None:
            self.window.statusBar().showMessage(self.tr("已从 {0} 导入 {1} 件案件").format(path.name, count), 15_000)
            self.imported.emit(count)

        self.task = run_with_progress(self.window, self.tr("导入案件"), work, on_done=done, on_error=failed)
        return self.task

    # -- export

    def ask_export(self, case_numbers: list[str] | None = None) -> None:
        suggested = "执行案件.json" if not case_numbers else f"{case_numbers[0]}.json"
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("导出案件"), suggested, self._file_filter())
        if path:
            self.export_file(Path(path), case_numbers)

    def export_file(self, path: Path, case_numbers: list[str] | None = None) -> Task:
        from execdesk.services.exchange import export_cases

        store = self.ctx.store
        text = self.tr("正在导出案件 {0}/{1}…")

        def work(job) -> int:
            def progress(done: int, total: int) -> None:
                job.progress(done, total, text.format(done, total))
                job.check()  # 取消: raises before the file is written

            return export_cases(store, path, case_numbers=case_numbers, progress=progress)

        def done(count: int) -> None:
            self.window.statusBar().showMessage(self.tr("已导出 {0} 件案件到 {1}").format(count, path), 15_000)
            self.exported.emit(count, str(path))

        self.task = run_with_progress(self.window, self.tr("导出案件"), work, on_done=done,
                                      on_error=lambda exc: show_error(self.window, self.tr("导出案件"), exc))
        return self.task
