"""One case's workspace: overview (editable), parties, 执行依据, node timeline, property, measures, money,
deadlines with their legal basis, issued documents and the audit history.

Edits go through the services (one transaction each); the overview form tracks unsaved edits so closing the
tab or the window asks first.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.errors import ConflictError, ValidationError
from execdesk.rules.money import format_yuan, parse_amount
from execdesk.services import cases, lookups, node_forms, wording
from execdesk.services.case_views import CaseView, load_case_view
from execdesk.services.profiles import users_by_role
from execdesk.ui import corrections as fix  # issue 17 item 3: every mistake can be corrected
from execdesk.ui.conflict import REAPPLY, RELOAD, resolve_conflict
from execdesk.ui.context import UiContext
from execdesk.ui.dialogs import NodeDialog, OpFormDialog, open_record_dialog
from execdesk.ui.operations import Changes, Op, hub
from execdesk.ui.widgets import (
    DateField,
    DraftKeeper,
    ErrorLabel,
    FieldSpec,
    cn_date,
    exec_dialog,
    fill_table,
    make_table,
    mark_invalid,
    selected_id,
    show_error,
    yuan,
)

GREY = QColor("#9e9e9e")
FLAG_FIELDS = [("is_livelihood", "涉民生"), ("is_non_litigation", "非诉执行"), ("debtor_missing", "被执行人下落不明"),
               ("obstruction", "妨碍执行"), ("applicant_requested_zhongben", "申请执行人申请终本")]


def _banner_style(color: str, bg: str) -> str:
    return f"QLabel {{ color: {color}; background: {bg}; padding: 6px; border-radius: 3px; font-weight: bold; }}"


class OverviewForm(QWidget):
    """Editable case attributes with unsaved-change tracking."""

    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        with ctx.store.read() as s:
            self.handlers = users_by_role(s, "承办人", "审判员", "执行局长")
            self.clerks = users_by_role(s, "书记员")
        self.cause = QLineEdit()
        self.cause.setObjectName("cause")
        self.amount = QLineEdit()
        self.amount.setObjectName("amount")
        self.handler = QComboBox()
        self.handler.setObjectName("handler")
        self.handler.addItem(self.tr("（未指定）"), "")
        for u in self.handlers:
            self.handler.addItem(f"{u.display_name}（{u.role}）", u.username)
        self.clerk = QComboBox()
        self.clerk.addItem(self.tr("（未指定）"), "")
        for u in self.clerks:
            self.clerk.addItem(u.display_name, u.username)
        self.assigned = DateField(None)
        self.flags = {key: QCheckBox(self.tr(label)) for key, label in FLAG_FIELDS}
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setMaximumHeight(80)
        self.notes.setTabChangesFocus(True)
        self.error = ErrorLabel()
        self.save_button = QPushButton(self.tr("保存修改（Ctrl+S）"))
        self.save_button.setObjectName("save")
        self.revert_button = QPushButton(self.tr("放弃修改"))
        form = QFormLayout()
        form.addRow(self.tr("案由："), self.cause)
        form.addRow(self.tr("申请执行标的（元）："), self.amount)
        form.addRow(self.tr("承办人："), self.handler)
        form.addRow(self.tr("分案日期："), self.assigned)
        form.addRow(self.tr("书记员："), self.clerk)
        flags = QGridLayout()
        for i, cb in enumerate(self.flags.values()):
            flags.addWidget(cb, i // 3, i % 3)
        form.addRow(self.tr("标记："), flags)
        form.addRow(self.tr("备注："), self.notes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addLayout(buttons)
        lay.addStretch()
        for w in (self.cause, self.amount):
            w.textEdited.connect(self._edited)
        self.notes.textChanged.connect(self._edited)
        self.handler.currentIndexChanged.connect(self._edited)
        self.clerk.currentIndexChanged.connect(self._edited)
        self.assigned.dateChanged.connect(self._edited)
        for cb in self.flags.values():
            cb.toggled.connect(self._edited)
        self._loaded: dict = {}
        self._loading = False
        self.version: int | None = None

    def load(self, view: CaseView) -> None:
        c = view.case
        self.version = c.version  # what the form read: a save checks it (a stale form is a conflict)
        self._loading = True
        self.cause.setText(c.cause)
        self.amount.setText(format_yuan(c.amount_claimed_fen))
        users = {u.id: u.username for u in self.handlers + self.clerks}
        self.handler.setCurrentIndex(max(0, self.handler.findData(users.get(c.handler_id, ""))))
        self.clerk.setCurrentIndex(max(0, self.clerk.findData(users.get(c.clerk_id, ""))))
        self.assigned.set_value(c.assigned_on)
        for key, cb in self.flags.items():
            cb.setChecked(bool(getattr(c, key)))
        self.notes.setPlainText(c.notes or "")
        self._loading = False
        self._loaded = self.values()
        self.error.show_error("")
        for w in (self.cause, self.amount, self.assigned):
            mark_invalid(w, False)
        self._edited()

    def apply(self, values: dict) -> None:
        """Put values back into the form (a recovered draft): the form is then dirty, for the clerk to save."""
        if "cause" in values:
            self.cause.setText(values["cause"] or "")
        if "amount_claimed" in values:
            self.amount.setText(values["amount_claimed"] or "")
        for combo, key in ((self.handler, "handler_username"), (self.clerk, "clerk_username")):
            if key in values:
                combo.setCurrentIndex(max(0, combo.findData(values[key] or "")))
        if "assigned_on" in values:
            self.assigned.set_value(values["assigned_on"])
        if "notes" in values:
            self.notes.setPlainText(values["notes"] or "")
        for key, cb in self.flags.items():
            if key in values:
                cb.setChecked(bool(values[key]))
        self._edited()

    def values(self) -> dict:
        v = {"cause": self.cause.text().strip(), "amount_claimed": self.amount.text().strip(),
             "handler_username": self.handler.currentData() or None,
             "clerk_username": self.clerk.currentData() or None, "assigned_on": self.assigned.value(),
             "notes": self.notes.toPlainText().strip() or None}
        v.update({k: cb.isChecked() for k, cb in self.flags.items()})
        return v

    def changes(self) -> dict:
        now = self.values()
        out = {k: v for k, v in now.items() if v != self._loaded.get(k)}
        if "amount_claimed" in out:
            # "85000" and "85,000.00" are the same amount: only a different figure is a change.
            try:
                if parse_amount(out["amount_claimed"]) == parse_amount(self._loaded["amount_claimed"]):
                    del out["amount_claimed"]
            except ValidationError:
                pass
        if "assigned_on" in out and out["assigned_on"] is None:
            del out["assigned_on"]  # clearing the date is not supported by the service
        return out

    def is_dirty(self) -> bool:
        return bool(self._loaded) and bool(self.changes())

    def _edited(self, *_args) -> None:
        if self._loading:
            return
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.changed.emit()


class CaseWorkspace(QWidget):
    """All of one case. ``changed`` fires after every saved edit (the list and status bar refresh)."""

    changed = Signal(str)  # case id
    open_zhongben = Signal(str)
    open_explanation = Signal(str)
    title_changed = Signal(str)

    def __init__(self, ctx: UiContext, case_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.view: CaseView | None = None

        self.title = QLabel()
        self.title.setObjectName("title")
        f = QFont(self.title.font())
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        self.title.setFont(f)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("subtitle")
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.zhongben_button = QPushButton(self.tr("终本助手"))
        self.zhongben_button.setObjectName("zhongben")
        self.zhongben_button.clicked.connect(lambda: self.open_zhongben.emit(self.case_id))
        self.explain_button = QPushButton(self.tr("书面说明"))
        self.explain_button.clicked.connect(lambda: self.open_explanation.emit(self.case_id))
        self.print_button = QPushButton(self.tr("打印案件信息"))
        self.print_button.clicked.connect(self.print_summary)
        self.documents_button = QPushButton(self.tr("日常文书"))  # issue 16: ui/routine_documents.py
        self.documents_button.setObjectName("routineDocuments")
        self.documents_button.clicked.connect(self.open_routine_documents)
        self.number_button = QPushButton(self.tr("更正案号"))
        self.number_button.setObjectName("correct_number")
        self.number_button.clicked.connect(lambda: fix.correct_case_number(self))
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        head.addLayout(titles, 1)
        head.addWidget(self.zhongben_button)
        head.addWidget(self.explain_button)
        head.addWidget(self.documents_button)
        head.addWidget(self.number_button)
        head.addWidget(self.print_button)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("caseTabs")
        self.overview = OverviewForm(ctx)
        self.overview.save_button.clicked.connect(self.save)
        self.overview.revert_button.clicked.connect(self.revert)
        self.draft = DraftKeeper(self, ctx, key=lambda: f"case:{self.case_id}",
                                 title=lambda: self.tr("案件 {0} 的修改").format(self.unsaved_title()),
                                 values=self.overview.values, dirty=self.has_unsaved_changes)
        self.overview.changed.connect(self.draft.touch)
        self.facts = QLabel()
        self.facts.setObjectName("facts")
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        self.facts.setAlignment(Qt.AlignmentFlag.AlignTop)
        ov = QWidget()
        ol = QHBoxLayout(ov)
        box1 = QGroupBox(self.tr("案件情况"))
        QVBoxLayout(box1).addWidget(self.facts)
        box2 = QGroupBox(self.tr("可修改的信息"))
        QVBoxLayout(box2).addWidget(self.overview)
        ol.addWidget(box1, 1)
        ol.addWidget(box2, 1)
        self.tabs.addTab(ov, self.tr("概况"))

        self.parties = make_table()
        self.tabs.addTab(self._with_buttons(self.parties, [
            (self.tr("新增当事人"), lambda: fix.add_party(self), "add_party"),
            (self.tr("修改所选当事人"), lambda: fix.edit_party(self), "edit_party")]), self.tr("当事人"))
        self.basis = QLabel()
        self.basis.setWordWrap(True)
        self.basis.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.basis.setTextFormat(Qt.TextFormat.RichText)
        basis_page = QWidget()
        bl = QVBoxLayout(basis_page)
        basis_fix = QPushButton(self.tr("更正执行依据"))
        basis_fix.setObjectName("correct_basis")
        basis_fix.clicked.connect(lambda: fix.correct_basis(self))
        bl.addWidget(basis_fix, 0, Qt.AlignmentFlag.AlignLeft)
        bl.addWidget(self.basis, 1)
        self.tabs.addTab(basis_page, self.tr("执行依据"))

        self.nodes = make_table()
        self.nodes.setObjectName("nodes")
        self.tabs.addTab(self._with_buttons(self.nodes, [
            (self.tr("记录节点"), self.add_node, "add_node"),
            (self.tr("更正所选节点"), self.correct_node, "correct_node")]), self.tr("流程节点"))

        self.leads = make_table()
        self.inquiries = make_table()
        self.assets = make_table()
        prop = QWidget()
        pl = QVBoxLayout(prop)
        pl.addWidget(QLabel(self.tr("财产查控")))
        pl.addWidget(self._with_buttons(self.inquiries, [(self.tr("记录查控"), lambda: self.record("inquiry"),
                                                          "add_inquiry")]), 2)
        pl.addWidget(QLabel(self.tr("财产线索")))
        pl.addWidget(self._with_buttons(self.leads, [(self.tr("登记线索"), lambda: self.record("lead"), "add_lead"),
                                                     (self.tr("核实所选线索"), self.verify_lead, "verify_lead")]), 1)
        pl.addWidget(QLabel(self.tr("已查明财产（查封/扣押/冻结所得；评估、拍卖等处置情况）")))
        pl.addWidget(self._with_buttons(self.assets, [
            (self.tr("记录查封/扣押/冻结"), lambda: self.record("seal"), "add_asset"),
            (self.tr("记录评估/拍卖/变卖"), lambda: self.record("disposal"), "add_disposal")]), 1)
        self.tabs.addTab(prop, self.tr("财产"))

        self.measures = make_table()
        self.tabs.addTab(self._with_buttons(self.measures, [(self.tr("记录措施"), lambda: self.record("measure"),
                                                             "add_measure")]), self.tr("执行措施"))
        self.payments = make_table()
        self.money = QLabel()
        pay = QWidget()
        pyl = QVBoxLayout(pay)
        pyl.addWidget(self.money)
        pyl.addWidget(self._with_buttons(self.payments, [
            (self.tr("记录执行款"), lambda: self.record("payment"), "add_payment"),
            (self.tr("更正所选"), lambda: fix.correct_payment(self), "correct_payment"),
            (self.tr("冲正所选"), lambda: fix.reverse_payment(self), "reverse_payment")]))
        self.tabs.addTab(pay, self.tr("执行款"))

        self.deadlines = make_table()
        self.deadlines.setObjectName("deadlines")
        self.deductions = make_table()
        self.extensions = make_table()
        self.deadline_note = QLabel()
        self.deadline_note.setWordWrap(True)
        dl = QWidget()
        dll = QVBoxLayout(dl)
        dll.addWidget(self.deadline_note)
        dll.addWidget(self.deadlines, 3)
        dll.addWidget(QLabel(self.tr("扣除执行期限")))
        dll.addWidget(self._with_buttons(self.deductions, [
            (self.tr("登记扣除期间"), lambda: self.record("deduction"), "add_deduction"),
            (self.tr("结束所选扣除期间"), self.close_deduction, "close_deduction")]), 1)
        dll.addWidget(QLabel(self.tr("延长执行期限")))
        dll.addWidget(self._with_buttons(self.extensions, [(self.tr("登记延长"), lambda: self.record("extension"),
                                                            "add_extension")]), 1)
        self.tabs.addTab(dl, self.tr("期限"))

        self.documents = make_table()
        self.tabs.addTab(self._with_buttons(self.documents, [(self.tr("另存所选文书…"), self.save_document,
                                                              "save_document")]), self.tr("文书"))
        self.audit = make_table()
        self.tabs.addTab(self.audit, self.tr("操作记录"))
        # Any operation that changed this case (here, in the 终本 assistant, another dialog) re-reads it.
        hub().did_execute.connect(self._on_operation)

        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(self.banner)
        lay.addWidget(self.tabs, 1)
        self.reload()

    # -- helpers

    def _with_buttons(self, table: QTableWidget, buttons: list[tuple[str, object, str]]) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        for text, slot, name in buttons:
            b = QPushButton(text)
            b.setObjectName(name)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch()
        lay.addLayout(row)
        lay.addWidget(table)
        return w

    SECTIONS = {  # 今日待办 target → (tab title, the button that does the task)
        "deadlines": ("期限", None), "property": ("财产", "add_inquiry"), "payments": ("执行款", "add_payment"),
        "measures": ("执行措施", "add_measure"), "nodes": ("流程节点", "add_node"),
        "parties": ("当事人", None), "audit": ("操作记录", None),
    }

    def show_section(self, key: str) -> None:
        """Show the tab where a task is done, with the focus on the button that does it (keyboard: Space)."""
        title, button = self.SECTIONS.get(key, ("概况", None))
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == self.tr(title):
                self.tabs.setCurrentIndex(i)
                break
        target = self.button(button) if button else None
        (target or self.tabs.currentWidget()).setFocus()

    def button(self, name: str) -> QPushButton:
        return self.findChild(QPushButton, name)

    # -- loading

    def revert(self) -> None:
        """放弃修改: the form shows the stored values again."""
        self.reload(keep_edits=False)

    def reload(self, *, keep_edits: bool = True) -> None:
        """Re-read the case. Typed, unsaved overview edits stay (with the version they were typed on, so a save
        on top of a newer version is a conflict, never an overwrite) unless ``keep_edits`` is False."""
        with self.ctx.store.read() as s:
            self.view = load_case_view(s, self.case_id)
        v = self.view
        c = v.case
        self.title.setText(c.case_number)
        self.title_changed.emit(c.case_number)
        applicants = "、".join(p.name for p in v.parties if p.role == "申请执行人")
        debtors = "、".join(p.name for p in v.parties if p.role == "被执行人")
        self.subtitle.setText(self.tr("{0}　申请执行人：{1}　被执行人：{2}　承办人：{3}　{4}")
                              .format(c.cause, applicants, debtors, v.handler_name or "—", c.status))
        self._banner()
        if not (keep_edits and self.overview.is_dirty()):
            self.overview.load(v)
        self._facts()
        self._fill_lists()
        self.explain_button.setVisible(bool(c.explanation_owed) or c.overdue_days > 0)

    def _banner(self) -> None:
        """Overdue first (the execution limit, then node deadlines), then what is in its warning window."""
        v = self.view
        c = v.case
        today = self.ctx.today()
        parts, style = [], ""
        if c.status == "未结":
            late = [d for d in v.deadlines if d.status == "已超期" and not d.kind.startswith("执行期限")]
            if c.overdue_days > 0:
                text = self.tr("已超过执行期限 {0} 天（届满日 {1}）。").format(c.overdue_days, cn_date(c.limit_due_on))
                if c.explanation_owed:
                    text += self.tr("须出具书面说明。")
                parts.append(text)
            if late:
                parts.append(self.tr("已超期：") + "；".join(f"{d.label}（{cn_date(d.due_on)}）" for d in late[:3])
                             + (self.tr(" 等{0}项").format(len(late)) if len(late) > 3 else ""))
            if parts:
                style = _banner_style("#b71c1c", "#ffebee")
            warned = [d for d in v.deadlines if d.status == "预警"]
            for d in warned[:3]:
                parts.append(self.tr("预警：{0}将于 {1} 届满，还剩 {2} 天。").format(
                    d.label, cn_date(d.due_on), (d.due_on - today).days))
            if warned and not style:
                style = _banner_style("#e65100", "#fff3e0")
        if c.deadlines_provisional:
            parts.append(self.tr("（部分期限所在年度的节假日安排尚未公布，届满日为暂定）"))
            style = style or _banner_style("#5d4037", "#efebe9")
        self.banner.setText("\n".join(parts))
        self.banner.setStyleSheet(style)
        self.banner.setVisible(bool(parts))

    def _facts(self) -> None:
        v = self.view
        c = v.case

        def row(label: str, value: str) -> str:
            return f"<tr><td style='color:#555;padding-right:12px'>{html.escape(label)}</td><td>{value}</td></tr>"

        warn = ""
        if c.overdue_days > 0:
            warn = f"<span style='color:#c62828'>{self.tr('超期{0}天').format(c.overdue_days)}</span>"
        elif c.warning_level in (10, 5):
            warn = f"<span style='color:#e65100'>{self.tr('T−{0}预警').format(c.warning_level)}</span>"
        rows = [
            row(self.tr("案号"), html.escape(c.case_number)),
            *([row(self.tr("曾用案号"), html.escape(c.former_numbers))] if c.former_numbers else []),
            row(self.tr("立案日期"), cn_date(c.filed_on)),
            row(self.tr("收案日期"), cn_date(c.received_on)),
            row(self.tr("分案日期"), cn_date(c.assigned_on)),
            row(self.tr("申请执行标的"), yuan(c.amount_claimed_fen) + self.tr(" 元")),
            row(self.tr("已到位"), yuan(v.received_fen) + self.tr(" 元")),
            row(self.tr("尚未执行"), yuan(v.outstanding_fen) + self.tr(" 元")),
            row(self.tr("执行期限届满"), cn_date(c.limit_due_on) + (self.tr("（暂定）") if c.deadlines_provisional
                                                                    else "") + " " + warn),
            row(self.tr("最近到期"), cn_date(c.next_due_on)),
            row(self.tr("最早终本日期"), cn_date(c.zhongben_earliest_on)),
            row(self.tr("终本条件"), self.tr("已具备") if c.zhongben_ready else self.tr("尚未具备")),
            row(self.tr("书面说明"), self.tr("须出具") if c.explanation_owed else self.tr("不需要")),
            row(self.tr("状态"), html.escape(c.status + (f"（{c.closure_method}，{cn_date(c.closed_on)}）"
                                                       if c.closure_method else ""))),
        ]
        self.facts.setText("<table>" + "".join(rows) + "</table>")

    def _fill_lists(self) -> None:
        v = self.view
        fill_table(self.parties, [self.tr(h) for h in ("身份", "类型", "名称", "证件号码", "性别", "出生日期", "住所",
                                                       "联系电话", "法定代表人")],
                   [(p.role, p.kind, p.name, p.id_number, p.sex, p.birth_date, p.address, p.phone,
                     (p.legal_rep or "") + (f"（{p.legal_rep_title}）" if p.legal_rep_title else ""))
                    for p in v.parties], ids=[p.id for p in v.parties])
        b = v.basis
        if b:
            self.basis.setText("<table cellpadding=4>" + "".join(
                f"<tr><td style='color:#555'>{html.escape(k)}</td><td>{html.escape(str(val or ''))}</td></tr>"
                for k, val in ((self.tr("作出机构"), b.issuing_body), (self.tr("文书名称"), b.document_type),
                               (self.tr("文号"), b.document_number), (self.tr("生效日期"), cn_date(b.effective_on)),
                               (self.tr("申请执行日期"), cn_date(b.applied_on)), (self.tr("案由"), b.cause),
                               (self.tr("主文/确定的义务"), b.content))) + "</table>")
        else:
            self.basis.setText(self.tr("尚未登记执行依据。"))
        links = record_links(v)
        names = {"parties": {p.id: p.name for p in v.parties},
                 "assets": {a.id: node_forms.asset_label(a.description, a.kind) for a in v.assets}}
        nodes_by_id = {n.id: n for n in v.nodes}

        def node_of(row) -> str:
            """A record row shows the node it is (the same fact, issue 11)."""
            n = nodes_by_id.get(row.get("node_id"))
            return self.tr("第{0}号 {1}").format(n.seq, n.name) if n is not None else self.tr("（直接登记）")

        fill_table(self.nodes, [self.tr(h) for h in ("序号", "名称", "启动日期", "届满日期", "完成日期", "状态",
                                                     "处理人", "文书文号", "业务信息", "对应记录", "描述/结果")],
                   [(n.seq, n.name, n.started_on, n.due_on, n.ended_on, n.status, n.handler_name,
                     n.document_number, node_forms.data_text(n.code, n.data, **names), links.get(n.id, ""),
                     n.description)
                    for n in v.nodes], ids=[n.id for n in v.nodes],
                   colors=[GREY if n.status == "已更正" else None for n in v.nodes])
        fill_table(self.inquiries, [self.tr(h) for h in ("方式", "被执行人", "查询范围", "查询日期", "反馈日期",
                                                         "结果", "发现财产", "节点")],
                   [(q.method, v.party_name(q.party_id) or self.tr("全部被执行人"), q.scopes, q.queried_on,
                     q.feedback_on, q.result, q.found_property, node_of(q)) for q in v.inquiries],
                   ids=[q.id for q in v.inquiries])
        fill_table(self.leads, [self.tr(h) for h in ("来源", "内容", "提供日期", "紧急", "核实日期", "核实结果")],
                   [(ld.source, ld.content, ld.given_on, ld.urgent, ld.verified_on, ld.result) for ld in v.leads],
                   ids=[ld.id for ld in v.leads])
        fill_table(self.assets, [self.tr(h) for h in ("类型", "被执行人", "描述", "价值（元）", "处置情况",
                                                      "不能处置的原因", "节点")],
                   [(a.kind, v.party_name(a.party_id), a.description, yuan(a.value_fen), a.get("disposal_state"),
                     "；".join(filter(None, [a.get("cannot_dispose_reason"), a.not_executable_reason])),
                     node_of(a)) for a in v.assets], ids=[a.id for a in v.assets])
        fill_table(self.measures, [self.tr(h) for h in ("措施", "被执行人", "财产类别", "开始日期", "届满日期",
                                                        "解除日期", "文号", "金额（元）", "说明", "节点")],
                   [(m.kind, v.party_name(m.party_id), m.asset_kind, m.started_on, m.expires_on, m.released_on,
                     m.document_number, yuan(m.amount_fen), m.description or m.not_applicable_reason, node_of(m))
                    for m in v.measures], ids=[m.id for m in v.measures])
        fill_table(self.payments, [self.tr(h) for h in ("类型", "金额（元）", "日期", "方式", "来源财产", "状态", "说明",
                                                         "更正原因", "节点")],
                   [(p.kind, yuan(p.amount_fen), p.paid_on, p.route, names["assets"].get(p.get("asset_id"), ""),
                     p.status, p.description, p.reason, node_of(p)) for p in v.payments],
                   ids=[p.id for p in v.payments],
                   colors=[GREY if p.status == "已冲正" else None for p in v.payments])
        self.money.setText(self.tr("申请执行标的 {0} 元；已到账 {1} 元；已发放 {2} 元；尚未执行 {3} 元。").format(
            yuan(v.case.amount_claimed_fen), yuan(v.received_fen), yuan(v.paid_out_fen), yuan(v.outstanding_fen)))
        today = self.ctx.today()
        fill_table(self.deadlines, [self.tr(h) for h in ("期限", "届满日期", "预警日期", "状态", "法律依据", "暂定",
                                                         "顺延前")],
                   [(d.label, d.due_on, d.warn_on, d.status, d.basis,
                     self.tr("是（节假日安排未公布）") if d.provisional else "", d.rolled_from) for d in v.deadlines],
                   ids=[d.id for d in v.deadlines],
                   colors=[QColor("#c62828") if d.status == "已超期" else
                           (QColor("#e65100") if d.status == "预警" else None) for d in v.deadlines])
        if v.deadlines:
            self.deadline_note.setText(self.tr("期限由系统依据节点记录计算，不能手工修改；今天是{0}。").format(cn_date(today))
                                       + "\n" + v.limit_summary)
        else:
            self.deadline_note.setText(self.tr("尚未计算期限（期限计算模块未运行或本案没有适用的期限）。"))
        fill_table(self.deductions, [self.tr(h) for h in ("类型", "开始日期", "结束日期", "相关文书", "事由")],
                   [(d.kind, d.started_on, d.ended_on or self.tr("（进行中）"), d.document_number, d.reason)
                    for d in v.deductions], ids=[d.id for d in v.deductions])
        fill_table(self.extensions, [self.tr(h) for h in ("延长原因", "申请日期", "批准人", "批准机关", "批准日期",
                                                          "延长（月）", "高院备案", "相关文书")],
                   [(e.reason, e.applied_on, e.approver, e.approving_body, e.approved_on, e.months,
                     e.high_court_filed, e.document_number) for e in v.extensions], ids=[e.id for e in v.extensions])
        names = self._names()
        fill_table(self.documents, [self.tr(h) for h in ("文书", "版本", "文书日期", "出具人", "出具时间")],
                   [(d.kind, d.version_no, d.document_date, wording.actor_text(d.issued_by, names),
                     d.issued_at.astimezone().strftime("%Y-%m-%d %H:%M") if d.issued_at else "")
                    for d in v.documents], ids=[d.id for d in v.documents])
        # 操作记录 in words (issue 17 item 6): Chinese labels, 元 and dates, people's names, no column names.
        fill_table(self.audit, [self.tr(h) for h in ("时间", "操作人", "操作", "对象", "变更内容")],
                   [(a.at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if a.at else "", wording.actor_text(a.actor, names),
                     a.action, wording.ENTITY_LABELS.get(a.entity, a.entity),
                     wording.change_text(a.before, a.after, names)) for a in v.audit], ids=[a.id for a in v.audit])

    def _names(self) -> dict[str, str]:
        with self.ctx.store.query() as con:
            names = wording.display_names(con)
        names.update({p.id: p.name for p in self.view.parties})  # 被代理人, 被执行人 of a record
        return names

    # -- edits

    def has_unsaved_changes(self) -> bool:
        return self.overview.is_dirty()

    def unsaved_title(self) -> str:
        return self.view.case.case_number

    def save(self) -> bool:
        """Save the overview form (Ctrl+S) through the operation helper, off the GUI thread, checking the
        version the form read. Returns False if nothing was saved (bad input, or a conflict left open)."""
        changes = self.overview.changes()
        if not changes:
            return True
        store, actor, today, case_id = self.ctx.store, self.ctx.actor, self.ctx.today(), self.case_id
        expected = self.overview.version
        self.overview.error.show_error("")
        op = Op(self, lambda: cases.update_case(store, actor, case_id, today=today, expected_version=expected,
                                                **changes),
                changes=Changes.of([case_id], {"case"}), title=self.tr("保存修改"), busy=self.overview)
        op.success(self._saved).failure(self._save_refused)
        return op.run_and_wait()

    def _saved(self, _result) -> None:
        """Saved: the journal entry goes and the form takes the stored values (the hub's re-read follows)."""
        self.draft.drop()
        self.reload(keep_edits=False)

    def _save_refused(self, exc) -> None:
        if isinstance(exc, ConflictError):
            self.tabs.setCurrentIndex(0)
            mine = self.overview.changes()
            choice = resolve_conflict(self, exc)
            if choice == RELOAD:  # the stored version stands; what was typed is dropped (journal too)
                self.draft.drop()
                self.reload(keep_edits=False)
            elif choice == REAPPLY:  # the latest version, with what was typed put back on top, unsaved
                self.reload(keep_edits=False)
                self.overview.apply(mine)
                self.overview.error.show_error(self.tr("已载入最新版本（第{0}版）并填回了您的修改，请核对后再次保存。")
                                               .format(self.overview.version))
            return
        self.overview.error.show_error(str(exc))
        fields = {e.field for e in exc.errors} if isinstance(exc, ValidationError) else set()
        mark_invalid(self.overview.cause, "案由" in fields)
        mark_invalid(self.overview.amount, "申请执行标的" in fields)
        mark_invalid(self.overview.assigned, "分案日期" in fields)
        self.tabs.setCurrentIndex(0)

    def discard_draft(self) -> None:
        """The clerk chose 不保存: the typed values go, from the crash journal too."""
        self.draft.drop()

    def _on_operation(self, changes: Changes, _initiator) -> None:
        """An operation reported that it changed this case: re-read it, and tell the window (list, status)."""
        if changes.touches(self.case_id):
            self.reload()
            self.changed.emit(self.case_id)

    def _after_edit(self) -> None:
        self.reload()
        self.changed.emit(self.case_id)

    def add_node(self, code: str | None = None) -> None:
        exec_dialog(NodeDialog(self.ctx, self.view.case, self, code=code if isinstance(code, str) else None))

    def correct_node(self) -> None:
        node_id = selected_id(self.nodes)
        node = next((n for n in self.view.nodes if n.id == node_id), None)
        if node is None:
            QMessageBox.information(self, self.tr("更正节点"), self.tr("请先在表格中选择要更正的节点。"))
            return
        if node.status == "已更正":
            QMessageBox.information(self, self.tr("更正节点"), self.tr("该节点已被更正过，请更正最新的记录。"))
            return
        exec_dialog(NodeDialog(self.ctx, self.view.case, self, correcting=node))

    def record(self, kind: str) -> None:
        """A record tab's action. Records that are nodes open the node dialog preset to their node."""
        open_record_dialog(self.ctx, self, self.case_id, self.view.parties, kind, case=self.view.case)

    def verify_lead(self) -> None:
        lead_id = selected_id(self.leads)
        if not lead_id:
            QMessageBox.information(self, self.tr("核实线索"), self.tr("请先选择要核实的线索。"))
            return
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        exec_dialog(OpFormDialog(self, self.tr("核实线索"), [
            FieldSpec("verified_on", "核实日期", "date", default=today),
            FieldSpec("result", "核实结果", "multiline")],
            lambda v: cases.verify_lead(store, actor, lead_id, today=today, **v),
            changes=Changes.of([self.case_id], {"lead"})))

    def close_deduction(self) -> None:
        ded_id = selected_id(self.deductions)
        if not ded_id:
            QMessageBox.information(self, self.tr("结束扣除期间"), self.tr("请先选择扣除期间。"))
            return
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        exec_dialog(OpFormDialog(self, self.tr("结束扣除期间"), [
            FieldSpec("ended_on", "扣除结束日期", "date", default=today, optional_date=False)],
            lambda v: cases.close_deduction(store, actor, ded_id, v["ended_on"], today=today),
            changes=Changes.of([self.case_id], {"deduction"})))

    def save_document(self) -> None:
        doc_id = selected_id(self.documents)
        if not doc_id:
            QMessageBox.information(self, self.tr("另存文书"), self.tr("请先选择文书。"))
            return
        content, name = lookups.issued_document_pdf(self.ctx.store, doc_id)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("另存文书"), name, self.tr("PDF 文件 (*.pdf)"))
        if path:
            try:
                with open(path, "wb") as fh:
                    fh.write(content)
            except OSError as exc:
                show_error(self, self.tr("另存文书"), exc)

    # -- printing

    def open_routine_documents(self) -> None:
        from execdesk.ui.routine_documents import open_for_case  # not on the start-up path

        self.routine_documents = open_for_case(self.ctx, self.case_id, self)

    def summary_html(self) -> str:
        v = self.view
        c = v.case
        rows = "".join(f"<tr><td>{n.seq}</td><td>{html.escape(n.name)}</td><td>{n.started_on or ''}</td>"
                       f"<td>{n.ended_on or ''}</td><td>{html.escape(n.status)}</td>"
                       f"<td>{html.escape(n.description or '')}</td></tr>" for n in v.nodes)
        parties = "".join(f"<li>{html.escape(p.role)}：{html.escape(p.name)}</li>" for p in v.parties)
        return (f"<h2>{html.escape(c.case_number)}</h2><p>{html.escape(c.cause)}　申请执行标的 "
                f"{yuan(c.amount_claimed_fen)} 元　立案 {cn_date(c.filed_on)}　承办人 {html.escape(v.handler_name)}</p>"
                f"<ul>{parties}</ul><p>执行期限届满：{cn_date(c.limit_due_on)}　超期天数：{c.overdue_days}</p>"
                "<table border=1 cellspacing=0 cellpadding=3><tr><th>序号</th><th>节点</th><th>启动</th><th>完成</th>"
                f"<th>状态</th><th>描述</th></tr>{rows}</table>")

    def print_summary(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = QPrintDialog(printer, self)
        if exec_dialog(dlg):
            doc = QTextDocument()
            doc.setHtml(self.summary_html())
            doc.print_(printer)


def record_links(view: CaseView) -> dict[str, str]:
    """node id → the business record(s) it is, as a person reads them (the node list's 对应记录 column)."""
    out: dict[str | None, list[str]] = {}
    for q in view.inquiries:
        out.setdefault(q.get("node_id"), []).append(f"财产查控：{q.method}{'（发现财产）' if q.found_property else ''}")
    for m in view.measures:
        out.setdefault(m.get("node_id"), []).append(f"执行措施：{m.kind}" + (f"（{view.party_name(m.party_id)}）"
                                                                         if m.party_id else ""))
    for a in view.assets:
        out.setdefault(a.get("node_id"), []).append(f"已查明财产：{a.description}（{a.kind}）")
    for p in view.payments:
        out.setdefault(p.get("node_id"), []).append(f"执行款：{p.kind} {yuan(p.amount_fen)}元")
    for i in getattr(view, "interviews", None) or []:
        out.setdefault(i.get("node_id"), []).append(f"约谈：{i.method}")
    assets = {a.id: a for a in view.assets}
    for n in view.nodes:  # 评估/拍卖 name the asset whose disposal state they change
        asset = assets.get((n.data or {}).get("asset_id"))
        if asset is not None and n.code in ("N12", "N13"):
            out.setdefault(n.id, []).append(f"财产处置：{asset.description}（{asset.get('disposal_state') or '未处置'}）")
    out.pop(None, None)
    return {k: "；".join(v) for k, v in out.items() if k}




def _node_data_text(code: str, data: dict | None) -> str:
    """A node's form fields with their Chinese labels (resources/rules/nodes.toml; the services' own keys such
    as the 合议庭 panel from services.wording); fingerprints are not shown."""
    from execdesk.services.node_catalogue import node_catalogue

    labels = {f["key"]: f["label"] for f in (node_catalogue().get(code) or {}).get("fields") or ()}
    return wording.node_data_text(data, labels)
