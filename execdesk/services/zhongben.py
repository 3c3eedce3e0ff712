"""终本 readiness from the database: gather the case's own facts, evaluate them (rules/zhongben.py), keep
``cases.zhongben_ready`` current, and let an authorised approver waive an overridable item with a written
reason (confirmed by the approver's password, audited, synced as an Approval row with subject 条件豁免).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

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


def realised_fen(session: Session, case_id: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(Payment.amount_fen), 0))
                              .where(Payment.case_id == case_id, Payment.kind == "到账",
                                     Payment.status == "有效")))


def waived_codes(session: Session, case_id: str) -> frozenset[str]:
    rows = session.execute(select(Approval.step, Approval.decision)
                           .where(Approval.case_id == case_id, Approval.subject == WAIVER_SUBJECT)
                           .order_by(Approval.decided_at))
    latest: dict[str, str] = {step: decision for step, decision in rows}  # later rows win: latest decision
    return frozenset(code for code, decision in latest.items() if decision == APPROVE)


_FACT_NODES = ("N04", "N08", "N17", "N18", "N22")


def gather_facts(session: Session, case: Case, ruling_date: date) -> rules.CaseFacts:
    """The case's facts for the readiness rules. Column selects only (no ORM objects): this runs on every
    recorded change (via the deadline hook), so it is kept to a few light queries."""
    cid = case.id
    session.flush()
    nodes: dict[str, list[tuple[date | None, dict]]] = {code: [] for code in _FACT_NODES}
    for code, started, ended, data in session.execute(
            select(Node.code, Node.started_on, Node.ended_on, Node.data)
            .where(Node.case_id == cid, Node.status == "已完成", Node.code.in_(_FACT_NODES)).order_by(Node.seq)):
        nodes[code].append((ended or started, data or {}))
    notice = nodes["N04"][0] if nodes["N04"] else None
    checks = nodes["N08"]
    report_status = next((d["report_status"] for _, d in reversed(checks) if d.get("report_status")), None)
    debtors = tuple(rules.DebtorFacts(party_id=pid, name=name, kind=kind, deceased=bool(dead))
                    for pid, name, kind, dead in session.execute(
                        select(Party.id, Party.name, Party.kind, Party.deceased)
                        .where(Party.case_id == cid, Party.role == "被执行人").order_by(Party.seq)))
    inquiries = tuple(rules.InquiryFact(method=m, queried_on=q, scopes=tuple(sc or ()), party_id=pid)
                      for m, q, sc, pid in session.execute(
                          select(PropertyInquiry.method, PropertyInquiry.queried_on, PropertyInquiry.scopes,
                                 PropertyInquiry.party_id).where(PropertyInquiry.case_id == cid)))
    leads = tuple(rules.LeadFact(content=c, given_on=g, verified_on=v) for c, g, v in session.execute(
        select(PropertyLead.content, PropertyLead.given_on, PropertyLead.verified_on)
        .where(PropertyLead.case_id == cid)))
    assets = tuple(rules.AssetFact(kind=k, description=d, value_fen=v, not_executable_reason=r, disposed=bool(x))
                   for k, d, v, r, x in session.execute(
                       select(FoundAsset.kind, FoundAsset.description, FoundAsset.value_fen,
                              FoundAsset.not_executable_reason, FoundAsset.disposed).where(FoundAsset.case_id == cid)))
    measures = tuple(rules.MeasureFact(kind=k, started_on=st, party_id=pid, released_on=rel, not_applicable_reason=na)
                     for k, st, pid, rel, na in session.execute(
                         select(Measure.kind, Measure.started_on, Measure.party_id, Measure.released_on,
                                Measure.not_applicable_reason).where(Measure.case_id == cid)))
    interviews = tuple(rules.InterviewFact(on=on, method=d.get("method"), agreed=d.get("agreed"))
                       for on, d in nodes["N22"] if on)
    report_order_on = None
    if notice and notice[1].get("report_order_on"):
        try:
            report_order_on = parse_date(notice[1]["report_order_on"], "报告财产令发出日期")
        except ValidationError:
            report_order_on = None
    return rules.CaseFacts(
        case_number=case.case_number, filed_on=case.filed_on, ruling_date=ruling_date,
        amount_claimed_fen=case.amount_claimed_fen, realised_fen=realised_fen(session, cid),
        notice_on=notice[0] if notice else None, report_order_on=report_order_on,
        money_claim=case.amount_claimed_fen > 0, report_checked=bool(checks), report_status=report_status,
        debtors=debtors, inquiries=inquiries, leads=leads, assets=assets, measures=measures,
        interviews=interviews, debtor_missing=case.debtor_missing, obstruction=case.obstruction,
        sanction_nodes=bool(nodes["N17"] or nodes["N18"]),
        applicant_requested_zhongben=case.applicant_requested_zhongben, waived=waived_codes(session, cid))


def evaluate_case(session: Session, case: Case, ruling_date: date | None = None) -> rules.Readiness:
    return rules.evaluate(gather_facts(session, case, ruling_date or date.today()))


def refresh_ready(session: Session, case: Case, *, today: date | None = None) -> bool:
    """Keep the cached ``zhongben_ready`` flag current (evaluated as if the ruling were made today).

    Derived data, like the deadline cache: written straight to the row and set as the committed value, so the
    case is not marked changed (no version bump, no outbox entry for a recomputation)."""
    today = today or date.today()
    if case.status != "未结" or today < rules.earliest_ruling_date(case.filed_on):
        ready = False  # cheap: cannot be ready before the R1 floor or once closed
    else:
        ready = evaluate_case(session, case, today).ready
    if bool(case.zhongben_ready) != ready:
        session.flush()
        session.connection().exec_driver_sql("UPDATE cases SET zhongben_ready = ? WHERE id = ?",
                                             (int(ready), case.id))
        set_committed_value(case, "zhongben_ready", ready)
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
