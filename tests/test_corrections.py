"""Corrections (issue 17 item 3): 案号, parties, payments, the execution basis — audited, in the outbox (so they
sync), nothing deleted, and refused when the row changed since the form read it.

Rules cited: DOMAIN.md §4.2 (append-only records, every change audited), R5 (执行到位 from 到账 payments).
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY, sample_case_input
from sqlalchemy import func, select

from execdesk.models import AuditEntry, Case, ExecutionBasis, OutboxEntry, Party, Payment
from execdesk.rules.errors import ValidationError
from execdesk.rules.identity import make_resident_id
from execdesk.services import cases, corrections
from execdesk.services.case_views import load_case_view
from execdesk.services.inputs import BasisInput, PartyInput
from execdesk.services.search import CaseQuery, list_cases


@pytest.fixture
def case_id(store, actor):
    return cases.register_case(store, actor, sample_case_input("（2026）鲁0102执100号"), today=TODAY)


def _version(store, model, row_id):
    with store.read() as s:
        return s.get(model, row_id).version


def _audit_and_outbox(store, entity_id):
    with store.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.id)).all()
        outbox = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == entity_id)
                           .order_by(OutboxEntry.local_seq)).all()
        return [(a.action, a.before, a.after, a.change_id) for a in audit], outbox


def test_wrong_case_number_is_corrected_and_the_old_one_stays_searchable(store, actor, case_id):
    new = corrections.correct_case_number(store, actor, case_id, "(2026)鲁0102执1000号", "立案时少录一位",
                                          expected_version=_version(store, Case, case_id), today=TODAY)
    assert new == "（2026）鲁0102执1000号"
    with store.read() as s:
        case = s.get(Case, case_id)
        assert case.case_number == new and case.serial == 1000
        assert case.former_numbers == "（2026）鲁0102执100号"
    with store.query() as con:
        assert [r.id for r in list_cases(con, CaseQuery(text="执100号", view="all"))] == [case_id]
        assert [r.id for r in list_cases(con, CaseQuery(text="执1000号", view="all"))] == [case_id]
    audit, outbox = _audit_and_outbox(store, case_id)
    action, before, after, change_id = audit[-1]
    assert action == "更正" and before["case_number"] == "（2026）鲁0102执100号" and after["case_number"] == new
    assert outbox[-1].change_id == change_id and outbox[-1].payload["fields"]["case_number"] == new
    assert outbox[-1].payload["fields"]["former_numbers"] == "（2026）鲁0102执100号"


def test_case_number_correction_needs_a_reason_a_free_number_and_the_version_read(store, actor, case_id):
    other = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执101号"), today=TODAY)
    v = _version(store, Case, case_id)
    with pytest.raises(ValidationError, match="原因"):
        corrections.correct_case_number(store, actor, case_id, "（2026）鲁0102执102号", " ", expected_version=v,
                                        today=TODAY)
    with pytest.raises(ValidationError, match="已被另一件案件使用"):
        corrections.correct_case_number(store, actor, case_id, "（2026）鲁0102执101号", "录错", expected_version=v,
                                        today=TODAY)
    cases.update_case(store, actor, case_id, notes="另一窗口保存", today=TODAY)  # someone saved since the form read
    with pytest.raises(corrections.VersionConflictError, match="已被修改"):
        corrections.correct_case_number(store, actor, case_id, "（2026）鲁0102执102号", "录错", expected_version=v,
                                        today=TODAY)
    with store.read() as s:
        assert s.get(Case, case_id).case_number == "（2026）鲁0102执100号"  # nothing written
        assert s.get(Case, other).case_number == "（2026）鲁0102执101号"


def test_add_a_debtor_and_an_agent(store, actor, case_id):
    debtor_id = make_resident_id("370102", date(1990, 6, 1), 331)
    pid = corrections.add_party(store, actor, case_id, PartyInput(
        role="被执行人", kind="自然人", name="李强", id_number=debtor_id, address="济南市历下区"),
        expected_version=_version(store, Case, case_id), today=TODAY)
    with store.read() as s:
        applicant = s.scalar(select(Party).where(Party.case_id == case_id, Party.role == "申请执行人"))
    with pytest.raises(ValidationError, match="被代理人"):
        corrections.add_party(store, actor, case_id, PartyInput(role="委托代理人", kind="自然人", name="赵律师"),
                              expected_version=_version(store, Case, case_id), today=TODAY)
    agent = corrections.add_party(store, actor, case_id, PartyInput(role="委托代理人", kind="自然人", name="赵律师",
                                                                    phone="13900000000"),
                                  expected_version=_version(store, Case, case_id),
                                  represents_party_id=applicant.id, today=TODAY)
    with store.read() as s:
        rows = s.scalars(select(Party).where(Party.case_id == case_id).order_by(Party.seq)).all()
        assert [p.name for p in rows] == ["王芳", "济南鲁信商贸有限公司", "李强", "赵律师"]
        assert rows[2].birth_date == date(1990, 6, 1)  # derived from the ID number like at registration
        assert rows[3].represents_party_id == applicant.id
    with store.query() as con:  # the new debtor is found by name and ID number
        assert [r.id for r in list_cases(con, CaseQuery(text=debtor_id, view="all"))] == [case_id]
    for party_id in (pid, agent):
        audit, outbox = _audit_and_outbox(store, party_id)
        assert [a[0] for a in audit] == ["新建"] and len(outbox) == 1 and outbox[0].state == "pending"


def test_change_address_and_phone_of_a_party(store, actor, case_id):
    with store.read() as s:
        debtor = s.scalar(select(Party).where(Party.case_id == case_id, Party.role == "被执行人"))
        pid, v = debtor.id, debtor.version
    corrections.update_party(store, actor, pid, expected_version=v, address="济南市历城区工业北路1号",
                             phone="0531-88888888", today=TODAY)
    audit, outbox = _audit_and_outbox(store, pid)
    action, before, after, _ = audit[-1]
    assert action == "修改" and before["address"] == "济南市历下区解放路8号"
    assert after["address"] == "济南市历城区工业北路1号" and after["phone"] == "0531-88888888"
    assert outbox[-1].base_version == v and outbox[-1].payload["fields"]["phone"] == "0531-88888888"
    with pytest.raises(corrections.VersionConflictError):  # the form read version v; it is v+1 now
        corrections.update_party(store, actor, pid, expected_version=v, phone="1", today=TODAY)
    with pytest.raises(ValidationError, match="原因"):  # a corrected name is a mistake: say why
        corrections.update_party(store, actor, pid, expected_version=v + 1, name="济南鲁信商贸股份有限公司",
                                 today=TODAY)


def test_payment_reversed_and_corrected_append_only(store, actor, case_id):
    """R5: only 有效 到账 count as 执行到位; a reversed payment stays, marked 已冲正 with its reason."""
    pay = cases.record_payment(store, actor, case_id, kind="到账", amount="50000", paid_on=date(2026, 6, 1),
                               route="划拨", today=TODAY)
    new = corrections.correct_payment(store, actor, pay, amount="5000", paid_on=date(2026, 6, 1),
                                      reason="多录了一个零", expected_version=_version(store, Payment, pay),
                                      today=TODAY)
    with store.read() as s:
        old, fixed = s.get(Payment, pay), s.get(Payment, new)
        assert (old.status, old.amount_fen, old.reason) == ("已冲正", 5_000_000, "更正：多录了一个零")
        assert (fixed.status, fixed.amount_fen, fixed.corrects_id, fixed.route) == ("有效", 500_000, pay, "划拨")
        view = load_case_view(s, case_id)
        assert view.received_fen == 500_000 and view.outstanding_fen == 8_000_000
        assert s.scalar(select(func.count()).select_from(Payment).where(Payment.case_id == case_id)) == 2
    audit, outbox = _audit_and_outbox(store, pay)
    assert [a[0] for a in audit] == ["新建", "冲正"] and len(outbox) == 2
    corrections.reverse_payment(store, actor, new, "款项被退回", expected_version=_version(store, Payment, new),
                                today=TODAY)
    with store.read() as s:
        assert load_case_view(s, case_id).received_fen == 0
        assert s.get(Payment, new).reason == "款项被退回"
    with pytest.raises(ValidationError, match="已冲正"):
        corrections.reverse_payment(store, actor, new, "再冲一次", expected_version=None, today=TODAY)


def test_a_payment_larger_than_what_is_outstanding_needs_confirmation(store, actor, case_id):
    """标的 85,000 元: 到账 90,000 元 is more than is owed; 发放 more than has arrived too."""
    check = corrections.check_payment(store, case_id, kind="到账", amount="90000")
    assert check.question and "85,000.00" in check.question and check.outstanding_fen == 8_500_000
    assert corrections.check_payment(store, case_id, kind="到账", amount="85000").question is None
    cases.record_payment(store, actor, case_id, kind="到账", amount="30000", paid_on=date(2026, 6, 1), today=TODAY)
    assert corrections.check_payment(store, case_id, kind="发放", amount="30000").question is None
    over = corrections.check_payment(store, case_id, kind="发放", amount="30000.01")
    assert over.question and "30,000.00" in over.question


def test_execution_basis_corrected_with_before_and_after(store, actor, case_id):
    with store.read() as s:
        basis = s.scalar(select(ExecutionBasis).where(ExecutionBasis.case_id == case_id))
        bid, v = basis.id, basis.version
    corrections.correct_basis(store, actor, case_id, BasisInput(
        issuing_body="本院", document_type="民事调解书", document_number="（2025）鲁0102民初1235号",
        effective_on=date(2026, 1, 12)), "文书名称和文号录错", expected_version=v, today=TODAY)
    audit, outbox = _audit_and_outbox(store, bid)
    action, before, after, _ = audit[-1]
    assert action == "更正" and before["document_type"] == "民事判决书" and after["document_type"] == "民事调解书"
    assert outbox[-1].payload["fields"]["document_number"] == "（2025）鲁0102民初1235号"
    with store.read() as s:
        assert "更正执行依据：文书名称和文号录错" in s.get(Case, case_id).notes
