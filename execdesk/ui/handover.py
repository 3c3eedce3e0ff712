"""案件 → 移交承办人… (issue 13 item 5): a thin form over ``services.handover`` — who takes the case, why; the
person is told first what happens to the unsent work of the case and that this PC keeps a read-only copy."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

from execdesk.services import handover
from execdesk.ui.widgets import FieldSpec, FormDialog


def _tr(text: str) -> str:
    return QApplication.translate("Handover", text)


def handover_dialog(parent: QWidget | None, ctx, case_id: str) -> FormDialog:
    """The dialog (not yet shown). Its OK runs ``handover.hand_over``; a refusal keeps it open with the reason."""
    outlook = handover.handover_outlook(ctx.store, case_id)
    labels = {f"{c['name']}（{c['role']}，{c['ref']}）": c["ref"] for c in outlook.candidates}
    lines = [_tr("案件 {0} 现由 {1} 承办。").format(outlook.case_number, outlook.handler_name or _tr("（未指定）")),
             _tr("移交后，新承办人的电脑在下次同步时接收全案及其全部记录；本机保留只读副本。")]
    if outlook.unsent:
        lines.append(_tr("本案尚有 {0} 条变更未上报，将先于移交上报，不会丢失。").format(outlook.unsent))
    if outlook.unresolved:
        lines.append(_tr("其中 {0} 条冲突或被拒收，须先在“同步 → 需处理”中处理，移交才会送达。").format(outlook.unresolved))

    def submit(values):
        ref = labels.get(values["to"], values["to"])
        return handover.hand_over(ctx.store, ctx.actor, case_id, ref, values["reason"], today=ctx.today())

    dlg = FormDialog(parent, _tr("移交承办人"), [
        FieldSpec("to", "新承办人", "combo", choices=list(labels), aliases=("新承办人",)),
        FieldSpec("reason", "移交原因", "multiline", aliases=("移交原因",))],
        submit, intro="\n".join(lines), ok_text=_tr("移交"))
    dlg.setObjectName("handoverDialog")
    return dlg
