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
