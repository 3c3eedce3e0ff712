"""Issue 11 — one truth per fact: a node and the business record it evidences are one fact, every derived value
has one writer, and found property blocks 终本 until it is disposed of or lawfully cannot be (终本规定 art 1(3),
art 4; DOMAIN.md §1.1, §1.4, R5, R27)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

import pytest
from conftest import TODAY, sample_case_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from zb_fixtures import debtor_id, make_ready_case

from execdesk.models import AuditEntry, Case, FoundAsset, Measure, Node, OutboxEntry, Payment, PropertyInquiry
from execdesk.rules.errors import ConflictError, UserError, ValidationError
from execdesk.services import cases, derived, documents, explanations, records
from execdesk.services.inputs import NodeInput
from execdesk.services.zhongben import check_readiness, evaluate_case

MET, MISSING = "已满足", "未满足"


def item(store, cid, code, on=TODAY):
    return check_readiness(store, cid, on, today=TODAY).item(code)


def seal_house(store, actor, cid, on=date(2026, 4, 1)) -> str:
    cases.record_node(store, actor, cid, NodeInput(code="N11", ended_on=on, data={
        "seal_kind": "查封", "asset_kind": "不动产", "asset_description": "济南市历下区经十路1号房产",
        "value": "1,200,000.00", "party": debtor_id(store, cid)}), today=TODAY)
    with store.read() as s:
        return s.scalar(select(FoundAsset.id).where(FoundAsset.case_id == cid))


def auction(store, actor, cid, asset, notice, done, result, method="网络司法拍卖", rnd=None):
    data = {"asset_id": asset, "method": method, "result": result, "notice_on": notice.isoformat()}
    if rnd:
        data["round"] = str(rnd)
    cases.record_node(store, actor, cid, NodeInput(code="N13", started_on=notice, ended_on=done, data=data),
                      today=TODAY)


def evaluate(store, actor, cid, asset, start=date(2026, 4, 5), end=date(2026, 4, 30)):
    cases.record_node(store, actor, cid, NodeInput(code="N12", started_on=start, ended_on=end,
                                                   data={"asset_id": asset, "value": "1,100,000"}), today=TODAY)


# ---------------------------------------------------------------- the reported defects, reproduced


def test_106_first_failed_auction_of_real_estate_is_not_cannot_dispose_art4(store, actor):
    """The review's 106号: 查封 → 评估 → first 网拍 流拍 of real estate was certified ready. art 4 and R27: a
    first 流拍 is not "不能处置" — the case is refused, and the ruling is not issued."""
    cid = make_ready_case(store, actor)
    assert check_readiness(store, cid, TODAY, today=TODAY).ready  # ready before any property is found
    house = seal_house(store, actor, cid)
    evaluate(store, actor, cid, house)
    auction(store, actor, cid, house, date(2026, 5, 5), date(2026, 6, 5), "流拍", rnd=1)
    r5 = item(store, cid, "R5_assets")
    assert r5.status.value == MISSING
    assert "第1次流拍" in r5.detail and "须经3次拍卖流拍" in r5.detail
    with store.read() as s:
        assert s.get(Case, cid).zhongben_ready is False  # the cached flag agrees (refreshed by the pipeline)
        assert s.get(FoundAsset, house).disposal_state == "第1次流拍"
    with pytest.raises(documents.NotReadyError):
        documents.issue_ruling(store, actor, cid, ruling_date=TODAY, today=TODAY)


def test_106_through_the_cli_check_says_not_ready(store, actor, db_path, tmp_path):
    cid = make_ready_case(store, actor)
    house = seal_house(store, actor, cid)
    evaluate(store, actor, cid, house)
    auction(store, actor, cid, house, date(2026, 5, 5), date(2026, 6, 5), "流拍", rnd=1)
    store.close()
    r = subprocess.run([sys.executable, "-m", "execdesk", "--db", str(db_path), "ruling", "（2026）鲁0102执100号",
                        "--check", "--today", TODAY.isoformat()], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 or "不" in r.stdout
    assert "财产" in (r.stdout + r.stderr)


def test_frozen_deposit_not_transferred_blocks_then_transfer_disposes_it_art4(store, actor):
    """A deposit frozen for 50,000 元 on the claim: money is not "不能处置" — it must be transferred (划拨)."""
    cid = make_ready_case(store, actor)
    mid = cases.record_measure(store, actor, cid, kind="冻结", asset_kind="存款", started_on=date(2026, 4, 2),
                               amount="50,000.00", value="50,000.00", description="工商银行账户存款",
                               party_id=debtor_id(store, cid), today=TODAY)
    with store.read() as s:
        asset = s.scalar(select(FoundAsset).where(FoundAsset.measure_id == mid))
        node = s.get(Node, s.get(Measure, mid).node_id)
    assert node.code == "N11" and node.linked_id == mid  # the 财产 tab's freeze is the N11 node: one fact
    r5 = item(store, cid, "R5_assets")
    assert r5.status.value == MISSING and "已冻结" in r5.detail
    cases.record_node(store, actor, cid, NodeInput(code="N14", ended_on=date(2026, 5, 10), data={
        "amount": "50,000.00", "route": "划拨", "asset_id": asset.id}), today=TODAY)
    assert item(store, cid, "R5_assets").status.value == MET
    with store.read() as s:
        assert s.get(FoundAsset, asset.id).disposal_state == "已划拨"


def test_transfer_node_is_the_payment_and_the_ruling_states_the_recovered_amount_R10(store, actor):
    """A 30,000 元 划拨 recorded only as node N14 is the payment: the ruling's 已执行到位 counts it."""
    cid = make_ready_case(store, actor)  # has a 12,000 元 划拨 from the 财产 tab
    cases.record_node(store, actor, cid, NodeInput(code="N14", ended_on=date(2026, 6, 1),
                                                   data={"amount": "30,000.00", "route": "划拨"}), today=TODAY)
    with store.read() as s:
        total = s.scalar(select(func.sum(Payment.amount_fen)).where(Payment.case_id == cid, Payment.kind == "到账"))
        data = documents.ruling_data(s, s.get(Case, cid), TODAY)
    assert total == 4_200_000
    assert data.realised_fen == 4_200_000


def test_lawful_auction_chain_three_failures_sale_failed_offer_refused_passes_art4(store, actor):
    """Real estate: three failed auctions, a failed 变卖 and 以物抵债 refused, the reason chosen: lawful."""
    cid = make_ready_case(store, actor)
    house = seal_house(store, actor, cid)
    evaluate(store, actor, cid, house)
    day = date(2026, 5, 5)
    for rnd in (1, 2, 3):
        auction(store, actor, cid, house, day, day + timedelta(days=31 if rnd == 1 else 16), "流拍", rnd=rnd)
        day += timedelta(days=45)
    cases.set_asset_reason(store, actor, house, cannot_dispose_reason="拍卖变卖不成且申请人拒绝以物抵债",
                           not_executable_reason="三次流拍", today=TODAY)
    r5 = item(store, cid, "R5_assets")
    assert r5.status.value == MISSING and "变卖不成" in r5.detail and "拒绝以物抵债" in r5.detail
    auction(store, actor, cid, house, day, day + timedelta(days=60), "变卖不成", method="变卖")
    auction(store, actor, cid, house, day + timedelta(days=62), day + timedelta(days=65), "申请人拒绝抵债",
            method="以物抵债")
    assert item(store, cid, "R5_assets").status.value == MET
    assert check_readiness(store, cid, TODAY, today=TODAY).ready


def test_auction_before_evaluation_finished_is_not_the_statutory_chain_R27(store, actor):
    cid = make_ready_case(store, actor)
    house = seal_house(store, actor, cid)
    evaluate(store, actor, cid, house, start=date(2026, 4, 5), end=date(2026, 6, 30))
    day = date(2026, 5, 5)
    for rnd in (1, 2, 3):
        auction(store, actor, cid, house, day, day + timedelta(days=20), "流拍", rnd=rnd)
        day += timedelta(days=30)
    auction(store, actor, cid, house, day, day + timedelta(days=60), "变卖不成", method="变卖")
    auction(store, actor, cid, house, day + timedelta(days=61), day + timedelta(days=62), "申请人拒绝抵债",
            method="以物抵债")
    cases.set_asset_reason(store, actor, house, cannot_dispose_reason="拍卖变卖不成且申请人拒绝以物抵债", today=TODAY)
    r5 = item(store, cid, "R5_assets")
    assert r5.status.value == MISSING and "评估完成前" in r5.detail


def test_registered_seal_not_seized_passes_for_a_vehicle_with_its_seal_art4_2(store, actor):
    cid = make_ready_case(store, actor)
    mid = cases.record_measure(store, actor, cid, kind="查封", asset_kind="车辆", started_on=date(2026, 4, 2),
                               description="鲁A12345小型轿车", value="80,000", today=TODAY)
    with store.read() as s:
        car = s.scalar(select(FoundAsset.id).where(FoundAsset.measure_id == mid))
    assert item(store, cid, "R5_assets").status.value == MISSING
    cases.set_asset_reason(store, actor, car, cannot_dispose_reason="登记查封未能实际扣押",
                           not_executable_reason="经查找车辆下落不明", today=TODAY)
    assert item(store, cid, "R5_assets").status.value == MET


# ---------------------------------------------------------------- one fact, two views


def test_network_inquiry_node_and_the_property_tab_are_one_record(store, actor):
    cid = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    nid = cases.record_node(store, actor, cid, NodeInput(code="N06", ended_on=date(2026, 3, 10),
                                                         data={"scopes": "商业银行、不动产"}), today=TODAY)
    iid = cases.record_inquiry(store, actor, cid, method="传统查控", queried_on=date(2026, 3, 12),
                               result="实地调查未发现财产", today=TODAY)
    with store.read() as s:
        inq = s.scalar(select(PropertyInquiry).where(PropertyInquiry.node_id == nid))
        assert inq.scopes == ["商业银行", "不动产"] and inq.method == "网络查控"
        n07 = s.get(Node, s.get(PropertyInquiry, iid).node_id)
        assert n07.code == "N07" and n07.linked_id == iid
        assert records.consistency_problems(s, cid) == []


def test_correcting_a_node_updates_its_record_in_place_and_audits_it(store, actor):
    cid = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    nid = cases.record_node(store, actor, cid, NodeInput(code="N14", ended_on=date(2026, 5, 1),
                                                         data={"amount": "3,000", "route": "划拨"}), today=TODAY)
    new = cases.correct_node(store, actor, nid, NodeInput(code="N14", ended_on=date(2026, 5, 1),
                                                          data={"amount": "30,000", "route": "划拨"}),
                             "金额录错", today=TODAY)
    with store.read() as s:
        pays = list(s.scalars(select(Payment).where(Payment.case_id == cid)))
        assert len(pays) == 1 and pays[0].amount_fen == 3_000_000 and pays[0].node_id == new
        assert pays[0].version == 2
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == pays[0].id)) == 2
        assert records.consistency_problems(s, cid) == []


def test_typed_fields_a_chinese_date_is_parsed_and_unknown_kinds_are_refused(store, actor):
    """Closed vocabularies (issue 11 item 5): 房产 is not an asset kind — refused with the allowed values, never
    skipped (a skipped kind used to get no R26 expiry deadline); dates typed as 2026年3月5日 are parsed."""
    cid = make_ready_case(store, actor)
    with pytest.raises(ValidationError, match="财产类别") as err:
        cases.record_node(store, actor, cid, NodeInput(code="N11", ended_on=date(2026, 4, 1), data={
            "seal_kind": "查封", "asset_kind": "房产", "asset_description": "房子"}), today=TODAY)
    assert "不动产" in str(err.value)
    with pytest.raises(ValidationError, match="财产描述"):
        cases.record_node(store, actor, cid, NodeInput(code="N11", ended_on=date(2026, 4, 1), data={
            "seal_kind": "查封", "asset_kind": "不动产"}), today=TODAY)
    house = seal_house(store, actor, cid)
    nid = cases.record_node(store, actor, cid, NodeInput(code="N13", started_on=date(2026, 5, 5),
                                                         ended_on=date(2026, 6, 5), data={
        "asset_id": house, "method": "网络司法拍卖", "result": "流拍", "notice_on": "2026年5月5日",
        "start_price": "1,000,000"}), today=TODAY)
    with store.read() as s:
        data = s.get(Node, nid).data
        deadlines = [d for d in s.execute(select(Measure.expires_on).where(Measure.kind == "查封"))]
    assert data["notice_on"] == "2026-05-05" and data["start_price"] == 100_000_000 and data["asset"] == "不动产"
    assert deadlines == [(date(2029, 4, 1),)]  # R26: real estate, 3 years, computed when the kind is known


def test_a_stale_form_gets_a_conflict_with_both_values_never_an_overwrite(store, actor):
    cid = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    with store.read() as s:
        read_version = s.get(Case, cid).version
    cases.update_case(store, actor, cid, cause="买卖合同纠纷", expected_version=read_version, today=TODAY)
    with pytest.raises(ConflictError) as err:
        cases.update_case(store, actor, cid, cause="借款合同纠纷", expected_version=read_version, today=TODAY)
    assert isinstance(err.value, UserError)
    assert [(d.field, d.mine, d.theirs) for d in err.value.diffs] == [("案由", "借款合同纠纷", "买卖合同纠纷")]
    assert err.value.changed_by == "tester"  # the audit log's author of the newer version
    with store.read() as s:
        assert s.get(Case, cid).cause == "买卖合同纠纷"


def test_check_today_is_a_read_it_never_writes_the_stored_flag(store, actor, db_path):
    cid = make_ready_case(store, actor)
    con = sqlite3.connect(db_path)
    before = con.execute("SELECT zhongben_ready, (SELECT count(*) FROM audit_entries) FROM cases WHERE id = ?",
                         (cid,)).fetchone()
    check_readiness(store, cid, date(2027, 6, 1), today=date(2027, 6, 1))  # network inquiry too old then
    after = con.execute("SELECT zhongben_ready, (SELECT count(*) FROM audit_entries) FROM cases WHERE id = ?",
                        (cid,)).fetchone()
    con.close()
    assert before == after == (1, before[1])


def test_director_opinion_only_through_the_directors_password_every_other_path_refused(store, actor, tmp_path):
    """Approver-only fields (issue 11 item 4): the editor / save_draft, the JSON import and the sync pull refuse."""
    cid = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    with pytest.raises(ValidationError, match="执行局长"):
        explanations.save_draft(store, actor, cid, reasons=["R01"], director_opinion="同意", today=TODAY)
    from execdesk.services import exchange
    from execdesk.services.changes import refuse_approver_only

    path = tmp_path / "x.json"
    exchange.export_cases(store, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["cases"][0]["approvals"] = [{"step": "院长", "decision": "同意"}]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    from execdesk.models.migrate import open_database
    from execdesk.services.accounts import ensure_court

    other = open_database(tmp_path / "other.sqlite3")
    ensure_court(other, actor, code="鲁0102", name="济南市历下区人民法院")
    with pytest.raises(ValidationError, match="审批"):
        exchange.import_cases(other, actor, path, today=TODAY)
    other.close()
    with pytest.raises(ValidationError, match="审批"):
        refuse_approver_only("approval", {"decision": "同意"}, "同步")
    with pytest.raises(ValidationError, match="执行局长意见"):
        refuse_approver_only("explanation", {"director_opinion": "同意"}, "同步")


# ---------------------------------------------------------------- derived values: one writer, always true


def test_flag_equals_a_fresh_evaluation_for_every_demo_case_on_several_days(store, actor):
    """For every case of a 300-case demo database and several dates, the stored 可以终本 flag after the daily
    recompute equals a fresh readiness evaluation (the review found 0 shown vs 11 evaluating ready)."""
    from execdesk.services.demo import generate_demo

    generate_demo(store, actor, 300, today=TODAY)
    for day in (TODAY, TODAY + timedelta(days=45), TODAY + timedelta(days=120)):
        derived.recompute_all(store, today=day)
        with store.read() as s:
            for case in s.scalars(select(Case)):
                fresh = case.status == "未结" and evaluate_case(s, case, day).ready and \
                    day > case.filed_on + timedelta(days=89)
                assert bool(case.zhongben_ready) == fresh, (case.case_number, day)
                assert records.consistency_problems(s, case.id) == [], case.case_number
            closed = list(s.scalars(select(Case).where(Case.closure_method == "终结本次执行程序")))
            assert closed
            for case in closed:  # every demo 终本 was lawful on its date (R5_assets, R5_records)
                r = evaluate_case(s, case, case.closed_on - timedelta(days=2))
                assert r.item("R1").status.value == MET, case.case_number  # more than 3 months (art 1(4))
                assert r.item("R5_assets").status.value != MISSING, case.case_number
                assert r.item("R5_records").status.value == MET, case.case_number


def test_migration_0004_derives_records_and_nothing_legacy_is_certified(tmp_path):
    """A database of released schema 0003 (demo data with N11/N13/N14 nodes and no records) upgrades: every
    seal gets its found asset, every auction names it, and no case with a first 流拍 is certified ready."""
    import shutil
    from pathlib import Path

    from execdesk.models.migrate import open_database

    db = tmp_path / "old.sqlite3"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema_0003_case_list_indexes.sqlite3", db)
    store = open_database(db)
    derived.recompute_all(store, today=date(2026, 6, 1))
    with store.read() as s:
        n11 = s.scalar(select(func.count()).select_from(Node).where(Node.code == "N11", Node.status != "已更正"))
        assert n11 and s.scalar(select(func.count()).select_from(FoundAsset).where(FoundAsset.node_id.is_not(None))) == n11
        for node in s.scalars(select(Node).where(Node.code.in_(("N12", "N13")))):
            assert s.get(FoundAsset, node.data["asset_id"]) is not None
        for case in s.scalars(select(Case)):
            if case.zhongben_ready:
                assert evaluate_case(s, case, date(2026, 6, 1)).item("R5_assets").status.value != MISSING
        assert s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.payload["actor"].as_string()
                                                                             == "迁移0004")) >= 0
    store.close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


OPS = st.lists(st.sampled_from(["inquiry", "seal_house", "freeze", "evaluate", "auction", "transfer",
                                "payment_tab", "correct_last", "measure_tab", "interview"]), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, day_offset=st.integers(min_value=0, max_value=200))
def test_property_random_operations_keep_nodes_records_and_derived_values_true(store, actor, ops, day_offset):
    """Random sequences of node and record operations, corrections included, always leave nodes and records
    consistent and every cached derived value equal to a fresh evaluation (issue 11 Tests)."""
    number = f"（2026）鲁0102执{next(_SERIAL)}号"
    cid = make_ready_case(store, actor, number)
    d = debtor_id(store, cid)
    day = date(2026, 4, 1)
    last = None
    for op in ops:
        day += timedelta(days=7)
        with store.read() as s:
            assets = [a for a, _ in records.form_context(s, cid).assets]
        try:
            if op == "inquiry":
                last = cases.record_node(store, actor, cid, NodeInput(code="N06", ended_on=day, data={
                    "scopes": ["商业银行"], "party": d}), today=TODAY)
            elif op == "seal_house":
                last = cases.record_node(store, actor, cid, NodeInput(code="N11", ended_on=day, data={
                    "seal_kind": "查封", "asset_kind": "不动产", "asset_description": f"房产{day}"}), today=TODAY)
            elif op == "freeze":
                cases.record_measure(store, actor, cid, kind="冻结", asset_kind="存款", started_on=day,
                                     amount="1000", value="1000", description="存款", today=TODAY)
            elif op == "evaluate" and assets:
                last = cases.record_node(store, actor, cid, NodeInput(code="N12", started_on=day, ended_on=day,
                                                                      data={"asset_id": assets[-1]}), today=TODAY)
            elif op == "auction" and assets:
                last = cases.record_node(store, actor, cid, NodeInput(code="N13", started_on=day, ended_on=day, data={
                    "asset_id": assets[-1], "method": "网络司法拍卖", "result": "流拍"}), today=TODAY)
            elif op == "transfer":
                last = cases.record_node(store, actor, cid, NodeInput(code="N14", ended_on=day, data={
                    "amount": "100", **({"asset_id": assets[0]} if assets else {})}), today=TODAY)
            elif op == "payment_tab":
                cases.record_payment(store, actor, cid, kind="到账", amount="50", paid_on=day, route="划拨",
                                     today=TODAY)
            elif op == "measure_tab":
                cases.record_measure(store, actor, cid, kind="限制消费", started_on=day, party_id=d, today=TODAY)
            elif op == "interview":
                cases.record_node(store, actor, cid, NodeInput(code="N22", ended_on=day, data={
                    "method": "电话", "agreed": "是"}), today=TODAY)
            elif op == "correct_last" and last:
                with store.read() as s:
                    node = s.get(Node, last)
                    code, data = node.code, dict(node.data)
                data.pop("asset", None)
                if code == "N14":
                    data["amount"] = "200"
                last = cases.correct_node(store, actor, last, NodeInput(code=code, started_on=day, ended_on=day,
                                                                       data=data), "更正", today=TODAY)
        except ValidationError:
            pass  # a refused operation writes nothing
    on = TODAY + timedelta(days=day_offset)
    with store.transaction() as s:
        derived.refresh_case(s, s.get(Case, cid), today=on)
    with store.read() as s:
        case = s.get(Case, cid)
        assert records.consistency_problems(s, cid) == []
        assert bool(case.zhongben_ready) == evaluate_case(s, case, on).ready
        from execdesk.rules import disposal
        from execdesk.services.zhongben import gather_facts

        for a in gather_facts(s, case, on).assets:
            stored = s.get(FoundAsset, a.asset_id)
            assert (stored.disposal_state, stored.disposed) == disposal.disposal_state(a, on)
        from execdesk.services import deadlines

        fresh = deadlines.case_deadlines(s, case, today=on, full=False)
        assert case.warning_level == fresh.warning_level and case.limit_due_on == fresh.limit.due_on


def _serials():
    n = 200
    while True:
        n += 1
        yield n


_SERIAL = _serials()


def test_daily_recompute_reads_r1_at_month_ends_as_the_evaluation_does(store, actor):
    """R1 (终本规定 art 1(4), 民法典 1259: 立案已超过三个月) at a month end: filed 2026-02-28, ruling 2026-05-31 —
    the floor is 2026-05-28, so the case is ready. The daily recompute used to pre-select "filed before today minus
    3 months" (2026-02-28, by month-end clamping) and wrote 不可终本 over the flag the save had set."""
    from zb_fixtures import ALL_SCOPES

    day = date(2026, 5, 31)
    cid = cases.register_case(store, actor, sample_case_input(filed_on=date(2026, 2, 28)), today=day)
    d = debtor_id(store, cid)
    cases.record_node(store, actor, cid, NodeInput(code="N04", ended_on=date(2026, 3, 2), data={
        "report_order_on": "2026-03-02", "service_method": "直接送达"}), today=day)
    cases.record_node(store, actor, cid, NodeInput(code="N08", ended_on=date(2026, 3, 20), description="经核查属实",
                                                   data={"report_status": "按时"}), today=day)
    cases.record_inquiry(store, actor, cid, method="网络查控", queried_on=date(2026, 5, 20), scopes=ALL_SCOPES,
                         party_id=d, feedback_on=date(2026, 5, 22), result="未发现可供执行的财产", today=day)
    cases.record_inquiry(store, actor, cid, method="传统查控", queried_on=date(2026, 4, 10), party_id=d,
                         result="实地调查未发现可供执行的财产", today=day)
    cases.record_measure(store, actor, cid, kind="限制消费", started_on=date(2026, 3, 25), party_id=d, today=day)
    cases.record_measure(store, actor, cid, kind="失信", started_on=date(2026, 3, 28), party_id=d, today=day)
    cases.record_node(store, actor, cid, NodeInput(code="N22", ended_on=date(2026, 5, 25), data={
        "method": "电话", "agreed": "是", "attendees": "申请执行人王芳"}), today=day)
    with store.read() as s:
        assert evaluate_case(s, s.get(Case, cid), day).ready
        assert s.get(Case, cid).zhongben_ready  # the save's refresh
    derived.recompute_all(store, today=day)
    with store.read() as s:
        assert s.get(Case, cid).zhongben_ready  # the daily recompute agrees


def test_a_new_node_is_inserted_once_with_its_link_in_its_audit_and_outbox_entry(store, actor, db_path):
    """One fact, one record (issue 11 item 1; the data standard's 对应业务序号, R35): the node's outbox payload —
    what the platform receives — names its record, and the node is stored at the version the payload says. The
    link used to be set by a second UPDATE after the audit snapshot: stored version 2, payload version 1 without
    the link."""
    cid = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    nid = cases.record_node(store, actor, cid, NodeInput(code="N14", ended_on=date(2026, 5, 6), data={
        "amount": "1,000.00", "route": "划拨"}), today=TODAY)
    with store.read() as s:
        node = s.get(Node, nid)
        payment = s.scalar(select(Payment).where(Payment.node_id == nid))
        outbox = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == nid)).all()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == nid)).all()
        first_seq = {e.entity: e.local_seq for e in s.scalars(select(OutboxEntry).where(OutboxEntry.case_id == cid))
                     if e.entity_id in (nid, payment.id)}
    assert (node.version, node.linked_entity, node.linked_id) == (1, "payment", payment.id)
    assert [(e.payload["version"], e.payload["fields"]["linked_id"]) for e in outbox] == [(1, payment.id)]
    assert [(a.action, a.after["linked_id"], a.after["version"]) for a in audit] == [("新建", payment.id, 1)]
    assert first_seq["node"] < first_seq["payment"]  # causal order: the node, then the record it states


def test_daily_recompute_keeps_a_waived_or_exempt_network_inquiry_ready_r5(store, actor):
    """R5 (终本规定 art 3(2)): the daily recompute skips cases without a 网络查控 inside the window — except where the
    item is waived by the 执行局长 or not applicable (a debtor outside the 总对总 system, e.g. a 分公司). On
    2027-02-15 the cases' last network inquiries (2026-10-20) are older than 3 months: the plain case is not ready,
    the waived one and the branch office's are, and each stored flag equals a fresh evaluation."""
    from execdesk.rules.identity import make_credit_code
    from execdesk.services.inputs import PartyInput
    from execdesk.services.zhongben import waive_item

    day = date(2027, 2, 15)
    plain = make_ready_case(store, actor, "（2026）鲁0102执100号")
    waived = make_ready_case(store, actor, "（2026）鲁0102执101号")
    branch_parties = list(sample_case_input().parties)
    branch_parties[1] = PartyInput(role="被执行人", kind="非法人组织", name="济南鲁信商贸有限公司历下分公司",
                                   id_number=make_credit_code("91370102MA3C9999X"), address="济南市历下区解放路9号")
    branch = make_ready_case(store, actor, "（2026）鲁0102执102号", parties=branch_parties)
    waive_item(store, actor, waived, "R5_network", reason="总对总系统故障，已书面报告", approver_username="zhaolei",
               approver_password="password123", today=day)
    derived.recompute_all(store, today=day)
    with store.read() as s:
        fresh = {cid: evaluate_case(s, s.get(Case, cid), day).ready for cid in (plain, waived, branch)}
        stored = {cid: bool(s.get(Case, cid).zhongben_ready) for cid in (plain, waived, branch)}
    assert fresh == stored == {plain: False, waived: True, branch: True}


def test_a_write_committed_without_its_finish_still_has_its_audit_and_outbox_entries(store, actor):
    """DESIGN.md §5 (every change audited, in the same transaction) and the brief (every change to case data
    audited): the pipeline inserts a write's audit and outbox entries after its one flush; a caller holding its own
    transaction that forgets ``pipeline.finish`` still commits them (the session's before-commit hook)."""
    from execdesk.models import PropertyLead
    from execdesk.services import pipeline

    cid = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    with store.transaction() as session:
        w = pipeline.in_session(session, actor, TODAY)
        lead = PropertyLead(case_id=cid, source="申请执行人", content="被执行人名下疑有车辆", given_on=date(2026, 4, 1))
        w.add(lead)
    with store.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == lead.id)).all()
        outbox = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == lead.id)).all()
        stored = s.get(PropertyLead, lead.id)
    assert [(a.action, a.after["version"]) for a in audit] == [("新建", 1)]
    assert [(o.payload["version"], o.payload["fields"]["content"]) for o in outbox] == [(1, "被执行人名下疑有车辆")]
    assert stored is not None and stored.version == 1
