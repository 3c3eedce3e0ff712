"""Services: one transaction each, with audit + outbox rows written inside it (issue 2 §6, DESIGN §5)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import sample_case_input
from sqlalchemy import func, select

from execdesk.models import AuditEntry, Case, Extension, Node, OutboxEntry, Party, Payment
from execdesk.rules.errors import ValidationError
from execdesk.services import cases
from execdesk.services.inputs import NodeInput, PartyInput

TODAY = date(2026, 11, 25)
TABLES = (Case, Party, Node, Payment, AuditEntry, OutboxEntry)


def counts(store) -> dict[str, int]:
    with store.read() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in TABLES}


def test_register_case_writes_case_parties_basis_node_and_one_audit_plus_outbox_row_each(store, actor):
    case_id = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    with store.read() as s:
        case = s.get(Case, case_id)
        assert case.case_number == "（2026）鲁0102执100号"
        assert case.amount_claimed_fen == 8_500_000
        assert [p.role for p in case.parties] == ["申请执行人", "被执行人"]
        assert case.parties[0].sex == "女" or case.parties[0].sex == "男"  # derived from the ID number
        assert case.basis.document_number == "（2025）鲁0102民初1234号"
        assert [n.code for n in case.nodes] == ["N01"]
        audits = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)).all()
        outbox = s.scalars(select(OutboxEntry).where(OutboxEntry.case_id == case_id)).all()
    # case + 2 parties + basis + N01 node = 5 changes, each with exactly one audit and one outbox row
    assert len(audits) == len(outbox) == 5
    assert {a.change_id for a in audits} == {o.change_id for o in outbox}
    assert all(a.actor == "tester" and a.after for a in audits)
    assert [o.local_seq for o in outbox] == sorted(o.local_seq for o in outbox)
    first = outbox[0]
    assert first.entity == "case" and first.base_version is None
    assert first.payload["fields"]["case_number"] == "（2026）鲁0102执100号"
    assert "search_text" not in first.payload["fields"]  # derived, local only


def test_duplicate_case_number_is_refused_in_chinese(store, actor):
    cases.register_case(store, actor, sample_case_input(), today=TODAY)
    before = counts(store)
    with pytest.raises(ValidationError, match="已存在"):
        cases.register_case(store, actor, sample_case_input("(2026)鲁0102执100号"), today=TODAY)
    assert counts(store) == before


def test_invalid_case_reports_every_bad_field_and_saves_nothing(store, actor):
    data = sample_case_input("（2026）鲁0102执1号", filed_on="2026-13-01", amount="12.345")
    data.parties[1] = PartyInput(role="被执行人", kind="自然人", name="张三", id_number="370102199004121234")
    before = counts(store)
    with pytest.raises(ValidationError) as exc:
        cases.register_case(store, actor, data, today=TODAY)
    fields = {e.field for e in exc.value.errors}
    assert {"立案日期", "申请执行标的", "第2位当事人身份证号码"} <= fields
    assert counts(store) == before


@pytest.fixture
def fail_on_outbox_insert(store):
    """A real database failure at the last write of a service: the outbox insert aborts (e.g. disk full)."""

    def arm(after_rows: int) -> None:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS fail_outbox")
            conn.exec_driver_sql(
                f"CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox WHEN (SELECT count(*) FROM outbox) >= {after_rows} "
                "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END")
    return arm


def test_failure_in_the_middle_of_register_case_leaves_nothing(store, actor, fail_on_outbox_insert):
    fail_on_outbox_insert(3)  # the 4th change of the case (basis) fails
    before = counts(store)
    with pytest.raises(Exception, match="simulated write failure"):
        cases.register_case(store, actor, sample_case_input(), today=TODAY)
    assert counts(store) == before


def test_failure_in_record_node_leaves_nothing(store, actor, fail_on_outbox_insert):
    case_id = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    before = counts(store)
    fail_on_outbox_insert(before["outbox"])
    with pytest.raises(Exception, match="simulated write failure"):
        cases.record_node(store, actor, case_id, NodeInput(code="N04", ended_on="2026-03-05"), today=TODAY)
    with pytest.raises(Exception, match="simulated write failure"):
        cases.record_payment(store, actor, case_id, kind="到账", amount="100", paid_on="2026-04-01", today=TODAY)
    assert counts(store) == before


def test_node_correction_is_append_only_and_audited(store, actor):
    case_id = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    wrong = cases.record_node(store, actor, case_id, NodeInput(code="N04", ended_on="2026-03-15"), today=TODAY)
    right = cases.correct_node(store, actor, wrong, NodeInput(code="N04", ended_on="2026-03-05"), "日期录错",
                               today=TODAY)
    with store.read() as s:
        old, new = s.get(Node, wrong), s.get(Node, right)
        assert old.status == "已更正" and "日期录错" in old.description
        assert new.corrects_id == wrong and new.ended_on == date(2026, 3, 5)
        assert old.version == 2  # the update travels with base version 1
        upd = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == wrong).order_by(OutboxEntry.local_seq)).all()
        assert [o.base_version for o in upd] == [None, 1]
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == wrong, AuditEntry.action == "更正")).one()
        assert audit.before["ended_on"] == "2026-03-15" and audit.after["status"] == "已更正"
    with pytest.raises(ValidationError, match="必须说明原因"):
        cases.correct_node(store, actor, right, NodeInput(code="N04", ended_on="2026-03-05"), " ", today=TODAY)


@pytest.mark.parametrize("node, fragment", [
    (NodeInput(code="N99", ended_on="2026-03-05"), "不在节点目录"),
    (NodeInput(code="N04", ended_on="2026-02-01"), "不能早于收案/立案日期"),
    (NodeInput(code="N04", ended_on="2027-01-01"), "不能晚于"),
    (NodeInput(code="N04"), "必须填写日期"),
    (NodeInput(code="N04", started_on="2026-03-05", ended_on="2026-03-04"), "不能早于启动日期"),
])
def test_invalid_nodes_are_refused_with_chinese_messages(store, actor, node, fragment):
    case_id = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    before = counts(store)
    with pytest.raises(ValidationError, match=fragment):
        cases.record_node(store, actor, case_id, node, today=TODAY)
    assert counts(store) == before


def test_extension_capped_at_three_months_unless_high_court_filed_R18(store, actor):
    case_id = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    kw = dict(reason="评估未完成", applied_on="2026-08-25", approver="孙立", approved_on="2026-08-28")
    cases.record_extension(store, actor, case_id, months=3, **kw, today=TODAY)
    with pytest.raises(ValidationError, match="层报高院备案"):
        cases.record_extension(store, actor, case_id, months=1, **kw, today=TODAY)
    cases.record_extension(store, actor, case_id, months=2, high_court_filed=True, **kw, today=TODAY)
    with store.read() as s:
        assert sorted(e.months for e in s.scalars(select(Extension))) == [2, 3]


def test_payment_amount_is_exact_integer_fen(store, actor):
    case_id = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    cases.record_payment(store, actor, case_id, kind="到账", amount="0.10", paid_on="2026-04-01", today=TODAY)
    cases.record_payment(store, actor, case_id, kind="到账", amount="0.20", paid_on="2026-04-02", today=TODAY)
    with store.read() as s:
        assert s.scalar(select(func.sum(Payment.amount_fen))) == 30
    with pytest.raises(ValidationError, match="必须大于零"):
        cases.record_payment(store, actor, case_id, kind="到账", amount="0", paid_on="2026-04-02", today=TODAY)


def test_update_case_is_audited_with_before_and_after(store, actor):
    case_id = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    cases.update_case(store, actor, case_id, is_livelihood=True, amount_claimed="90,000", today=TODAY)
    with store.read() as s:
        a = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == case_id, AuditEntry.action == "修改")).one()
        assert a.before["is_livelihood"] is False and a.after["is_livelihood"] is True
        assert a.after["amount_claimed_fen"] == 9_000_000
    with pytest.raises(ValidationError, match="不能修改字段"):
        cases.update_case(store, actor, case_id, case_number="x", today=TODAY)


def test_search_text_holds_number_names_and_ids(store, actor):
    case_id = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    with store.read() as s:
        text = s.get(Case, case_id).search_text
    assert "（2026）鲁0102执100号" in text and "王芳" in text and "济南鲁信商贸有限公司" in text


def test_two_writers_queue_for_the_lock_instead_of_failing(store, actor):
    """Nothing typed may be lost (brief): a unit of work that read before another writer committed used to fail
    at its first write with "database is locked" (SQLITE_BUSY_SNAPSHOT; the busy timeout does not apply to it).
    Every write transaction now holds the write lock from its first statement (BEGIN IMMEDIATE), so the
    second writer waits its turn and both saves land."""
    import threading

    first = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执1号"))
    second = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执2号"))
    other_saved = threading.Event()
    errors: list[BaseException] = []

    def other_writer() -> None:  # e.g. the sync worker or the day's deadline refresh
        try:
            cases.record_node(store, actor, second, NodeInput(code="N07", started_on=date(2026, 3, 10),
                                                               ended_on=date(2026, 3, 10)))
            other_saved.set()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with store.transaction() as s:
        case = s.get(Case, first)  # this unit of work reads first ...
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(0.5)
        assert not other_saved.is_set()  # ... the other writer waits for it instead of committing underneath
        case.notes = "补充说明"  # ... then writes
    thread.join(10)
    assert not errors and other_saved.is_set()
    with store.read() as s:
        assert s.get(Case, first).notes == "补充说明"
        assert s.scalar(select(func.count()).select_from(Node).where(Node.case_id == second, Node.code == "N07")) == 1
