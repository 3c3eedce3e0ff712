"""Dialogs: create case / 补录, add or correct a node, record sub-records, first start.

Every dialog validates through the service that saves (one transaction); errors come back as Chinese
messages naming the field and the dialog stays open with everything typed still there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
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
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.case_number import parse_case_number
from execdesk.rules.errors import ConflictError, UserError, ValidationError
from execdesk.rules.identity import validate_credit_code, validate_resident_id
from execdesk.services import accounts, cases, lookups
from execdesk.services.case_views import Rec, node_form_context
from execdesk.services.inputs import BasisInput, CaseInput, NodeInput, PartyInput
from execdesk.services.node_catalogue import node_catalogue
from execdesk.services.node_forms import (
    RECORD_LABELS,
    NodeChoice,
    form_fields,
    record_of,
    search_nodes,
)
from execdesk.services.profiles import users_by_role
from execdesk.ui.conflict import REAPPLY, RELOAD, resolve_conflict
from execdesk.ui.context import UiContext
from execdesk.ui.node_form import TypedFieldsForm
from execdesk.ui.operations import Changes, Op, hub
from execdesk.ui.screen_fit import fit_window
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
        fit_window(self, 980, 720)

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
        store, actor, today, data = self.ctx.store, self.ctx.actor, self.ctx.today(), self.case_input()
        self.error.show_error("")
        Op(self, lambda: cases.register_case(store, actor, data, today=today), title=self.windowTitle()) \
            .success(self._saved).failure(self.show_errors).run()

    def _saved(self, case_id: str) -> None:
        self.case_id = case_id
        hub().did_execute.emit(Changes.of([case_id], {"case"}), self)
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


# ---------------------------------------------------------------- nodes and the records they evidence


class NodePicker(QWidget):
    """Find a node by its name as you type (查封 → 查封/扣押/冻结); Enter or a click picks it. N-codes are not
    shown or searched: a clerk knows the names."""

    picked = Signal(str)  # node code

    def __init__(self, type_code: str | None, parent: QWidget | None = None, *, records: set[str] | None = None):
        super().__init__(parent)
        self.type_code = type_code
        self.records = records
        self.search = QLineEdit()
        self.search.setObjectName("node_search")
        self.search.setPlaceholderText(self.tr("输入节点名称查找，如 查封、拍卖、约谈"))
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("node_list")
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color:#555")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.count_label)
        self.search.textChanged.connect(self.filter)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.pick_current())
        self.list.itemClicked.connect(lambda _item: self.pick_current())
        self.filter("")

    def eventFilter(self, obj, event) -> bool:
        """In the search field: Enter picks (and is not the dialog's 保存); Down moves into the list."""
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.pick_current()
                return True
            if event.key() == Qt.Key.Key_Down:
                self.list.setFocus()
                if self.list.currentRow() < 0 and self.list.count():
                    self.list.setCurrentRow(0)
                return True
        return super().eventFilter(obj, event)

    def hits(self) -> list[NodeChoice]:
        found = search_nodes(self.search.text(), self.type_code)
        if self.records is not None and not self.search.text().strip():
            found = [c for c in found if c.record in self.records]
        return found

    def filter(self, _text: str = "") -> None:
        current = self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None
        self.list.clear()
        hits = self.hits()
        for c in hits:
            item = QListWidgetItem(c.name)
            item.setData(Qt.ItemDataRole.UserRole, c.code)
            item.setToolTip(self.tr("{0}（{1}）").format(c.name, c.group) if c.group else c.name)
            self.list.addItem(item)
        codes = [c.code for c in hits]
        self.list.setCurrentRow(codes.index(current) if current in codes else (0 if hits else -1))
        self.count_label.setText(self.tr("找到 {0} 个节点").format(len(hits)) if self.search.text().strip()
                                 else self.tr("共 {0} 个节点，输入名称可查找").format(len(hits)))

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def pick_current(self) -> None:
        """Enter: the single hit, or the highlighted one."""
        item = self.list.currentItem() or (self.list.item(0) if self.list.count() == 1 else None)
        if item is not None:
            self.picked.emit(item.data(Qt.ItemDataRole.UserRole))

    def select(self, code: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == code:
                self.list.setCurrentRow(i)
                return
        self.records = None  # preset to a node outside the filter: show everything
        self.filter()
        if any(c.code == code for c in self.hits()):
            self.select(code)


COMMON_LABELS = {"启动日期": "started", "完成日期": "ended", "日期": "dates", "节点状态": "status",
                 "更正原因": "reason", "节点": "node"}


class NodeDialog(QDialog):
    """One entry path for nodes and the records they evidence (issue 11).

    Pick the node by name, fill the dates and the catalogue's typed fields; the service writes the node and
    its business record (财产查控, 查封 and the found asset, the disposal event, 执行款, 约谈, 措施) in one
    transaction. Saving runs off the GUI thread (ui.operations); a field the service names gets its message
    under it; a stale correction shows the conflict dialog. ``records`` limits the picker to nodes of those
    record kinds when the dialog is opened from a record tab (措施 → 限消、失信、查封 …)."""

    def __init__(self, ctx: UiContext, case: Rec, parent: QWidget | None = None, *, correcting: Rec | None = None,
                 code: str | None = None, records: set[str] | None = None):
        super().__init__(parent)
        self.setObjectName("nodeDialog")
        self.ctx, self.case, self.correcting = ctx, case, correcting
        self.node_id: str | None = None
        self.expected_version: int | None = correcting.version if correcting is not None else None
        self.choices = node_form_context(ctx.store, case.id)  # the case's debtors and found assets
        self.setWindowTitle(self.tr("更正流程节点") if correcting else self.tr("记录流程节点"))
        self.picker = NodePicker(case.type_code, records=records if correcting is None else None)
        self.picker.picked.connect(self.set_code)
        self.picker.setEnabled(correcting is None)  # a correction keeps the node's kind (the service says so)
        pick_box = QGroupBox(self.tr("节点"))
        QVBoxLayout(pick_box).addWidget(self.picker)
        pick_box.setMinimumWidth(230)
        pick_box.setMaximumWidth(300)

        self.heading = QLabel()
        self.heading.setObjectName("node_heading")
        f = QFont(self.heading.font())
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setBold(True)
        self.heading.setFont(f)
        self.record_hint = QLabel()
        self.record_hint.setObjectName("record_hint")
        self.record_hint.setWordWrap(True)
        self.record_hint.setStyleSheet("color:#1565c0")
        self.started = DateField(correcting.started_on if correcting else ctx.today())
        self.ended = DateField(correcting.ended_on if correcting else ctx.today())
        self.status = QComboBox()
        self.status.setObjectName("status")
        self.status.addItems(list(cases.NODE_STATUSES))
        self.status.setCurrentText(correcting.status if correcting and correcting.status in cases.NODE_STATUSES
                                   else "已完成")
        self.description = QPlainTextEdit(correcting.description or "" if correcting else "")
        self.description.setObjectName("description")
        self.description.setMaximumHeight(56)
        self.description.setTabChangesFocus(True)
        self.document_number = QLineEdit(correcting.document_number or "" if correcting else "")
        self.handler_name = QLineEdit(correcting.handler_name or ctx.actor.display_name if correcting
                                      else ctx.actor.display_name)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.common_errors: dict[str, QLabel] = {}
        common = QGroupBox(self.tr("节点信息"))
        self.form = QFormLayout(common)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        dates = QHBoxLayout()
        dates.addWidget(self.started)
        dates.addWidget(QLabel(self.tr("完成日期：")))
        dates.addWidget(self.ended)
        dates.addWidget(QLabel(self.tr("状态：")))
        dates.addWidget(self.status)
        dates.addStretch()
        self.form.addRow(self.tr("启动日期："), self._with_error(dates, "dates"))
        people = QHBoxLayout()
        people.addWidget(self.handler_name)
        people.addWidget(QLabel(self.tr("文书文号：")))
        people.addWidget(self.document_number, 1)
        self.form.addRow(self.tr("处理人："), people)
        self.form.addRow(self.tr("业务描述/结果："), self.description)
        if correcting:
            self.form.addRow(self.tr("更正原因：") + "<span style='color:#c62828'>*</span>",
                             self._with_error(self.reason, "reason"))
        self.fields_box = QGroupBox(self.tr("业务信息（* 为必填）"))
        self.fields_box.setObjectName("fields_box")
        self.fields_layout = QVBoxLayout(self.fields_box)
        self.typed: TypedFieldsForm | None = None
        self.error = ErrorLabel()
        self.error.setObjectName("error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.record_hint)
        if correcting:
            note = QLabel(self.tr("更正不会覆盖原记录：原节点标记为“已更正”，并保存一条新的节点记录；"
                                  "它所对应的业务记录随之更正。"))
            note.setWordWrap(True)
            right.addWidget(note)
        right.addWidget(common)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.fields_box)
        right.addWidget(scroll, 1)
        right.addWidget(self.error)
        right.addWidget(buttons)
        lay = QHBoxLayout(self)
        lay.addWidget(pick_box)
        lay.addLayout(right, 1)
        self._code: str | None = None
        start = correcting.code if correcting else code
        if not start:
            hits = self.picker.hits()
            start = hits[0].code if hits else None
        if start:
            self.picker.select(start)
            self.set_code(start)
        if correcting:
            assert self.typed is not None
            self.typed.set_values(correcting.data or {})
        fit_window(self, 900, 620)
        self.picker.search.setFocus()

    def _with_error(self, inner, key: str) -> QWidget:
        cell = QWidget()
        v = QVBoxLayout(cell)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        if isinstance(inner, QWidget):
            v.addWidget(inner)
        else:
            v.addLayout(inner)
        err = QLabel()
        err.setObjectName(f"error_{key}")
        err.setStyleSheet("color:#c62828")
        err.setWordWrap(True)
        err.hide()
        v.addWidget(err)
        self.common_errors[key] = err
        return cell

    # -- the chosen node

    def current_code(self) -> str | None:
        return self._code

    def set_code(self, code: str) -> None:
        """Build the typed form of ``code`` (typed values of fields both nodes share are kept)."""
        if code == self._code:
            self._focus_first()
            return
        kept = self.typed.values() if self.typed is not None else {}
        self._code = code
        self.picker.select(code)
        entry = node_catalogue().get(code) or {}
        self.heading.setText(entry.get("name", ""))
        record = entry.get("record")
        self.record_hint.setText(self.tr("保存后同时登记：{0}。两处显示的是同一条记录。")
                                 .format(self.tr(RECORD_LABELS[record])) if record in RECORD_LABELS else "")
        self.record_hint.setVisible(bool(record))
        if self.typed is not None:
            self.fields_layout.removeWidget(self.typed)
            self.typed.deleteLater()
        specs = form_fields(code)
        self.typed = TypedFieldsForm(specs, debtors=self.choices.debtors, assets=self.choices.assets)
        self.typed.setObjectName("typed_fields")
        self.typed.set_values({k: v for k, v in kept.items() if k in self.typed.widgets})
        self.fields_layout.addWidget(self.typed)
        self.fields_box.setVisible(bool(specs))
        self.error.show_error("")
        self._focus_first()

    def _focus_first(self) -> None:
        if self.typed is not None and self.typed.specs:
            self.typed.widgets[self.typed.specs[0].key].setFocus()

    def field(self, key: str) -> QWidget:
        assert self.typed is not None
        return self.typed.widgets[key]

    # -- saving

    def node_input(self) -> NodeInput:
        data = self.typed.values() if self.typed is not None else {}
        return NodeInput(code=self._code or "", started_on=self.started.value(), ended_on=self.ended.value(),
                         description=self.description.toPlainText().strip() or None,
                         document_number=self.document_number.text().strip() or None,
                         status=self.status.currentText(), handler_name=self.handler_name.text().strip() or None,
                         data=data)

    def try_save(self) -> None:
        self.clear_errors()
        if not self._code:
            self.error.show_error(self.tr("节点：请先在左侧选择节点"))
            return
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        data, case_id = self.node_input(), self.case.id
        if self._code in ("N14", "N15") and data.data.get("amount") and _amount_ok(data.data["amount"]):
            # A payment larger than what is outstanding asks first (issue 17 item 3), on the GUI thread; a bad
            # amount is left to the service, which names the field.
            from execdesk.ui.corrections import confirm_payment

            try:
                confirm_payment(self, store, case_id, data.data.get("payment_kind") or "到账", str(data.data["amount"]))
            except UserError as exc:
                self._refused(exc)
                return
        if self.correcting is not None:
            node_id, reason, expected = self.correcting.id, self.reason.text(), self.expected_version

            def op() -> str:
                return cases.correct_node(store, actor, node_id, data, reason, expected_version=expected, today=today)
        else:
            def op() -> str:
                return cases.record_node(store, actor, case_id, data, today=today)
        kinds = {"node"} | ({record_of(self._code) or ""} - {""})
        Op(self, op, changes=Changes.of([case_id], kinds), title=self.windowTitle()) \
            .success(self._saved).failure(self._refused).run()

    def _saved(self, node_id: str) -> None:
        self.node_id = node_id
        self.accept()

    def _refused(self, exc: UserError) -> None:
        if isinstance(exc, ConflictError):
            choice = resolve_conflict(self, exc)
            if choice == RELOAD:  # the stored version stands: close, the workspace shows it
                self.reject()
                hub().did_execute.emit(Changes.of([self.case.id], {"node"}), self)
            elif choice == REAPPLY:  # correct the latest version with what was typed
                self.expected_version = exc.current_version
                self.error.show_error(self.tr("已改为在第{0}版上更正，请核对后再次保存。").format(exc.current_version))
            return
        self.show_errors(exc)

    def clear_errors(self) -> None:
        self.error.show_error("")
        for label in self.common_errors.values():
            label.hide()
            label.setText("")
        for w in (self.started, self.ended, self.reason):
            mark_invalid(w, False)
        if self.typed is not None:
            self.typed.clear_errors()

    def show_errors(self, exc: UserError) -> None:
        """The whole message under the form, and each named field's message under that field."""
        self.error.show_error(str(exc))
        if not isinstance(exc, ValidationError):
            return
        placed = self.typed.show_errors(exc) if self.typed is not None else set()
        for e in exc.errors:
            if e.field in placed:
                continue
            key = {"启动日期": "dates", "完成日期": "dates", "日期": "dates", "节点状态": "dates",
                   "更正原因": "reason"}.get(e.field)
            if key in self.common_errors:
                label = self.common_errors[key]
                label.setText("；".join(filter(None, [label.text(), str(e)])))
                label.show()
        mark_invalid(self.started, any(e.field in ("启动日期", "日期") for e in exc.errors))
        mark_invalid(self.ended, any(e.field in ("完成日期", "日期") for e in exc.errors))
        mark_invalid(self.reason, any(e.field == "更正原因" for e in exc.errors))
        first = self.typed.first_invalid() if self.typed is not None else None
        if first is not None:
            first.setFocus()


# ---------------------------------------------------------------- records without a node of their own


class OpFormDialog(FormDialog):
    """A FormDialog whose save runs through ui.operations (off the GUI thread, UserError to the form, anything
    else to the error dialog) and reports what it changed."""

    def __init__(self, parent: QWidget | None, title: str, specs, submit, *, changes: Changes, **kw):
        super().__init__(parent, title, specs, submit, **kw)
        self.changes = changes

    def try_accept(self) -> None:
        values = self.values()
        self.error.show_error("")
        Op(self, lambda: self.submit(values), changes=self.changes, title=self.windowTitle()) \
            .success(self._saved).failure(self._refused).run()

    def _saved(self, value) -> None:
        self.result_value = value
        self.accept()

    def _refused(self, exc: UserError) -> None:
        if isinstance(exc, ValidationError):
            self.show_validation(exc)
        else:
            self.error.show_error(str(exc))


# The record tabs' actions that are nodes: the same dialog, preset (issue 11: one entry path).
NODE_RECORDS = {"inquiry": ("N06", {"inquiry"}), "seal": ("N11", {"seal"}), "asset": ("N11", {"seal"}),
                "payment": ("N15", {"payment"}), "measure": ("N09", {"measure", "seal"}),
                "interview": ("N22", {"interview"}), "disposal": ("N13", {"asset_event"})}


def _amount_ok(value) -> bool:
    from execdesk.rules.money import parse_amount

    try:
        parse_amount(str(value), "金额")
    except ValidationError:
        return False
    return True


def record_dialogs(ctx: UiContext, case_id: str, parties: list[Rec]) -> dict[str, tuple[str, list[FieldSpec],
                                                                                     Callable[[dict], Any]]]:
    """Title, fields and save function of the workspace's forms for records that are not nodes."""
    store, actor = ctx.store, ctx.actor
    today = ctx.today

    return {
        "lead": ("登记财产线索", [
            FieldSpec("source", "线索来源", "combo", ("申请执行人", "其他人", "依职权")),
            FieldSpec("content", "线索内容", "multiline", aliases=("线索内容",)),
            FieldSpec("given_on", "提供日期", "date", default=today(), aliases=("线索提供日期",)),
            FieldSpec("urgent", "紧急（3日内核实）", "bool"),
        ], lambda v: cases.record_lead(store, actor, case_id, today=today(), **v)),
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


def open_record_dialog(ctx: UiContext, parent: QWidget, case_id: str, parties: list[Rec], kind: str, *,
                       case: Rec | None = None) -> bool:
    """A record form of the workspace. Records that are nodes (查控, 查封/财产, 措施, 执行款, 约谈, 处置) open the
    node dialog preset to their node; the others (线索, 扣除期间, 延长) their own form."""
    if kind in NODE_RECORDS:
        if case is None:
            case = Rec(id=case_id, type_code=lookups.case_type_code(ctx.store, case_id))
        code, records = NODE_RECORDS[kind]
        dlg = NodeDialog(ctx, case, parent, code=code, records=records)
        dlg.setObjectName(f"record_{kind}")
        return exec_dialog(dlg)
    title, specs, submit = record_dialogs(ctx, case_id, parties)[kind]
    dlg = OpFormDialog(parent, parent.tr(title), specs, submit, changes=Changes.of([case_id], {kind}))
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
