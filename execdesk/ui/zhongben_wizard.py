"""终本 assistant: readiness checklist (with links to record what is missing) → draft → approval (each approver
signs in with their own password) → PDF preview → issue → print or save, plus the public (redacted) copy.

The checklist comes from ``services.zhongben`` (issue 4); drafting, approval and issuing from
``services.approvals`` / ``services.documents`` when present. Nothing here decides whether a case is ready.
"""

from __future__ import annotations

import importlib
import logging
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.errors import UserError
from execdesk.services.case_views import load_case_view
from execdesk.services.profiles import users_by_role
from execdesk.ui.context import UiContext
from execdesk.ui.pdf_view import PdfView, print_pdf
from execdesk.ui.screen_fit import fit_window
from execdesk.ui.widgets import DateField, ErrorLabel, cn_date, confirm_irreversible, exec_dialog, show_error

log = logging.getLogger(__name__)

# Where each readiness item is satisfied in the workspace: item code prefix → (tab, record kind or node code).
REMEDY_ACTIONS = {
    "R2_notice": ("node", "N04"), "R2_order": ("node", "N04"), "R2_together": ("node", "N04"),
    "R3_check": ("node", "N08"), "R3_sanction": ("measure", None), "R4_limit": ("measure", None),
    "R4_credit": ("measure", None), "R5_network": ("inquiry", None), "R5_traditional": ("inquiry", None),
    "R5_leads": ("lead", None), "R5_assets": ("asset", None), "R6_personal": ("inquiry", None),
    "R7_search": ("measure", None), "R7_obstruction": ("measure", None), "R8_interview": ("node", "N22"),
}


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


class ChecklistPage(QWidget):
    def __init__(self, wizard: ZhongbenWizard):
        super().__init__()
        self.wizard = wizard
        self.ruling_date = DateField(wizard.ctx.today(), optional=False)
        self.ruling_date.setObjectName("ruling_date")
        self.ruling_date.dateChanged.connect(lambda _d: self.evaluate())
        self.summary = QLabel()
        self.summary.setObjectName("readiness_summary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("checklist")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in ("条件", "结果", "依据", "说明 / 需要补录的内容", "")])
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(1, 70)
        self.table.setColumnWidth(2, 260)
        self.table.setColumnWidth(3, 380)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.waive_button = QPushButton(self.tr("申请豁免所选条件…"))
        self.waive_button.clicked.connect(self.waive)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("拟作出裁定日期：")))
        top.addWidget(self.ruling_date)
        top.addStretch()
        top.addWidget(self.waive_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        self.readiness = None

    def evaluate(self) -> None:
        svc = _optional("execdesk.services.zhongben")
        if svc is None:
            self.summary.setText(self.tr("终本条件核查模块不可用。"))
            return
        try:
            self.readiness = svc.check_readiness(self.wizard.ctx.store, self.wizard.case_id,
                                                 self.ruling_date.value(), today=self.wizard.ctx.today())
        except UserError as exc:
            self.summary.setText(str(exc))
            return
        r = self.readiness
        items = r.items
        self.table.setRowCount(len(items))
        colors = {"已满足": QColor("#2e7d32"), "未满足": QColor("#c62828"), "不适用": QColor("#757575"),
                  "已豁免": QColor("#6a1b9a")}
        for row, item in enumerate(items):
            status = str(item.status)
            cells = [item.title, status + (self.tr("（提示）") if item.advisory else ""), item.basis,
                     (item.detail + "\n" if item.detail else "") + (item.remedy if item.status.name == "MISSING"
                                                                     else "")]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if col == 1:
                    cell.setForeground(colors.get(status, QColor("black")))
                if col == 0:
                    cell.setData(Qt.ItemDataRole.UserRole, item.code)
                self.table.setItem(row, col, cell)
            self.table.setCellWidget(row, 4, None)
            action = REMEDY_ACTIONS.get(item.code)
            if item.status.name == "MISSING" and action:
                b = QPushButton(self.tr("去记录"))
                b.clicked.connect(lambda _c=False, a=action: self.wizard.record(*a))
                self.table.setCellWidget(row, 4, b)
        self.table.resizeRowsToContents()
        if r.ready:
            self.summary.setText(self.tr("终本条件已全部具备，可以起草终本裁定。最早可作出裁定的日期：{0}。")
                                 .format(cn_date(r.earliest_on)))
            self.summary.setStyleSheet("color:#2e7d32;font-weight:bold")
        else:
            self.summary.setText(self.tr("尚有 {0} 项条件未满足（见红色各项），补录后再起草。最早可作出裁定的日期：{1}。")
                                 .format(len(r.unmet), cn_date(r.earliest_on)))
            self.summary.setStyleSheet("color:#c62828;font-weight:bold")
        self.wizard.update_buttons()

    def waive(self) -> None:
        row = self.table.currentRow()
        if row < 0 or self.readiness is None:
            QMessageBox.information(self, self.tr("豁免"), self.tr("请先选择要豁免的条件。"))
            return
        code = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        item = self.readiness.item(code)
        if not item.overridable:
            QMessageBox.information(self, self.tr("豁免"), self.tr("“{0}”是法定条件，不能豁免。").format(item.title))
            return
        dlg = ApproverDialog(self.wizard.ctx, self, title=self.tr("豁免终本条件：{0}").format(item.title),
                             roles=("执行局长", "副院长", "院长"), opinion_label=self.tr("豁免理由"))
        if not exec_dialog(dlg):
            return
        svc = _optional("execdesk.services.zhongben")
        try:
            svc.waive_item(self.wizard.ctx.store, self.wizard.ctx.actor, self.wizard.case_id, code,
                           reason=dlg.opinion.toPlainText(), approver_username=dlg.approver.currentData(),
                           approver_password=dlg.password.text(), today=self.wizard.ctx.today())
        except UserError as exc:
            QMessageBox.warning(self, self.tr("豁免"), str(exc))
            return
        self.wizard.changed.emit(self.wizard.case_id)
        self.evaluate()


class ApproverDialog(QDialog):
    """An approver picks their own profile and types their own password (never the handler's session)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None, *, title: str, roles: tuple[str, ...],
                 opinion_label: str, decisions: tuple[str, ...] = (), panel: bool = False):
        super().__init__(parent)
        self.setWindowTitle(title)
        with ctx.store.read() as s:
            people = users_by_role(s, *roles)
            judges = users_by_role(s, "承办人", "审判员", "执行局长", "副院长", "院长")
        self.approver = QComboBox()
        self.approver.setObjectName("approver")
        for p in people:
            self.approver.addItem(f"{p.display_name}（{p.role}）", p.username)
        self.password = QLineEdit()
        self.password.setObjectName("approver_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.decision = QComboBox()
        self.decision.addItems(list(decisions))
        self.opinion = QPlainTextEdit()
        self.opinion.setObjectName("opinion")
        self.opinion.setMaximumHeight(90)
        form = QFormLayout()
        form.addRow(self.tr("审批人："), self.approver)
        form.addRow(self.tr("审批人密码："), self.password)
        if decisions:
            form.addRow(self.tr("意见："), self.decision)
        form.addRow(opinion_label + "：", self.opinion)
        # A 合议庭 step names the two other judges who sign the ruling with the presiding approver.
        self.members: list[QComboBox] = []
        if panel:
            for i in range(2):
                box = QComboBox()
                box.setObjectName(f"panel_member_{i}")
                box.addItem(self.tr("（请选择）"), "")
                for p in judges:
                    box.addItem(f"{p.display_name}（{p.title or p.role}）", p.username)
                self.members.append(box)
                form.addRow(self.tr("合议庭成员{0}：").format(i + 1), box)
        self.error = ErrorLabel()
        ok = QPushButton(self.tr("确认"))
        ok.setObjectName("approve_ok")
        ok.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("取消"))
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(ok)
        row.addWidget(cancel)
        lay = QVBoxLayout(self)
        note = QLabel(self.tr("请审批人本人选择账号并输入自己的密码。"))
        lay.addWidget(note)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addLayout(row)
        self.setMinimumWidth(460)

    def panel_usernames(self) -> list[str]:
        return [b.currentData() for b in self.members if b.currentData()]


class ZhongbenWizard(QDialog):
    """The steps as pages of one dialog; the buttons move forward only when a step is done."""

    changed = Signal(str)

    STEPS = ["核查终本条件", "起草裁定", "审批", "预览", "出具"]

    def __init__(self, ctx: UiContext, case_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        with ctx.store.read() as s:
            self.view = load_case_view(s, case_id)
        self.setWindowTitle(self.tr("终本助手 — {0}").format(self.view.case.case_number))
        self.step_label = QLabel()
        self.step_label.setObjectName("step")
        self.stack = QStackedWidget()
        self.checklist = ChecklistPage(self)
        self.stack.addWidget(self.checklist)
        self.flow = DocumentFlow(self)
        for page in self.flow.pages:
            self.stack.addWidget(page)
        self.back = QPushButton(self.tr("上一步"))
        self.back.clicked.connect(lambda: self.go(self.stack.currentIndex() - 1))
        self.next = QPushButton(self.tr("下一步"))
        self.next.setObjectName("next")
        self.next.clicked.connect(lambda: self.go(self.stack.currentIndex() + 1))
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.back)
        row.addWidget(self.next)
        row.addStretch()
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.step_label)
        lay.addWidget(self.stack, 1)
        lay.addLayout(row)
        fit_window(self, 1100, 720)
        self.checklist.evaluate()
        self.go(0)

    @property
    def ruling_date(self) -> date:
        return self.checklist.ruling_date.value()

    def go(self, index: int) -> None:
        index = max(0, min(index, self.stack.count() - 1))
        if index > self.stack.currentIndex() and not self.can_leave(self.stack.currentIndex()):
            return
        self.stack.setCurrentIndex(index)
        page = self.stack.currentWidget()
        if hasattr(page, "enter"):
            page.enter()
        self.update_buttons()

    def can_leave(self, index: int) -> bool:
        if index == 0:
            return bool(self.checklist.readiness and self.checklist.readiness.ready)
        return self.flow.can_leave(index - 1)

    def update_buttons(self) -> None:
        i = self.stack.currentIndex()
        names = [self.tr(s) for s in self.STEPS[:self.stack.count()]]
        self.step_label.setText("　→　".join(f"<b>{n}</b>" if k == i else n for k, n in enumerate(names)))
        self.back.setEnabled(i > 0)
        self.next.setEnabled(i < self.stack.count() - 1 and self.can_leave(i))

    def record(self, kind: str, code: str | None) -> None:
        """A "去记录" link: open the matching form of the case workspace, then re-check."""
        from execdesk.ui.dialogs import NodeDialog, open_record_dialog

        if kind == "node":
            exec_dialog(NodeDialog(self.ctx, self.view.case, self, code=code))
        else:
            open_record_dialog(self.ctx, self, self.case_id, self.view.parties, kind)
        with self.ctx.store.read() as s:
            self.view = load_case_view(s, self.case_id)
        self.changed.emit(self.case_id)
        self.checklist.evaluate()


class DraftPage(QWidget):
    """起草裁定: the draft PDF (marked 草稿) for the chosen ruling date, with the approval route it needs."""

    def __init__(self, wizard: ZhongbenWizard):
        super().__init__()
        self.wizard = wizard
        self.draft = None
        self.info = QLabel()
        self.info.setObjectName("draft_info")
        self.info.setWordWrap(True)
        self.public = QComboBox()
        self.public.addItem(self.tr("裁定书原本"), False)
        self.public.addItem(self.tr("公开版（隐去身份证号、住址等）"), True)
        self.public.currentIndexChanged.connect(lambda _i: self.enter())
        self.view = PdfView()
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        top.addWidget(self.public)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)

    def enter(self) -> None:
        w = self.wizard
        try:
            self.draft = w.documents.draft_ruling(w.ctx.store, w.case_id, ruling_date=w.ruling_date,
                                                  public=bool(self.public.currentData()), today=w.ctx.today())
        except UserError as exc:
            self.info.setText(str(exc))
            self.draft = None
            return
        d = self.draft
        text = self.tr("裁定日期：{0}。").format(cn_date(w.ruling_date))
        if d.unmet:
            text += self.tr("尚不能出具：") + "；".join(d.unmet)
        elif d.pending:
            text += self.tr("还需审批：") + "、".join(d.pending)
        else:
            text += self.tr("审批已全部完成，可以出具。")
        self.info.setText(text)
        self.view.set_pdf(d.pdf)
        w.update_buttons()

    def done(self) -> bool:
        return self.draft is not None and not self.draft.unmet


class ApprovalPage(QWidget):
    """审批: each step of the court's route; an approver signs a step with their own password."""

    def __init__(self, wizard: ZhongbenWizard):
        super().__init__()
        self.wizard = wizard
        self.steps = []
        self.route_label = QLabel()
        self.route_label.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("approval_steps")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in ("步骤", "可审批角色", "状态", "审批人", "时间")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 200)
        self.table.setColumnWidth(1, 260)
        self.table.setColumnWidth(2, 200)
        self.sign = QPushButton(self.tr("审批所选步骤…"))
        self.sign.setObjectName("sign_step")
        self.sign.clicked.connect(self.sign_selected)
        # Issue 13: each approver decides on their own PC (through the platform) — the court's approval_mode.
        self.submit = QPushButton(self.tr("提交审批（审批人在本人电脑审批）…"))
        self.submit.setObjectName("submit_for_approval")
        self.submit.clicked.connect(self.submit_for_approval)
        self.request_label = QLabel()
        self.request_label.setObjectName("approval_request_state")
        self.request_label.setWordWrap(True)
        self.error = ErrorLabel()
        lay = QVBoxLayout(self)
        lay.addWidget(self.route_label)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.request_label)
        row = QHBoxLayout()
        row.addWidget(self.sign)
        row.addWidget(self.submit)
        row.addStretch()
        lay.addLayout(row)
        lay.addWidget(self.error)

    def enter(self) -> None:
        w = self.wizard
        self.steps = w.approvals.approval_status(w.ctx.store, w.case_id, ruling_date=w.ruling_date,
                                                 today=w.ctx.today())
        with w.ctx.store.read() as s:
            from execdesk.services.cases import get_case

            route = w.documents.current_route(get_case(s, w.case_id))
        self.route_label.setText(self.tr("审批路径：{0}（{1}）").format(route.label, route.basis))
        self.table.setRowCount(len(self.steps))
        for r, st in enumerate(self.steps):
            if st.done:
                state = self.tr("已同意")
            elif st.stale:
                state = self.tr("案件已变化，须重新审批")
            elif st.decision and st.decision != "同意":
                state = self.tr("不同意")
            else:
                state = self.tr("待审批")
            when = st.decided_at.astimezone().strftime("%Y-%m-%d %H:%M") if st.decided_at else ""
            for c, text in enumerate((st.name, "、".join(st.roles), state, st.approver or "", when)):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if c == 2:
                    cell.setForeground(QColor("#2e7d32") if st.done else QColor("#c62828"))
                self.table.setItem(r, c, cell)
        first_pending = next((r for r, st in enumerate(self.steps) if not st.done), None)
        if first_pending is not None:
            self.table.selectRow(first_pending)
        from execdesk.services import platform_approvals
        from execdesk.ui.approvals import request_summary

        mode = platform_approvals.approval_mode(w.ctx.store)
        self.sign.setVisible(mode != "platform")
        self.submit.setVisible(mode != "same_pc")
        self.request_label.setText(request_summary(w.ctx, w.case_id))
        w.update_buttons()

    def submit_for_approval(self) -> bool:
        from execdesk.ui.approvals import SubmitApprovalDialog

        w = self.wizard
        dlg = SubmitApprovalDialog(w.ctx, w.case_id, w.ruling_date, self)
        self.dialog = dlg
        ok = dlg.exec() == QDialog.DialogCode.Accepted
        dlg.deleteLater()
        if ok:
            w.changed.emit(w.case_id)
            self.enter()
        return ok

    def done(self) -> bool:
        return bool(self.steps) and all(st.done for st in self.steps)

    def sign_selected(self) -> bool:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.steps):
            return False
        st = self.steps[row]
        w = self.wizard
        step_rule = None
        with w.ctx.store.read() as s:
            from execdesk.services.cases import get_case

            step_rule = w.documents.current_route(get_case(s, w.case_id)).step(st.code)
        dlg = ApproverDialog(w.ctx, self, title=self.tr("审批：{0}").format(st.name), roles=st.roles,
                             opinion_label=self.tr("审批意见"), decisions=("同意", "不同意"),
                             panel=step_rule.records_panel)
        self.dialog = dlg
        while dlg.exec() == QDialog.DialogCode.Accepted:
            try:
                w.approvals.approve_ruling(
                    w.ctx.store, w.ctx.actor, w.case_id, step=st.code, approver_username=dlg.approver.currentData(),
                    password=dlg.password.text(), decision=dlg.decision.currentText(),
                    opinion=dlg.opinion.toPlainText().strip() or None, ruling_date=w.ruling_date,
                    panel=dlg.panel_usernames() or None, today=w.ctx.today())
            except UserError as exc:
                dlg.error.show_error(str(exc))
                dlg.password.clear()
                continue
            self.error.show_error("")
            w.changed.emit(w.case_id)
            self.enter()
            dlg.deleteLater()
            return True
        dlg.deleteLater()
        return False


class PreviewPage(QWidget):
    """预览: the approved draft as it will be issued (original or public copy)."""

    def __init__(self, wizard: ZhongbenWizard):
        super().__init__()
        self.wizard = wizard
        self.draft_page = DraftPage(wizard)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.draft_page)

    def enter(self) -> None:
        self.draft_page.enter()

    def done(self) -> bool:
        d = self.draft_page.draft
        return d is not None and not d.unmet and not d.pending


class IssuePage(QWidget):
    """出具: store the ruling and its public copy as an immutable version; print or save either."""

    def __init__(self, wizard: ZhongbenWizard):
        super().__init__()
        self.wizard = wizard
        self.issued = None
        self.info = QLabel(self.tr("出具后裁定书和公开版作为正式文书保存，不能再修改或删除，并记入操作记录。"))
        self.info.setObjectName("issue_info")
        self.info.setWordWrap(True)
        self.issue_button = QPushButton(self.tr("出具终本裁定书"))
        self.issue_button.setObjectName("issue")
        self.issue_button.clicked.connect(self.issue)
        self.print_button = QPushButton(self.tr("打印原本…"))
        self.print_button.clicked.connect(lambda: print_pdf(self, self.issued.original))
        self.save_button = QPushButton(self.tr("保存原本…"))
        self.save_button.clicked.connect(lambda: save_pdf(self, self.issued.original, self._name("")))
        self.save_public = QPushButton(self.tr("保存公开版…"))
        self.save_public.clicked.connect(lambda: save_pdf(self, self.issued.public, self._name("公开版")))
        self.print_public = QPushButton(self.tr("打印公开版…"))
        self.print_public.clicked.connect(lambda: print_pdf(self, self.issued.public))
        for b in (self.print_button, self.save_button, self.save_public, self.print_public):
            b.setEnabled(False)
        self.error = ErrorLabel()
        self.view = PdfView()
        row = QHBoxLayout()
        for b in (self.issue_button, self.print_button, self.save_button, self.print_public, self.save_public):
            row.addWidget(b)
        row.addStretch()
        lay = QVBoxLayout(self)
        lay.addWidget(self.info)
        lay.addLayout(row)
        lay.addWidget(self.error)
        lay.addWidget(self.view, 1)

    def _name(self, suffix: str) -> str:
        return f"{self.wizard.view.case.case_number}终本裁定书{suffix}v{self.issued.version_no}.pdf"

    def done(self) -> bool:
        return self.issued is not None

    def issue(self) -> bool:
        w = self.wizard
        number = w.view.case.case_number
        if not confirm_irreversible(self, self.tr("出具终本裁定书"), self.tr(
                "将出具 {0} 的终结本次执行程序裁定书（裁定日期 {1}）及其公开版。\n\n出具后作为正式文书保存，"
                "不能修改或删除；如需改动只能另行出具新版本。确定出具吗？").format(number, cn_date(w.ruling_date)),
                self.tr("确定出具")):
            return False
        try:
            self.issued = w.documents.issue_ruling(w.ctx.store, w.ctx.actor, w.case_id, ruling_date=w.ruling_date,
                                                   today=w.ctx.today())
        except UserError as exc:
            self.error.show_error(str(exc))
            return False
        self.error.show_error("")
        self.info.setText(self.tr("已出具第{0}版，可打印或保存。").format(self.issued.version_no))
        self.view.set_pdf(self.issued.original)
        for b in (self.print_button, self.save_button, self.save_public, self.print_public):
            b.setEnabled(True)
        self.issue_button.setEnabled(False)
        w.changed.emit(w.case_id)
        w.update_buttons()
        return True


class DocumentFlow:
    """Draft → approval → preview → issue over services.documents / services.approvals (issue 4)."""

    def __init__(self, wizard: ZhongbenWizard):
        self.wizard = wizard
        wizard.documents = _optional("execdesk.services.documents")
        wizard.approvals = _optional("execdesk.services.approvals")
        if wizard.documents is None or wizard.approvals is None:
            missing = QLabel(wizard.tr("终本裁定的起草、审批和出具功能（文书模块）未安装，本步骤不可用。"))
            missing.setWordWrap(True)
            missing.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.pages: list[QWidget] = [missing]
            return
        self.draft = DraftPage(wizard)
        self.approval = ApprovalPage(wizard)
        self.preview = PreviewPage(wizard)
        self.issue = IssuePage(wizard)
        self.pages = [self.draft, self.approval, self.preview, self.issue]

    def can_leave(self, index: int) -> bool:
        page = self.pages[index] if 0 <= index < len(self.pages) else None
        return bool(page is not None and hasattr(page, "done") and page.done())


def save_pdf(parent: QWidget, data: bytes, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("保存 PDF"), suggested, parent.tr("PDF 文件 (*.pdf)"))
    if not path:
        return None
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        show_error(parent, parent.tr("保存 PDF"), exc)
        return None
    return path
