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

from execdesk.rules.errors import ValidationError
from execdesk.services.case_views import load_case_view, users_by_role
from execdesk.ui.context import UiContext
from execdesk.ui.pdf_view import PdfView
from execdesk.ui.widgets import DateField, ErrorLabel, cn_date, show_error

log = logging.getLogger(__name__)

# Where each readiness item is satisfied in the workspace: item code prefix → (tab, record kind or node code).
REMEDY_ACTIONS = {
    "R2": ("node", "N04"), "R3": ("node", "N08"), "R4_limit": ("measure", None), "R4_blacklist": ("measure", None),
    "R5_network": ("inquiry", None), "R5_traditional": ("inquiry", None), "R5_leads": ("lead", None),
    "R5_assets": ("asset", None), "R6": ("inquiry", None), "R7_search": ("measure", None),
    "R7_obstruction": ("measure", None), "R8": ("node", "N22"),
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
        except (ValidationError, LookupError) as exc:
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
            action = REMEDY_ACTIONS.get(item.code) or REMEDY_ACTIONS.get(item.code.split("_")[0])
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
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        svc = _optional("execdesk.services.zhongben")
        try:
            svc.waive_item(self.wizard.ctx.store, self.wizard.ctx.actor, self.wizard.case_id, code,
                           reason=dlg.opinion.toPlainText(), approver_username=dlg.approver.currentData(),
                           approver_password=dlg.password.text(), today=self.wizard.ctx.today())
        except (ValidationError, LookupError) as exc:
            QMessageBox.warning(self, self.tr("豁免"), str(exc))
            return
        self.wizard.changed.emit(self.wizard.case_id)
        self.evaluate()


class ApproverDialog(QDialog):
    """An approver picks their own profile and types their own password (never the handler's session)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None, *, title: str, roles: tuple[str, ...],
                 opinion_label: str, decisions: tuple[str, ...] = ()):
        super().__init__(parent)
        self.setWindowTitle(title)
        with ctx.store.read() as s:
            people = users_by_role(s, *roles)
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
        self.resize(1100, 720)
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
            NodeDialog(self.ctx, self.view.case, self, code=code).exec()
        else:
            open_record_dialog(self.ctx, self, self.case_id, self.view.parties, kind)
        with self.ctx.store.read() as s:
            self.view = load_case_view(s, self.case_id)
        self.changed.emit(self.case_id)
        self.checklist.evaluate()


class DocumentFlow:
    """Draft → approval → preview → issue, over the documents/approvals services when they exist."""

    def __init__(self, wizard: ZhongbenWizard):
        self.wizard = wizard
        self.pages: list[QWidget] = []
        self.documents = _optional("execdesk.services.documents")
        self.approvals = _optional("execdesk.services.approvals")
        missing = QLabel(wizard.tr("终本裁定的起草、审批和出具功能（文书模块）尚未安装，"
                                   "本步骤暂不可用；条件核查结果已保存。"))
        missing.setWordWrap(True)
        missing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview = PdfView()
        self.pages.append(missing)
        self.missing = missing

    def can_leave(self, index: int) -> bool:
        return False


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
