"""督办 / 预警 inbox read model: items the provincial platform sent down (pulled by sync), with the local case
they concern. Replying and marking read are the sync service's (``services.sync.reply_to_item`` queues the
reply for the platform exactly once; ``mark_item_read``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from execdesk.models import Case, SupervisionItem

STATES = ("未读", "已读", "已回复")


@dataclass(frozen=True)
class InboxItem:
    id: str
    kind: str
    title: str
    body: str
    issued_by: str
    case_id: str | None
    case_number: str | None
    due_on: date | None
    received_at: datetime
    state: str
    reply: str | None
    replied_at: datetime | None


def list_items(session: Session, *, state: str | None = None, kind: str | None = None) -> list[InboxItem]:
    """Unread first, then by due date and arrival."""
    q = select(SupervisionItem, Case.id).outerjoin(Case, Case.id == SupervisionItem.case_id)
    if state:
        q = q.where(SupervisionItem.state == state)
    if kind:
        q = q.where(SupervisionItem.kind == kind)
    else:  # approvals have their own list (待审批, services.platform_approvals)
        q = q.where(SupervisionItem.kind.not_in(("审批请求", "审批结果")))
    q = q.order_by(case((SupervisionItem.state == "未读", 0), else_=1), SupervisionItem.due_on.is_(None),
                   SupervisionItem.due_on, SupervisionItem.received_at.desc())
    out = []
    for item, local_case_id in session.execute(q):
        out.append(InboxItem(id=item.id, kind=item.kind, title=item.title, body=item.body or "",
                             issued_by=item.issued_by or "", case_id=local_case_id, case_number=item.case_number,
                             due_on=item.due_on, received_at=item.received_at, state=item.state, reply=item.reply,
                             replied_at=item.replied_at))
    return out
