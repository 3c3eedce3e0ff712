"""待审批: what waits for this PC's approver (issue 13 item 4) — the request list, the draft's PDF preview
rendered here from the carried text (marked 草稿), the readiness checklist, and the decision signed with the
approver's own password. Thin: everything goes through services.platform_approvals."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.errors import UserError
from execdesk.services import platform_approvals as svc
from execdesk.services.profiles import users_by_role
from execdesk.ui.context import UiContext
from execdesk.ui.pdf_view import PdfView
from execdesk.ui.widgets import DateField, ErrorLabel, fill_table, make_table, selected_id

STATE_COLORS = {svc.OPEN: "#c62828", svc.VOID: "#6d4c41", svc.REFUSED: "#6d4c41"}


class ApprovalsPage(QWidget):
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[svc.PendingApproval] = []
        self.only_open = QComboBox()
        self.only_open.addItem(self.tr("全部"), True)
        self.only_open.addItem(self.tr("仅待审批"), False)
        self.only_open.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table = make_table()
        self.table.setObjectName("pending_approvals")
        self.table.itemSelectionChanged.connect(self._show_current)
        self.empty = QLabel(self.tr("暂无待审批事项。承办人提交的审批请求在同步后显示在这里。"))
        self.summary = QLabel()
        self.summary.setObjectName("approval_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLabel()
        self.note.setObjectName("approval_note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.preview = PdfView()
        self.preview.setObjectName("approval_preview")
        self.checklist = make_table()
        self.checklist.setObjectName("approval_checklist")
        tabs = QTabWidget()
        tabs.addTab(self.preview, self.tr("草稿预览"))
        tabs.addTab(self.checklist, self.tr("终本条件核查"))

        self.decision = QComboBox()
        self.decision.setObjectName("approval_decision")
        for d in ("同意", "不同意"):
            self.decision.addItem(self.tr(d), d)
        self.opinion = QPlainTextEdit()
        self.opinion.setObjectName("approval_opinion")
        self.opinion.setPlaceholderText(self.tr("审批意见（不同意时必须写明理由）"))
        self.opinion.setMaximumHeight(70)
        self.decided_on = DateField(ctx.today(), optional=False, clock=ctx.today)
        self.username = QLineEdit(ctx.actor.username)
        self.username.setObjectName("approval_username")
        self.password = QLineEdit()
        self.password.setObjectName("approval_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("本人密码"))
        self.error = ErrorLabel()
        self.sign = QPushButton(self.tr("签署审批意见"))
        self.sign.setObjectName("sign_approval")
        self.sign.clicked.connect(self.sign_decision)

        form = QFormLayout()
        form.addRow(self.tr("意见："), self.decision)
        form.addRow(self.tr("审批意见："), self.opinion)
        form.addRow(self.tr("审批日期："), self.decided_on)
        who = QHBoxLayout()
        who.addWidget(self.username)
        who.addWidget(self.password)
        form.addRow(self.tr("审批人（本人登录）："), who)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.summary)
        rl.addWidget(self.note)
        rl.addWidget(tabs, 1)
        rl.addLayout(form)
        rl.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.sign)
        row.addStretch()
        rl.addLayout(row)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("显示：")))
        top.addWidget(self.only_open)
        top.addStretch()
        ll.addLayout(top)
        ll.addWidget(self.empty)
        ll.addWidget(self.table, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([470, 890])
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        self.refresh()

    def refresh(self) -> None:
        current = selected_id(self.table)
        self.items = svc.pending_approvals(self.ctx.store, include_done=bool(self.only_open.currentData()))
        fill_table(self.table, [self.tr(h) for h in ("状态", "案号", "审批步骤", "事项", "提交人", "接收时间")],
                   [(i.state, i.case_number, i.label, i.subject, i.requester,
                     i.received_at.astimezone().strftime("%m-%d %H:%M") if i.received_at else "")
                    for i in self.items], ids=[i.id for i in self.items],
                   colors=[QColor(STATE_COLORS[i.state]) if i.state in STATE_COLORS else None for i in self.items])
        self.empty.setVisible(not self.items)
        for r, i in enumerate(self.items):
            if i.id == current:
                self.table.selectRow(r)
        self._show_current()

    def select_item(self, item_id: str) -> bool:
        for r, i in enumerate(self.items):
            if i.id == item_id:
                self.table.selectRow(r)
                self._show_current()
                return True
        return False

    def current(self) -> svc.PendingApproval | None:
        item_id = selected_id(self.table)
        return next((i for i in self.items if i.id == item_id), None)

    def _show_current(self) -> None:
        item = self.current()
        can_sign = bool(item and item.state == svc.OPEN)
        for w in (self.sign, self.decision, self.opinion, self.decided_on, self.password, self.username):
            w.setEnabled(can_sign)
        self.error.show_error("")
        if item is None:
            self.summary.setText("")
            self.note.setText("")
            return
        earlier = "；".join(f"{e.get('step')}：{e.get('decision')}" + (f"（{e['opinion']}）" if e.get("opinion") else "")
                           for e in item.earlier) or self.tr("无")
        self.summary.setText(
            f"{item.subject}　{item.case_number or '—'}　{self.tr('本步骤')}：{item.label}\n"
            f"{self.tr('提交人')}：{item.requester}　{self.tr('前序审批')}：{earlier}\n"
            # The SHA-256 binds the decision to this text (the service checks it); a person is told what it means.
            f"{self.tr('审批意见只对本稿有效；承办人修改草稿后须重新审批')}")
        shown = item.note or ""
        if item.state != svc.OPEN and item.decision:
            shown = f"{self.tr('本人意见')}：{item.decision}" + (f"（{item.opinion}）" if item.opinion else "") + \
                    (f"　{shown}" if shown else "")
        self.note.setText(shown)
        fill_table(self.checklist, [self.tr(h) for h in ("条件", "结果", "情况")],
                   [(c.get("title"), c.get("status"), c.get("detail")) for c in item.checklist],
                   colors=[QColor("#c62828") if c.get("status") == "未满足" else None for c in item.checklist])
        try:
            self.preview.set_pdf(svc.preview_pdf(self.ctx.store, item.id))
        except UserError as exc:
            self.error.show_error(str(exc))
            self.sign.setEnabled(False)

    def sign_decision(self) -> None:
        item = self.current()
        if item is None:
            return
        try:
            svc.decide(self.ctx.store, self.ctx.actor, item.id, username=self.username.text().strip(),
                       password=self.password.text(), decision=self.decision.currentData(),
                       opinion=self.opinion.toPlainText(), decided_on=self.decided_on.value(),
                       today=self.ctx.today())
        except UserError as exc:
            self.error.show_error(str(exc))
            return
        finally:
            self.password.clear()
        self.opinion.setPlainText("")
        self.refresh()
        self.changed.emit()


class SubmitApprovalDialog(QDialog):
    """The 承办人 submits the current 终本 draft: one approver per step of the court's route (each will decide on
    their own PC) and the two other members of the 合议庭."""

    def __init__(self, ctx: UiContext, case_id: str, ruling_date=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.case_id, self.ruling_date = ctx, case_id, ruling_date
        self.setWindowTitle(self.tr("提交审批（各审批人在本人电脑上审批）"))
        self.steps = svc.route_steps(ctx.store, case_id)
        with ctx.store.read() as s:
            people = users_by_role(s)
        form = QFormLayout()
        self.pickers: dict[str, QComboBox] = {}
        self.members: list[QComboBox] = []
        for st in self.steps:
            box = QComboBox()
            box.setObjectName(f"approver_{st.code}")
            for p in people:
                if p.role in st.roles and p.username != ctx.actor.username:
                    box.addItem(f"{p.display_name}（{p.role}）", p.username)
            self.pickers[st.code] = box
            form.addRow(self.tr("{0}：").format(st.name), box)
            if st.records_panel:
                for n in (1, 2):
                    member = QComboBox()
                    member.setObjectName(f"panel_member_{n}")
                    for p in people:
                        member.addItem(p.display_name, p.username)
                    self.members.append(member)
                    form.addRow(self.tr("合议庭审判员{0}：").format(n), member)
        self.error = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("提交"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("草稿的全文和终本条件核查结果随请求发送；同步后各审批人在本人电脑上审批。")))
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.request_id: str | None = None

    def submit(self) -> None:
        try:
            self.request_id = svc.submit_ruling(
                self.ctx.store, self.ctx.actor, self.case_id,
                approvers={code: box.currentData() or "" for code, box in self.pickers.items()},
                panel=[m.currentData() for m in self.members], ruling_date=self.ruling_date, today=self.ctx.today())
        except UserError as exc:
            self.error.show_error(str(exc))
            return
        self.accept()


def request_summary(ctx: UiContext, case_id: str) -> str:
    """The latest request of this case as one line for the 承办人 (state, and what the platform said)."""
    reqs = svc.my_requests(ctx.store, case_id)
    if not reqs:
        return ""
    r = reqs[0]
    sent = "已上报省平台" if r.sent else "待同步上报"
    return f"经省平台审批：{r.state}（{sent}）" + (f"　{r.note}" if r.note else "")
