"""The workspace's deadline summary shows every deducted period, including those that come from a node's own
span (评估 N12, 拍卖 N13) rather than from a 扣除 record (R17: union of intervals, counted once)."""

from __future__ import annotations

from datetime import date

from conftest import TODAY, sample_case_input

from execdesk.services import cases
from execdesk.services.case_views import load_case_view
from execdesk.services.inputs import NodeInput


def test_limit_summary_lists_node_span_and_record_deductions_R17(store, actor):
    case_id = cases.register_case(store, actor, sample_case_input(filed_on=date(2026, 3, 2)), today=TODAY)
    cases.record_node(store, actor, case_id, NodeInput(code="N12", started_on="2026-04-01", ended_on="2026-04-30"),
                      today=TODAY)
    cases.record_deduction(store, actor, case_id, kind="公告", started_on="2026-04-20", ended_on="2026-05-10",
                           today=TODAY)
    with store.read() as s:
        v = load_case_view(s, case_id)
    text = v.limit_summary
    assert text.startswith("执行期限6个月，自2026年3月3日起算，名义届满2026年9月2日")
    assert "评估" in text and "公告" in text
    # 4-01..4-30 and 4-20..5-10 overlap: counted once, 4-01..5-10 = 40 days
    assert "依法扣除40日" in text
    assert len(v.deductions) == 1  # the record; the node span appears only through the computation
