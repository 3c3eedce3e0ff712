"""终本 readiness (DOMAIN.md §1.1–1.9, R1–R10) evaluated from real case data recorded through the services."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY
from sqlalchemy import select
from zb_fixtures import ALL_SCOPES, debtor_id, make_ready_case

from execdesk.models import Approval, AuditEntry, Case
from execdesk.rules import zhongben as rules
from execdesk.rules.errors import ValidationError
from execdesk.services import cases
from execdesk.services.inputs import NodeInput
from execdesk.services.zhongben import check_readiness, waive_item

MET, MISSING, NA, WAIVED = (rules.Status.MET, rules.Status.MISSING, rules.Status.NOT_APPLICABLE,
                            rules.Status.WAIVED)


def status(store, cid, code, ruling=TODAY):
    return check_readiness(store, cid, ruling, today=TODAY).item(code).status


# ---------------------------------------------------------------- pure rules


def test_r1_earliest_date_is_strictly_after_filing_plus_three_months():
    # DOMAIN §1.1 note: filed 2024-03-15 → earliest ruling 2024-06-16 (民法典 1259: "超过" excludes the boundary).
    assert rules.earliest_ruling_date(date(2024, 3, 15)) == date(2024, 6, 16)
    # R20: no corresponding day → last day of the month, then strictly after it.
    assert rules.earliest_ruling_date(date(2024, 11, 30)) == date(2025, 3, 1)
    assert rules.earliest_ruling_date(date(2023, 11, 30)) == date(2024, 3, 1)  # 2024-02-29 + 1
    assert rules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rules.add_months(date(2024, 5, 31), -3) == date(2024, 2, 29)


def test_r5_small_balance_exemption_is_below_1000_yuan_and_at_most_5_percent():
    small = rules.AssetFacts(asset_id="a", kind="存款", asset_class="存款", description="工行余额", value_fen=99_999)
    assert rules.small_balance_exempt(small, amount_claimed_fen=2_000_000)  # 999.99 ≤ 5 % of 20,000
    assert not rules.small_balance_exempt(small, amount_claimed_fen=1_999_979)  # 5 % = 999.98: over
    assert not rules.small_balance_exempt(rules.AssetFacts(asset_id="a", kind="存款", asset_class="存款", description="x", value_fen=100_000),
                                          amount_claimed_fen=10**9)  # exactly 1,000 yuan is not "< 1,000"
    assert not rules.small_balance_exempt(rules.AssetFacts(asset_id="a", kind="车辆", asset_class="动产", description="x", value_fen=100),
                                          amount_claimed_fen=10**9)  # only balances


# ---------------------------------------------------------------- the full case


def test_ready_case_meets_every_condition(store, actor):
    cid = make_ready_case(store, actor)
    r = check_readiness(store, cid, TODAY, today=TODAY)
    assert r.ready, rules.describe_unmet(r)
    assert r.earliest_on == date(2026, 6, 3)
    statuses = {i.code: i.status for i in r.items}
    assert statuses == {"R1": MET, "R2_notice": MET, "R2_order": MET, "R2_together": MET, "R3_check": MET,
                        "R3_sanction": NA, "R4_limit": MET, "R4_credit": MET, "R5_network": MET,
                        "R5_traditional": MET, "R5_leads": NA, "R5_assets": NA, "R5_records": MET, "R6_personal": MET,
                        "R7_search": NA, "R7_obstruction": NA, "R8_interview": MET, "R10_outstanding": MET,
                        "R10_subject": MET}
    with store.read() as s:
        assert s.get(Case, cid).zhongben_ready is True
    # Every item names its article.
    assert all(i.basis for i in r.items)


def test_r1_ruling_on_the_boundary_day_is_refused(store, actor):
    cid = make_ready_case(store, actor)
    # Filed 2026-03-02: 3 months end 2026-06-02, so 06-02 is not "超过" and 06-03 is the first lawful day.
    # (The interview on 11-10 is then in the future, so look at R1 only.)
    assert status(store, cid, "R1", date(2026, 6, 2)) is MISSING
    assert status(store, cid, "R1", date(2026, 6, 3)) is MET
    r = check_readiness(store, cid, date(2026, 6, 2), today=TODAY)
    assert "2026年6月3日" in r.item("R1").remedy


def test_r2_notice_and_report_order_missing_then_not_together(store, actor):
    cid = cases.register_case(store, actor, __import__("conftest").sample_case_input(), today=TODAY)
    assert status(store, cid, "R2_notice") is MISSING
    assert status(store, cid, "R2_order") is MISSING
    assert status(store, cid, "R2_together") is NA
    cases.record_node(store, actor, cid, NodeInput(code="N04", ended_on=date(2026, 3, 4),
                                                   data={"report_order_on": "2026-03-09"}), today=TODAY)
    assert status(store, cid, "R2_notice") is MET
    assert status(store, cid, "R2_order") is MET
    r = check_readiness(store, cid, TODAY, today=TODAY)
    # R2: different dates in a money case are flagged, but only as advice.
    assert r.item("R2_together").status is MISSING and not r.item("R2_together").blocking


def test_r3_core_check_and_sanction_for_a_refused_report(store, actor):
    cid = make_ready_case(store, actor)
    cases.record_node(store, actor, cid, NodeInput(code="N08", ended_on=date(2026, 4, 1),
                                                   data={"report_status": "拒绝"}), today=TODAY)
    assert status(store, cid, "R3_check") is MET
    assert status(store, cid, "R3_sanction") is MISSING
    cases.record_measure(store, actor, cid, kind="罚款", started_on=date(2026, 4, 5), amount="5000",
                         party_id=debtor_id(store, cid), today=TODAY)
    assert status(store, cid, "R3_sanction") is MET


def test_r3_no_check_recorded(store, actor):
    cid = cases.register_case(store, actor, __import__("conftest").sample_case_input(), today=TODAY)
    assert status(store, cid, "R3_check") is MISSING
    assert status(store, cid, "R3_sanction") is NA


def test_r4_limit_released_before_ruling_and_credit_not_applicable_reason(store, actor):
    cid = make_ready_case(store, actor, interview=True)
    d = debtor_id(store, cid)
    # A second debtor with no measures at all: both R4 items name them.
    from execdesk.models import Party

    with store.transaction() as s:
        s.add(Party(case_id=cid, seq=9, role="被执行人", kind="自然人", name="李强", id_number=None))
    r = check_readiness(store, cid, TODAY, today=TODAY)
    assert r.item("R4_limit").status is MISSING and "李强" in r.item("R4_limit").detail
    assert r.item("R4_credit").status is MISSING and "李强" in r.item("R4_credit").detail
    with store.read() as s:
        li = s.scalar(select(Party.id).where(Party.name == "李强"))
    cases.record_measure(store, actor, cid, kind="限制消费", started_on=date(2026, 4, 1), party_id=li,
                         released_on=date(2026, 10, 1), today=TODAY)
    assert status(store, cid, "R4_limit") is MISSING  # released before the ruling: not active
    cases.record_measure(store, actor, cid, kind="限制消费", started_on=date(2026, 10, 2), party_id=li, today=TODAY)
    assert status(store, cid, "R4_limit") is MET
    cases.record_measure(store, actor, cid, kind="失信", started_on=date(2026, 10, 2), party_id=li,
                         not_applicable_reason="不符合条件：已提供有效担保", today=TODAY)
    assert status(store, cid, "R4_credit") is MET
    assert d  # the first debtor stays covered


def test_r5_network_query_older_than_three_months_or_missing_scope(store, actor):
    cid = make_ready_case(store, actor)
    # The 2026-10-20 query is inside the window for a ruling on 2026-11-25 …
    assert status(store, cid, "R5_network") is MET
    # … but not for a ruling on 2027-01-21 (window starts 2026-10-20 − 1 day grace → 2026-10-20 is in) …
    assert status(store, cid, "R5_network", date(2027, 1, 21)) is MET
    # … and not on 2027-01-22 (window from 2026-10-21).
    r = check_readiness(store, cid, date(2027, 1, 22), today=TODAY)
    assert r.item("R5_network").status is MISSING and "济南鲁信商贸有限公司缺" in r.item("R5_network").detail


def test_r5_network_missing_one_scope(store, actor):
    cid = cases.register_case(store, actor, __import__("conftest").sample_case_input(), today=TODAY)
    cases.record_inquiry(store, actor, cid, method="网络查控", queried_on=date(2026, 11, 1),
                         scopes=[s for s in ALL_SCOPES if s != "人行"], party_id=debtor_id(store, cid), today=TODAY)
    r = check_readiness(store, cid, TODAY, today=TODAY)
    assert r.item("R5_network").status is MISSING
    assert r.item("R5_network").detail.startswith("济南鲁信商贸有限公司缺人行")


def test_r5_network_not_applicable_for_a_branch_office(store, actor):
    from conftest import sample_case_input

    from execdesk.rules.identity import make_credit_code
    from execdesk.services.inputs import PartyInput

    data = sample_case_input()
    data.parties[1] = PartyInput(role="被执行人", kind="非法人组织", name="济南鲁信商贸有限公司历下分公司",
                                 id_number=make_credit_code("91370102MA3C9999X"), address="济南市历下区解放路9号")
    cid = cases.register_case(store, actor, data, today=TODAY)
    assert status(store, cid, "R5_network") is NA


def test_r5_traditional_investigation(store, actor):
    cid = cases.register_case(store, actor, __import__("conftest").sample_case_input(), today=TODAY)
    assert status(store, cid, "R5_traditional") is MISSING
    cases.record_measure(store, actor, cid, kind="悬赏", started_on=date(2026, 5, 1), today=TODAY)
    assert status(store, cid, "R5_traditional") is MET


def test_r5_every_lead_verified(store, actor):
    cid = make_ready_case(store, actor)
    lead = cases.record_lead(store, actor, cid, source="申请执行人", content="被执行人在历城区有一处仓库",
                             given_on=date(2026, 11, 1), today=TODAY)
    r = check_readiness(store, cid, TODAY, today=TODAY)
    assert r.item("R5_leads").status is MISSING and "历城区" in r.item("R5_leads").detail
    assert not r.ready
    cases.verify_lead(store, actor, lead, verified_on=date(2026, 11, 5), result="仓库系租赁，非被执行人所有",
                      today=TODAY)
    assert status(store, cid, "R5_leads") is MET


def test_r5_found_asset_needs_a_lawful_reason_unless_small_balance_art4(store, actor):
    """终本规定 art 4: a found asset blocks 终本 unless disposed of or one of art 4's cases is shown; a free-text
    reason is not enough, the lawful reason must be chosen and its evidence recorded (R5, S28 check 6)."""
    cid = make_ready_case(store, actor)  # claimed 85,000 yuan: 5 % = 4,250 yuan
    cases.record_found_asset(store, actor, cid, kind="存款", description="中国银行账户余额", value="800.00",
                             today=TODAY)
    assert status(store, cid, "R5_assets") is MET  # < 1,000 yuan and ≤ 5 %: exempt
    car = cases.record_found_asset(store, actor, cid, kind="车辆", description="鲁A12345小型轿车", value="30000",
                                   not_executable_reason="经三次拍卖流拍", today=TODAY)
    r = check_readiness(store, cid, TODAY, today=TODAY)
    assert r.item("R5_assets").status is MISSING and "鲁A12345" in r.item("R5_assets").detail
    assert "未选择法定原因" in r.item("R5_assets").detail
    # Choosing "登记查封未能实际扣押" needs the registry seal itself on record.
    cases.set_asset_reason(store, actor, car, cannot_dispose_reason="登记查封未能实际扣押",
                           not_executable_reason="车辆下落不明", today=TODAY)
    r = check_readiness(store, cid, TODAY, today=TODAY)
    assert r.item("R5_assets").status is MISSING and "未记录在登记机关的查封" in r.item("R5_assets").detail
    with pytest.raises(ValidationError, match="不能处置原因"):
        cases.set_asset_reason(store, actor, car, cannot_dispose_reason="流拍了", today=TODAY)


def test_r7_missing_debtor_needs_search_and_obstruction_needs_sanction(store, actor):
    cid = make_ready_case(store, actor)
    cases.update_case(store, actor, cid, debtor_missing=True, obstruction=True, today=TODAY)
    assert status(store, cid, "R7_search") is MISSING
    assert status(store, cid, "R7_obstruction") is MISSING
    cases.record_measure(store, actor, cid, kind="查找", started_on=date(2026, 6, 1),
                         description="经公安机关协助查找，下落不明", today=TODAY)
    cases.record_measure(store, actor, cid, kind="拘留", started_on=date(2026, 6, 10),
                         party_id=debtor_id(store, cid), description="拘留十五日", today=TODAY)
    assert status(store, cid, "R7_search") is MET
    assert status(store, cid, "R7_obstruction") is MET


def test_r8_interview_required_dated_before_ruling_with_opinion(store, actor):
    cid = make_ready_case(store, actor, interview=False)
    assert status(store, cid, "R8_interview") is MISSING
    cases.record_node(store, actor, cid, NodeInput(code="N22", ended_on=date(2026, 11, 10),
                                                   data={"method": "面谈"}), today=TODAY)
    assert status(store, cid, "R8_interview") is MISSING  # 是否同意终本 not filled in
    cases.record_node(store, actor, cid, NodeInput(code="N22", ended_on=date(2026, 11, 20),
                                                   data={"method": "面谈", "agreed": "否"}), today=TODAY)
    assert status(store, cid, "R8_interview") is MET
    assert status(store, cid, "R8_interview", date(2026, 11, 19)) is MISSING  # after the ruling date
    cases.update_case(store, actor, cid, applicant_requested_zhongben=True, today=TODAY)
    assert status(store, cid, "R8_interview", date(2026, 11, 19)) is NA


def test_r10_nothing_outstanding_blocks(store, actor):
    cid = make_ready_case(store, actor)
    cases.record_payment(store, actor, cid, kind="到账", amount="73000.00", paid_on=date(2026, 11, 1), today=TODAY)
    r = check_readiness(store, cid, TODAY, today=TODAY)
    assert r.item("R10_outstanding").status is MISSING and not r.ready


def test_r10_all_debtors_deceased(store, actor):
    from conftest import sample_case_input

    from execdesk.rules.identity import make_resident_id
    from execdesk.services.inputs import PartyInput

    data = sample_case_input()
    data.parties[1] = PartyInput(role="被执行人", kind="自然人", name="赵某",
                                 id_number=make_resident_id("370102", date(1988, 1, 1), 11), deceased=True)
    cid = cases.register_case(store, actor, data, today=TODAY)
    assert status(store, cid, "R10_subject") is MISSING


def test_waiver_needs_reason_authorised_password_and_is_audited(store, actor):
    cid = make_ready_case(store, actor, interview=False)
    assert status(store, cid, "R8_interview") is MISSING
    with pytest.raises(ValidationError, match="理由"):
        waive_item(store, actor, cid, "R8_interview", reason=" ", approver_username="zhaolei",
                   approver_password="password123")
    with pytest.raises(ValidationError, match="用户名或密码不正确"):
        waive_item(store, actor, cid, "R8_interview", reason="申请执行人已出国，无法联系",
                   approver_username="zhaolei", approver_password="wrong-password")
    with pytest.raises(ValidationError, match="角色是书记员"):
        waive_item(store, actor, cid, "R8_interview", reason="无法联系", approver_username="liuyang",
                   approver_password="password123")
    with pytest.raises(ValidationError, match="法定条件，不能豁免"):
        waive_item(store, actor, cid, "R1", reason="急需结案", approver_username="sunli",
                   approver_password="password123")
    waive_item(store, actor, cid, "R8_interview", reason="申请执行人已出国，多次电话无法联系",
               approver_username="zhaolei", approver_password="password123", today=TODAY)
    r = check_readiness(store, cid, TODAY, today=TODAY)
    assert r.item("R8_interview").status is WAIVED and r.ready
    with store.read() as s:
        row = s.scalar(select(Approval).where(Approval.case_id == cid, Approval.subject == "条件豁免"))
        assert (row.step, row.approver_name, row.opinion) == ("R8_interview", "赵磊", "申请执行人已出国，多次电话无法联系")
        audit = s.scalar(select(AuditEntry).where(AuditEntry.entity_id == row.id))
        assert audit.action == "豁免" and audit.actor == actor.username


def test_handler_cannot_waive_own_case(store, actor):
    from execdesk.services.accounts import create_user

    create_user(store, actor, username="boss", display_name="钱局长", role="执行局长", password="password123")
    cid = make_ready_case(store, actor, interview=False, handler_username="boss")
    with pytest.raises(ValidationError, match="承办人不能批准"):
        waive_item(store, actor, cid, "R8_interview", reason="无法联系", approver_username="boss",
                   approver_password="password123")


# ---------------------------------------------------------------- properties

import calendar  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.dates(min_value=date(2016, 12, 1), max_value=date(2030, 12, 31)))
def test_r1_property_floor_is_the_day_after_the_corresponding_day(filed):
    earliest = rules.earliest_ruling_date(filed)
    boundary = rules.add_months(filed, 3)
    assert earliest > boundary and (earliest - boundary).days == 1
    # R20: the boundary is the corresponding day, or the month's last day when there is none.
    assert boundary.day == min(filed.day, calendar.monthrange(boundary.year, boundary.month)[1])
    assert (boundary.year * 12 + boundary.month) - (filed.year * 12 + filed.month) == 3


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=10**7))
def test_r5_property_small_balance_exemption_is_integer_exact(claimed, value):
    asset = rules.AssetFacts(asset_id="a", kind="存款", asset_class="存款", description="余额", value_fen=value)
    exempt = rules.small_balance_exempt(asset, claimed)
    assert exempt == (value < 100_000 and value * 20 <= claimed)
