"""A day's 终本 work in the desktop app, end to end (issue 6 §4; DOMAIN.md §1, R1–R10, R40).

Create a case → record the nodes and sub-records through the workspace forms → see the overdue warning →
终本 assistant: checklist (one item recorded through its 去记录 link) → draft PDF → approval, each approver
with their own password (a wrong one is refused) → preview → issue → print to a PDF printer.
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

from conftest import TODAY
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QListWidget, QPushButton
from sqlalchemy import select
from test_desktop import APPLICANT_ID, DEBTOR_CODE, fill_case_dialog
from uihelpers import click_button, dispose_widgets, fill_node, make_ctx, on_modal, submit  # noqa: F401
from zb_fixtures import ALL_SCOPES, add_judge

from execdesk.models import Case, IssuedDocument
from execdesk.ui.main_window import MainWindow
from execdesk.ui.pdf_view import print_to
from execdesk.ui.zhongben_wizard import ZhongbenWizard


def pdftotext(data: bytes) -> str:
    path = Path(tempfile.mkdtemp()) / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


failures: list[str] = []  # messages of dialogs that refused their input (the test fails on them)


def fill_form(values: dict):
    """An action for ``on_modal``: type ``values`` into a FormDialog and press 保存."""
    def action(dlg) -> None:
        for key, value in values.items():
            w = dlg.inputs[key]
            if isinstance(w, QListWidget):  # checklist: tick exactly these
                for i in range(w.count()):
                    w.item(i).setCheckState(Qt.CheckState.Checked if w.item(i).text() in value
                                            else Qt.CheckState.Unchecked)
            else:
                dlg.set_value(key, value)
        submit(dlg, "保存", failures)
    return action


def node_form(code: str, day: date, data: dict, description: str = "", *, ended: date | None = None,
              document_number: str = ""):
    """An action for ``on_modal``: fill the node/record dialog (typed fields by what they show) and save."""
    def action(dlg) -> None:
        fill_node(dlg, code, day, data, description=description, ended=ended)
        dlg.document_number.setText(document_number)
        submit(dlg, "保存", failures)
    return action


def test_case_to_issued_ruling_through_the_desktop(qtbot, store, actor):
    add_judge(store, actor)  # 周敏, the third member of the 合议庭
    ctx = make_ctx(store)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()

    # 1. 立案 through the dialog (Ctrl+N).
    on_modal(lambda dlg: (fill_case_dialog(dlg, "（2026）鲁0102执100号", applicant_id=APPLICANT_ID),
                          submit(dlg, "保存", failures)))
    win.findChild(QAction, "act_new").trigger()
    assert not failures, failures
    ws = win.current_workspace()
    case_id = ws.case_id
    debtor = "济南鲁信商贸有限公司"

    # 2. What happened in the case, recorded through the workspace's forms.
    steps = [
        (lambda: ws.add_node(), node_form("N04", date(2026, 3, 4), {"report_order_on": "2026-03-04",
                                                                     "service_method": "直接送达"})),
        (lambda: ws.add_node(), node_form("N08", date(2026, 3, 20), {"report_status": "按时"},
                                          "被执行人按期申报，经核查属实")),
        # 财产 tab → 记录查控: the same node dialog, preset to 网络查控 (N06); 传统查控 is N07 (issue 11).
        (lambda: ws.record("inquiry"), node_form("N06", date(2026, 3, 6), {
            "party": debtor, "scopes": ALL_SCOPES, "feedback_on": "2026.3.8", "result": "未发现可供执行的财产"},
            ended=date(2026, 3, 8))),
        (lambda: ws.record("inquiry"), node_form("N06", date(2026, 10, 20), {
            "party": debtor, "scopes": ALL_SCOPES, "feedback_on": "2026年10月22日", "result": "未发现可供执行的财产"},
            ended=date(2026, 10, 22))),
        (lambda: ws.record("inquiry"), node_form("N07", date(2026, 4, 10), {
            "party": debtor, "result": "至被执行人住所地实地调查，未发现可供执行的财产"})),
        (lambda: ws.record("measure"), node_form("N09", date(2026, 3, 25), {"party": debtor},
                                                 document_number="（2026）鲁0102执100号之一")),
        (lambda: ws.record("measure"), node_form("N10", date(2026, 3, 28), {"party": debtor},
                                                 document_number="（2026）鲁0102执100号之二")),
        (lambda: ws.record("payment"), node_form("N15", date(2026, 5, 6), {
            "payment_kind": "到账", "amount": "12,000.00", "route": "划拨"})),
    ]
    for n, (open_form, answer) in enumerate(steps):
        seen = on_modal(answer)
        open_form()
        assert seen, f"form {n} did not open"
        assert not failures, (n, failures)
    assert ws.measures.rowCount() == 2 and ws.inquiries.rowCount() == 3

    # 3. The warning: filed 2026-03-02, 6-month limit (R16) long past on 2026-11-25.
    assert "已超过执行期限" in ws.banner.text()

    # 4. The 终本 assistant: not ready until the applicant is interviewed (R8); its 去记录 link records it.
    wiz = ZhongbenWizard(ctx, case_id, win)
    qtbot.addWidget(wiz)
    wiz.show()
    check = wiz.checklist
    assert not check.readiness.ready
    assert [i.code for i in check.readiness.unmet] == ["R8_interview"], [i.title for i in check.readiness.unmet]
    assert not wiz.next.isEnabled()
    row = next(r for r in range(check.table.rowCount())
               if check.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "R8_interview")
    link = check.table.cellWidget(row, 4)
    assert isinstance(link, QPushButton) and link.text() == "去记录"

    def interview(dlg):
        assert dlg.current_code() == "N22"  # the link opened the right node form
        node_form("N22", date(2026, 11, 10), {"method": "电话", "agreed": "是", "attendees": "申请执行人王芳"})(dlg)

    on_modal(interview)
    link.click()
    assert check.readiness.ready, [i.title for i in check.readiness.unmet]
    assert "已全部具备" in check.summary.text()

    # 5. Draft.
    wiz.next.click()
    draft = wiz.flow.draft
    assert draft.view.page_count() >= 1
    assert "还需审批" in draft.info.text()
    assert wiz.next.isEnabled()

    # 6. Approval (R9, 山东 route 合议庭 → 执行局长 → 院长), each approver with their own password.
    wiz.next.click()
    page = wiz.flow.approval
    assert [s.code for s in page.steps] == ["合议庭", "执行局长", "院长"] and not wiz.next.isEnabled()
    errors: list[str] = []

    def approver(username: str, password: str, opinion: str, then=None, panel=()):
        def action(dlg):
            dlg.approver.setCurrentIndex(dlg.approver.findData(username))
            dlg.password.setText(password)
            for box, member in zip(dlg.members, panel, strict=False):
                box.setCurrentIndex(box.findData(member))
            dlg.opinion.setPlainText(opinion)
            if then is not None:
                on_modal(then)  # the dialog comes back after a refusal
            click_button(dlg, "确认")
        return action

    def retry(dlg):
        if not dlg.error.text():  # not re-opened yet
            on_modal(retry)
            return
        errors.append(dlg.error.text())
        dlg.password.setText("password123")
        click_button(dlg, "确认")

    on_modal(approver("zhaolei", "wrong-password", "经合议，符合终本条件", then=retry,
                      panel=("zhangwei", "zhoumin")))
    assert page.sign_selected()
    assert errors and "密码不正确" in errors[0]
    on_modal(approver("zhaolei", "password123", "同意"))
    assert page.sign_selected()
    on_modal(approver("sunli", "password123", "同意终结本次执行程序"))
    assert page.sign_selected()
    assert page.done() and wiz.next.isEnabled()

    # 7. Preview: the approved draft, nothing pending.
    wiz.next.click()
    assert wiz.flow.preview.done()
    assert "审批已全部完成" in wiz.flow.preview.draft_page.info.text()
    # issue 17 item 8: after the last approval the preview is the ruling as it will be issued, not a 草稿
    assert "未经审批" not in pdftotext(wiz.flow.preview.draft_page.draft.pdf)

    # 8. Issue: the ruling and its public copy, immutable, with hashes.
    wiz.next.click()
    issue = wiz.flow.issue
    asked = on_modal(lambda box: click_button(box, "确定出具"))  # issue 17 item 8: issuing asks first
    issue.issue_button.click()
    assert asked and "不能修改或删除" in asked[0].text()
    assert issue.done(), issue.error.text()
    with store.read() as s:
        docs = s.scalars(select(IssuedDocument).where(IssuedDocument.case_id == case_id)
                         .order_by(IssuedDocument.kind)).all()
        assert [(d.kind, d.version_no) for d in docs] == [("终本裁定书", 1), ("终本裁定书公开版", 1)]
        assert s.get(Case, case_id).case_number == "（2026）鲁0102执100号"
    original, public = pdftotext(issue.issued.original), pdftotext(issue.issued.public)
    assert "终结本次执行程序" in original and "（2026）鲁0102执100号" in original.replace(" ", "")
    flat_original, flat_public = (t.replace(" ", "").replace("\n", "") for t in (original, public))
    assert APPLICANT_ID in flat_original and APPLICANT_ID not in flat_public  # R40: a person's ID is masked
    assert DEBTOR_CODE in flat_original
    assert issue.view.page_count() >= 1

    # 9. Print: the same page images a printer gets, here to a PDF printer.
    from PySide6.QtPrintSupport import QPrinter

    out = Path(tempfile.mkdtemp()) / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    pages = print_to(printer, issue.issued.original)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    printed = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    assert printed == pages == issue.view.page_count() == 4, info

    # The workspace lists the issued documents and the audit history names who issued them.
    ws.reload()
    assert ws.documents.rowCount() == 2
    assert any(ws.audit.item(r, 2).text() == "出具" for r in range(ws.audit.rowCount()))
    assert TODAY == date(2026, 11, 25)
