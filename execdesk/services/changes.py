"""Audit + outbox rows, written in the same transaction as the change they describe (DESIGN.md §5)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from execdesk.models import ENTITY_NAMES, AuditEntry, Base, OutboxEntry, new_id
from execdesk.models.wire_identity import to_wire
from execdesk.services.context import Actor

# Payload schema 2 (protocol v2, issue 13): courts and people travel as stable identities
# (services/identity_refs.py), never as local row ids.
PAYLOAD_SCHEMA_VERSION = 2

# Columns that are derived locally and never travel (the platform recomputes its own).
LOCAL_ONLY = frozenset({
    "search_text", "limit_due_on", "next_due_on", "warning_level", "overdue_days", "explanation_owed",
    "zhongben_earliest_on", "zhongben_ready", "deadlines_provisional", "created_at", "updated_at",
    "password_hash",
})


# Fields only an approver writes, through the approver's own authenticated path (issue 11 item 4): the 执行局长's
# opinion on a 书面说明 (explanations.record_director_opinion) and every approval row (approvals.approve_ruling,
# zhongben.waive_item, record_director_opinion). Editors, the CLI, imports and the sync pull refuse them.
APPROVER_ONLY: dict[str, frozenset[str] | None] = {"explanation": frozenset({"director_opinion"}), "approval": None}


def refuse_approver_only(entity: str, fields: dict[str, Any] | None, where: str) -> None:
    """Raise when ``fields`` would write an approver-only field of ``entity`` outside the approver's path."""
    from execdesk.rules.errors import ValidationError

    if entity not in APPROVER_ONLY:
        return
    guarded = APPROVER_ONLY[entity]
    hit = sorted(fields or {}) if guarded is None else sorted(k for k, v in (fields or {}).items()
                                                              if k in guarded and v not in (None, ""))
    if hit:
        what = "审批记录" if guarded is None else "执行局长意见"
        raise ValidationError(f"{what}只能由审批人本人登录后签署，不能通过{where}写入", what)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: Base) -> dict[str, Any]:
    """The row as JSON-ready data (column name → value)."""
    mapper = inspect(obj).mapper
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def payload_fields(obj: Base) -> dict[str, Any]:
    return {k: v for k, v in snapshot(obj).items() if k not in LOCAL_ONLY}


def change_entries(session: Session, actor: Actor, obj: Base, action: str, *, before: dict[str, Any] | None = None,
                   base_version: int | None = None, op: str = "upsert",
                   sync: bool = True) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The audit entry (and, for synced entities, the outbox entry) of a change to ``obj`` as column values, from
    the row as it is now: ``obj`` must hold every value it will be stored with (flushed, or filled in)."""
    entity = ENTITY_NAMES.get(type(obj), type(obj).__tablename__)
    after = snapshot(obj)
    case_id = after.get("case_id") if "case_id" in after else (after.get("id") if entity == "case" else None)
    synced = sync and type(obj) in ENTITY_NAMES
    change_id = new_id() if synced else None
    audit = dict(actor=actor.username, action=action, entity=entity, entity_id=after["id"], case_id=case_id,
                 before=before, after=after, change_id=change_id)
    if not synced:
        return audit, None
    # payload_fields(obj), from the snapshot; local court/person row ids travel as codes and person refs
    fields = to_wire(entity, {k: v for k, v in after.items() if k not in LOCAL_ONLY}, session)
    outbox = dict(change_id=change_id, entity=entity, entity_id=after["id"], case_id=case_id, op=op,
                  base_version=base_version if before is not None else None,
                  payload={"schema": PAYLOAD_SCHEMA_VERSION, "entity": entity, "id": after["id"],
                           "case_id": case_id, "version": after.get("version"), "fields": fields,
                           "actor": actor.username},
                  schema_version=PAYLOAD_SCHEMA_VERSION)
    return audit, outbox


def record_change(session: Session, actor: Actor, obj: Base, action: str, *,
                  before: dict[str, Any] | None = None, base_version: int | None = None,
                  op: str = "upsert", sync: bool = True) -> str | None:
    """Flush ``obj`` and write its audit entry (and, for synced entities, its outbox entry).

    ``before`` is the snapshot taken before the change (None for a new row). Returns the outbox change id
    (None for rows that do not sync, e.g. local profiles). The write pipeline (services/writer.py) builds the
    same entries with ``change_entries`` and inserts them together at the end of its transaction.
    """
    session.flush()
    audit, outbox = change_entries(session, actor, obj, action, before=before, base_version=base_version, op=op, sync=sync)
    session.add(AuditEntry(**audit))
    if outbox is not None:
        session.add(OutboxEntry(**outbox))
    return audit["change_id"]


def audit_only(session: Session, actor: Actor, action: str, entity: str, entity_id: str,
               case_id: str | None, after: dict[str, Any] | None = None) -> None:
    """Audit an action that changes no synced row (issuing a PDF, exporting, restoring a backup)."""
    session.add(AuditEntry(actor=actor.username, action=action, entity=entity, entity_id=entity_id,
                           case_id=case_id, before=None, after=after))
