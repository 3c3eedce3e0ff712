"""Main window: the case list and the day's other screens as tabs, opened cases as closable tabs, the
standard shortcuts, and a status bar with the sync state and today's warnings.

Screens other than the case list are built the first time they are shown, and their modules (which load the
ORM) are imported then or by the start-up warm-up after the first paint (``ui.app``), so start-up stays the
cost of the case list's first page (docs/decisions.md, item 16).
"""

from __future__ import annotations

import base64
import importlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from execdesk.rules.errors import NotFoundError
from execdesk.services.search import status_summary
from execdesk.ui.case_list import CaseListPage
from execdesk.ui.context import UiContext
from execdesk.ui.screen_fit import clamp_restored, fit_main_window
from execdesk.ui.today import TodayPage
from execdesk.ui.widgets import ask_save_or_discard, exec_dialog

if TYPE_CHECKING:
    from execdesk.ui.case_workspace import CaseWorkspace

log = logging.getLogger(__name__)


def _title_of(ctx: UiContext) -> str | None:
    """The signed-in person's title (审判员 may sit in a 合议庭: approval steps are by role or title)."""
    from execdesk.services.profiles import find_profile

    with ctx.store.query() as con:
        profile = find_profile(con, ctx.actor.username)
    return profile.title if profile else None


def _is_workspace(widget: QWidget | None) -> bool:
    from execdesk.ui.case_workspace import CaseWorkspace

    return isinstance(widget, CaseWorkspace)


class MainWindow(QMainWindow):
    data_changed = Signal()  # any saved edit, sync or import: screens re-read what they show
    status_shown = Signal()  # the status bar was updated

    def __init__(self, ctx: UiContext):
        super().__init__()
        self.ctx = ctx
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("ExecDesk 执行办案桌面端 — {0}（{1}）").format(ctx.actor.display_name,
                                                                                 ctx.actor.role))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(False)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.setCentralWidget(self.tabs)

        # 今日待办 is the first screen after sign-in (issue 17): today's work, most urgent first.
        self.today_page = TodayPage(ctx.store, ctx.user_id, ctx.actor.role, _title_of(ctx), ctx.mine,
                                    clock=ctx.today, display_name=ctx.actor.display_name)
        self.today_page.setObjectName("page_today")
        self.today_page.go.connect(self.go_to)
        self.tabs.addTab(self.today_page, self.tr("今日待办"))
        self.case_list = CaseListPage(ctx.store, ctx.user_id, clock=ctx.today, mine=ctx.mine)
        self.case_list.open_case.connect(self.open_case)
        self.case_list.new_case.connect(self.new_case)
        self.tabs.addTab(self.case_list, self.tr("案件"))
        # Fixed screens, built on first show: title → factory.
        self._lazy: dict[int, Callable[[], QWidget]] = {}
        self.pages: dict[str, QWidget] = {"today": self.today_page, "cases": self.case_list}
        for key, title, factory in self._page_factories():
            placeholder = QWidget()
            placeholder.setObjectName(f"placeholder_{key}")
            idx = self.tabs.addTab(placeholder, title)
            self._lazy[idx] = (key, factory)
        self.fixed_tabs = self.tabs.count()
        self.tabs.currentChanged.connect(self._tab_changed)
        for i in range(self.fixed_tabs):
            self.tabs.tabBar().setTabButton(i, self.tabs.tabBar().ButtonPosition.RightSide, None)

        self._exchange = None
        self._build_actions()
        self._build_status_bar()
        self.data_changed.connect(self.refresh_status)
        self.data_changed.connect(self.today_page.refresh)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(60_000)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()
        # 1366×768 where that fits with the frame, else maximised in the available area (taskbar excluded):
        # issue 17 item 9.
        fit_main_window(self)
        self.restore_layout()
        # The one first load, with the restored sort order and scope; the figures that scan the whole table
        # (filter counts, status bar) are read once the window has painted.
        self.case_list.refresh(counts_after_paint=True)
        QTimer.singleShot(0, self.refresh_status)
        self.tabs.setCurrentWidget(self.today_page)
        self.today_page.focus_list()

    # -- pages

    def _page_factories(self) -> list[tuple[str, str, Callable[[], QWidget]]]:
        # Each screen's module is imported when the screen is first shown (or by the start-up warm-up).
        def build(module: str, cls: str) -> Callable[[], QWidget]:
            return lambda: getattr(importlib.import_module(f"execdesk.ui.{module}"), cls)(self.ctx, self)

        return [
            ("explanations", self.tr("书面说明"), build("explanations", "ExplanationsPage")),
            ("supervision", self.tr("督办与预警"), build("supervision", "SupervisionPage")),
            ("sync", self.tr("同步"), build("sync_panel", "SyncPanel")),
            ("dashboard", self.tr("统计"), build("dashboard", "DashboardPage")),
            ("quality", self.tr("数据质量"), build("quality", "QualityPage")),
            ("approvals", self.tr("待审批"), build("approvals", "ApprovalsPage")),  # issue 13: on the approver's PC
        ]

    def page(self, key: str) -> QWidget:
        """The screen ``key`` (built now if it was not shown yet)."""
        if key in self.pages:
            return self.pages[key]
        for idx, (k, _factory) in list(self._lazy.items()):
            if k == key:
                return self._materialize(idx)
        raise KeyError(key)

    def show_page(self, key: str) -> QWidget:
        w = self.page(key)
        self.tabs.setCurrentWidget(w)
        return w

    def _materialize(self, idx: int) -> QWidget:
        key, factory = self._lazy.pop(idx)
        title = self.tabs.tabText(idx)
        widget = factory()
        widget.setObjectName(f"page_{key}")
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        old = self.tabs.widget(idx)
        self.tabs.removeTab(idx)
        self.tabs.insertTab(idx, widget, title)
        self.tabs.tabBar().setTabButton(idx, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        old.deleteLater()
        self.pages[key] = widget
        if hasattr(widget, "open_case"):
            widget.open_case.connect(self.open_case)
        if hasattr(widget, "changed"):
            widget.changed.connect(lambda *_: self.data_changed.emit())
        if hasattr(widget, "refresh"):
            self.data_changed.connect(widget.refresh)
        return widget

    def _tab_changed(self, idx: int) -> None:
        if idx in self._lazy:
            self._materialize(idx)
            self.tabs.setCurrentIndex(idx)

    # -- cases

    def workspaces(self) -> list[CaseWorkspace]:
        return [self.tabs.widget(i) for i in range(self.tabs.count()) if _is_workspace(self.tabs.widget(i))]

    def open_case(self, case_id: str) -> CaseWorkspace:
        for ws in self.workspaces():
            if ws.case_id == case_id:
                self.tabs.setCurrentWidget(ws)
                return ws
        from execdesk.ui.case_workspace import CaseWorkspace

        ws = CaseWorkspace(self.ctx, case_id)
        ws.changed.connect(self._case_changed)
        ws.open_zhongben.connect(self.open_zhongben)
        ws.open_explanation.connect(self.open_explanation)
        idx = self.tabs.addTab(ws, ws.view.case.case_number)
        self.tabs.setCurrentIndex(idx)
        return ws

    def go_to(self, item) -> None:
        """Open the place where a 今日待办 task is done: the case at the right tab, the 督办 item, or the 终本
        assistant at its approval step."""
        if item.target.startswith("supervision:"):
            page = self.show_page("supervision")
            if hasattr(page, "select_item"):
                page.select_item(item.target.partition(":")[2])
            return
        if item.case_id is None:
            return
        if item.target == "approval":
            self.open_zhongben(item.case_id)
            return
        ws = self.open_case(item.case_id)
        ws.show_section(item.target.partition(":")[2])

    def show_today(self) -> None:
        self.tabs.setCurrentWidget(self.today_page)
        self.today_page.focus_list()

    def _case_changed(self, _case_id: str = "") -> None:
        """A case was saved, or cases were imported: the list and every screen re-read."""
        self.case_list.refresh()
        self.data_changed.emit()

    def new_case(self, backlog: bool = False) -> str | None:
        from execdesk.ui.dialogs import CaseDialog

        dlg = CaseDialog(self.ctx, self, backlog=backlog)
        if exec_dialog(dlg) and dlg.case_id:
            self.case_list.refresh()
            self.data_changed.emit()
            self.open_case(dlg.case_id)
            return dlg.case_id
        return None

    def open_zhongben(self, case_id: str) -> None:
        from execdesk.ui.zhongben_wizard import ZhongbenWizard

        wizard = ZhongbenWizard(self.ctx, case_id, self)
        wizard.changed.connect(self._case_changed)
        exec_dialog(wizard)
        for ws in self.workspaces():
            if ws.case_id == case_id:
                ws.reload()

    def open_explanation(self, case_id: str) -> None:
        page = self.show_page("explanations")
        page.select_case(case_id)

    def close_tab(self, idx: int) -> bool:
        w = self.tabs.widget(idx)
        if not _is_workspace(w):
            return False
        if w.has_unsaved_changes() and not self._confirm_discard([w]):
            return False
        self.tabs.removeTab(idx)
        w.deleteLater()
        return True

    def current_workspace(self) -> CaseWorkspace | None:
        w = self.tabs.currentWidget()
        return w if _is_workspace(w) else None

    # -- actions

    def _action(self, text: str, slot, shortcut=None, name: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(lambda _checked=False: slot())
        if name:
            a.setObjectName(name)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu(self.tr("文件(&F)"))
        m.addAction(self._action(self.tr("新建案件"), self.new_case, QKeySequence.StandardKey.New, "act_new"))
        m.addAction(self._action(self.tr("补录案件"), lambda: self.new_case(backlog=True), None, "act_backlog"))
        m.addSeparator()
        m.addAction(self._action(self.tr("导入案件…"), lambda: self.case_exchange().ask_import(), None, "act_import"))
        m.addAction(self._action(self.tr("导出所选案件…"), self._export_selected, None, "act_export_selected"))
        m.addAction(self._action(self.tr("导出全部案件…"), lambda: self.case_exchange().ask_export(), None,
                                 "act_export_all"))
        m.addAction(self._action(self.tr("从Excel补录…"), self.excel_import, None, "act_excel_import"))
        m.addSeparator()
        m.addAction(self._action(self.tr("保存"), self.save_current, QKeySequence.StandardKey.Save, "act_save"))
        m.addAction(self._action(self.tr("打印"), self.print_current, QKeySequence.StandardKey.Print, "act_print"))
        m.addSeparator()
        m.addAction(self._action(self.tr("退出"), self.close, QKeySequence.StandardKey.Quit, "act_quit"))
        m = mb.addMenu(self.tr("案件(&C)"))
        m.addAction(self._action(self.tr("查找案件"), self.focus_search, QKeySequence.StandardKey.Find, "act_find"))
        m.addAction(self._action(self.tr("打开所选案件"), self._open_selected, None, "act_open"))
        m.addAction(self._action(self.tr("终本助手"), self._zhongben_current, None, "act_zhongben"))
        m.addAction(self._action(self.tr("移交承办人…"), self._handover_current, None, "act_handover"))
        m.addAction(self._action(self.tr("关闭当前案件"), lambda: self.close_tab(self.tabs.currentIndex()),
                                 QKeySequence.StandardKey.Close, "act_close_case"))
        m = mb.addMenu(self.tr("工作(&W)"))
        m.addAction(self._action(self.tr("今日待办"), self.show_today, "Ctrl+0", "act_today"))
        m.addAction(self._action(self.tr("案件列表"), lambda: self.tabs.setCurrentWidget(self.case_list), "Ctrl+1"))
        m.addAction(self._action(self.tr("书面说明"), lambda: self.show_page("explanations"), "Ctrl+2"))
        m.addAction(self._action(self.tr("督办与预警"), lambda: self.show_page("supervision"), "Ctrl+3"))
        m.addAction(self._action(self.tr("待审批"), lambda: self.show_page("approvals"), "Ctrl+8"))
        m.addAction(self._action(self.tr("同步"), lambda: self.show_page("sync"), "Ctrl+4"))
        m.addAction(self._action(self.tr("统计"), lambda: self.show_page("dashboard"), "Ctrl+5"))
        m.addAction(self._action(self.tr("数据质量报告"), lambda: self.show_page("quality"), "Ctrl+6", "act_quality"))
        m = mb.addMenu(self.tr("同步(&S)"))
        m.addAction(self._action(self.tr("立即同步"), self.sync_now, QKeySequence.StandardKey.Refresh, "act_sync"))
        m = mb.addMenu(self.tr("帮助(&H)"))
        m.addAction(self._action(self.tr("日志文件位置"), self._show_log_location, None, "act_log"))
        m.addAction(self._action(self.tr("关于"), self._about, None, "act_about"))

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.case_list)
        self.case_list.focus_search()

    def case_exchange(self):
        """Import / export of case files (built on first use: ui.exchange)."""
        if self._exchange is None:
            from execdesk.ui.exchange import CaseExchange

            self._exchange = CaseExchange(self.ctx, self)
            self._exchange.imported.connect(lambda _n: self._case_changed())
        return self._exchange

    def excel_import(self, path=None):
        """文件 → 从Excel补录… (issue 15): the mapping → preview → import wizard (ui.excel_import)."""
        from execdesk.ui.excel_import import ExcelImportDialog, ask_excel_import

        if path is None:
            dialog = ask_excel_import(self.ctx, self)
        else:
            dialog = ExcelImportDialog(self.ctx, self)
            dialog.open_file(path)
            dialog.show()
        if dialog is not None:
            dialog.imported.connect(lambda _n: self._case_changed())
            dialog.report_requested.connect(lambda ids: self.show_page("quality").show_report(ids))
        return dialog

    def _export_selected(self) -> None:
        ws = self.current_workspace()
        number = ws.view.case.case_number if ws else self.case_list.selected_case_number()
        if number:
            self.case_exchange().ask_export([number])
        else:
            self.statusBar().showMessage(self.tr("请先在案件列表中选中一件案件"), 10_000)

    def _open_selected(self) -> None:
        cid = self.case_list.selected_case_id()
        if cid:
            self.open_case(cid)

    def _zhongben_current(self) -> None:
        ws = self.current_workspace()
        cid = ws.case_id if ws else self.case_list.selected_case_id()
        if cid:
            self.open_zhongben(cid)

    def _handover_current(self) -> None:
        """案件 → 移交承办人… (issue 13): the dialog in ui.handover; the case list and tab refresh after it."""
        from execdesk.ui.handover import handover_dialog
        from execdesk.ui.widgets import exec_dialog

        ws = self.current_workspace()
        cid = ws.case_id if ws else self.case_list.selected_case_id()
        if not cid:
            self.statusBar().showMessage(self.tr("请先在案件列表中选中一件案件"), 10_000)
            return
        if exec_dialog(handover_dialog(self, self.ctx, cid)):
            self.statusBar().showMessage(self.tr("已移交，将在下次同步时送达新承办人"), 10_000)
            self._case_changed()

    def save_current(self) -> None:
        ws = self.current_workspace()
        if ws is not None:
            ws.save()
        elif hasattr(self.tabs.currentWidget(), "save"):
            self.tabs.currentWidget().save()

    def print_current(self) -> None:
        w = self.tabs.currentWidget()
        if _is_workspace(w):
            w.print_summary()
        elif hasattr(w, "print_current"):
            w.print_current()

    def sync_now(self) -> None:
        panel = self.page("sync")
        panel.start_sync()

    def _show_log_location(self) -> None:
        from execdesk.logging_setup import log_file

        QMessageBox.information(self, self.tr("日志文件"), self.tr("日志文件位于：\n{0}").format(log_file()))

    def _about(self) -> None:
        from execdesk import __version__

        QMessageBox.about(self, self.tr("关于 ExecDesk"),
                          self.tr("ExecDesk 执行办案桌面端 {0}\n数据库：{1}").format(__version__, self.ctx.store.path))

    # -- status bar

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.sync_label = QLabel()
        self.sync_label.setObjectName("syncState")
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pendingChanges")
        self.warning_label = QLabel()
        self.warning_label.setObjectName("warnings")
        self.user_label = QLabel(self.tr("当前用户：{0}").format(self.ctx.actor.display_name))
        for w in (self.warning_label, self.pending_label, self.sync_label, self.user_label):
            w.setContentsMargins(8, 0, 8, 0)
            sb.addPermanentWidget(w)

    def refresh_status(self) -> None:
        """Re-read the status bar's figures on the thread pool (two scans of the cases table at 100,000
        cases: kept off the GUI thread and out of the start-up path)."""
        from execdesk.ui.workers import start

        store, mine, today = self.ctx.store, self.ctx.mine, self.ctx.today()

        def work(_job):
            with store.query() as con:
                return status_summary(con, mine.handler_id, today, clerk_id=mine.clerk_id)

        start(self, work, on_done=self.show_status)

    def show_status(self, st) -> None:
        settings = self.ctx.settings
        if not settings.server_url:
            state = self.tr("离线（未设置省平台地址）")
        elif st.last_sync_status == "ok" and st.last_sync_at and \
                (datetime.now(UTC) - st.last_sync_at).total_seconds() < max(2, settings.sync_interval_minutes * 2) * 60:
            state = self.tr("在线")
        else:
            state = self.tr("离线")
        if st.last_sync_at:
            result = {"ok": self.tr("成功"), "failed": self.tr("失败"), "cancelled": self.tr("已取消"),
                      "running": self.tr("进行中")}.get(st.last_sync_status or "", st.last_sync_status or "")
            state += self.tr("　上次同步：{0} {1}").format(st.last_sync_at.astimezone().strftime("%m-%d %H:%M"), result)
        else:
            state += self.tr("　尚未同步")
        self.sync_label.setText(state)
        pending = self.tr("待上传 {0} 条").format(st.pending_changes)
        if st.problem_changes:
            pending += self.tr("，{0} 条需处理").format(st.problem_changes)
        self.pending_label.setText(pending)
        # The same figures as the list's views 预警 / 执行期限已超期 / 节点超期 of 我的案件 (and the 统计 report's 超期案件数).
        text = self.tr("{0}：预警 {1} 件　超期 {2} 件").format(self.tr(self.ctx.mine.label), st.warnings, st.overdue)
        if st.node_overdue:
            text += self.tr("　节点超期 {0} 件").format(st.node_overdue)
        self.warning_label.setText(text)
        self.warning_label.setToolTip(self.tr("超期：执行期限已届满的未结案件（与统计中的“超期案件数”一致）；\n"
                                              "节点超期：执行期限未满，但查控、评估等节点期限已过"))
        self.warning_label.setStyleSheet("color:#c62828;font-weight:bold" if st.overdue else
                                         ("color:#e65100" if st.warnings else ""))
        self.status_shown.emit()

    # -- layout memory and closing

    def restore_layout(self) -> None:
        state = self.ctx.settings.window_state or {}
        try:
            if state.get("geometry"):
                self.restoreGeometry(QByteArray(base64.b64decode(state["geometry"])))
                clamp_restored(self)  # saved on a larger screen: made to fit this one
            if state.get("state"):
                self.restoreState(QByteArray(base64.b64decode(state["state"])))
            if state.get("list_splitter"):
                self.case_list.splitter.restoreState(QByteArray(base64.b64decode(state["list_splitter"])))
            if state.get("list_header"):
                self.case_list.table.horizontalHeader().restoreState(
                    QByteArray(base64.b64decode(state["list_header"])))
            if state.get("scope") in ("mine", "all") and self.case_list.scope.findData(state["scope"]) >= 0:
                self.case_list.scope.blockSignals(True)
                self.case_list.scope.setCurrentIndex(self.case_list.scope.findData(state["scope"]))
                self.case_list.scope.blockSignals(False)
        except (ValueError, TypeError):  # a damaged settings file must not stop the app
            log.warning("ignoring unreadable window state")

    def save_layout(self) -> None:
        def b64(data: QByteArray) -> str:
            return base64.b64encode(bytes(data.data())).decode("ascii")

        self.ctx.settings.window_state = {
            "geometry": b64(self.saveGeometry()), "state": b64(self.saveState()),
            "list_splitter": b64(self.case_list.splitter.saveState()),
            "list_header": b64(self.case_list.table.horizontalHeader().saveState()),
            "scope": self.case_list.scope.currentData(),
        }
        self.ctx.settings.current_user = self.ctx.actor.username
        try:
            self.ctx.settings.save()
        except OSError:
            log.exception("could not save window layout")

    def unsaved_editors(self) -> list[QWidget]:
        """Every open editor holding typed, unsaved text: case workspaces and the built screens."""
        editors = self.workspaces() + [p for p in self.pages.values() if hasattr(p, "has_unsaved_changes")]
        return [w for w in editors if w.has_unsaved_changes()]

    def _confirm_discard(self, dirty: list[QWidget]) -> bool:
        names = "、".join(w.unsaved_title() for w in dirty)
        answer = ask_save_or_discard(self, self.tr("{0} 有未保存的修改。是否保存？").format(names))
        if answer == "cancel":
            return False
        if answer == "save":
            for w in dirty:
                if not w.save():
                    self.tabs.setCurrentWidget(w)
                    return False
        else:
            for w in dirty:
                w.discard_draft()
        return True

    def offer_recovery(self) -> list[str]:
        """After a crash or a power cut: offer back what this person typed and had not saved (ui.drafts).
        Restored text goes into its editor unsaved, for the clerk to check and save. Returns the keys restored."""
        journal = self.ctx.drafts
        drafts = journal.drafts(self.ctx.actor.username)
        if not drafts:
            return []
        lines = "\n".join(f"· {d.title}" for d in drafts)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("恢复未保存的内容"),
                          self.tr("上次程序没有正常退出，以下内容尚未保存：\n{0}\n\n是否恢复？恢复后请核对并保存。")
                          .format(lines), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("recoveryBox")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("恢复"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("放弃"))
        if box.exec() != QMessageBox.StandardButton.Yes:
            for d in drafts:
                journal.drop(d.key, d.username)
            return []
        restored = []
        for d in drafts:
            kind, _, case_id = d.key.partition(":")
            try:
                if kind == "case":
                    self.open_case(case_id).overview.apply(d.values)
                    restored.append(d.key)
                elif kind == "explanation" and self.page("explanations").restore_draft(case_id, d.values):
                    self.show_page("explanations")
                    restored.append(d.key)
            except NotFoundError:  # the case is gone from this database: nothing to put the text into
                log.warning("draft %s: case not found", d.key)
        if len(restored) < len(drafts):  # kept in the journal: offered again at the next start
            self.statusBar().showMessage(self.tr("另有 {0} 项未恢复的内容仍保留着，下次启动时会再次询问")
                                         .format(len(drafts) - len(restored)), 30_000)
        return restored

    def closeEvent(self, event: QCloseEvent) -> None:
        dirty = self.unsaved_editors()
        if dirty and not self._confirm_discard(dirty):
            event.ignore()
            return
        for page in self.pages.values():
            if hasattr(page, "shutdown"):
                page.shutdown()
        self.save_layout()
        event.accept()
