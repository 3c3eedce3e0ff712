"""Correction forms of the case workspace (issue 17 item 3): 更正案号, 新增/修改当事人, 冲正/更正执行款, 更正执行依据,
and the question before recording a payment larger than what is outstanding. The forms only collect text;
``services.corrections`` validates, audits, queues for sync and refuses a row changed since it was read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from execdesk.rules.errors import ValidationError
from execdesk.services import corrections
from execdesk.services.inputs import BasisInput, PartyInput
from execdesk.ui.widgets import FieldSpec, FormDialog, exec_dialog, selected_id

if TYPE_CHECKING:
    from execdesk.ui.case_workspace import CaseWorkspace


def _tr(text: str) -> str:
    return QApplication.translate("Corrections", text)


def confirm_payment(parent: QWidget | None, store, case_id: str, kind: str, amount: str,
                    exclude_id: str | None = None) -> None:
    """Ask before a payment larger than what it can cover; raises ValidationError (nothing saved) on 返回修改."""
    check = corrections.check_payment(store, case_id, kind=kind, amount=amount, exclude_id=exclude_id)
    if check.question is None:
        return
    box = QMessageBox(QMessageBox.Icon.Warning, _tr("金额超过未执行部分"), check.question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                      parent or QApplication.activeModalWidget())
    box.setObjectName("overpaymentBox")
    box.button(QMessageBox.StandardButton.Yes).setText(_tr("确认金额无误，保存"))
    box.button(QMessageBox.StandardButton.No).setText(_tr("返回修改"))
    box.setDefaultButton(QMessageBox.StandardButton.No)
    if box.exec() != QMessageBox.StandardButton.Yes:
        raise ValidationError("金额超过未执行部分，请核对后再保存", "执行款金额")


def _run(ws: CaseWorkspace, dlg: FormDialog, name: str) -> bool:
    dlg.setObjectName(name)
    if exec_dialog(dlg):
        ws._after_edit()
        return True
    return False


def correct_case_number(ws: CaseWorkspace) -> bool:
    c = ws.view.case
    ctx = ws.ctx
    dlg = FormDialog(ws, _tr("更正案号"), [
        FieldSpec("number", "正确的案号", default=c.case_number, aliases=("案号",)),
        FieldSpec("reason", "更正原因", "multiline")],
        lambda v: corrections.correct_case_number(ctx.store, ctx.actor, c.id, v["number"], v["reason"],
                                                  expected_version=c.version, today=ctx.today()),
        intro=_tr("原案号 {0} 会保留在案件信息中，仍可用它查找本案。").format(c.case_number), ok_text=_tr("更正"))
    return _run(ws, dlg, "correct_number")


PARTY_ROLES = ("被执行人", "委托代理人", "申请执行人")


def add_party(ws: CaseWorkspace) -> bool:
    v, ctx = ws.view, ws.ctx
    others = {f"{p.role} {p.name}": p.id for p in v.parties if p.role != "委托代理人"}

    def submit(values: dict) -> str:
        represents = others.get(values.pop("represents") or "")
        return corrections.add_party(ctx.store, ctx.actor, v.case.id, PartyInput(**values),
                                     represents_party_id=represents, expected_version=v.case.version,
                                     today=ctx.today())

    dlg = FormDialog(ws, _tr("新增当事人"), [
        FieldSpec("role", "身份", "choice", PARTY_ROLES),
        FieldSpec("kind", "类型", "choice", ("自然人", "法人", "非法人组织")),
        FieldSpec("name", "名称", aliases=("名称",)),
        FieldSpec("id_number", "证件号码", aliases=("身份证号码", "统一社会信用代码", "证件号码")),
        FieldSpec("address", "住所"),
        FieldSpec("phone", "联系电话"),
        FieldSpec("legal_rep", "法定代表人/负责人"),
        FieldSpec("represents", "被代理人（委托代理人填写）", "choice", ["", *others], aliases=("被代理人",)),
    ], submit)
    return _run(ws, dlg, "add_party")


def edit_party(ws: CaseWorkspace) -> bool:
    v, ctx = ws.view, ws.ctx
    pid = selected_id(ws.parties)
    p = next((x for x in v.parties if x.id == pid), None)
    if p is None:
        QMessageBox.information(ws, _tr("修改当事人"), _tr("请先在表格中选择要修改的当事人。"))
        return False

    def submit(values: dict) -> None:
        reason = values.pop("reason") or None
        changes = {k: val for k, val in values.items() if (val or None) != (getattr(p, k) or None)}
        corrections.update_party(ctx.store, ctx.actor, p.id, expected_version=p.version, reason=reason,
                                 today=ctx.today(), **changes)

    dlg = FormDialog(ws, _tr("修改当事人：{0}").format(p.name), [
        FieldSpec("name", "名称", default=p.name),
        FieldSpec("id_number", "证件号码", default=p.id_number or "", aliases=("身份证号码", "统一社会信用代码")),
        FieldSpec("address", "住所", default=p.address or ""),
        FieldSpec("phone", "联系电话", default=p.phone or ""),
        FieldSpec("legal_rep", "法定代表人/负责人", default=p.legal_rep or ""),
        FieldSpec("reason", "更正原因（改名称、证件号码时必填）", "multiline", aliases=("更正原因",)),
    ], submit, intro=_tr("地址、电话有变化直接修改；名称或证件号码录错须写明更正原因。修改前后的内容记入操作记录。"))
    return _run(ws, dlg, "edit_party")


def _selected_payment(ws: CaseWorkspace, title: str):
    pid = selected_id(ws.payments)
    pay = next((x for x in ws.view.payments if x.id == pid), None)
    if pay is None:
        QMessageBox.information(ws, title, _tr("请先在表格中选择一笔执行款。"))
        return None
    if pay.status != corrections.VALID:
        QMessageBox.information(ws, title, _tr("这笔执行款已冲正，请选择最新的记录。"))
        return None
    return pay


def reverse_payment(ws: CaseWorkspace) -> bool:
    ctx = ws.ctx
    pay = _selected_payment(ws, _tr("冲正执行款"))
    if pay is None:
        return False
    from execdesk.rules.money import format_yuan

    dlg = FormDialog(ws, _tr("冲正执行款"), [FieldSpec("reason", "冲正原因", "multiline")],
                     lambda v: corrections.reverse_payment(ctx.store, ctx.actor, pay.id, v["reason"],
                                                           expected_version=pay.version, today=ctx.today()),
                     intro=_tr("{0}日{1} {2} 元将标记为“已冲正”，不再计入执行到位金额；记录本身保留，不会删除。").format(
                         pay.paid_on, pay.kind, format_yuan(pay.amount_fen)), ok_text=_tr("冲正"))
    return _run(ws, dlg, "reverse_payment")


def correct_payment(ws: CaseWorkspace) -> bool:
    ctx = ws.ctx
    pay = _selected_payment(ws, _tr("更正执行款"))
    if pay is None:
        return False
    from execdesk.rules.money import format_yuan

    def submit(v: dict) -> str:
        confirm_payment(None, ctx.store, pay.case_id, pay.kind, v["amount"], exclude_id=pay.id)
        return corrections.correct_payment(ctx.store, ctx.actor, pay.id, expected_version=pay.version,
                                           today=ctx.today(), **v)

    dlg = FormDialog(ws, _tr("更正执行款"), [
        FieldSpec("amount", "正确金额（元）", default=format_yuan(pay.amount_fen), aliases=("执行款金额",)),
        FieldSpec("paid_on", "日期", "date", default=pay.paid_on, optional_date=False, aliases=("执行款日期",)),
        FieldSpec("reason", "更正原因", "multiline")], submit,
        intro=_tr("原记录标记为“已冲正”并保留，按正确内容另记一笔。"), ok_text=_tr("更正"))
    return _run(ws, dlg, "correct_payment")


def correct_basis(ws: CaseWorkspace) -> bool:
    v, ctx = ws.view, ws.ctx
    b = v.basis

    def submit(values: dict) -> str:
        reason = values.pop("reason")
        return corrections.correct_basis(ctx.store, ctx.actor, v.case.id, BasisInput(**values), reason,
                                         expected_version=b.version if b else None, today=ctx.today())

    dlg = FormDialog(ws, _tr("更正执行依据"), [
        FieldSpec("issuing_body", "作出机构", default=b.issuing_body if b else "本院", aliases=("执行依据作出机构",)),
        FieldSpec("document_type", "文书名称", "combo", ("民事判决书", "民事调解书", "民事裁定书", "仲裁裁决书", "公证债权文书",
                                                     "支付令", "行政决定书"),
                  default=b.document_type if b else "民事判决书", aliases=("执行依据文书名称",)),
        FieldSpec("document_number", "文号", default=b.document_number if b else "", aliases=("执行依据文号",)),
        FieldSpec("effective_on", "生效日期", "date", default=b.effective_on if b else None,
                  aliases=("执行依据生效日期",)),
        FieldSpec("applied_on", "申请执行日期", "date", default=b.applied_on if b else None),
        FieldSpec("cause", "案由", default=(b.cause or "") if b else v.case.cause),
        FieldSpec("content", "主文/确定的义务", "multiline", default=(b.content or "") if b else ""),
        FieldSpec("reason", "更正原因", "multiline")], submit, ok_text=_tr("更正"))
    return _run(ws, dlg, "correct_basis")
