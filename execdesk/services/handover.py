"""移交 — changing the 承办人 of a case (issue 13 item 5): an explicit, audited event, never a silent field edit.

Old PC: ``hand_over`` changes the case's handler through the write pipeline and queues a ``handover`` change
*after* every earlier change of the case (causal order = ``local_seq``): the platform gets the unsent work first,
and a conflicting or rejected earlier change holds the handover back (shown in 需处理) — nothing is dropped. After
it the old handler's copy is read-only (``services/writer.py``: writes to a case are refused unless the signed-in
person handles it or is its 书记员; leaders keep their approval paths).

Platform: the accepted handover updates the case register and sends a 移交 feed item to the new handler only.

New handler's PC: ``receive_handovers`` (called by ``services.sync.run_sync`` after each round) downloads the
whole case (``GET /api/v1/cases/{id}/snapshot``) and installs it in one transaction with the item's state —
no outbox entries for rows that came from the platform, so nothing is echoed back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from execdesk.config import Settings
from execdesk.models import SYNCED_ENTITIES, Case, OutboxEntry, Party, SupervisionItem, User, new_id
from execdesk.models.database import Store
from execdesk.rules.errors import ValidationError
from execdesk.services import derived, pipeline
from execdesk.services.changes import PAYLOAD_SCHEMA_VERSION, audit_only
from execdesk.services.context import Actor
from execdesk.services.identity_refs import (
    RefError,
    column_value,
    from_wire,
    make_ref,
    person_ref,
    split_ref,
    user_for_ref,
)
from execdesk.services.writer import write_pending_logs

HANDOVER_ENTITY = "handover"
HANDOVER_KIND = "移交"
RECEIVED = "已接收"
# Who may hand a case over: its handler, or a leader assigning the bureau's work.
LEADER_ROLES = ("执行局长", "副院长", "院长")


@dataclass
class HandoverResult:
    handover_id: str
    change_id: str
    waiting: int  # earlier changes of the case not yet accepted by the platform (they go first)
    unresolved: int  # of those, conflicts / refusals a person must deal with before the handover can go


def _resolve_target(session: Session, case: Case, target: str) -> str:
    """A person ref, or a local username of this court → the person ref."""
    target = (target or "").strip()
    if not target:
        raise ValidationError("不能为空", "新承办人")
    if "/" in target:
        try:
            split_ref(target)
        except RefError as exc:
            raise ValidationError(str(exc), "新承办人") from exc
        return target
    user = session.scalar(select(User).where(User.username == target))
    if user is None:
        raise ValidationError(f"本地没有账号“{target}”", "新承办人")
    return person_ref(session, user.id) or make_ref(case.court_code, target)


def hand_over(store: Store, actor: Actor, case_id: str, new_handler_ref: str, reason: str, *,
              today: date | None = None, expected_version: int | None = None) -> HandoverResult:
    """Hand the case to another 承办人 of the court. ``new_handler_ref`` is "<法院代字>/<username>" (or a local
    username). Audited; the case change and the handover change go to the platform after every earlier change."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("不能为空", "移交原因")
    if len(reason) > 2000:
        raise ValidationError("过长（最多2000字）", "移交原因")
    today = today or date.today()
    with pipeline.write(store, actor, today=today) as w:
        s = w.session
        case = s.get(Case, case_id)
        if case is None:
            raise ValidationError("没有这件案件", "案件")
        if actor.role not in LEADER_ROLES and (actor.user_id is None or actor.user_id != case.handler_id) \
                and actor.username != _username(s, case.handler_id):
            raise ValidationError("只有本案承办人或执行局长、院长可以移交案件", "移交")
        to_ref = _resolve_target(s, case, new_handler_ref)
        if split_ref(to_ref)[0] != case.court_code:
            raise ValidationError("只能移交给本院人员；移送其他法院须由省平台办理", "新承办人")
        from_ref = person_ref(s, case.handler_id)
        if from_ref == to_ref:
            raise ValidationError("新承办人与现承办人相同", "新承办人")
        new_user = user_for_ref(s, to_ref)
        w.change(case, {"handler_id": new_user}, action="变更承办人（移交）", expected_version=expected_version,
                 labels={"handler_id": "承办人"}, what=f"案件{case.case_number}")
        write_pending_logs(s)  # the handler change's outbox row first: the handover goes after it
        handover_id, change_id = new_id(), new_id()
        fields = {"from": from_ref, "to": to_ref, "reason": reason, "handed_over_on": today.isoformat(),
                  "case_number": case.case_number}
        s.add(OutboxEntry(change_id=change_id, entity=HANDOVER_ENTITY, entity_id=handover_id, case_id=case.id,
                          op="upsert", base_version=None, schema_version=PAYLOAD_SCHEMA_VERSION,
                          payload={"schema": PAYLOAD_SCHEMA_VERSION, "entity": HANDOVER_ENTITY, "id": handover_id,
                                   "case_id": case.id, "version": 1, "fields": fields, "actor": actor.username}))
        audit_only(s, actor, "移交", "case", case.id, case.id, dict(fields, change_id=change_id))
        s.flush()
        waiting = s.scalar(select(func.count()).select_from(OutboxEntry).where(
            OutboxEntry.case_id == case.id, OutboxEntry.state != "done", OutboxEntry.resolved_at.is_(None),
            OutboxEntry.change_id != change_id)) or 0
        unresolved = s.scalar(select(func.count()).select_from(OutboxEntry).where(
            OutboxEntry.case_id == case.id, OutboxEntry.state.in_(("conflict", "quarantined")),
            OutboxEntry.resolved_at.is_(None))) or 0
        return HandoverResult(handover_id, change_id, waiting, unresolved)


def _username(session: Session, user_id: str | None) -> str | None:
    return session.scalar(select(User.username).where(User.id == user_id)) if user_id else None


def handover_candidates(store: Store, case_id: str) -> list[dict[str, str]]:
    """People of the case's court a case can be handed to (for the dialog): ref, name, role."""
    with store.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise ValidationError("没有这件案件", "案件")
        out = []
        for u in s.scalars(select(User).where(User.court_id == case.court_id, User.role.in_(("承办人", "审判员",
                                                                                          "执行局长")))
                           .order_by(User.display_name)):
            if u.id != case.handler_id:
                out.append({"ref": make_ref(case.court_code, u.username), "name": u.display_name, "role": u.role})
        return out


# ---------------------------------------------------------------- the new handler's PC


def install_snapshot(session: Session, actor: Actor, snapshot: dict[str, Any], *, today: date) -> dict[str, int]:
    """Insert (or bring up to date) every row of a case from the platform's snapshot, in the caller's
    transaction, without outbox entries. A local row with unsent changes is left alone (it meets the
    platform's version as an ordinary conflict, shown to a person); a newer local row is kept."""
    session.execute(text("PRAGMA defer_foreign_keys = ON"))  # rows arrive in any order; checked at commit
    rows = sorted(snapshot.get("rows") or [], key=lambda r: (r.get("entity") != "case", r.get("entity_id")))
    case_id = snapshot["case_id"]
    unsent = set(session.scalars(select(OutboxEntry.entity_id).where(
        OutboxEntry.case_id == case_id, OutboxEntry.state != "done", OutboxEntry.resolved_at.is_(None))))
    counts = {"inserted": 0, "updated": 0, "kept": 0}
    for row in rows:
        cls = SYNCED_ENTITIES.get(str(row.get("entity")))
        wire = row.get("fields")
        if cls is None or not isinstance(wire, dict) or wire.get("_deleted"):
            continue
        table = cast(Table, cls.__table__)
        local = from_wire(session, row["entity"], wire)
        values = {c.key: column_value(c, local[c.key]) for c in table.columns if c.key in local
                  and c.key not in ("id", "version")}
        if "case_id" in table.columns:
            values["case_id"] = case_id
        values["version"] = int(row["version"])
        existing = session.scalar(select(table.c.version).where(table.c.id == row["entity_id"]))
        if existing is None:
            session.execute(insert(table).values(id=row["entity_id"], **values))
            counts["inserted"] += 1
        elif existing < int(row["version"]) and row["entity_id"] not in unsent:
            session.execute(update(table).where(table.c.id == row["entity_id"]).values(**values))
            counts["updated"] += 1
        else:
            counts["kept"] += 1
    session.flush()
    session.expire_all()
    case = session.get(Case, case_id)
    if case is not None:
        from execdesk.services.cases import build_search_text

        parties = list(session.scalars(select(Party).where(Party.case_id == case_id).order_by(Party.seq)))
        # A local-only column, written without bumping the row's version (it must stay the platform's).
        cases = cast(Table, Case.__table__)
        session.execute(update(cases).where(cases.c.id == case_id)
                        .values(search_text=build_search_text(case.case_number, parties))
                        .execution_options(synchronize_session=False))
        session.expire_all()
        case = session.get_one(Case, case_id)
        derived.refresh_case(session, case, today=today)
    return counts


def receive_handovers(store: Store, settings: Settings, *, token: str | None = None,
                      today: date | None = None) -> int:
    """Install every received, not yet installed 移交 case (one transaction per case, with the item's state:
    a crash leaves the item to be installed again, harmlessly). Returns how many cases were installed."""
    from execdesk.sync import credentials
    from execdesk.sync.errors import SyncError
    from execdesk.sync.transport import RetryPolicy, Transport

    with store.read() as s:
        items = [(i.id, i.case_id) for i in s.scalars(select(SupervisionItem).where(
            SupervisionItem.kind == HANDOVER_KIND, SupervisionItem.state.in_(("未读", "已读")))
            .order_by(SupervisionItem.server_seq)) if i.case_id]
    if not items:
        return 0
    token = token or credentials.load_token(settings)
    if not token:
        return 0
    actor = Actor("sync", "省平台同步", role="系统")
    t = Transport(settings.server_url, settings.ca_bundle, retry=RetryPolicy(attempts=3))
    installed = 0
    try:
        for item_id, case_id in items:
            reply = t.request("GET", f"api/v1/cases/{case_id}/snapshot", token=token)
            if reply.status != 200 or not isinstance(reply.data.get("rows"), list):
                raise SyncError(f"下载移交案件失败（HTTP {reply.status}）：{reply.data.get('message', '')}")
            with store.transaction() as session:
                counts = install_snapshot(session, actor, reply.data, today=today or date.today())
                item = session.get_one(SupervisionItem, item_id)
                item.state = RECEIVED
                audit_only(session, actor, "接收移交", "case", case_id, case_id,
                           {"item_id": item_id, "case_number": reply.data.get("case_number"), **counts})
            installed += 1
    finally:
        t.close()
    return installed


@dataclass
class HandoverOutlook:
    """What the handover dialog tells the person before they confirm."""

    case_number: str
    handler_name: str | None
    candidates: list[dict[str, str]]
    unsent: int  # changes of the case not yet accepted by the platform: they go before the handover
    unresolved: int  # conflicts / refusals among them: the handover waits until a person has dealt with them


def handover_outlook(store: Store, case_id: str) -> HandoverOutlook:
    candidates = handover_candidates(store, case_id)
    with store.read() as s:
        case = s.get(Case, case_id)
        assert case is not None  # handover_candidates raised otherwise
        handler = s.get(User, case.handler_id) if case.handler_id else None
        unsent = s.scalar(select(func.count()).select_from(OutboxEntry).where(
            OutboxEntry.case_id == case_id, OutboxEntry.state != "done", OutboxEntry.resolved_at.is_(None))) or 0
        unresolved = s.scalar(select(func.count()).select_from(OutboxEntry).where(
            OutboxEntry.case_id == case_id, OutboxEntry.state.in_(("conflict", "quarantined")),
            OutboxEntry.resolved_at.is_(None))) or 0
        return HandoverOutlook(case.case_number, handler.display_name if handler else None, candidates,
                               unsent, unresolved)
