"""督办 / 预警 inbox: items the provincial platform sent down (pulled by sync), with the case they concern and
the handler's reply. Reading and replying are local, audited changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from execdesk.models import Case, SupervisionItem, utcnow
from execdesk.models.database import Store
from execdesk.rules.errors import ValidationError
from execdesk.services.cases import NotFoundError
from execdesk.services.changes import audit_only
from execdesk.services.context import Actor

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
    q = q.order_by(case((SupervisionItem.state == "未读", 0), else_=1), SupervisionItem.due_on.is_(None),
                   SupervisionItem.due_on, SupervisionItem.received_at.desc())
    out = []
    for item, local_case_id in session.execute(q):
        out.append(InboxItem(id=item.id, kind=item.kind, title=item.title, body=item.body or "",
                             issued_by=item.issued_by or "", case_id=local_case_id, case_number=item.case_number,
                             due_on=item.due_on, received_at=item.received_at, state=item.state, reply=item.reply,
                             replied_at=item.replied_at))
    return out


def reply_to_item(store: Store, actor: Actor, item_id: str, text: str) -> None:
    """Record the handler's reply to a 督办 / 预警 (audited). The reply is kept with the item."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("不能为空", "回复内容")
    if len(text) > 2000:
        raise ValidationError("过长（最多2000字）", "回复内容")
    with store.transaction() as session:
        item = session.get(SupervisionItem, item_id)
        if item is None:
            raise NotFoundError("没有这条督办/预警")
        item.reply = text
        item.replied_at = utcnow()
        item.state = "已回复"
        audit_only(session, actor, "回复督办", "supervision_item", item.id, item.case_id,
                   {"kind": item.kind, "title": item.title, "reply": text})


def mark_read(store: Store, actor: Actor, item_id: str) -> None:
    with store.transaction() as session:
        item = session.get(SupervisionItem, item_id)
        if item is None:
            raise NotFoundError("没有这条督办/预警")
        if item.state == "未读":
            item.state = "已读"
            audit_only(session, actor, "阅读督办", "supervision_item", item.id, item.case_id, {"title": item.title})
