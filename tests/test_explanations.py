"""书面说明 for overdue cases (R36, DOMAIN.md §2.6): the deadline computation with each deduction and
extension, measures in date order, enumerated reasons, plan, signature; single and batch; read back."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import TODAY, sample_case_input
from sqlalchemy import func, select
from zb_fixtures import make_ready_case, pdf_text, pdf_tool, squeeze

from execdesk.documents import explanation as doc
from execdesk.models import AuditEntry, Case, Explanation, IssuedDocument
from execdesk.rules.errors import ConflictError, ValidationError
from execdesk.services import cases, explanations
from execdesk.services.context import Actor
from execdesk.services.deadlines import explain_limit
from execdesk.services.inputs import NodeInput


@pytest.fixture
def overdue(store, actor):
    """Filed 2026-03-02: 6 months end 2026-09-02; 评估 30 days deducted; no extension → overdue on 11-25."""
    cid = make_ready_case(store, actor)
    cases.record_deduction(store, actor, cid, kind="评估", started_on=date(2026, 5, 1), ended_on=date(2026, 5, 30),
                           document_number="（2026）鲁0102执100号之三", reason="委托评估", today=TODAY)
    return cid


def _fill(store, actor, cid):
    explanations.save_draft(store, actor, cid, reasons=["disposal", "awaiting_zhongben"],
                            reason_text="被执行人名下车辆登记查封后未能实际扣押。",
                            next_steps="12月10日前完成院长审签并送达终本裁定。", planned_close_on="2026-12-31",
                            planned_method="终结本次执行程序", today=TODAY)


def test_r36_explanation_shows_the_computation_and_comes_back_exactly(store, actor, overdue):
    _fill(store, actor, overdue)
    with store.read() as s:
        case = s.get(Case, overdue)
        lim = explain_limit(s, case, today=TODAY)
        text = doc.compose(explanations.explanation_data(s, case, explanations._latest(s, overdue), TODAY))
    assert lim.overdue_days > 0 and lim.deducted_days == 30
    doc_id = explanations.issue_explanation(store, actor, overdue, today=TODAY)
    with store.read() as s:
        issued = s.get(IssuedDocument, doc_id)
        pdf = issued.content
        row = s.scalar(select(Explanation).where(Explanation.case_id == overdue))
        case = s.get(Case, overdue)
        assert (issued.kind, issued.version_no, row.status) == ("书面说明", 1, "已出具")
        assert case.explanation_owed is False  # the deadline engine sees the issued explanation
    plain = squeeze(pdf_text(pdf))
    assert plain == "".join(squeeze(p) for p in text.paragraphs())
    order = ["关于（2026）鲁0102执100号执行案件超期未结的书面说明", "一、案件基本情况", "本院于2026年3月2日立案执行",
             "二、执行期限的计算", "法定执行期限为6个月", "自立案次日即2026年3月3日起算", "扣除评估期间：2026年5月1日至2026年5月30日",
             "本案未延长执行期限。", f"已超过执行期限{lim.overdue_days}日", "三、已采取的执行措施", "1．2026年3月4日",
             "四、超期未结的原因", "1．财产处置（评估、拍卖、变卖）耗时较长。", "2．已具备终本条件，正在履行约谈、审批程序。",
             "具体情况：被执行人名下车辆登记查封后未能实际扣押。", "五、下一步工作安排及计划结案时间",
             "计划于2026年12月31日前以终结本次执行程序方式结案。", "承办人：张伟", "执行局长意见："]
    pos = -1
    for element in order:
        found = plain.find(squeeze(element), pos + 1)
        assert found > pos, element
        pos = found
    assert "595.276 x 841.89 pts (A4)" in pdf_tool("pdfinfo", pdf)
    assert all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in pdf_tool("pdffonts", pdf).splitlines()[2:])


def test_explanation_shows_each_extension(store, actor, overdue):
    """R18, DOMAIN §2.6 (延长执行期限记录: 原因, 申请日期, 批准机关, 批准日期, 延长期间): who approved and why."""
    cases.record_extension(store, actor, overdue, reason="财产处置需要", applied_on=date(2026, 8, 28),
                           approver="院长孙立", approving_body="济南市历下区人民法院", approved_on=date(2026, 8, 30),
                           months=1, today=TODAY)
    _fill(store, actor, overdue)
    pdf = explanations.draft_pdf(store, overdue, today=TODAY)
    assert ("2026年8月28日，因财产处置需要，申请延长执行期限，经院长孙立（济南市历下区人民法院）于2026年8月30日批准，"
            "延长执行期限1个月。") in squeeze(pdf_text(pdf))


def test_issue_needs_reasons_plan_and_an_overdue_case(store, actor, overdue):
    with pytest.raises(ValidationError, match="请先填写书面说明"):
        explanations.issue_explanation(store, actor, overdue, today=TODAY)
    explanations.save_draft(store, actor, overdue, reasons=["disposal"], today=TODAY)
    with pytest.raises(ValidationError, match="下一步工作安排：不能为空"):
        explanations.issue_explanation(store, actor, overdue, today=TODAY)
    with pytest.raises(ValidationError, match="不在原因目录中：weather"):
        explanations.save_draft(store, actor, overdue, reasons=["weather"], today=TODAY)
    with pytest.raises(ValidationError, match="必须写明具体情况"):
        explanations.save_draft(store, actor, overdue, reasons=["other"], today=TODAY)
    with pytest.raises(ValidationError, match="计划结案日期"):
        explanations.save_draft(store, actor, overdue, planned_close_on="2026-11-01", today=TODAY)
    fresh = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执300号", filed_on=date(2026, 10, 8)),
                                today=TODAY)
    _fill(store, actor, fresh)
    with pytest.raises(ValidationError, match="未超过执行期限"):
        explanations.issue_explanation(store, actor, fresh, today=TODAY)


def test_batch_has_a_cover_list_and_every_overdue_case(store, actor, overdue):
    other = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执200号", filed_on=date(2026, 1, 5)),
                                today=TODAY)
    cases.register_case(store, actor, sample_case_input("（2026）鲁0102执300号", filed_on=date(2026, 10, 8)),
                        today=TODAY)  # not overdue: not in the batch
    _fill(store, actor, overdue)
    pdf, count = explanations.batch_pdf(store, handler_username="zhangwei", today=TODAY)
    assert count == 2
    text = pdf_text(pdf)
    flat = squeeze(text)
    assert flat.startswith(squeeze("超期未结执行案件书面说明汇总承办人：张伟截至2026年11月25日，共2件超期未结案件"))
    cover = flat[:flat.index("关于")]
    # Most overdue first: 执200号 (filed in January) before 执100号.
    assert cover.index("（2026）鲁0102执200号") < cover.index("（2026）鲁0102执100号")
    assert "执300号" not in flat
    assert flat.count("执行案件超期未结的书面说明") == 2
    pages = int(re.search(r"Pages:\s+(\d+)", pdf_tool("pdfinfo", pdf)).group(1))
    assert pages >= 5  # cover + at least two pages per explanation
    doc_id = explanations.issue_batch(store, actor, handler_username="zhangwei", today=TODAY)
    with store.read() as s:
        assert s.get(IssuedDocument, doc_id).meta["cases"] == 2
    with pytest.raises(ValidationError, match="没有超过执行期限"):
        explanations.batch_pdf(store, handler_username="liuyang", today=TODAY)
    assert other


def test_director_opinion_is_confirmed_by_password_and_printed(store, actor, overdue):
    _fill(store, actor, overdue)
    with pytest.raises(ValidationError, match="用户名或密码不正确"):
        explanations.record_director_opinion(store, actor, overdue, approver_username="zhaolei", password="x" * 8,
                                             opinion="同意")
    with pytest.raises(ValidationError, match="角色是书记员"):
        explanations.record_director_opinion(store, actor, overdue, approver_username="liuyang",
                                             password="password123", opinion="同意")
    explanations.record_director_opinion(store, actor, overdue, approver_username="zhaolei", password="password123",
                                         opinion="情况属实，督促12月底前结案。", today=TODAY)
    doc_id = explanations.issue_explanation(store, actor, overdue, today=TODAY)
    with store.read() as s:
        pdf = s.get(IssuedDocument, doc_id).content
    assert "执行局长意见：情况属实，督促12月底前结案。" in squeeze(pdf_text(pdf))
    with pytest.raises(ValidationError, match="请先由承办人填写书面说明草稿"):
        explanations.record_director_opinion(store, actor, overdue, approver_username="zhaolei",
                                             password="password123", opinion="补充意见")


def test_a_case_within_its_limit_is_not_called_overdue(store, actor):
    fresh = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执300号", filed_on=date(2026, 10, 8)),
                                today=TODAY)
    text = squeeze(pdf_text(explanations.draft_pdf(store, fresh, today=TODAY)))
    assert "截至2026年11月25日，尚未超过执行期限。" in text and "已超过执行期限" not in text
    assert "（承办人尚未填写）" in text


def test_r36_explanation_lists_every_measure_the_interview_included(store, actor, overdue):
    """DOMAIN §2.6 item 4 (measures taken, in date order) and R8: the 约谈 is a measure the 书面说明 lists."""
    cases.record_node(store, actor, overdue, NodeInput(code="N22", ended_on=date(2026, 11, 10), data={
        "method": "电话", "agreed": "是"}), today=TODAY)
    _fill(store, actor, overdue)
    flat = squeeze(pdf_text(explanations.draft_pdf(store, overdue, today=TODAY)))
    section = flat.split("三、已采取的执行措施")[1].split("四、超期未结的原因")[0]
    assert "执行通知书、报告财产令" in section and "网络执行查控系统" in section
    assert re.search(r"\d+．2026年11月10日，本院以电话方式约谈申请执行人王芳", section)


def test_a_stale_draft_form_gets_a_conflict_with_both_values_never_an_overwrite(store, actor, overdue):
    """Issue 11 (no lost update; R36's 书面说明 is case data): two people open the same case's draft; the second save
    from a form read before the first one is refused with both versions and both values, nothing written."""
    other = Actor(username="clerk2", display_name="李书记员", role="书记员")
    with store.read() as s:
        read = explanations.draft_version(explanations._latest(s, overdue))
    assert read == 0  # no draft yet
    explanations.save_draft(store, other, overdue, reasons=["disposal"], next_steps="先拍卖车辆。", today=TODAY,
                            expected_version=read)
    with store.read() as s:
        row = explanations._latest(s, overdue)
        audits = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == row.id))
    with pytest.raises(ConflictError) as err:  # my form still shows "no draft": starting a second one is refused
        explanations.save_draft(store, actor, overdue, reasons=["awaiting_zhongben"], next_steps="报请终本。",
                                today=TODAY, expected_version=read)
    assert (err.value.read_version, err.value.current_version, err.value.changed_by) == (0, 1, "clerk2")
    assert [(d.field, d.mine, d.theirs) for d in err.value.diffs] == [
        ("超期原因", "已具备终本条件，正在履行约谈、审批程序", "财产处置（评估、拍卖、变卖）耗时较长"),
        ("下一步工作安排", "报请终本。", "先拍卖车辆。")]
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Explanation).where(Explanation.case_id == overdue)) == 1
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == row.id)) == audits
        assert (explanations._latest(s, overdue).next_steps, row.version) == ("先拍卖车辆。", 1)
    # Read again (version 1): the save goes through and makes version 2; a form still at 1 is then stale too.
    explanations.save_draft(store, actor, overdue, reasons=["awaiting_zhongben"], next_steps="报请终本。",
                            today=TODAY, expected_version=1)
    with pytest.raises(ConflictError) as err:
        explanations.save_draft(store, other, overdue, reasons=["disposal"], today=TODAY, expected_version=1)
    assert (err.value.read_version, err.value.current_version, err.value.changed_by) == (1, 2, "tester")
    # A draft issued meanwhile is no longer editable: a form that read it as a draft is stale (the next one is new).
    explanations.save_draft(store, actor, overdue, reasons=["awaiting_zhongben"], next_steps="报请终本。",
                            planned_close_on="2026-12-31", today=TODAY, expected_version=2)
    explanations.issue_explanation(store, actor, overdue, today=TODAY)
    with pytest.raises(ConflictError) as err:
        explanations.save_draft(store, other, overdue, reasons=["disposal"], today=TODAY, expected_version=3)
    assert (err.value.read_version, err.value.current_version) == (3, 0)
    with store.read() as s:
        issued = explanations._latest(s, overdue)
        assert issued.status == "已出具" and explanations.draft_version(issued) == 0
    explanations.save_draft(store, other, overdue, reasons=["disposal"], today=TODAY, expected_version=0)
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Explanation).where(Explanation.case_id == overdue)) == 2
