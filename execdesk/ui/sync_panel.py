"""Sync panel: platform address, CA bundle and account; sign in (token to the OS keyring); sync now with
progress and cancel; periodic sync; quarantined changes and conflicts with how to resolve them.

A sync round runs on the thread pool (``workers``); a ``StallProbe`` records the longest event-loop stall
while it runs, shown in the panel and used by the tests and the benchmark.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from execdesk.ui.context import UiContext
from execdesk.ui.widgets import ErrorLabel, fill_table, make_table, selected_id, show_error
from execdesk.ui.workers import StallProbe, Task, start

log = logging.getLogger(__name__)



# Messages of the sync client name the command line for the scheduled task; on this screen the clerk signs in
# with the form above instead (issue 17 item 6: no CLI instructions on user screens).
_CLI_HINTS = (
    ("（execdesk sync login）", "（在本页填写账号和密码后点“登录省平台”）"),
    ("execdesk sync login --server 平台地址 --account 账号", "在本页填写平台地址、省平台账号和密码后点“登录省平台”"),
)


def for_screen(text: str) -> str:
    for cli, gui in _CLI_HINTS:
        text = text.replace(cli, gui)
    return text

class SyncPanel(QWidget):
    changed = Signal()
    sync_finished = Signal(object)  # SyncReport or the exception

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, sync_fn=None):
        super().__init__(parent)
        self.ctx = ctx
        # The function that runs one round: services.sync.run_sync(store, settings, progress=, cancel=).
        self._sync_fn = sync_fn
        self.task: Task | None = None
        self.probe = StallProbe(self)
        self.last_stall_ms: float | None = None
        self.last_report = None
        s = ctx.settings

        self.server = QLineEdit(s.server_url)
        self.server.setObjectName("server_url")
        self.server.setPlaceholderText("https://zxzh.court.example/")
        self.ca = QLineEdit(s.ca_bundle)
        self.ca.setPlaceholderText(self.tr("留空则使用系统证书"))
        ca_pick = QPushButton(self.tr("选择…"))
        ca_pick.clicked.connect(self._pick_ca)
        # Each PC signs in with its user's own platform account (法院代字/用户名), prefilled from the profile.
        from execdesk.services.sync import default_account

        self.account = QLineEdit(default_account(ctx.store, s, ctx.actor.username))
        self.account.setObjectName("account")
        self.account.setPlaceholderText(self.tr("法院代字/用户名，如 鲁0102/zhangwei"))
        self.password = QLineEdit()
        self.password.setObjectName("platform_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.interval = QSpinBox()
        self.interval.setRange(0, 24 * 60)
        self.interval.setSuffix(self.tr(" 分钟（0 = 不自动同步）"))
        self.interval.setValue(s.sync_interval_minutes)
        save = QPushButton(self.tr("保存设置"))
        save.clicked.connect(self.save_settings)
        login = QPushButton(self.tr("登录省平台"))
        login.setObjectName("login")
        login.clicked.connect(self.sign_in)
        logout = QPushButton(self.tr("退出登录"))
        logout.clicked.connect(self.sign_out)

        settings_box = QGroupBox(self.tr("省平台连接"))
        form = QFormLayout(settings_box)
        form.addRow(self.tr("平台地址："), self.server)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca, 1)
        ca_row.addWidget(ca_pick)
        form.addRow(self.tr("CA 证书："), ca_row)
        form.addRow(self.tr("省平台账号："), self.account)
        form.addRow(self.tr("密码："), self.password)
        form.addRow(self.tr("自动同步间隔："), self.interval)
        row = QHBoxLayout()
        for b in (save, login, logout):
            row.addWidget(b)
        row.addStretch()
        form.addRow(row)

        self.status = QLabel()
        self.status.setObjectName("sync_status")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("sync_progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.progress_text = QLabel()
        self.sync_button = QPushButton(self.tr("立即同步（F5）"))
        self.sync_button.setObjectName("sync_now")
        self.sync_button.clicked.connect(self.start_sync)
        self.cancel_button = QPushButton(self.tr("取消同步"))
        self.cancel_button.setObjectName("cancel_sync")
        self.cancel_button.clicked.connect(self.cancel_sync)
        self.cancel_button.setEnabled(False)
        self.error = ErrorLabel()
        run_box = QGroupBox(self.tr("同步"))
        rl = QVBoxLayout(run_box)
        rl.addWidget(self.status)
        br = QHBoxLayout()
        br.addWidget(self.sync_button)
        br.addWidget(self.cancel_button)
        br.addStretch()
        rl.addLayout(br)
        rl.addWidget(self.progress)
        rl.addWidget(self.progress_text)
        rl.addWidget(self.error)

        self.problems = make_table()
        self.problems.setObjectName("problems")
        problem_box = QGroupBox(self.tr("需要处理的变更（被拒收或与省平台冲突）"))
        pl = QVBoxLayout(problem_box)
        help_text = QLabel(self.tr("冲突：同一记录在省平台上已被修改。选择“保留本地”会把本地内容作为新的修改再次上报；"
                                   "选择“采用平台”会用平台上的内容覆盖本地。被拒收：省平台校验未通过，"
                                   "请按原因修改案件后“重新上报”，或确认“不再上报”。所有处理都记入操作记录。"))
        help_text.setWordWrap(True)
        pl.addWidget(help_text)
        pl.addWidget(self.problems)
        pr = QHBoxLayout()
        for text, slot in ((self.tr("保留本地"), lambda: self.resolve("mine")),
                           (self.tr("采用平台"), lambda: self.resolve("theirs")),
                           (self.tr("重新上报"), lambda: self.resolve("retry")),
                           (self.tr("不再上报"), lambda: self.resolve("dismiss"))):
            b = QPushButton(text)
            b.clicked.connect(slot)
            pr.addWidget(b)
        pr.addStretch()
        pl.addLayout(pr)

        top = QHBoxLayout()
        top.addWidget(settings_box, 1)
        top.addWidget(run_box, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(problem_box, 1)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self._periodic)
        self._apply_interval()
        self.refresh()

    # -- settings and sign-in

    def _pick_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择 CA 证书"), "", self.tr("证书 (*.pem *.crt);;所有文件 (*)"))
        if path:
            self.ca.setText(path)

    def save_settings(self) -> None:
        s = self.ctx.settings
        url = self.server.text().strip()
        if url and not url.startswith(("https://", "http://")):
            self.error.show_error(self.tr("平台地址：应以 https:// 开头"))
            return
        s.server_url, s.ca_bundle, s.court_account = url, self.ca.text().strip(), self.account.text().strip()
        s.sync_interval_minutes = self.interval.value()
        try:
            s.save()
        except OSError as exc:
            show_error(self, self.tr("保存设置"), exc)
            return
        self.error.show_error("")
        self._apply_interval()
        self.refresh()

    def _apply_interval(self) -> None:
        minutes = self.ctx.settings.sync_interval_minutes
        if minutes > 0 and self.ctx.settings.server_url:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()

    def sign_in(self) -> None:
        from execdesk.services import sync as sync_service

        self.save_settings()
        password = self.password.text()
        self.password.clear()
        settings = self.ctx.settings

        def work(_job):
            return sync_service.sign_in(self.ctx.store, settings, settings.court_account, password)

        def done(result) -> None:
            self.error.show_error("")
            QMessageBox.information(self, self.tr("登录省平台"),
                                    self.tr("已登录：{0}（{1}）{2}").format(
                                        result.court_name, result.court_code,
                                        f"，{result.display_name}（{result.role}）" if result.person else ""))
            self.refresh()

        start(self, work, on_done=done, on_error=self._sync_error)

    def sign_out(self) -> None:
        from execdesk.services import sync as sync_service

        settings = self.ctx.settings

        def done(warning) -> None:  # the platform is told first (a network call: off the UI thread)
            self.error.show_error(warning or "")
            self.refresh()

        def failed(exc) -> None:  # keyring problems are reported, not fatal
            self._sync_error(exc)
            self.refresh()

        start(self, lambda _job: sync_service.sign_out(settings), on_done=done, on_error=failed)

    # -- running

    def is_running(self) -> bool:
        return self.task is not None and self.task.running

    def start_sync(self) -> None:
        if self.is_running():
            return
        fn = self._sync_fn
        if fn is None:
            from execdesk.services.sync import run_sync as fn
        store, settings = self.ctx.store, self.ctx.settings

        def work(job):
            return fn(store, settings, progress=job.progress, cancel=lambda: job.cancelled)

        self.error.show_error("")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.progress_text.setText(self.tr("正在同步…"))
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.probe.start()
        self.task = start(self, work, on_done=self._done, on_error=self._sync_error, on_cancel=self._cancelled)
        self.task.progress.connect(self._progress)
        self.task.done.connect(self._finished)

    def cancel_sync(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.progress_text.setText(self.tr("正在取消…（已确认的数据不会丢失）"))

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if text:
            self.progress_text.setText(text)

    def _finished(self) -> None:
        self.last_stall_ms = self.probe.stop()
        log.info("sync: longest event-loop stall %.1f ms", self.last_stall_ms)
        self.progress.hide()
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.task = None
        self.refresh()
        self.changed.emit()

    def _done(self, report) -> None:
        self.last_report = report
        text = report.summary() if hasattr(report, "summary") else self.tr("同步完成")
        self.progress_text.setText(text)
        self.sync_finished.emit(report)

    def _cancelled(self) -> None:
        self.progress_text.setText(self.tr("同步已取消；已上报并确认的数据已保存，其余下次继续。"))
        self.sync_finished.emit(None)

    def _sync_error(self, exc: BaseException) -> None:
        from execdesk.sync.errors import SyncError

        if isinstance(exc, SyncError):
            self.error.show_error(for_screen(str(exc)))
        else:
            show_error(self, self.tr("同步"), exc)
        self.progress_text.setText("")
        self.sync_finished.emit(exc)

    def _periodic(self) -> None:
        if not self.is_running():
            self.start_sync()

    def shutdown(self) -> None:
        """Window closing: stop the timer and ask a running round to stop at the next safe point."""
        self.timer.stop()
        if self.task is not None:
            self.task.cancel()

    # -- status and problems

    def refresh(self) -> None:
        from execdesk.services import sync as sync_service

        try:
            status = sync_service.sync_status(self.ctx.store, self.ctx.settings)
            text = status.summary()
        except Exception as exc:  # a keyring or settings problem must not break the panel
            from execdesk.ui.workers import expected_condition

            if expected_condition(exc):
                log.info("sync status: %s", exc)  # an expected condition: one line
            else:
                log.exception("sync status")
            text = str(exc)
        self.status.setText(for_screen(text))  # the longest stall goes to the log, not to the clerk
        self.conflicts = sync_service.list_conflicts(self.ctx.store)
        from execdesk.services.wording import ENTITY_LABELS

        fill_table(self.problems, [self.tr(h) for h in ("类型", "案号", "对象", "原因", "差异")],
                   [(self.tr("冲突") if c.kind == "conflict" else self.tr("被拒收"), c.case_number,
                     ENTITY_LABELS.get(c.entity, c.entity),
                     c.reason, "；".join(f"{d.name}：本地 {d.mine} / 平台 {d.theirs}" for d in c.differences))
                    for c in self.conflicts], ids=[c.change_id for c in self.conflicts])

    def resolve(self, choice: str) -> None:
        from execdesk.services import sync as sync_service

        change_id = selected_id(self.problems)
        item = next((c for c in self.conflicts if c.change_id == change_id), None)
        if item is None:
            QMessageBox.information(self, self.tr("处理变更"), self.tr("请先在表格中选择一条。"))
            return
        try:
            if choice in ("mine", "theirs"):
                if item.kind != "conflict":
                    raise ValueError(self.tr("这一条不是冲突，请用“重新上报”或“不再上报”"))
                sync_service.resolve_conflict(self.ctx.store, self.ctx.actor, change_id, choice,
                                              today=self.ctx.today())
            else:
                if item.kind != "quarantined":
                    raise ValueError(self.tr("这一条是冲突，请选择“保留本地”或“采用平台”"))
                sync_service.resolve_quarantined(self.ctx.store, self.ctx.actor, change_id, choice)
        except ValueError as exc:
            QMessageBox.warning(self, self.tr("处理变更"), str(exc))
            return
        except Exception as exc:
            show_error(self, self.tr("处理变更"), exc)
            return
        self.refresh()
        self.changed.emit()
