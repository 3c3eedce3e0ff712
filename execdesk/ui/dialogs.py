"""Dialogs: create case / 补录, add or correct a node, record sub-records, first start.

Every dialog validates through the service that saves (one transaction); errors come back as Chinese
messages naming the field and the dialog stays open with everything typed still there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
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
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.case_number import parse_case_number
from execdesk.rules.errors import UserError, ValidationError
from execdesk.rules.identity import validate_credit_code, validate_resident_id
from execdesk.services import accounts, cases, lookups
from execdesk.services.case_views import Rec
from execdesk.services.inputs import BasisInput, CaseInput, NodeInput, PartyInput
from execdesk.services.node_catalogue import node_catalogue
from execdesk.services.profiles import users_by_role
from execdesk.ui.context import UiContext
from execdesk.ui.widgets import DateField, ErrorLabel, FieldSpec, FormDialog, exec_dialog, mark_invalid

COMMON_CAUSES = ["民间借贷纠纷", "买卖合同纠纷", "金融借款合同纠纷", "劳动争议", "追索劳动报酬纠纷",
                 "机动车交通事故责任纠纷", "房屋租赁合同纠纷", "建设工程施工合同纠纷", "信用卡纠纷", "抚养费纠纷",
                 "服务合同纠纷"]
BASIS_TYPES = ["民事判决书", "民事调解书", "民事裁定书", "仲裁裁决书", "仲裁调解书", "公证债权文书", "支付令",
               "行政判决书", "行政处罚决定书"]


# ---------------------------------------------------------------- create case / 补录


class PartyTable(QTableWidget):
    """Editable party rows: 身份, 类型, 名称, 证件号码, 住所, 电话, 法定代表人. ID numbers are checked as typed."""

    HEADERS = ["身份", "类型", "名称", "身份证号码/统一社会信用代码", "住所", "联系电话", "法定代表人/负责人"]

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(self.HEADERS), parent)
        self.setHorizontalHeaderLabels([self.tr(h) for h in self.HEADERS])
        self.verticalHeader().setVisible(False)
        for c, w in enumerate((100, 86, 150, 180, 170, 110, 110)):
            self.setColumnWidth(c, w)
        self.horizontalHeader().setStretchLastSection(True)
        self.itemChanged.connect(self._check_id)

    def add_party(self, role: str = "被执行人", kind: str = "自然人", name: str = "", id_number: str = "",
                  address: str = "", phone: str = "", legal_rep: str = "") -> None:
        r = self.rowCount()
        self.insertRow(r)
        role_box = QComboBox()
        role_box.addItems(list(cases.PARTY_ROLES))
        role_box.setCurrentText(role)
        kind_box = QComboBox()
        kind_box.addItems(list(cases.PARTY_KINDS))
        kind_box.setCurrentText(kind)
        kind_box.currentTextChanged.connect(lambda _t, row=r: self._check_id(self.item(row, 3)))
        self.setCellWidget(r, 0, role_box)
        self.setCellWidget(r, 1, kind_box)
        for c, v in enumerate((name, id_number, address, phone, legal_rep), 2):
            self.setItem(r, c, QTableWidgetItem(v))

    def _text(self, r: int, c: int) -> str:
        item = self.item(r, c)
        return item.text().strip() if item else ""

    def _check_id(self, item: QTableWidgetItem | None) -> None:
        """Immediate feedback on an ID number (the service checks again on save)."""
        if item is None or item.column() != 3:
            return
        text = item.text().strip()
        kind = self.cellWidget(item.row(), 1).currentText() if self.cellWidget(item.row(), 1) else "自然人"
        message = ""
        if text:
            try:
                (validate_resident_id if kind == "自然人" else validate_credit_code)(text)
            except ValidationError as exc:
                message = str(exc)
        self.blockSignals(True)
        item.setToolTip(message)
        item.setBackground(Qt.GlobalColor.transparent if not message else Qt.GlobalColor.yellow)
        self.blockSignals(False)
        self.id_message = message

    def parties(self) -> list[PartyInput]:
        out = []
        for r in range(self.rowCount()):
            if not any(self._text(r, c) for c in range(2, 7)):
                continue  # an untouched blank row
            out.append(PartyInput(role=self.cellWidget(r, 0).currentText(), kind=self.cellWidget(r, 1).currentText(),
                                  name=self._text(r, 2), id_number=self._text(r, 3) or None,
                                  address=self._text(r, 4) or None, phone=self._text(r, 5) or None,
                                  legal_rep=self._text(r, 6) or None))
        return out

    def mark_rows(self, bad_rows: set[int]) -> None:
        for r in range(self.rowCount()):
            for c in range(2, 4):
                item = self.item(r, c)
                if item is not None:
                    item.setBackground(Qt.GlobalColor.yellow if r in bad_rows else Qt.GlobalColor.transparent)


class CaseDialog(QDialog):
    """立案 / 补录: 案号 checked as typed (format and duplicates), parties with ID checks, 执行依据."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, backlog: bool = False):
        super().__init__(parent)
        self.ctx = ctx
        self.case_id: str | None = None
        self.setWindowTitle(self.tr("补录案件") if backlog else self.tr("新建案件（立案）"))
        with ctx.store.read() as s:
            self.handlers = users_by_role(s, "承办人", "审判员", "执行局长")
            self.clerks = users_by_role(s, "书记员")

        self.number = QLineEdit()
        self.number.setObjectName("case_number")
        self.number.setPlaceholderText(self.tr("如（2026）鲁0102执123号，半角括号也可"))
        self.number_hint = QLabel()
        self.number_hint.setObjectName("number_hint")
        self.number.editingFinished.connect(self.check_number)
        today = ctx.today()
        self.filed = DateField(today, optional=False)
        self.received = DateField(today)
        self.assigned = DateField(None)
        self.cause = QComboBox()
        self.cause.setEditable(True)
        self.cause.addItems(COMMON_CAUSES)
        self.cause.setCurrentText("")
        self.amount = QLineEdit()
        self.amount.setObjectName("amount")
        self.amount.setPlaceholderText(self.tr("元，如 85,000.00"))
        self.handler = QComboBox()
        self.handler.addItem(self.tr("（未指定）"), None)
        for u in self.handlers:
            self.handler.addItem(f"{u.display_name}（{u.role}）", u.username)
        if ctx.actor.username in [u.username for u in self.handlers]:
            self.handler.setCurrentIndex(1 + [u.username for u in self.handlers].index(ctx.actor.username))
        self.clerk = QComboBox()
        self.clerk.addItem(self.tr("（未指定）"), None)
        for u in self.clerks:
            self.clerk.addItem(u.display_name, u.username)
        self.livelihood = QCheckBox(self.tr("涉民生案件"))
        self.non_litigation = QCheckBox(self.tr("非诉执行"))
        self.missing = QCheckBox(self.tr("被执行人下落不明"))
        self.obstruction = QCheckBox(self.tr("妨碍执行"))
        self.origin = QLineEdit()
        self.origin.setPlaceholderText(self.tr("执恢案件填写原案号"))

        head = QGroupBox(self.tr("案件信息"))
        g = QGridLayout(head)
        g.addWidget(QLabel(self.tr("案号：")), 0, 0)
        g.addWidget(self.number, 0, 1, 1, 3)
        g.addWidget(self.number_hint, 1, 1, 1, 3)
        g.addWidget(QLabel(self.tr("立案日期：")), 2, 0)
        g.addWidget(self.filed, 2, 1)
        g.addWidget(QLabel(self.tr("收案日期：")), 2, 2)
        g.addWidget(self.received, 2, 3)
        g.addWidget(QLabel(self.tr("案由：")), 3, 0)
        g.addWidget(self.cause, 3, 1)
        g.addWidget(QLabel(self.tr("申请执行标的：")), 3, 2)
        g.addWidget(self.amount, 3, 3)
        g.addWidget(QLabel(self.tr("承办人：")), 4, 0)
        g.addWidget(self.handler, 4, 1)
        g.addWidget(QLabel(self.tr("分案日期：")), 4, 2)
        g.addWidget(self.assigned, 4, 3)
        g.addWidget(QLabel(self.tr("书记员：")), 5, 0)
        g.addWidget(self.clerk, 5, 1)
        g.addWidget(QLabel(self.tr("原案号：")), 5, 2)
        g.addWidget(self.origin, 5, 3)
        flags = QHBoxLayout()
        for cb in (self.livelihood, self.non_litigation, self.missing, self.obstruction):
            flags.addWidget(cb)
        flags.addStretch()
        g.addLayout(flags, 6, 0, 1, 4)

        party_box = QGroupBox(self.tr("当事人"))
        pl = QVBoxLayout(party_box)
        self.parties = PartyTable()
        self.parties.setObjectName("parties")
        self.parties.add_party("申请执行人")
        self.parties.add_party("被执行人")
        pl.addWidget(self.parties)
        pb = QHBoxLayout()
        add = QPushButton(self.tr("添加当事人"))
        add.clicked.connect(lambda: self.parties.add_party())
        remove = QPushButton(self.tr("删除所选当事人"))
        remove.clicked.connect(lambda: self.parties.removeRow(self.parties.currentRow())
                               if self.parties.currentRow() >= 0 else None)
        pb.addWidget(add)
        pb.addWidget(remove)
        pb.addStretch()
        pl.addLayout(pb)

        basis_box = QGroupBox(self.tr("执行依据"))
        bf = QFormLayout(basis_box)
        self.basis_body = QLineEdit(self.tr("本院"))
        self.basis_type = QComboBox()
        self.basis_type.setEditable(True)
        self.basis_type.addItems(BASIS_TYPES)
        self.basis_number = QLineEdit()
        self.basis_number.setPlaceholderText(self.tr("如（2025）鲁0102民初1234号"))
        self.basis_effective = DateField(None)
        self.basis_content = QPlainTextEdit()
        self.basis_content.setMaximumHeight(60)
        self.basis_content.setTabChangesFocus(True)
        bf.addRow(self.tr("作出机构："), self.basis_body)
        bf.addRow(self.tr("文书名称："), self.basis_type)
        bf.addRow(self.tr("文号："), self.basis_number)
        bf.addRow(self.tr("生效日期："), self.basis_effective)
        bf.addRow(self.tr("主文/确定的义务："), self.basis_content)

        self.error = ErrorLabel()
        self.error.setObjectName("error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(party_box, 1)
        lay.addWidget(basis_box)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(980, 720)

    def check_number(self) -> None:
        """案号 feedback as soon as the field is left: the canonical form, a format error, or a duplicate."""
        text = self.number.text().strip()
        if not text:
            self.number_hint.clear()
            return
        try:
            n = parse_case_number(text, today=self.ctx.today())
        except ValidationError as exc:
            self.number_hint.setText(str(exc))
            self.number_hint.setStyleSheet("color:#c62828")
            mark_invalid(self.number, True)
            return
        if lookups.case_number_taken(self.ctx.store, str(n)):
            self.number_hint.setText(self.tr("{0} 已存在，不能重复登记").format(n))
            self.number_hint.setStyleSheet("color:#c62828")
            mark_invalid(self.number, True)
            return
        mark_invalid(self.number, False)
        self.number_hint.setStyleSheet("color:#2e7d32")
        self.number_hint.setText(self.tr("{0}（{1}，执行期限{2}个月）").format(n, n.type_name, n.limit_months))

    def case_input(self) -> CaseInput:
        basis = None
        if self.basis_number.text().strip() or self.basis_content.toPlainText().strip():
            basis = BasisInput(issuing_body=self.basis_body.text(), document_type=self.basis_type.currentText(),
                               document_number=self.basis_number.text(), effective_on=self.basis_effective.value(),
                               cause=self.cause.currentText().strip() or None,
                               content=self.basis_content.toPlainText().strip() or None)
        return CaseInput(
            case_number=self.number.text(), filed_on=self.filed.value(), cause=self.cause.currentText(),
            amount_claimed=self.amount.text(), parties=self.parties.parties(), basis=basis,
            received_on=self.received.value(), assigned_on=self.assigned.value(),
            handler_username=self.handler.currentData(), clerk_username=self.clerk.currentData(),
            is_livelihood=self.livelihood.isChecked(), is_non_litigation=self.non_litigation.isChecked(),
            debtor_missing=self.missing.isChecked(), obstruction=self.obstruction.isChecked(),
            origin_case_number=self.origin.text().strip() or None)

    def try_save(self) -> None:
        try:
            self.case_id = cases.register_case(self.ctx.store, self.ctx.actor, self.case_input(),
                                               today=self.ctx.today())
        except UserError as exc:
            self.show_errors(exc)
            return
        self.accept()

    def show_errors(self, exc: Exception) -> None:
        self.error.show_error(str(exc))
        fields = {e.field for e in exc.errors} if isinstance(exc, ValidationError) else set()
        mark_invalid(self.number, "案号" in fields)
        mark_invalid(self.amount, "申请执行标的" in fields)
        mark_invalid(self.cause, "案由" in fields)
        bad_rows = set()
        for f in fields:
            if f.startswith("第") and "位当事人" in f:
                try:
                    bad_rows.add(int(f[1:f.index("位")]) - 1)
                except ValueError:
                    pass
        self.parties.mark_rows(bad_rows)


# ---------------------------------------------------------------- nodes


def node_choices(type_code: str) -> list[tuple[str, str]]:
    out = []
    for code, entry in node_catalogue().items():
        types = entry.get("case_types") or []
        if not types or type_code in types:
            out.append((code, entry["name"]))
    return out


class NodeDialog(QDialog):
    """Add a node (or correct one): catalogue-driven extra fields, calendar dates, validation by the service."""

    def __init__(self, ctx: UiContext, case: Rec, parent: QWidget | None = None, *, correcting: Rec | None = None,
                 code: str | None = None):
        super().__init__(parent)
        self.ctx, self.case, self.correcting = ctx, case, correcting
        self.node_id: str | None = None
        self.setWindowTitle(self.tr("更正流程节点") if correcting else self.tr("记录流程节点"))
        self.code = QComboBox()
        self.code.setObjectName("code")
        for c, name in node_choices(case.type_code):
            self.code.addItem(f"{c} {name}", c)
        start = correcting.code if correcting else code
        if start:
            self.code.setCurrentIndex(max(0, self.code.findData(start)))
        self.started = DateField(correcting.started_on if correcting else ctx.today())
        self.ended = DateField(correcting.ended_on if correcting else ctx.today())
        self.status = QComboBox()
        self.status.addItems(list(cases.NODE_STATUSES))
        self.status.setCurrentText("已完成")
        self.description = QPlainTextEdit(correcting.description or "" if correcting else "")
        self.description.setMaximumHeight(70)
        self.description.setTabChangesFocus(True)
        self.document_number = QLineEdit(correcting.document_number or "" if correcting else "")
        self.handler_name = QLineEdit(correcting.handler_name or ctx.actor.display_name if correcting
                                      else ctx.actor.display_name)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.form = QFormLayout()
        self.form.addRow(self.tr("节点："), self.code)
        self.form.addRow(self.tr("启动日期："), self.started)
        self.form.addRow(self.tr("完成日期："), self.ended)
        self.form.addRow(self.tr("状态："), self.status)
        self.form.addRow(self.tr("处理人："), self.handler_name)
        self.form.addRow(self.tr("文书文号："), self.document_number)
        self.form.addRow(self.tr("业务描述/结果："), self.description)
        if correcting:
            self.form.addRow(self.tr("更正原因："), self.reason)
        self.extra_box = QGroupBox(self.tr("节点信息"))
        self.extra_form = QFormLayout(self.extra_box)
        self.extra: dict[str, QLineEdit] = {}
        self.error = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        lay = QVBoxLayout(self)
        if correcting:
            note = QLabel(self.tr("更正不会覆盖原记录：原节点标记为“已更正”，并保存一条新的节点记录。"))
            note.setWordWrap(True)
            lay.addWidget(note)
        lay.addLayout(self.form)
        lay.addWidget(self.extra_box)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.code.currentIndexChanged.connect(self._build_extra)
        self._build_extra()
        self.setMinimumWidth(540)

    def _build_extra(self) -> None:
        while self.extra_form.rowCount():
            self.extra_form.removeRow(0)
        self.extra = {}
        entry = node_catalogue().get(self.code.currentData(), {})
        fields = entry.get("fields") or {}
        old = (self.correcting.data or {}) if self.correcting else {}
        for key, label in fields.items():
            w = QLineEdit(str(old.get(key, "")))
            w.setObjectName(f"data_{key}")
            self.extra[key] = w
            self.extra_form.addRow(f"{label}：", w)
        self.extra_box.setVisible(bool(fields))

    def node_input(self) -> NodeInput:
        data = {k: w.text().strip() for k, w in self.extra.items() if w.text().strip()}
        return NodeInput(code=self.code.currentData(), started_on=self.started.value(), ended_on=self.ended.value(),
                         description=self.description.toPlainText().strip() or None,
                         document_number=self.document_number.text().strip() or None,
                         status=self.status.currentText(), handler_name=self.handler_name.text().strip() or None,
                         data=data)

    def try_save(self) -> None:
        try:
            if self.correcting:
                self.node_id = cases.correct_node(self.ctx.store, self.ctx.actor, self.correcting.id,
                                                  self.node_input(), self.reason.text(), today=self.ctx.today())
            else:
                self.node_id = cases.record_node(self.ctx.store, self.ctx.actor, self.case.id, self.node_input(),
                                                 today=self.ctx.today())
        except UserError as exc:
            self.error.show_error(str(exc))
            fields = {e.field for e in exc.errors} if isinstance(exc, ValidationError) else set()
            mark_invalid(self.started, "启动日期" in fields or "日期" in fields)
            mark_invalid(self.ended, "完成日期" in fields or "日期" in fields)
            mark_invalid(self.reason, "更正原因" in fields)
            return
        self.accept()


# ---------------------------------------------------------------- sub-records


def inquiry_scopes() -> list[str]:
    """The scopes the 终本 readiness rules look for (resources/rules/zhongben.toml), so a ticked box counts."""
    try:
        from execdesk.rules.zhongben import config

        sc = config()["scopes"]
        return list(dict.fromkeys([*sc["network_required"], *sc["personal_extra"], *sc["all_debtor_extra"]]))
    except (ImportError, KeyError, FileNotFoundError):
        return ["商业银行", "证券", "互联网银行", "车辆", "不动产", "工商", "人行", "住房公积金", "金融理财",
                "收益类保险", "股息红利"]


def record_dialogs(ctx: UiContext, case_id: str, parties: list[Rec]) -> dict[str, tuple[str, list[FieldSpec],
                                                                                     Callable[[dict], Any]]]:
    """Title, fields and save function of each sub-record form of the workspace."""
    store, actor = ctx.store, ctx.actor
    debtor_names = [""] + [p.name for p in parties if p.role == "被执行人"]
    by_name = {p.name: p.id for p in parties}
    today = ctx.today

    def party(v: dict) -> str | None:
        return by_name.get(v.pop("party", "") or "")

    return {
        "inquiry": ("记录财产查控", [
            FieldSpec("method", "查控方式", "choice", ("网络查控", "传统查控")),
            FieldSpec("party", "被执行人", "choice", debtor_names, aliases=("当事人",)),
            FieldSpec("scopes", "查询范围", "checklist", inquiry_scopes()),
            FieldSpec("queried_on", "查询日期", "date", default=today(), aliases=("查询日期",)),
            FieldSpec("feedback_on", "反馈日期", "date"),
            FieldSpec("result", "查询结果", "multiline"),
            FieldSpec("found_property", "发现财产", "bool"),
        ], lambda v: cases.record_inquiry(store, actor, case_id, party_id=party(v), today=today(), **v)),
        "lead": ("登记财产线索", [
            FieldSpec("source", "线索来源", "combo", ("申请执行人", "其他人", "依职权")),
            FieldSpec("content", "线索内容", "multiline", aliases=("线索内容",)),
            FieldSpec("given_on", "提供日期", "date", default=today(), aliases=("线索提供日期",)),
            FieldSpec("urgent", "紧急（3日内核实）", "bool"),
        ], lambda v: cases.record_lead(store, actor, case_id, today=today(), **v)),
        "asset": ("登记已查明财产", [
            FieldSpec("kind", "财产类型", "combo", ("存款", "车辆", "不动产", "股权", "证券", "其他")),
            FieldSpec("party", "被执行人", "choice", debtor_names),
            FieldSpec("description", "财产描述", "multiline"),
            FieldSpec("value", "价值（元）", "text", default="0", aliases=("财产价值",)),
            FieldSpec("not_executable_reason", "不能执行的原因", "multiline"),
        ], lambda v: cases.record_found_asset(store, actor, case_id, party_id=party(v), today=today(), **v)),
        "measure": ("记录执行措施", [
            FieldSpec("kind", "措施类型", "choice", cases.MEASURE_KINDS),
            FieldSpec("party", "被执行人", "choice", debtor_names),
            FieldSpec("asset_kind", "财产类别（查封冻结）", "combo", ("", "存款", "动产", "不动产", "其他财产权")),
            FieldSpec("started_on", "开始日期", "date", default=today(), aliases=("措施开始日期",)),
            FieldSpec("expires_on", "届满日期", "date"),
            FieldSpec("document_number", "文书文号"),
            FieldSpec("amount", "金额（元）", "text", default="0", aliases=("金额",)),
            FieldSpec("description", "说明", "multiline"),
            FieldSpec("not_applicable_reason", "不适用原因（如不符合失信条件）", "multiline"),
        ], lambda v: cases.record_measure(store, actor, case_id, party_id=party(v), today=today(),
                                          **{k: (val or None) if k == "asset_kind" else val for k, val in v.items()})),
        "payment": ("记录执行款", [
            FieldSpec("kind", "类型", "choice", ("到账", "发放"), aliases=("执行款类型",)),
            FieldSpec("amount", "金额（元）", "text", aliases=("执行款金额",)),
            FieldSpec("paid_on", "日期", "date", default=today(), aliases=("执行款日期",)),
            FieldSpec("route", "方式", "combo", ("划拨", "自动履行", "拍卖款", "变卖款", "其他")),
            FieldSpec("description", "说明", "multiline"),
        ], lambda v: cases.record_payment(store, actor, case_id, today=today(), **v)),
        "deduction": ("登记扣除期间", [
            FieldSpec("kind", "扣除类型", "choice", cases.DEDUCTION_KINDS),
            FieldSpec("started_on", "开始日期", "date", default=today(), aliases=("扣除开始日期",)),
            FieldSpec("ended_on", "结束日期（进行中可不填）", "date", aliases=("扣除结束日期",)),
            FieldSpec("document_number", "相关文书"),
            FieldSpec("reason", "事由", "multiline"),
        ], lambda v: cases.record_deduction(store, actor, case_id, today=today(), **v)),
        "extension": ("登记延长执行期限", [
            FieldSpec("reason", "延长原因", "multiline"),
            FieldSpec("applied_on", "申请日期", "date", default=today()),
            FieldSpec("approver", "批准人", "text"),
            FieldSpec("approving_body", "批准机关", "text", default="本院"),
            FieldSpec("approved_on", "批准日期", "date", default=today()),
            FieldSpec("months", "延长期间（月）", "int", default=3, minimum=1, maximum=24, aliases=("延长期间",)),
            FieldSpec("high_court_filed", "已层报高院备案", "bool"),
            FieldSpec("document_number", "相关文书"),
        ], lambda v: cases.record_extension(store, actor, case_id, today=today(), **v)),
    }


def open_record_dialog(ctx: UiContext, parent: QWidget, case_id: str, parties: list[Rec], kind: str) -> bool:
    title, specs, submit = record_dialogs(ctx, case_id, parties)[kind]
    dlg = FormDialog(parent, parent.tr(title), specs, submit)
    dlg.setObjectName(f"record_{kind}")
    return exec_dialog(dlg)


# ---------------------------------------------------------------- sign-in and first start


class FirstStartDialog(QDialog):
    """An empty database: load the demo data, or set up this court and a first account."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.choice = ""
        self.setWindowTitle(self.tr("欢迎使用 ExecDesk"))
        text = QLabel(self.tr(
            "数据库中还没有案件。\n\n"
            "可以先载入演示数据（虚构的法院、账号和案件，不会同步到省平台）熟悉操作，"
            "也可以直接设置本院信息并创建自己的账号。"))
        text.setWordWrap(True)
        demo = QPushButton(self.tr("载入演示数据"))
        demo.setObjectName("load_demo")
        demo.clicked.connect(lambda: self._pick("demo"))
        setup = QPushButton(self.tr("设置本院并创建账号"))
        setup.clicked.connect(lambda: self._pick("setup"))
        cancel = QPushButton(self.tr("退出"))
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(demo)
        row.addWidget(setup)
        row.addStretch()
        row.addWidget(cancel)
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addLayout(row)
        self.setMinimumWidth(480)

    def _pick(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def setup_court_dialog(store, actor, parent: QWidget | None = None) -> str | None:
    """Set up this court and a first account. Returns the new username."""

    def submit(v: dict) -> str:
        if not v["court_code"]:
            raise ValidationError("不能为空", "法院代字")
        accounts.ensure_court(store, actor, code=v["court_code"], name=v["court_name"])
        if v["password"] != v["password2"]:
            raise ValidationError("两次输入的密码不一致", "确认密码")
        accounts.create_user(store, actor, username=v["username"], display_name=v["display_name"],
                             role=v["role"], password=v["password"], court_code=v["court_code"])
        return v["username"]

    dlg = FormDialog(parent, QDialog.tr(parent, "设置本院并创建账号") if parent else "设置本院并创建账号", [
        FieldSpec("court_code", "法院代字", placeholder="如 鲁0102"),
        FieldSpec("court_name", "法院名称", placeholder="如 济南市历下区人民法院"),
        FieldSpec("username", "用户名"),
        FieldSpec("display_name", "姓名"),
        FieldSpec("role", "角色", "choice", accounts.ROLES),
        FieldSpec("password", "密码（至少8位）"),
        FieldSpec("password2", "确认密码"),
    ], submit)
    for key in ("password", "password2"):
        dlg.inputs[key].setEchoMode(QLineEdit.EchoMode.Password)
    return dlg.result_value if exec_dialog(dlg) else None


def confirm(parent: QWidget, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


def today_default(ctx: UiContext) -> date:
    return ctx.today()
