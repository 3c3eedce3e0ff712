"""The deadline engine (DOMAIN.md §3, R1, R13–R28, R36–R37): pure rules, then through the real services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import TODAY, sample_case_input
from hypothesis import given, settings
from hypothesis import strategies as st

from execdesk.models import Case, Deadline
from execdesk.rules.deadlines import (
    DONE,
    DONE_LATE,
    INFO,
    LEVEL_OVERDUE,
    LEVEL_T5,
    LEVEL_T10,
    NOT_DUE,
    OVERDUE,
    PAUSED,
    WARNING,
    CaseFacts,
    Engine,
    load_rules,
    priority_flags,
)
from execdesk.rules.errors import ValidationError
from execdesk.rules.holidays import load_calendar
from execdesk.services import cases as svc
from execdesk.services import deadlines, derived
from execdesk.services.inputs import NodeInput

CAL = load_calendar()
SD = load_rules("shandong")
NATIONAL = load_rules("national")


def engine(today: date, rules=SD) -> Engine:
    return Engine(rules, CAL, today)


def facts(filed=date(2024, 1, 15), **kw) -> CaseFacts:
    kw.setdefault("received_on", filed)
    kw.setdefault("assigned_on", filed)
    kw.setdefault("first_done", {"N01": filed, "N02": filed})
    return CaseFacts(case_number="（2024）鲁0102执1号", type_code=kw.pop("type_code", "执"), filed_on=filed, **kw)


def item(result, kind):
    found = [it for it in result.items if it.kind == kind]
    assert found, f"no deadline {kind}: {[it.kind for it in result.items]}"
    return found[0]


# ---------------------------------------------------------------- the execution limit


def test_r16_shenxian_5_8_six_months_from_the_day_after_filing():
    lim = engine(date(2024, 3, 1)).explain_limit(facts())
    assert (lim.statutory_months, lim.start_day, lim.nominal_end, lim.due_on) == (
        6, date(2024, 1, 16), date(2024, 7, 15), date(2024, 7, 15))
    assert "第五条" in lim.basis and "第八条" in lim.basis


def test_r16_non_litigation_three_months():
    lim = engine(date(2024, 3, 1)).explain_limit(facts(non_litigation=True))
    assert lim.statutory_months == 3
    assert lim.nominal_end == date(2024, 4, 15)
    assert "非诉" in lim.basis


def test_r17_r19_domain_worked_example_through_the_engine():
    f = facts(deductions=[("评估", date(2024, 2, 1), date(2024, 3, 11)), ("拍卖", date(2024, 4, 1), date(2024, 5, 20))])
    lim = engine(date(2024, 8, 1)).explain_limit(f)
    assert [(d.kinds, d.days) for d in lim.deductions] == [(("评估",), 40), (("拍卖",), 50)]
    assert lim.deducted_days == 90
    assert (lim.due_before_roll, lim.due_on, lim.rolled_from) == (date(2024, 10, 13), date(2024, 10, 14),
                                                                 date(2024, 10, 13))


def test_r17_shenxian_9_overlapping_deductions_and_deducting_nodes_count_once():
    f = facts(deductions=[("评估", date(2024, 2, 1), date(2024, 3, 11))],
              node_periods=[("N20", date(2024, 3, 1), date(2024, 3, 20))])  # 中止 overlaps the 评估
    lim = engine(date(2024, 8, 1)).explain_limit(f)
    assert len(lim.deductions) == 1
    assert lim.deductions[0].kinds == ("评估", "中止") and lim.deducted_days == 49
    assert lim.due_on == add_days(date(2024, 7, 15), 49)


def add_days(d, n):
    return d + timedelta(days=n)


def test_r17_r33_running_suspension_stops_the_clock():
    f = facts(deductions=[("中止", date(2024, 6, 1), None)])
    e = engine(date(2024, 9, 1))
    result = e.compute_case(f)
    lim = result.limit
    assert lim.paused and lim.deductions[0].running
    assert lim.deductions[0].days == (date(2024, 9, 1) - date(2024, 6, 1)).days + 1
    limit_item = item(result, "执行期限")
    assert limit_item.status == PAUSED and result.overdue_days == 0
    # The days still left do not shrink while the clock is stopped.
    later = engine(date(2024, 10, 1)).explain_limit(f)
    assert (later.due_before_roll - date(2024, 10, 1)) == (lim.due_before_roll - date(2024, 9, 1))


def test_r18_shenxian_5_extension_three_months_counts():
    f = facts(extensions=[(3, date(2024, 7, 10), date(2024, 7, 8), False)])
    lim = engine(date(2024, 8, 1)).explain_limit(f)
    assert lim.extended_end == date(2024, 10, 15) and lim.due_on == date(2024, 10, 15)
    assert lim.extensions[0].counted_months == 3 and not lim.notes


def test_r18_shenxian_5_beyond_three_months_needs_high_court_filing():
    capped = engine(date(2024, 8, 1)).explain_limit(facts(extensions=[(2, date(2024, 7, 10), date(2024, 7, 8), False),
                                                                     (2, date(2024, 9, 10), date(2024, 9, 8), False)]))
    assert [e.counted_months for e in capped.extensions] == [2, 1]
    assert capped.extended_end == date(2024, 10, 15)
    assert any("高院备案" in n for n in capped.notes)
    filed_up = engine(date(2024, 8, 1)).explain_limit(facts(extensions=[(2, date(2024, 7, 10), date(2024, 7, 8), False),
                                                                        (2, date(2024, 9, 10), date(2024, 9, 8), True)]))
    assert filed_up.extended_end == date(2024, 11, 15)


def test_r18_extension_then_deductions_domain_example():
    f = facts(deductions=[("评估", date(2024, 2, 1), date(2024, 3, 11)), ("拍卖", date(2024, 4, 1), date(2024, 5, 20))],
              extensions=[(3, date(2024, 7, 1), date(2024, 6, 28), False)])
    lim = engine(date(2024, 8, 1)).explain_limit(f)
    assert lim.due_on == date(2025, 1, 13)  # 2024-10-15 + 90 days, a Monday


def test_r36_overdue_needs_a_written_explanation_until_issued():
    result = engine(date(2024, 8, 1)).compute_case(facts())
    assert (result.overdue_days, result.explanation_owed, result.warning_level) == (17, True, LEVEL_OVERDUE)
    assert item(result, "执行期限").status == OVERDUE
    issued = engine(date(2024, 8, 1)).compute_case(facts(explanation_issued=True))
    assert issued.overdue_days == 17 and not issued.explanation_owed


def test_r36_closed_late_still_counts_overdue_days():
    result = engine(date(2024, 9, 1)).compute_case(
        facts(closed_on=date(2024, 7, 20), closure_method="执行完毕"))
    lim_item = item(result, "执行期限")
    assert lim_item.status == DONE_LATE and result.overdue_days == 5 and result.explanation_owed
    assert result.warning_level == 0  # nothing open any more


def test_r37_warnings_at_t_minus_10_and_t_minus_5():
    e10 = engine(date(2024, 7, 5)).compute_case(facts(first_done=_all_done(date(2024, 1, 15))))
    assert item(e10, "执行期限").status == WARNING and e10.warning_level == LEVEL_T10
    e5 = engine(date(2024, 7, 10)).compute_case(facts(first_done=_all_done(date(2024, 1, 15))))
    assert e5.warning_level == LEVEL_T5
    calm = engine(date(2024, 7, 4)).compute_case(facts(first_done=_all_done(date(2024, 1, 15))))
    assert calm.warning_level == 0 and item(calm, "执行期限").status == NOT_DUE
    assert item(calm, "执行期限").warn_on == date(2024, 7, 5)


def _all_done(d):
    return {c: d for c in ("N01", "N02", "N04", "N05", "N06", "N07")}


def test_r12_service_of_the_zhongben_ruling_stops_the_limit_before_the_status_changes():
    f = facts(served_on=date(2024, 5, 6), first_done={**_all_done(date(2024, 1, 16)), "N24": date(2024, 5, 4)})
    result = engine(date(2024, 8, 1)).compute_case(f, full=True)
    assert result.limit.closed_on == date(2024, 5, 6)
    assert item(result, "执行期限").status == DONE and result.overdue_days == 0


# ---------------------------------------------------------------- R1 and node limits


def test_r1_zhongben_floor_is_strictly_after_three_months():
    result = engine(date(2024, 3, 1)).compute_case(facts(filed=date(2024, 3, 15)))
    floor = item(result, "终本最早日")
    assert floor.due_on == date(2024, 6, 16) and floor.status == INFO
    assert result.zhongben_earliest_on == date(2024, 6, 16)
    assert "第一条第（四）项" in floor.basis


def test_r22_r23_r21_node_limits_from_assignment_and_receipt():
    f = facts(filed=date(2024, 3, 4), received_on=date(2024, 3, 1), assigned_on=date(2024, 3, 5),
              first_done={"N01": date(2024, 3, 4), "N02": date(2024, 3, 5)})
    result = engine(date(2024, 3, 11), NATIONAL).compute_case(f, full=True)
    assert item(result, "立案").status == DONE
    n04_3 = item(result, "执行通知-承办人收案3日")
    n04_10 = item(result, "执行通知-收案10日")
    assert (n04_3.due_on, n04_3.status) == (date(2024, 3, 8), OVERDUE)  # 2006 art 4: stricter, internal
    assert (n04_10.due_on, n04_10.status) == (date(2024, 3, 11), WARNING)  # 解释 art 480: the legal one
    assert "第四百八十条" in n04_10.basis


def test_r25_national_investigation_one_month_basis_2006_art_6():
    result = engine(date(2024, 4, 20), NATIONAL).compute_case(facts(filed=date(2024, 3, 4), assigned_on=date(2024, 3, 5)))
    inv = item(result, "财产调查")
    # 2024-04-05 is in the 清明 break (04-04..04-06); Sunday 04-07 is a 调休 working day.
    assert (inv.due_on, inv.rolled_from) == (date(2024, 4, 7), date(2024, 4, 5))
    assert inv.status == OVERDUE and "第六条" in inv.basis


def test_shandong_preset_investigation_within_one_month_of_signing_needs_online_and_offline():
    f = facts(filed=date(2024, 3, 4), assigned_on=date(2024, 3, 6),
              first_done={"N01": date(2024, 3, 4), "N02": date(2024, 3, 6), "N06": date(2024, 3, 8)})
    result = engine(date(2024, 3, 29)).compute_case(f)
    inv = item(result, "财产调查")
    assert inv.due_on == date(2024, 4, 7) and inv.status == WARNING  # 2024-04-06 is a Saturday → 04-07 working
    assert "鲁高法〔2018〕17号" in inv.basis
    f.first_done["N07"] = date(2024, 3, 20)
    done = engine(date(2024, 3, 29)).compute_case(f, full=True)
    assert item(done, "财产调查").status == DONE and item(done, "财产调查").done_on == date(2024, 3, 20)


def test_shandong_evaluation_within_one_month_of_starting():
    f = facts(first_start={"N12": date(2024, 3, 1)}, node_periods=[("N12", date(2024, 3, 1), None)],
              first_done=_all_done(date(2024, 1, 16)))
    result = engine(date(2024, 4, 2)).compute_case(f)
    ev = item(result, "评估")
    assert ev.due_on == date(2024, 4, 1) and ev.status == OVERDUE and ev.overdue_days == 1
    assert "评估" in result.limit.deductions[0].kinds  # the running appraisal is also a deduction (R17)
    assert "评估" not in {it.kind for it in engine(date(2024, 4, 2), NATIONAL).compute_case(f).items}


def test_shandong_cooperation_reply_and_first_seal_court_ten_days():
    f = facts(first_start={"N29": date(2024, 5, 6), "N30": date(2024, 5, 10)}, first_done=_all_done(date(2024, 1, 16)))
    result = engine(date(2024, 5, 14)).compute_case(f)
    assert item(result, "协同执行答复").due_on == date(2024, 5, 16)
    assert item(result, "首查封启动评估拍卖").due_on == date(2024, 5, 20)
    f.first_start["N12"] = date(2024, 5, 15)
    assert "首查封启动评估拍卖" not in {it.kind for it in engine(date(2024, 5, 16)).compute_case(f).items}


def test_r24_diaocha_2_leads_verified_in_7_days_urgent_3():
    f = facts(leads=[("lead-000000000001", date(2024, 3, 1), False, None),
                     ("lead-000000000002", date(2024, 3, 1), True, None)],
              first_done=_all_done(date(2024, 1, 16)))
    result = engine(date(2024, 3, 5)).compute_case(f)
    normal, urgent = [it for it in result.items if it.kind.startswith("线索核实")]
    assert (normal.due_on, normal.status) == (date(2024, 3, 8), WARNING)
    assert (urgent.due_on, urgent.status) == (date(2024, 3, 4), OVERDUE)


def test_r26_jieshi_485_seal_expiry_warned_at_t30_and_t7_even_after_zhongben():
    f = facts(seals=[("m-000000000001", "冻结", "存款", date(2024, 3, 1), None),
                     ("m-000000000002", "查封", "不动产", date(2024, 3, 1), None)],
              closed_on=date(2024, 5, 1), closure_method="终结本次执行程序", served_on=date(2024, 5, 1))
    r30 = engine(date(2025, 2, 1)).compute_case(f)
    deposit = item(r30, "冻结届满:000000000001")
    assert deposit.due_on == date(2025, 3, 1) and deposit.status == WARNING and deposit.level == LEVEL_T10
    assert item(r30, "查封届满:000000000002").due_on == date(2027, 3, 1)
    assert engine(date(2025, 2, 23)).compute_case(f).items and item(
        engine(date(2025, 2, 23)).compute_case(f), "冻结届满:000000000001").level == LEVEL_T5


def test_r28_payout_within_30_days_fifo():
    f = facts(payments=[("到账", 10000, date(2024, 3, 1)), ("到账", 5000, date(2024, 3, 10)),
                        ("发放", 10000, date(2024, 3, 20))], first_done=_all_done(date(2024, 1, 16)))
    result = engine(date(2024, 4, 12)).compute_case(f, full=True)
    first, second = [it for it in result.items if it.kind.startswith("执行款发放")]
    assert first.status == DONE and first.done_on == date(2024, 3, 20)
    assert (second.due_on, second.status) == (date(2024, 4, 9), OVERDUE)


def test_r13_r14_after_zhongben_entry_in_7_days_and_ten_requeries():
    served = date(2024, 5, 6)
    f = facts(closed_on=served, closure_method="终结本次执行程序", served_on=served,
              first_done={"N25": date(2024, 5, 8)}, requery_dates=[date(2024, 11, 1)])
    result = engine(date(2025, 6, 1)).compute_case(f, full=True)
    assert item(result, "终本库录入").status == DONE and item(result, "终本库录入").due_on == date(2024, 5, 13)
    tasks = [it for it in result.items if it.kind.startswith("终本后查询")]
    assert len(tasks) == 10
    assert tasks[0].due_on == date(2024, 11, 6) and tasks[0].status == DONE
    assert tasks[1].due_on == date(2025, 5, 6) and tasks[1].status == OVERDUE
    assert tasks[9].due_on >= date(2029, 5, 6)
    # The table keeps the owed and the next one only.
    kept = [it.kind for it in engine(date(2025, 6, 1)).compute_case(f).items if it.kind.startswith("终本后查询")]
    assert kept == ["终本后查询:2", "终本后查询:3"]


def test_2027_due_dates_are_provisional_and_say_why():
    result = engine(date(2026, 11, 25)).compute_case(facts(filed=date(2026, 8, 20),
                                                           first_done=_all_done(date(2026, 8, 21))))
    lim = result.limit
    assert lim.nominal_end == date(2027, 2, 20) and lim.due_on == date(2027, 2, 22)  # Saturday → Monday
    assert lim.provisional and result.provisional and "暂定" in lim.provisional_note
    assert item(result, "执行期限").provisional


def test_priority_flags_bairi_huizhan():
    assert priority_flags(True, 5_000_000, SD) == ["涉民生", "标的10万元以下"]
    assert priority_flags(False, 10_000_000, SD) == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.integers(0, 90), st.booleans()), max_size=5),
       st.tuples(st.integers(0, 300), st.integers(0, 90), st.booleans()),
       st.integers(0, 400))
def test_r17_property_adding_a_deduction_never_makes_the_deadline_earlier(existing, extra, today_offset):
    filed = date(2025, 3, 31)
    today = filed + timedelta(days=today_offset)

    def due(spans):
        deds = [("评估", filed + timedelta(days=a), None if open_ else filed + timedelta(days=a + n))
                for a, n, open_ in spans]
        return engine(today).explain_limit(facts(filed=filed, deductions=deds)).due_on

    assert due([*existing, extra]) >= due(existing)


# ---------------------------------------------------------------- through the services (real SQLite file)


def _case_row(store, case_id):
    with store.read() as s:
        c = s.get(Case, case_id)
        rows = {d.kind: d for d in s.query(Deadline).filter(Deadline.case_id == case_id)}
        return c, rows


def test_register_case_computes_deadlines_in_the_same_transaction(store, actor):
    cid = svc.register_case(store, actor, sample_case_input(filed_on=date(2026, 6, 1), assigned_on=date(2026, 6, 2)),
                            today=TODAY)
    c, rows = _case_row(store, cid)
    assert c.limit_due_on == date(2026, 12, 1)
    assert c.zhongben_earliest_on == date(2026, 9, 2)
    assert c.warning_level == LEVEL_OVERDUE  # the notice and the investigation were never recorded
    assert rows["执行期限"].status == WARNING and rows["执行期限"].warn_on == date(2026, 11, 21)
    assert rows["财产调查"].status == OVERDUE
    assert not c.deadlines_provisional


def test_record_node_updates_the_case_deadlines(store, actor):
    cid = svc.register_case(store, actor, sample_case_input(filed_on=date(2026, 11, 2), assigned_on=date(2026, 11, 3)),
                            today=TODAY)
    _, rows = _case_row(store, cid)
    assert "财产调查" in rows and "执行通知-收案10日" in rows
    for code, day in (("N04", date(2026, 11, 4)), ("N05", date(2026, 11, 4)), ("N06", date(2026, 11, 5)),
                      ("N07", date(2026, 11, 12))):
        svc.record_node(store, actor, cid, NodeInput(code=code, started_on=day, ended_on=day), today=TODAY)
    c, rows = _case_row(store, cid)
    # Left: the execution limit, the 终本 floor and the 6 months of 民诉法 237 from receipt (issue 12).
    assert set(rows) == {"执行期限", "终本最早日", "上级法院申请执行"}
    assert rows["执行期限"].due_on == date(2027, 5, 3)  # 2027-05-02 is a Sunday: rolled
    assert c.warning_level == 0 and c.next_due_on == date(2027, 5, 2)  # 民诉法 237: not rolled
    assert c.deadlines_provisional  # 2027: schedule not known yet


def test_failed_change_leaves_deadlines_untouched(store, actor):
    cid = svc.register_case(store, actor, sample_case_input(filed_on=date(2026, 6, 1)), today=TODAY)
    before = _case_row(store, cid)[0].limit_due_on
    with pytest.raises(ValidationError):
        svc.record_deduction(store, actor, cid, kind="度假", started_on=date(2026, 7, 1), today=TODAY)
    assert _case_row(store, cid)[0].limit_due_on == before


def test_record_deduction_and_extension_move_the_limit(store, actor):
    cid = svc.register_case(store, actor, sample_case_input(filed_on=date(2026, 3, 2), assigned_on=date(2026, 3, 2)),
                            today=TODAY)
    c, _ = _case_row(store, cid)
    assert c.limit_due_on == date(2026, 9, 2) and c.overdue_days == 84 and c.explanation_owed
    svc.record_deduction(store, actor, cid, kind="评估", started_on=date(2026, 4, 1), ended_on=date(2026, 4, 30),
                         today=TODAY)
    svc.record_deduction(store, actor, cid, kind="拍卖", started_on=date(2026, 4, 20), ended_on=date(2026, 5, 19),
                         today=TODAY)
    c, _ = _case_row(store, cid)
    assert c.limit_due_on == date(2026, 10, 21)  # 2026-09-02 + 49 days (union of 04-01..05-19)
    assert c.overdue_days == 35
    # Applied for and approved before the limit (10-21) expired (法发〔2006〕35号 art 1; 审限规定 art 14 ¶2).
    svc.record_extension(store, actor, cid, reason="财产处置中", applied_on=date(2026, 10, 14), approver="孙立",
                         approved_on=date(2026, 10, 16), months=3, today=TODAY)
    c, rows = _case_row(store, cid)
    assert c.limit_due_on == date(2027, 1, 20)  # (2026-09-02 + 3 months) + 49 days
    with store.read() as s:
        lim = deadlines.explain_limit(s, s.get(Case, cid), today=TODAY)
    assert lim.nominal_end == date(2026, 9, 2) and lim.extended_end == date(2026, 12, 2)
    assert lim.deducted_days == 49 and [d.days for d in lim.deductions] == [49]
    assert lim.due_on == c.limit_due_on and c.overdue_days == 0 and not c.explanation_owed
    assert rows["执行期限"].provisional == lim.provisional


def test_recompute_all_matches_recompute_case(store, actor):
    ids = []
    for n, filed in enumerate((date(2026, 1, 5), date(2026, 6, 1), date(2026, 10, 30)), 1):
        ids.append(svc.register_case(store, actor, sample_case_input(number=f"（2026）鲁0102执{n}号", filed_on=filed,
                                                                      assigned_on=filed), today=TODAY))
    svc.record_deduction(store, actor, ids[1], kind="中止", started_on=date(2026, 7, 1), today=TODAY)
    svc.record_node(store, actor, ids[0], NodeInput(code="N24", started_on=date(2026, 5, 6), ended_on=date(2026, 5, 6),
                                                    data={"served_on": "2026-05-08"}), today=TODAY)
    svc.record_measure(store, actor, ids[2], kind="冻结", asset_kind="存款", started_on=date(2026, 11, 2), today=TODAY)
    snap = _snapshot(store)
    stats = derived.recompute_all(store, today=TODAY)
    assert stats.cases == 3 and stats.workers == 1
    assert stats.changed_cases == 0  # recompute_case had already stored exactly this: nothing written
    assert _snapshot(store) == snap
    with store.transaction() as s:
        s.connection().exec_driver_sql("UPDATE cases SET next_due_on = NULL WHERE id = ?", (ids[2],))
        s.connection().exec_driver_sql("DELETE FROM deadlines WHERE case_id = ? AND kind = '执行期限'", (ids[1],))
    assert derived.recompute_all(store, today=TODAY).changed_cases == 2
    assert _snapshot(store) == snap
    # The same with the cases split over two forked reader processes (the big-recompute path). Forking is only
    # safe without other threads: if an earlier test left some (Qt), this part cannot run in this process.
    if deadlines._os_threads() > 1:
        return
    with store.transaction() as s:
        s.connection().exec_driver_sql("UPDATE cases SET warning_level = 99, limit_due_on = NULL")
        s.connection().exec_driver_sql("DELETE FROM deadlines")
    assert derived.recompute_all(store, today=TODAY, workers=2).workers == 2
    assert _snapshot(store) == snap
    assert any(k.startswith("终本后查询") for k, *_ in snap["deadlines"])
    assert any(k.startswith("冻结届满") for k, *_ in snap["deadlines"])


def test_daily_recompute_lets_a_clerk_save_meanwhile_and_keeps_that_save(store, actor):
    """Issue 6 (never freeze, never lose input) over R16–R21: the day's full recompute reads and computes on a
    snapshot without the write lock, so a save made meanwhile commits at once (with the lock held it would wait
    for the whole recompute and then fail "database is locked"); the case saved meanwhile is then left exactly
    as its own save computed it, not overwritten from the older snapshot, and every other case moves to today."""
    yesterday = TODAY - timedelta(days=1)
    a, b = (svc.register_case(store, actor, sample_case_input(number=f"（2026）鲁0102执{n}号", filed_on=date(2026, 3, 2),
                                                               assigned_on=date(2026, 3, 2)), today=yesterday)
            for n in (1, 2))
    assert _case_row(store, a)[0].overdue_days == _case_row(store, b)[0].overdue_days == 83

    def state(case_id):
        case, rows = _case_row(store, case_id)
        return ((case.limit_due_on, case.next_due_on, case.warning_level, case.overdue_days, case.explanation_owed),
                {k: (d.due_on, d.status, d.warn_on) for k, d in rows.items()})

    saved = {}

    def clerk_saves_meanwhile():  # 评估 deducted (R18): the limit moves later
        svc.record_deduction(store, actor, a, kind="评估", started_on=date(2026, 4, 1), ended_on=date(2026, 4, 30),
                             today=TODAY)
        saved["a"] = state(a)

    derived.recompute_all(store, today=TODAY, after_compute=clerk_saves_meanwhile)
    assert saved["a"][0][3] < 84  # the save computed case a for today, with the deduction
    assert state(a) == saved["a"]  # the snapshot (taken before the deduction) would have written 84 back
    assert _case_row(store, b)[0].overdue_days == 84  # every other case is recomputed for the new day
    assert derived.recompute_all(store, today=TODAY).changed_cases == 0  # and nothing was left half-done


def _snapshot(store):
    with store.read() as s:
        conn = s.connection()
        return {
            "cases": conn.exec_driver_sql(
                "SELECT id, limit_due_on, next_due_on, warning_level, overdue_days, explanation_owed, "
                "zhongben_earliest_on, deadlines_provisional FROM cases ORDER BY id").all(),
            "deadlines": sorted(conn.exec_driver_sql(
                "SELECT kind, case_id, label, due_on, warn_on, status, basis, provisional, rolled_from "
                "FROM deadlines").all()),
        }


def test_holiday_update_clears_the_provisional_flag(store, actor, tmp_path, monkeypatch):
    monkeypatch.setenv("EXECDESK_DATA_DIR", str(tmp_path))
    deadlines._calendar_for.cache_clear()
    try:
        cid = svc.register_case(store, actor, sample_case_input(filed_on=date(2026, 10, 30)), today=TODAY)
        assert _case_row(store, cid)[0].deadlines_provisional
        # Test data: a made-up 2027 schedule (NOT the official one) with 2027-04-30 as a rest day.
        derived.install_holiday_update(store, {"year": 2027, "status": "official", "source": "测试数据（虚构）",
                                                 "holidays": ["2027-01-01", ["2027-04-30", "2027-05-04"]]},
                                         today=TODAY)
        c, rows = _case_row(store, cid)
        assert not c.deadlines_provisional
        assert c.limit_due_on == date(2027, 5, 5) and rows["执行期限"].rolled_from == date(2027, 4, 30)
        with pytest.raises(ValidationError):
            derived.install_holiday_update(store, {"year": 2027, "status": "official", "source": "x",
                                                     "holidays": ["2027-01-01"], "workdays": ["2027-01-04"]})
    finally:
        deadlines._calendar_for.cache_clear()


def test_r23_internal_three_day_notice_warns_the_legal_ten_day_one_escalates():
    f = facts(filed=date(2024, 3, 4), received_on=date(2024, 3, 4), assigned_on=date(2024, 3, 4),
              first_done={"N01": date(2024, 3, 4), "N02": date(2024, 3, 4), "N05": date(2024, 3, 4),
                          "N06": date(2024, 3, 5), "N07": date(2024, 3, 5)})
    early = engine(date(2024, 3, 8), NATIONAL).compute_case(f)
    assert item(early, "执行通知-承办人收案3日").status == OVERDUE
    assert early.warning_level == LEVEL_T5  # internal target missed: a hard warning, not yet 超期
    late = engine(date(2024, 3, 15), NATIONAL).compute_case(f)
    assert item(late, "执行通知-收案10日").status == OVERDUE and late.warning_level == LEVEL_OVERDUE


def test_refresh_if_stale_recomputes_once_per_day(store, actor):
    cid = svc.register_case(store, actor, sample_case_input(filed_on=date(2026, 6, 1)), today=TODAY)
    assert derived.refresh_if_stale(store, today=TODAY) is True
    assert derived.refresh_if_stale(store, today=TODAY) is False
    with store.transaction() as s:
        s.connection().exec_driver_sql("UPDATE cases SET warning_level = 0")
    assert derived.refresh_if_stale(store, today=date(2026, 11, 26)) is True  # a new day
    assert _case_row(store, cid)[0].warning_level == LEVEL_OVERDUE


def test_priority_clause_filters_the_case_list(store, actor):
    small = svc.register_case(store, actor, sample_case_input(number="（2026）鲁0102执7号", amount="85000"), today=TODAY)
    svc.register_case(store, actor, sample_case_input(number="（2026）鲁0102执8号", amount="250000"), today=TODAY)
    with store.read() as s:
        from sqlalchemy import select

        assert s.scalars(select(Case.id).where(deadlines.priority_clause())).all() == [small]


def test_r27_wangpai_26_reauction_within_30_days_and_checks():
    f = facts(first_done=_all_done(date(2024, 1, 16)), auctions=[
        (20, date(2024, 3, 1), {"method": "网络司法拍卖", "asset": "不动产", "result": "流拍", "notice_on": "2024-02-10",
                                "auction_on": "2024-03-01", "start_price": "700000", "prev_start_price": "1000000"}),
    ])
    result = engine(date(2024, 3, 25)).compute_case(f)
    again = item(result, "再次拍卖:20")
    assert (again.due_on, again.status) == (date(2024, 4, 1), WARNING) and "第二十六条" in again.basis
    assert any("公告期不足30日" in n for n in result.notes)  # 19 days' notice for real estate
    assert any("降价超过20%" in n for n in result.notes)
    f.auctions.append((21, date(2024, 3, 28), {"method": "网络司法拍卖", "asset": "不动产", "result": "流拍",
                                               "notice_on": "2024-03-28", "auction_on": "2024-04-28"}))
    assert "再次拍卖:20" not in {it.kind for it in engine(date(2024, 4, 5)).compute_case(f).items}


def test_r27_paibian_25_sale_notice_7_days_after_third_failure_of_real_estate():
    failed = [(s, d, {"method": "委托拍卖", "asset": "不动产", "result": "流拍", "auction_on": d.isoformat()})
              for s, d in ((30, date(2024, 2, 1)), (31, date(2024, 3, 1)), (32, date(2024, 4, 1)))]
    f = facts(first_done=_all_done(date(2024, 1, 16)), auctions=failed)
    result = engine(date(2024, 4, 5)).compute_case(f)
    sale = item(result, "变卖公告:32")
    assert sale.due_on == date(2024, 4, 8) and "第二十五条" in sale.basis  # 04-08 is a Monday
    assert {"再次拍卖:30", "再次拍卖:31"}.isdisjoint({it.kind for it in result.items})  # followed in time


def test_r27_through_the_service_with_node_data(store, actor):
    cid = svc.register_case(store, actor, sample_case_input(filed_on=date(2026, 9, 1), assigned_on=date(2026, 9, 1)),
                            today=TODAY)
    svc.record_node(store, actor, cid, NodeInput(code="N13", started_on=date(2026, 11, 10), ended_on=date(2026, 11, 10),
                                                 data={"method": "网络司法拍卖", "asset": "动产", "result": "流拍",
                                                       "notice_on": "2026-10-20", "auction_on": "2026-11-10"}),
                    today=TODAY)
    _, rows = _case_row(store, cid)
    assert rows[next(k for k in rows if k.startswith("再次拍卖"))].due_on == date(2026, 12, 10)


def test_bulk_recompute_never_forks_a_multithreaded_process():
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert deadlines._workers_for(100_000) == 1  # the GUI runs it from a worker thread: stay in-process
    finally:
        stop.set()
        t.join()
    assert deadlines._workers_for(100) == 1  # small databases: not worth a process


def test_r29_minsufa_236_objection_reviewed_within_15_days_of_receipt_rolled_and_cited_by_edition():
    # 民诉法 art 236 (2023 numbering): received 2024-01-15 → 01-15 + 15 = 01-30 (Tuesday); on 02-01 2 days over.
    result = engine(date(2024, 2, 1)).compute_case(facts(type_code="执异"), full=True)
    lim = result.limit
    assert (lim.statutory_limit, lim.start_day, lim.due_on, lim.overdue_days) == ("15日", date(2024, 1, 16),
                                                                                 date(2024, 1, 30), 2)
    assert lim.basis.startswith("《中华人民共和国民事诉讼法》第二百三十六条（2023年修正）")
    assert "十五日内审查" in lim.basis and "配置" not in lim.basis and ".toml" not in lim.basis
    assert {it.kind for it in result.items} == {"执行期限"}  # no node limits, no 终本 floor
    assert item(result, "执行期限").label == "执行异议审查期限届满（15日）"
    # Received 2023-12-20, under the 2021 amendment: art 232; 12-20 + 15 = 2024-01-04 (Thursday).
    old = engine(date(2024, 1, 2)).explain_limit(facts(filed=date(2023, 12, 21), received_on=date(2023, 12, 20),
                                                       type_code="执异"))
    assert old.due_on == date(2024, 1, 4) and "第二百三十二条（2021年修正）" in old.basis
    # Received 2024-09-16: 09-16 + 15 = 10-01, inside the 国庆 break (10-01..10-07) → rolled to Tuesday 10-08.
    rolled = engine(date(2024, 9, 20)).explain_limit(facts(filed=date(2024, 9, 16), type_code="执异"))
    assert (rolled.due_on, rolled.rolled_from) == (date(2024, 10, 8), date(2024, 10, 1))


def test_r29_minsufa_238_third_party_objection_cites_its_own_article():
    # 案外人异议 (art 238, 2023 numbering): same 15 days from receipt; 2024-03-01 + 15 = 03-16 (Saturday) → 03-18.
    lim = engine(date(2024, 3, 5)).explain_limit(
        CaseFacts(case_number="（2024）鲁0102执异1号", type_code="执异", filed_on=date(2024, 3, 1),
                  received_on=date(2024, 3, 1), cause="案外人执行异议"))
    assert lim.due_on == date(2024, 3, 18) and "第二百三十八条（2023年修正）" in lim.basis


def test_r29_zhixing_jieshi_8_reconsideration_decided_within_30_days_of_receipt():
    # 执行程序解释 art 8: the higher court decides within 30 days of receiving the 复议 application.
    # Received 2024-03-01 → 03-31 (Sunday) → Monday 04-01. (DOMAIN R29's "复议 10 d" is the party's time to apply
    # under 民诉法 236, not the court's review period: docs/decisions.md.)
    lim = engine(date(2024, 3, 5)).explain_limit(facts(filed=date(2024, 3, 1), type_code="执复"))
    assert (lim.statutory_limit, lim.due_on) == ("30日", date(2024, 4, 1))
    assert "执行程序若干问题的解释》第八条" in lim.basis and "三十日内审查完毕" in lim.basis


def test_admin_enforcement_review_7_days_xingsu_jieshi_160_and_general_review_types_6_months():
    # 行诉解释 art 160: decided within 7 days of accepting; filed 2024-03-04 → 03-11 (Monday).
    lim = engine(date(2024, 3, 5)).explain_limit(facts(filed=date(2024, 3, 4), type_code="行审"))
    assert lim.due_on == date(2024, 3, 11) and "第一百六十条" in lim.basis
    # 执行监督: no period of its own; the general execution-case limit (审限规定 art 5; 立案结案意见 art 1).
    sup = engine(date(2024, 3, 5)).explain_limit(facts(type_code="执监"))
    assert sup.statutory_months == 6 and sup.due_on == date(2024, 7, 15) and "第五条" in sup.basis


def test_no_deadline_cites_a_file_name_as_its_legal_basis():
    """Issue 12 item 2: every basis a deadline can carry names a legal instrument (《…》 or a 文号 〔…〕), never a
    file or a setting — for each preset, each node limit, each case type and every item computed for it."""
    import re

    bad = re.compile(r"\.(toml|py|json)\b|配置|case_types|nodes\.|limits_")
    for rules in (SD, NATIONAL):
        texts = [rules.limit_basis, rules.limit_basis_non_litigation, rules.limit_basis_review_general,
                 rules.deduction_basis, rules.extension_basis, rules.extension_apply_basis,
                 rules.extension_approval_basis, rules.rollover_basis, rules.zhongben_basis, rules.requery_basis,
                 rules.seal_basis, rules.payout_basis, rules.lead_basis, rules.stay_basis,
                 rules.auction_rules["basis_online"], rules.auction_rules["basis_offline"],
                 *(rule.basis for rule in rules.node_limits if not rule.citation)]  # cited ones: from the items
        for code in rules.type_class:
            for cause in ("", "案外人执行异议"):
                f = CaseFacts(case_number="（2024）鲁0102执1号", type_code=code, filed_on=date(2024, 1, 15),
                              received_on=date(2024, 1, 15), assigned_on=date(2024, 1, 15), cause=cause,
                              deductions=[("评估", date(2024, 2, 1), date(2024, 2, 10))],
                              leads=[("lead-000000000001", date(2024, 3, 1), False, None)],
                              seals=[("m-000000000001", "冻结", "存款", date(2024, 3, 1), None)],
                              payments=[("到账", 100, date(2024, 3, 1))],
                              first_start={"N12": date(2024, 3, 1), "N31": date(2024, 2, 1), "N32": date(2024, 2, 1)},
                              report_orders=[(4, date(2024, 1, 16), {"report_order_on": "2024-01-16",
                                                                  "report_deadline": "2024-01-26"})],
                              auctions=[(1, date(2024, 3, 1), {"method": "网络司法拍卖", "asset": "动产",
                                                               "result": "流拍", "auction_on": "2024-03-01"})])
                result = Engine(rules, CAL, date(2024, 6, 1)).compute_case(f, full=True)
                texts += [it.basis for it in result.items]
        for text in texts:
            assert text and not bad.search(text), text
            assert "《" in text or "〔" in text, text


# ---------------------------------------------------------------- issue 12: legal review of the deadline rules


def test_r21_shenxian_6_filing_limit_is_met_by_the_case_filing_date_without_an_n01_node():
    # 审限规定 art 6: filed within 7 days of receipt. An imported case has 收案日期 = 立案日期 = 2024-03-04 and no
    # N01 node: the limit (2024-03-04 + 7 = 03-11) was met on 03-04 itself, so nothing is overdue on 2024-04-01.
    f = facts(filed=date(2024, 3, 4), first_done={"N02": date(2024, 3, 4)})
    result = engine(date(2024, 4, 1), NATIONAL).compute_case(f, full=True)
    filing = item(result, "立案")
    assert (filing.status, filing.done_on, filing.overdue_days) == (DONE, date(2024, 3, 4), 0)
    assert "立案" not in {it.kind for it in engine(date(2024, 4, 1), NATIONAL).compute_case(f).items}
    # Received 2024-03-01 (Fri), filed 2024-03-12: due 03-01 + 7 = 03-08 (a Friday, not rolled): 4 days late (立案超期天数).
    late = engine(date(2024, 4, 1), NATIONAL).compute_case(
        facts(filed=date(2024, 3, 12), received_on=date(2024, 3, 1), first_done={}), full=True)
    assert (item(late, "立案").status, item(late, "立案").overdue_days) == (DONE_LATE, 4)
    assert "第六条" in item(late, "立案").basis


def test_minsufa_85_zhongzhi_from_the_rolled_last_day_stops_the_limit():
    # 民诉法 art 85 / §3.3: filed 2024-01-13 → nominal end 2024-07-13 (Saturday) → runs until Monday 07-15.
    # A 中止 recorded from 07-15, still running on 07-20: the clock stops (暂停计时), nothing is overdue.
    f = facts(filed=date(2024, 1, 13), first_done=_all_done(date(2024, 1, 13)),
              deductions=[("中止", date(2024, 7, 15), None)])
    result = engine(date(2024, 7, 20)).compute_case(f)
    assert result.limit.paused and item(result, "执行期限").status == PAUSED and result.overdue_days == 0
    # Ended 07-24: 10 days deducted, 07-15 + 10 = 07-25 (Thursday).
    f.deductions = [("中止", date(2024, 7, 15), date(2024, 7, 24))]
    assert engine(date(2024, 7, 20)).explain_limit(f).due_on == date(2024, 7, 25)


def test_shenxian_9_deduction_after_expiry_stays_visible_with_its_reason():
    # Issue 12 item 8: filed 2024-01-15 → due 2024-07-15 (Monday). A 中止 from 2024-08-01 starts after expiry: not
    # counted (the limit is not revived), but it is kept with the reason, and the limit stays 已超期 17 days on 08-01.
    f = facts(first_done=_all_done(date(2024, 1, 16)), deductions=[("中止", date(2024, 8, 1), date(2024, 8, 20))])
    lim = engine(date(2024, 8, 1)).explain_limit(f)
    assert lim.due_on == date(2024, 7, 15) and lim.deducted_days == 0 and not lim.deductions
    assert [(u.kinds, u.start, u.end) for u in lim.uncounted] == [(("中止",), date(2024, 8, 1), date(2024, 8, 20))]
    assert "届满" in lim.uncounted[0].reason
    assert lim.overdue_days == 17 and not lim.paused


def test_r18_extension_applied_for_after_expiry_is_flagged_and_not_counted():
    # 法发〔2006〕35号 art 1 / 审限规定 art 14 ¶2: filed 2024-01-15 → due 2024-07-15 without the extension. Applied for
    # 07-20 and approved 07-22 (after expiry): flagged, and the 3 months are not counted — due stays 07-15,
    # 17 days overdue on 08-01. Before the fix the check compared with 10-15 (the date *with* the extension).
    late = engine(date(2024, 8, 1)).explain_limit(facts(extensions=[(3, date(2024, 7, 22), date(2024, 7, 20), False)]))
    assert late.extensions[0].counted_months == 0 and late.due_on == date(2024, 7, 15) and late.overdue_days == 17
    assert "延长申请日期2024-07-20晚于未计本次延长的期限届满日2024-07-15" in late.extensions[0].note
    assert "不予计入" in late.notes[0] and "第十四条第二款" in late.notes[0]
    # Applied 07-12, approved 07-15 (the last day itself): counted, no note; due 07-15 + 3 months = 10-15.
    ok = engine(date(2024, 8, 1)).explain_limit(facts(extensions=[(3, date(2024, 7, 15), date(2024, 7, 12), False)]))
    assert (ok.extensions[0].counted_months, ok.due_on, ok.notes) == (3, date(2024, 10, 15), ())
    # The due date without the extension includes deductions: 评估 2024-02-01..03-11 (40 days) moves it to 08-24
    # (Saturday) → 08-26; applied 08-20 and approved 08-26 are in time: counted (due 11-24, a Sunday → 11-25).
    f = facts(deductions=[("评估", date(2024, 2, 1), date(2024, 3, 11))],
              extensions=[(3, date(2024, 8, 26), date(2024, 8, 20), False)])
    lim = engine(date(2024, 9, 1)).explain_limit(f)
    assert lim.extensions[0].counted_months == 3 and not lim.notes and lim.due_on == date(2024, 11, 25)


def test_r30_zanhuan_10_stay_deducted_for_at_most_three_months_plus_three_with_approval():
    # 暂缓规定 art 10 / 审限规定 art 9 (10): filed 2024-01-15 → nominal end 2024-07-15. A 暂缓 from 2024-02-01 recorded
    # until 2024-06-30 counts only up to 2024-05-01 (02-01 + 3 months): 02-01..05-01 = 91 days; 05-02..06-30 is
    # not deducted and is listed with the reason. 07-15 + 91 = 10-14 (Monday).
    f = facts(first_done=_all_done(date(2024, 1, 16)), deductions=[("暂缓", date(2024, 2, 1), date(2024, 6, 30))])
    lim = engine(date(2024, 8, 1)).explain_limit(f)
    assert lim.deducted_days == 91 and lim.due_on == date(2024, 10, 14)
    assert [(u.start, u.end) for u in lim.uncounted] == [(date(2024, 5, 2), date(2024, 6, 30))]
    assert "第十条" in lim.uncounted[0].reason and any("超出部分不予扣除" in n for n in lim.notes)
    # Extended by a second decision with its 文号: 05-02..06-30 counts too (≤ 05-02 + 3 months = 08-02):
    # 02-01..06-30 = 151 days; 07-15 + 151 = 12-13 (Friday).
    ext = facts(first_done=_all_done(date(2024, 1, 16)),
                deductions=[("暂缓", date(2024, 2, 1), date(2024, 5, 1)),
                            ("暂缓", date(2024, 5, 2), date(2024, 6, 30), "（2024）鲁0102执1号之一")])
    lim = engine(date(2024, 8, 1)).explain_limit(ext)
    assert lim.deducted_days == 151 and lim.due_on == date(2024, 12, 13) and not lim.uncounted
    # The same extension without its approving decision: not deducted, and said so.
    unapproved = facts(first_done=_all_done(date(2024, 1, 16)),
                       deductions=[("暂缓", date(2024, 2, 1), date(2024, 5, 1)), ("暂缓", date(2024, 5, 2), date(2024, 6, 30))])
    lim = engine(date(2024, 8, 1)).explain_limit(unapproved)
    assert lim.deducted_days == 91 and "未记录批准决定" in lim.uncounted[0].reason


def test_r30_open_stay_stops_the_clock_only_for_three_months():
    # A 上级通知暂缓 from 2024-02-01 still open on 2024-06-01: deducted up to 05-01 only, so the clock runs again
    # (not 暂停计时): 07-15 + 91 = 10-14.
    f = facts(first_done=_all_done(date(2024, 1, 16)), deductions=[("上级通知暂缓", date(2024, 2, 1), None)])
    lim = engine(date(2024, 6, 1)).explain_limit(f)
    assert not lim.paused and lim.due_on == date(2024, 10, 14)
    assert lim.uncounted[0].start == date(2024, 5, 2) and lim.uncounted[0].end == date(2024, 6, 1)


def test_r30_through_the_service_the_approval_number_is_read(store, actor):
    # Filed 2026-03-02 → nominal end 2026-09-02. 暂缓 03-10..06-09 (≤ 03-10 + 3 months = 06-10: 92 days), extended
    # 06-10..07-31 with its decision 文号 (≤ 06-10 + 3 months): 03-10..07-31 = 144 days; 09-02 + 144 = 2027-01-24
    # (Sunday) → Monday 01-25 (2027 provisional: weekends only).
    cid = svc.register_case(store, actor, sample_case_input(filed_on=date(2026, 3, 2), assigned_on=date(2026, 3, 2)),
                            today=TODAY)
    svc.record_deduction(store, actor, cid, kind="暂缓", started_on=date(2026, 3, 10), ended_on=date(2026, 6, 9),
                         today=TODAY)
    svc.record_deduction(store, actor, cid, kind="暂缓", started_on=date(2026, 6, 10), ended_on=date(2026, 7, 31),
                         document_number="（2026）鲁0102执100号之二", today=TODAY)
    with store.read() as s:
        lim = deadlines.explain_limit(s, s.get(Case, cid), today=TODAY)
    assert lim.deducted_days == 144 and lim.due_on == date(2027, 1, 25) and not lim.uncounted


def test_r27_wangpai_26_reauction_notice_is_15_days_for_real_estate_not_30():
    # 网拍规定 art 12: first online auction of real estate announced 30 days before; art 26: the re-auction after a
    # 流拍 15 days before (movables 7). 2nd round on 2024-03-28, announced 03-12: 16 days' notice → no warning;
    # announced 03-20 (8 days) → "不足15日".
    first = (20, date(2024, 3, 1), {"method": "网络司法拍卖", "asset": "不动产", "result": "流拍",
                                     "notice_on": "2024-01-30", "auction_on": "2024-03-01"})  # 31 days: fine
    ok = facts(first_done=_all_done(date(2024, 1, 16)), auctions=[first, (21, date(2024, 3, 28), {
        "method": "网络司法拍卖", "asset": "不动产", "result": "成交", "notice_on": "2024-03-12", "auction_on": "2024-03-28"})])
    assert engine(date(2024, 4, 1)).compute_case(ok).notes == []
    short = facts(first_done=_all_done(date(2024, 1, 16)), auctions=[first, (21, date(2024, 3, 28), {
        "method": "网络司法拍卖", "asset": "不动产", "result": "成交", "notice_on": "2024-03-20", "auction_on": "2024-03-28"})])
    notes = engine(date(2024, 4, 1)).compute_case(short).notes
    assert len(notes) == 1 and "再次拍卖的公告期不足15日" in notes[0] and "第二十六条" in notes[0]


def test_r27_paibian_25_failed_sale_has_its_own_result_and_demands_no_further_sale_notice():
    # Three failed real-estate auctions (02-01, 03-01, 04-01) → 变卖公告 due 04-01 + 7 = 04-08 (拍变规定 art 25); the
    # 变卖 announced 04-05 satisfies it. That 变卖 then fails (变卖不成): no second 变卖公告 and no re-auction is due.
    failed = [(s, d, {"method": "委托拍卖", "asset": "不动产", "result": "流拍", "auction_on": d.isoformat()})
              for s, d in ((30, date(2024, 2, 1)), (31, date(2024, 3, 1)), (32, date(2024, 4, 1)))]
    for method, result in (("变卖", "变卖不成"), ("变卖", "变卖失败"), ("变卖", "流拍"), ("网络司法拍卖", "变卖不成")):
        sale = (33, date(2024, 6, 5), {"method": method, "asset": "不动产", "result": result,
                                        "notice_on": "2024-04-05", "auction_on": "2024-06-04"})
        f = facts(first_done=_all_done(date(2024, 1, 16)), auctions=[*failed, sale])
        result_all = engine(date(2024, 7, 1)).compute_case(f, full=True)
        kinds = {it.kind: it for it in result_all.items if it.kind.startswith(("变卖公告", "再次拍卖"))}
        assert set(kinds) == {"再次拍卖:30", "再次拍卖:31", "变卖公告:32"}, result
        assert kinds["变卖公告:32"].status == DONE and kinds["变卖公告:32"].done_on == date(2024, 4, 5)


def test_shenxian_5_entrustment_completed_within_one_month_of_filing_only_when_entrusted():
    # 审限规定 art 5 ¶2: the entrusting court completes the entrustment within 1 month of filing. Filed 2024-03-04
    # → 04-04, inside the 清明 break (04-04..04-06) → Sunday 04-07 (a 调休 working day). Soft (internal target).
    f = facts(filed=date(2024, 3, 4), first_done=_all_done(date(2024, 3, 5)), first_start={"N31": date(2024, 3, 20)})
    r = engine(date(2024, 4, 8)).compute_case(f)
    ent = item(r, "办理委托执行手续")
    assert (ent.due_on, ent.rolled_from, ent.status, ent.level) == (date(2024, 4, 7), date(2024, 4, 4), OVERDUE, LEVEL_T5)
    assert "第五条第二款" in ent.basis
    # A case that is not entrusted owes nothing of the kind.
    plain = facts(filed=date(2024, 3, 4), first_done=_all_done(date(2024, 3, 5)))
    assert "办理委托执行手续" not in {it.kind for it in engine(date(2024, 4, 8)).compute_case(plain, full=True).items}


def test_minsufa_240_entrusted_court_starts_within_15_days_and_reports_within_30():
    # 民诉法 art 240 (2023 numbering): letter received 2024-05-06 → start by 05-21 (Tuesday), done or report by
    # 06-05 (Wednesday). The 执行通知 (N04) of 05-10 is the start; nothing reported by 06-06 → 已超期 1 day.
    f = facts(filed=date(2024, 5, 8), first_start={"N32": date(2024, 5, 6)},
              first_done={"N01": date(2024, 5, 8), "N02": date(2024, 5, 8), "N04": date(2024, 5, 10)})
    r = engine(date(2024, 6, 6)).compute_case(f, full=True)
    start, finish = item(r, "受托开始执行"), item(r, "受托执行完毕或函告")
    assert (start.due_on, start.status, start.done_on) == (date(2024, 5, 21), DONE, date(2024, 5, 10))
    assert (finish.due_on, finish.status, finish.overdue_days) == (date(2024, 6, 5), OVERDUE, 1)
    assert finish.basis.startswith("《中华人民共和国民事诉讼法》第二百四十条（2023年修正）")
    f.first_done["N33"] = date(2024, 6, 4)  # 函告委托法院执行情况 on 06-04: in time
    assert item(engine(date(2024, 6, 6)).compute_case(f, full=True), "受托执行完毕或函告").status == DONE


def test_minsufa_237_six_months_from_receipt_net_of_the_periods_of_zhixing_jieshi_13():
    # Received 2024-01-10 (filed 01-15): 6 months → 2024-07-10. 执行程序解释 art 13 does not count the 评估
    # 02-01..03-11 (40 days) but does count the 拍卖 04-01..05-20: 07-10 + 40 = 08-19 (not rolled). On 08-20 it
    # has passed: 已超期, raising the case to the T−5 level only (the execution limit, 10-14, is still running).
    f = facts(received_on=date(2024, 1, 10), first_done=_all_done(date(2024, 1, 16)),
              deductions=[("评估", date(2024, 2, 1), date(2024, 3, 11)), ("拍卖", date(2024, 4, 1), date(2024, 5, 20))])
    r = engine(date(2024, 8, 20)).compute_case(f)
    hc = item(r, "上级法院申请执行")
    assert (hc.due_on, hc.status, hc.overdue_days, hc.level) == (date(2024, 8, 19), OVERDUE, 1, LEVEL_T5)
    assert hc.basis.startswith("《中华人民共和国民事诉讼法》第二百三十七条（2023年修正）") and "第十三条" in hc.basis
    assert r.limit.due_on == date(2024, 10, 14) and r.warning_level == LEVEL_T5
    # Closed on 2024-08-01: met.
    done = engine(date(2024, 8, 20)).compute_case(
        facts(received_on=date(2024, 1, 10), closed_on=date(2024, 8, 1), closure_method="执行完毕",
              deductions=[("评估", date(2024, 2, 1), date(2024, 3, 11))]), full=True)
    assert item(done, "上级法院申请执行").status == DONE


def test_caichan_diaocha_4_5_property_report_within_the_period_of_the_order():
    # 财产调查规定 art 4 (1), art 5: the 报告财产令 of 2024-01-16 sets the period: until 2024-01-26 (Friday), or
    # "10日" (01-16 + 10 = 01-26). The 财产报告核查 (N08) on 01-30 answers it 4 days late.
    for deadline in ("2024-01-26", "10日"):
        f = facts(first_done=_all_done(date(2024, 1, 16)), report_checks=[date(2024, 1, 30)],
                  report_orders=[(4, date(2024, 1, 16), {"report_order_on": "2024-01-16", "report_deadline": deadline})])
        rep = item(engine(date(2024, 2, 1)).compute_case(f, full=True), "财产报告:4")
        assert (rep.due_on, rep.status, rep.overdue_days) == (date(2024, 1, 26), DONE_LATE, 4), deadline
        assert "第五条" in rep.basis and "第二百五十二条" in rep.basis
    missing = facts(first_done=_all_done(date(2024, 1, 16)),
                    report_orders=[(4, date(2024, 1, 16), {"report_order_on": "2024-01-16"})])
    assert any("未载明报告期限" in n for n in engine(date(2024, 2, 1)).compute_case(missing).notes)


def test_property_report_period_through_the_service(store, actor):
    # N04 recorded with its 报告财产令 data: 2026-11-04 + until 2026-11-14 (Saturday) → Monday 11-16; no N08 by
    # 2026-11-25: 已超期 9 days, kept in the table.
    cid = svc.register_case(store, actor, sample_case_input(filed_on=date(2026, 11, 2), assigned_on=date(2026, 11, 3)),
                            today=TODAY)
    svc.record_node(store, actor, cid, NodeInput(code="N04", started_on=date(2026, 11, 4), ended_on=date(2026, 11, 4),
                                                 data={"report_order_on": "2026-11-04",
                                                       "report_deadline": "2026-11-14"}), today=TODAY)
    _, rows = _case_row(store, cid)
    rep = rows[next(k for k in rows if k.startswith("财产报告"))]
    assert (rep.due_on, rep.status, rep.rolled_from) == (date(2026, 11, 16), OVERDUE, date(2026, 11, 14))
