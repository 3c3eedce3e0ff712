"""终本 readiness from the database: gather the case's own facts, evaluate them (rules/zhongben.py), store
``cases.zhongben_ready`` for services/derived.py (its only caller), and let an authorised approver waive an overridable item with a written
reason (confirmed by the approver's password, audited, synced as an Approval row with subject 条件豁免).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from execdesk.models import Approval, Node, Payment
from execdesk.models.database import Store
from execdesk.rules import zhongben as rules
from execdesk.rules.approval import APPROVE
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import ValidationError
from execdesk.services import pipeline
from execdesk.services.accounts import authenticate
from execdesk.services.context import Actor
from execdesk.services.lookup import get_case
from execdesk.services.readiness import WAIVER_SUBJECT, evaluate_case, gather_facts, gather_facts_many

__all__ = ["WAIVER_SUBJECT", "evaluate_case", "gather_facts", "gather_facts_many", "check_readiness", "waive_item",
           "live_nodes", "node_date", "realised_fen", "waived_codes"]

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
                                     Payment.status == "有效")) or 0)


def waived_codes(session: Session, case_id: str) -> frozenset[str]:
    rows = session.execute(select(Approval.step, Approval.decision)
                           .where(Approval.case_id == case_id, Approval.subject == WAIVER_SUBJECT)
                           .order_by(Approval.decided_at))
    latest: dict[str, str] = {step: decision for step, decision in rows}  # later rows win: latest decision
    return frozenset(code for code, decision in latest.items() if decision == APPROVE)


def check_readiness(store: Store, case_id: str, ruling_date: date | str | None = None, *,
                    today: date | None = None) -> rules.Readiness:
    """Evaluate a case for a ruling on ``ruling_date`` (default today). Read-only."""
    today = today or date.today()
    when = parse_date(ruling_date, "裁定日期") if ruling_date else today
    with store.read() as session:
        return evaluate_case(session, get_case(session, case_id), when)


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
    with pipeline.write(store, actor, today=today) as w:
        case = get_case(w.session, case_id)
        if approver.user_id and approver.user_id == case.handler_id:
            raise ValidationError("承办人不能批准豁免自己承办案件的终本条件", "批准人")
        row = Approval(case_id=case.id, subject=WAIVER_SUBJECT, route=WAIVER_ROUTE, step=code,
                       approver_id=approver.user_id, approver_name=approver.display_name, decision=APPROVE,
                       opinion=reason.strip())
        w.add(row, "豁免")
        return row.id
