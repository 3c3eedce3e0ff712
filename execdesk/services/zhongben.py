"""终本 readiness from the database: gather the case's own facts, evaluate them (rules/zhongben.py), keep
``cases.zhongben_ready`` current, and let an authorised approver waive an overridable item with a written
reason (confirmed by the approver's password, audited, synced as an Approval row with subject 条件豁免).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.models import (
    Approval,
    Case,
    FoundAsset,
    Measure,
    Node,
    Party,
    Payment,
    PropertyInquiry,
    PropertyLead,
)
from execdesk.models.database import Store
from execdesk.rules import zhongben as rules
from execdesk.rules.approval import APPROVE
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import ValidationError
from execdesk.services.accounts import authenticate
from execdesk.services.cases import get_case
from execdesk.services.changes import record_change
from execdesk.services.context import Actor

WAIVER_SUBJECT = "条件豁免"
WAIVER_ROUTE = "终本条件豁免"


def live_nodes(session: Session, case_id: str, *codes: str) -> list[Node]:
    """Completed, uncorrected nodes of the given codes, oldest first."""
    q = select(Node).where(Node.case_id == case_id, Node.status == "已完成")
    if codes:
        q = q.where(Node.code.in_(codes))
    return list(session.scalars(q.order_by(Node.seq)))


def node_date(node: Node) -> date | None:
    return node.ended_on or node.started_on


def _data_date(node: Node, key: str) -> date | None:
    value = (node.data or {}).get(key)
    if not value:
        return None
    try:
        return parse_date(value, key)
    except ValidationError:
        return None


def realised_fen(session: Session, case_id: str) -> int:
    return sum(p.amount_fen for p in session.scalars(select(Payment).where(Payment.case_id == case_id,
                                                                           Payment.kind == "到账")))


def waived_codes(session: Session, case_id: str) -> frozenset[str]:
    rows = session.scalars(select(Approval).where(Approval.case_id == case_id, Approval.subject == WAIVER_SUBJECT)
                           .order_by(Approval.decided_at))
    latest: dict[str, str] = {}
    for a in rows:
        latest[a.step] = a.decision
    return frozenset(code for code, decision in latest.items() if decision == APPROVE)


def gather_facts(session: Session, case: Case, ruling_date: date) -> rules.CaseFacts:
    cid = case.id
    notices = live_nodes(session, cid, "N04")
    notice = notices[0] if notices else None
    checks = live_nodes(session, cid, "N08")
    report_status = next((n.data.get("report_status") for n in reversed(checks) if (n.data or {}).get("report_status")),
                         None)
    debtors = tuple(rules.DebtorFacts(party_id=p.id, name=p.name, kind=p.kind, deceased=p.deceased)
                    for p in session.scalars(select(Party).where(Party.case_id == cid, Party.role == "被执行人")
                                             .order_by(Party.seq)))
    inquiries = tuple(rules.InquiryFact(method=q.method, queried_on=q.queried_on, scopes=tuple(q.scopes or ()),
                                        party_id=q.party_id)
                      for q in session.scalars(select(PropertyInquiry).where(PropertyInquiry.case_id == cid)))
    leads = tuple(rules.LeadFact(content=lead.content, given_on=lead.given_on, verified_on=lead.verified_on)
                  for lead in session.scalars(select(PropertyLead).where(PropertyLead.case_id == cid)))
    assets = tuple(rules.AssetFact(kind=a.kind, description=a.description, value_fen=a.value_fen,
                                   not_executable_reason=a.not_executable_reason, disposed=a.disposed)
                   for a in session.scalars(select(FoundAsset).where(FoundAsset.case_id == cid)))
    measures = tuple(rules.MeasureFact(kind=m.kind, started_on=m.started_on, party_id=m.party_id,
                                       released_on=m.released_on, not_applicable_reason=m.not_applicable_reason)
                     for m in session.scalars(select(Measure).where(Measure.case_id == cid)))
    interviews = tuple(rules.InterviewFact(on=node_date(n), method=(n.data or {}).get("method"),
                                           agreed=(n.data or {}).get("agreed"))
                       for n in live_nodes(session, cid, "N22") if node_date(n))
    return rules.CaseFacts(
        case_number=case.case_number, filed_on=case.filed_on, ruling_date=ruling_date,
        amount_claimed_fen=case.amount_claimed_fen, realised_fen=realised_fen(session, cid),
        notice_on=node_date(notice) if notice else None,
        report_order_on=_data_date(notice, "report_order_on") if notice else None,
        money_claim=case.amount_claimed_fen > 0, report_checked=bool(checks), report_status=report_status,
        debtors=debtors, inquiries=inquiries, leads=leads, assets=assets, measures=measures,
        interviews=interviews, debtor_missing=case.debtor_missing, obstruction=case.obstruction,
        sanction_nodes=bool(live_nodes(session, cid, "N17", "N18")),
        applicant_requested_zhongben=case.applicant_requested_zhongben, waived=waived_codes(session, cid))


def evaluate_case(session: Session, case: Case, ruling_date: date | None = None) -> rules.Readiness:
    return rules.evaluate(gather_facts(session, case, ruling_date or date.today()))


def refresh_ready(session: Session, case: Case, *, today: date | None = None) -> bool:
    """Keep the cached ``zhongben_ready`` flag current (evaluated as if the ruling were made today)."""
    if case.status != "未结":
        ready = False
    else:
        ready = evaluate_case(session, case, today or date.today()).ready
    if case.zhongben_ready != ready:
        case.zhongben_ready = ready  # derived, local-only column: no outbox row (changes.LOCAL_ONLY)
    return ready


def check_readiness(store: Store, case_id: str, ruling_date: date | str | None = None, *,
                    today: date | None = None) -> rules.Readiness:
    """Evaluate a case for a ruling on ``ruling_date`` (default today) and update the cached flag."""
    today = today or date.today()
    when = parse_date(ruling_date, "裁定日期") if ruling_date else today
    with store.transaction() as session:
        case = get_case(session, case_id)
        readiness = evaluate_case(session, case, when)
        refresh_ready(session, case, today=today)
        return readiness


def waive_item(store: Store, actor: Actor, case_id: str, code: str, *, reason: str, approver_username: str,
               approver_password: str, today: date | None = None) -> str:
    """Waive one overridable readiness item: written reason + an authorised approver's password. Audited."""
    cfg = rules.config()
    spec = cfg["items"].get(code)
    if spec is None:
        raise ValidationError(f"没有编号为“{code}”的终本条件", "终本条件")
    if not spec.get("overridable"):
        raise ValidationError(f"“{spec['title']}”是法定条件，不能豁免", "终本条件")
    if not (reason or "").strip():
        raise ValidationError("豁免必须写明理由", "豁免理由")
    approver = authenticate(store, approver_username, approver_password)
    roles = cfg["override"]["roles"]
    if approver.role not in roles:
        raise ValidationError(f"豁免须由{'、'.join(roles)}批准，{approver.display_name}的角色是{approver.role}", "批准人")
    with store.transaction() as session:
        case = get_case(session, case_id)
        if approver.user_id and approver.user_id == case.handler_id:
            raise ValidationError("承办人不能批准豁免自己承办案件的终本条件", "批准人")
        row = Approval(case_id=case.id, subject=WAIVER_SUBJECT, route=WAIVER_ROUTE, step=code,
                       approver_id=approver.user_id, approver_name=approver.display_name, decision=APPROVE,
                       opinion=reason.strip())
        session.add(row)
        record_change(session, actor, row, "豁免")
        refresh_ready(session, case, today=today)
        return row.id
