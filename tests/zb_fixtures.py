"""Helpers for the 终本 / approval / document tests (issue 4): a case made ready through the real services."""

from __future__ import annotations

from datetime import date

from conftest import TODAY, sample_case_input

from execdesk.services import cases
from execdesk.services.inputs import NodeInput

ALL_SCOPES = ["商业银行", "证券", "互联网银行", "车辆", "不动产", "工商", "人行", "住房公积金", "金融理财",
              "收益类保险", "股息红利"]


def debtor_id(store, case_id: str) -> str:
    from sqlalchemy import select

    from execdesk.models import Party

    with store.read() as s:
        return s.scalar(select(Party.id).where(Party.case_id == case_id, Party.role == "被执行人"))


def make_ready_case(store, actor, number: str = "（2026）鲁0102执100号", *, filed_on: date = date(2026, 3, 2),
                    today: date = TODAY, interview: bool = True, **overrides) -> str:
    """A 首次执行 case with every 终本 condition met for a ruling on ``today`` (2026-11-25)."""
    cid = cases.register_case(store, actor, sample_case_input(number, filed_on=filed_on, **overrides), today=today)
    d = debtor_id(store, cid)
    cases.record_node(store, actor, cid, NodeInput(code="N04", ended_on=date(2026, 3, 4),
                                                   data={"report_order_on": "2026-03-04", "service_method": "直接送达"}),
                      today=today)
    cases.record_node(store, actor, cid, NodeInput(code="N08", ended_on=date(2026, 3, 20),
                                                   description="被执行人按期申报，经核查属实",
                                                   data={"report_status": "按时"}), today=today)
    cases.record_inquiry(store, actor, cid, method="网络查控", queried_on=date(2026, 3, 6), scopes=ALL_SCOPES,
                         party_id=d, feedback_on=date(2026, 3, 8), result="未发现可供执行的财产", today=today)
    cases.record_inquiry(store, actor, cid, method="网络查控", queried_on=date(2026, 10, 20), scopes=ALL_SCOPES,
                         party_id=d, feedback_on=date(2026, 10, 22), result="未发现可供执行的财产", today=today)
    cases.record_inquiry(store, actor, cid, method="传统查控", queried_on=date(2026, 4, 10), party_id=d,
                         result="至被执行人住所地实地调查，未发现可供执行的财产", today=today)
    cases.record_measure(store, actor, cid, kind="限制消费", started_on=date(2026, 3, 25), party_id=d,
                         document_number="（2026）鲁0102执100号之一", today=today)
    cases.record_measure(store, actor, cid, kind="失信", started_on=date(2026, 3, 28), party_id=d,
                         document_number="（2026）鲁0102执100号之二", today=today)
    cases.record_payment(store, actor, cid, kind="到账", amount="12000.00", paid_on=date(2026, 5, 6), route="划拨",
                         today=today)
    if interview:
        cases.record_node(store, actor, cid, NodeInput(code="N22", ended_on=date(2026, 11, 10),
                                                       data={"method": "电话", "agreed": "是",
                                                             "attendees": "申请执行人王芳"}), today=today)
    return cid


def add_judge(store, actor, username: str = "zhoumin", name: str = "周敏", role: str = "审判员") -> str:
    from execdesk.services.accounts import create_user

    return create_user(store, actor, username=username, display_name=name, role=role, password="password123",
                       title="审判员")


def approve_all(store, actor, cid: str, *, today: date = TODAY, ruling_date: date | None = None) -> None:
    """合议庭 (赵磊 presiding, 张伟 and 周敏) → 执行局长 赵磊 → 院长 孙立, each with their own password."""
    from execdesk.services.approvals import approve_ruling

    kw = dict(password="password123", today=today, ruling_date=ruling_date)
    approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", panel=["zhangwei", "zhoumin"],
                   opinion="经合议，符合终本条件", **kw)
    approve_ruling(store, actor, cid, step="执行局长", approver_username="zhaolei", opinion="同意", **kw)
    approve_ruling(store, actor, cid, step="院长", approver_username="sunli", opinion="同意终结本次执行程序", **kw)


def pdf_text(path_or_bytes, *args: str) -> str:
    """pdftotext (poppler) of a PDF file or bytes, to stdout."""
    import subprocess
    import tempfile
    from pathlib import Path

    if isinstance(path_or_bytes, bytes):
        tmp = Path(tempfile.mkdtemp()) / "doc.pdf"
        tmp.write_bytes(path_or_bytes)
        path_or_bytes = tmp
    return subprocess.run(["pdftotext", *args, str(path_or_bytes), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_tool(tool: str, pdf: bytes) -> str:
    import subprocess
    import tempfile
    from pathlib import Path

    tmp = Path(tempfile.mkdtemp()) / "doc.pdf"
    tmp.write_bytes(pdf)
    return subprocess.run([tool, str(tmp)], check=True, capture_output=True, text=True).stdout


def squeeze(text: str) -> str:
    """Text without whitespace and without the "— n —" page numbers: lines of a paragraph joined back."""
    import re

    text = re.sub(r"^\s*— \d+ —\s*$", "", text, flags=re.M)
    return re.sub(r"\s+", "", text)
