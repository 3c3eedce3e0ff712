"""Sync façade for the UI and CLI: sign in, status, run, and the people-side of sync (conflicts, quarantine).

Conflict resolution is itself audited and, for "keep mine", a new synced change (ANCHORS A9-6): never a
silent last-writer-wins.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from execdesk.config import Settings
from execdesk.models import SYNCED_ENTITIES, Case, OutboxEntry, SupervisionItem, SyncRun, new_id, utcnow
from execdesk.models.database import Store
from execdesk.rules.errors import ValidationError
from execdesk.services import derived
from execdesk.services.changes import (
    LOCAL_ONLY,
    PAYLOAD_SCHEMA_VERSION,
    audit_only,
    refuse_approver_only,
    snapshot,
)
from execdesk.services.context import Actor
from execdesk.services.identity_refs import column_value, from_wire
from execdesk.sync import credentials
from execdesk.sync.client import SyncReport, device_id
from execdesk.sync.client import run_sync as run_sync_transport
from execdesk.sync.errors import AuthRequired, SyncError
from execdesk.sync.transport import RetryPolicy, Transport


@dataclass
class SignInResult:
    court_code: str
    court_name: str
    expires_in: int
    person: str = ""  # "<court_code>/<username>"
    role: str = ""
    display_name: str = ""
    refresh_expires_in: int | None = None


def default_account(store: Store, settings: Settings, username: str | None = None) -> str:
    """The platform account this PC signs in with by default: the local user's own person account
    ``"<court_code>/<username>"`` (the signed-in local profile, else ``settings.current_user``; the court of
    that profile). Falls back to the account saved in the settings."""
    from execdesk.models import Court, User

    name = (username or settings.current_user or "").strip()
    if name:
        with store.read() as session:
            code = session.scalar(select(Court.code).join(User, User.court_id == Court.id)
                                  .where(User.username == name))
        if code:
            return f"{code}/{name}"
    return settings.court_account


@dataclass
class SyncStatus:
    configured: bool
    signed_in: bool
    pending: int
    quarantined: int
    conflicts: int
    unread_items: int
    last_run: dict[str, Any] | None
    problem: str | None = None  # e.g. no keyring

    def summary(self) -> str:
        if not self.configured:
            return "尚未设置省平台地址和账号。"
        lines = [f"登录状态：{'已登录' if self.signed_in else '未登录'}",
                 f"待上报：{self.pending} 条；被拒收待处理：{self.quarantined} 条；冲突待处理：{self.conflicts} 条；"
                 f"未读督办/预警：{self.unread_items} 条"]
        if self.last_run:
            r = self.last_run
            lines.append(f"最近一次同步：{r['started_at']}，{ {'ok': '成功', 'failed': '失败', 'cancelled': '已取消', 'running': '未完成'}.get(r['status'], r['status'])}"
                         f"，上报 {r['pushed']} 条，接收 {r['pulled']} 条")
            if r["status"] == "failed" and r["message"]:
                lines.append(f"原因：{r['message'].splitlines()[0]}")
        else:
            lines.append("尚未同步过。")
        if self.problem:
            lines.append(self.problem)
        return "\n".join(lines)


def sign_in(store: Store, settings: Settings, account: str, password: str, *, server_url: str | None = None,
            retry: RetryPolicy | None = None) -> SignInResult:
    """Exchange the password for this device's tokens (a short access token and a refresh token bound to
    this database's device id); keep only the tokens, in the OS keyring. ``account`` is the person ref
    ``法院代字/用户名`` (``default_account``) or a legacy court account.

    The settings file gets the server address and account name (not secret)."""
    if server_url:
        settings.server_url = server_url.strip()
    if not (account or "").strip():
        raise SyncError("省平台账号不能为空")
    previous = replace(settings)  # the account and host whose keyring entry this sign-in supersedes
    settings.court_account = account.strip()
    credentials.ensure_keyring()  # fail before sending the password if the token could not be kept safely
    t = Transport(settings.server_url, settings.ca_bundle, retry=retry or RetryPolicy(attempts=3))
    try:
        reply = t.request("POST", "api/v1/auth/token",
                          body={"account": settings.court_account, "password": password, "device_id": device_id(store)})
    except AuthRequired as exc:
        raise SyncError("省平台账号或密码不正确") from exc
    finally:
        t.close()
    data = reply.data
    if reply.status != 200 or not isinstance(data.get("access_token"), str):
        raise SyncError(f"登录省平台失败：{data.get('message') or f'HTTP {reply.status}'}")
    refresh = data.get("refresh_token")
    credentials.save_credentials(settings, credentials.Credentials(data["access_token"],
                                                                   refresh if isinstance(refresh, str) else None))
    if previous.court_account and (previous.court_account, previous.server_url) != (settings.court_account,
                                                                                 settings.server_url):
        try:  # e.g. the court's shared account before this PC signed in as its user: no secret left behind
            credentials.delete_token(previous)
        except SyncError:
            pass
    settings.save()
    return SignInResult(court_code=str(data.get("court_code")), court_name=str(data.get("court_name")),
                        expires_in=int(data.get("expires_in") or 0), person=str(data.get("person") or ""),
                        role=str(data.get("role") or ""), display_name=str(data.get("display_name") or ""),
                        refresh_expires_in=data.get("refresh_expires_in"))


def sign_out(settings: Settings, *, retry: RetryPolicy | None = None) -> str | None:
    """退出登录: this device's sign-in is revoked on the platform (``POST /api/v1/auth/revoke``), then the
    keyring entry is cleared — also when the platform cannot be reached (then the returned warning says
    so: the tokens stay valid on the platform until they expire or an operator revokes the device)."""
    warning = None
    creds = credentials.load_credentials(settings) if settings.server_url and settings.court_account else None
    if creds is not None:
        try:
            t = Transport(settings.server_url, settings.ca_bundle, retry=retry or RetryPolicy(attempts=2))
            try:
                t.request("POST", "api/v1/auth/revoke", body={"refresh_token": creds.refresh}, token=creds.access)
            finally:
                t.close()
        except SyncError as exc:
            warning = (f"未能通知省平台注销本机登录（{exc.message}）；本机已清除登录令牌，"
                       "如需立即作废请联系平台管理员注销此设备。")
    credentials.delete_token(settings)
    return warning


def check_online(settings: Settings, timeout: float = 3.0) -> bool:
    """Is the platform reachable right now? (one quick GET, no retries)."""
    try:
        t = Transport(settings.server_url, settings.ca_bundle, timeout=(timeout, timeout),
                      retry=RetryPolicy(attempts=1))
    except SyncError:
        return False
    try:
        return t.request("GET", "api/v1/hello").status == 200
    except SyncError:
        return False
    finally:
        t.close()


def sync_status(store: Store, settings: Settings) -> SyncStatus:
    configured = bool(settings.server_url and settings.court_account)
    signed_in, problem = False, None
    if configured:
        try:
            signed_in = bool(credentials.load_token(settings))
        except SyncError as exc:
            problem = exc.message
    with store.read() as session:
        counts = dict(session.execute(select(OutboxEntry.state, func.count()).where(OutboxEntry.resolved_at.is_(None))
                                      .group_by(OutboxEntry.state)).all())
        unread = session.scalar(select(func.count()).select_from(SupervisionItem)
                                .where(SupervisionItem.state == "未读")) or 0
        last = session.scalar(select(SyncRun).order_by(SyncRun.id.desc()).limit(1))
        last_run = None if last is None else {
            "started_at": last.started_at.astimezone().strftime("%Y-%m-%d %H:%M"), "status": last.status,
            "pushed": last.pushed, "pulled": last.pulled, "message": last.message}
    return SyncStatus(configured=configured, signed_in=signed_in, pending=counts.get("pending", 0),
                      quarantined=counts.get("quarantined", 0), conflicts=counts.get("conflict", 0),
                      unread_items=unread, last_run=last_run, problem=problem)


# ---------------------------------------------------------------- conflicts and quarantine


@dataclass
class FieldDiff:
    name: str
    mine: Any
    theirs: Any


@dataclass
class ConflictView:
    change_id: str
    case_id: str | None
    case_number: str | None
    entity: str
    entity_id: str
    kind: str  # conflict / quarantined
    reason: str
    server_version: int | None
    differences: list[FieldDiff]


def _case_numbers(session: Session, case_ids: set[str]) -> dict[str, str]:
    return dict(session.execute(select(Case.id, Case.case_number).where(Case.id.in_(case_ids))).all())


def list_conflicts(store: Store, *, include_quarantined: bool = True) -> list[ConflictView]:
    """Unresolved conflicts (mine vs the platform's, field by field) and quarantined changes with reasons."""
    states = ("conflict", "quarantined") if include_quarantined else ("conflict",)
    with store.read() as session:
        rows = session.scalars(select(OutboxEntry).where(OutboxEntry.state.in_(states),
                                                         OutboxEntry.resolved_at.is_(None))
                               .order_by(OutboxEntry.local_seq)).all()
        numbers = _case_numbers(session, {r.case_id for r in rows if r.case_id})
        out = []
        for r in rows:
            result = r.result or {}
            mine = (r.payload or {}).get("fields", {})
            theirs = result.get("server_fields") or {}
            diffs = [FieldDiff(k, mine.get(k), theirs.get(k)) for k in sorted(set(mine) | set(theirs))
                     if mine.get(k) != theirs.get(k)] if r.state == "conflict" else []
            out.append(ConflictView(change_id=r.change_id, case_id=r.case_id, case_number=numbers.get(r.case_id) if r.case_id else None,
                                    entity=r.entity, entity_id=r.entity_id, kind=r.state,
                                    reason=str(result.get("reason") or r.last_error or ""),
                                    server_version=result.get("server_version"), differences=diffs))
        return out


def _unresolved(session: Session, change_id: str, state: str) -> OutboxEntry:
    row = session.scalar(select(OutboxEntry).where(OutboxEntry.change_id == change_id))
    if row is None or row.state != state or row.resolved_at is not None:
        what = "冲突" if state == "conflict" else "被拒收的变更"
        raise SyncError(f"没有待处理的{what}（{change_id}）")
    return row


def _reappend(session: Session, row: OutboxEntry, *, base_version: int | None, payload: dict,
              rebase: int = 0) -> str:
    """Append a fresh change (new id: the old id's answer is final on the platform) for ``row``'s record and
    move the case's later unsent changes after it, so causal order per case survives. Those later changes
    were held back and never recorded by the platform, so re-sequencing them is safe; for the same record
    their versions shift by ``rebase``."""
    later = session.scalars(select(OutboxEntry).where(
        OutboxEntry.case_id == row.case_id, OutboxEntry.state == "pending",
        OutboxEntry.local_seq > row.local_seq).order_by(OutboxEntry.local_seq)).all()
    carried = []
    for lr in later:
        data = {c.key: getattr(lr, c.key) for c in OutboxEntry.__table__.columns if c.key != "local_seq"}
        if lr.entity_id == row.entity_id and rebase:
            data["base_version"] = (lr.base_version or 0) + rebase
            data["payload"] = dict(lr.payload, version=int(lr.payload["version"]) + rebase)
        carried.append(data)
        session.delete(lr)
    session.flush()
    new_change = new_id()
    session.add(OutboxEntry(change_id=new_change, entity=row.entity, entity_id=row.entity_id, case_id=row.case_id,
                            op=row.op, base_version=base_version, payload=payload, schema_version=row.schema_version))
    session.flush()
    for data in carried:
        session.add(OutboxEntry(**data))
    session.flush()
    return new_change


def resolve_conflict(store: Store, actor: Actor, change_id: str, choice: str, *, today: date | None = None) -> str | None:
    """Resolve a conflict: ``choice`` "mine" (保留本地) or "theirs" (采用平台).

    mine: the local row is re-sent on top of the platform's version — a new change (returned) with base
    version = the platform's version; later unsent changes of the same case keep their order after it.
    theirs: the platform's fields are written into the local row (audited with before/after) and its version
    becomes the platform's. Returns the new change id for "mine", None for "theirs"."""
    if choice not in ("mine", "theirs"):
        raise SyncError("处理方式应为“保留本地”(mine)或“采用平台”(theirs)")
    with store.transaction() as session:
        row = _unresolved(session, change_id, "conflict")
        result = row.result or {}
        server_version = result.get("server_version")
        if not isinstance(server_version, int):
            raise SyncError("冲突记录缺少平台版本，无法处理")
        cls = SYNCED_ENTITIES.get(row.entity)
        if cls is None:
            raise SyncError(f"未知的数据类型（{row.entity}）")
        table = cast(Table, cls.__table__)  # typed FromClause by SQLAlchemy; a synced entity maps its own Table
        obj = session.get(cls, row.entity_id)
        if obj is None:
            raise SyncError("本地已没有这条记录，无法处理冲突")
        before = snapshot(obj)
        row.resolved_at = utcnow()
        session.flush()
        new_change: str | None = None
        if choice == "mine":
            mine_version = int(row.payload.get("version") or 1)
            delta = server_version + 1 - mine_version
            payload = dict(row.payload, version=server_version + 1, actor=actor.username)
            new_change = _reappend(session, row, base_version=server_version, payload=payload, rebase=delta)
            session.execute(update(table).where(table.c.id == row.entity_id)
                            .values(version=table.c.version + delta).execution_options(synchronize_session=False))
            action = "冲突处理：保留本地"
        else:
            fields = result.get("server_fields") or {}
            # The platform's copy may not write approver-only fields: an approval comes from the approver's own
            # authenticated path, never from a pulled row (issue 11 item 4).
            refuse_approver_only(row.entity, fields if row.entity == "approval" else
                                 {k: v for k, v in fields.items() if v != getattr(obj, k, None)}, "同步")
            # Wire fields (person refs, 法院代字) → this PC's own rows (issue 13: ids never travel).
            local = from_wire(session, row.entity, fields)
            values = {}
            for col in table.columns:
                if col.key in local and col.key not in LOCAL_ONLY and col.key not in ("id", "version"):
                    values[col.key] = column_value(col, local[col.key])
            values["version"] = server_version
            session.execute(update(table).where(table.c.id == row.entity_id).values(**values)
                            .execution_options(synchronize_session=False))
            action = "冲突处理：采用平台"
        session.flush()
        session.expire_all()
        obj = session.get_one(cls, row.entity_id)
        after = snapshot(obj)
        audit_only(session, actor, action, row.entity, row.entity_id, row.case_id,
                   {"before": before, "after": after, "change_id": change_id, "new_change_id": new_change})
        case = session.get(Case, row.case_id) if row.case_id else None
        if case is not None and choice == "theirs":
            derived.refresh_case(session, case, today=today or date.today())
        return new_change


def resolve_quarantined(store: Store, actor: Actor, change_id: str, action: str) -> str | None:
    """A rejected change: "retry" sends it again (after the platform or the data was fixed); "dismiss" puts
    it aside (kept, audited) so the case's later changes can go. Nothing is deleted."""
    if action not in ("retry", "dismiss"):
        raise SyncError("处理方式应为“重新上报”(retry)或“不再上报”(dismiss)")
    with store.transaction() as session:
        row = _unresolved(session, change_id, "quarantined")
        row.resolved_at = utcnow()  # the platform's answer to the old change id is final: retry = a new id
        new_change = _reappend(session, row, base_version=row.base_version, payload=dict(row.payload)) \
            if action == "retry" else None
        audit_only(session, actor, "被拒收变更：" + ("重新上报" if action == "retry" else "不再上报"),
                   row.entity, row.entity_id, row.case_id, {"change_id": change_id, "new_change_id": new_change})
        return new_change


REPLY_ENTITY = "supervision_reply"


def reply_to_item(store: Store, actor: Actor, item_id: str, text: str) -> str:
    """Answer a 督办/预警 (the written report the platform asks for). Stored locally and queued for the
    platform in one transaction; it goes up exactly once with the next sync. Returns the change id."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("不能为空", "回复内容")
    if len(text) > 4000:
        raise ValidationError("过长（最多4000字）", "回复内容")
    with store.transaction() as session:
        item = session.get(SupervisionItem, item_id)
        if item is None:
            raise SyncError("没有这条督办/预警")
        previous = session.scalar(select(func.count()).select_from(OutboxEntry).where(
            OutboxEntry.entity == REPLY_ENTITY, OutboxEntry.entity_id == item_id)) or 0
        now = utcnow()
        item.reply, item.replied_at, item.state = text, now, "已回复"
        change_id = new_id()
        session.add(OutboxEntry(
            change_id=change_id, entity=REPLY_ENTITY, entity_id=item_id, case_id=item.case_id, op="upsert",
            base_version=previous or None,
            payload={"schema": PAYLOAD_SCHEMA_VERSION, "entity": REPLY_ENTITY, "id": item_id, "case_id": item.case_id,
                     "version": previous + 1, "actor": actor.username,
                     "fields": {"reply": text, "replied_by": actor.display_name, "replied_at": now.isoformat()}},
            schema_version=PAYLOAD_SCHEMA_VERSION))
        audit_only(session, actor, "回复督办", "supervision_item", item_id, item.case_id,
                   {"reply": text, "change_id": change_id})
        return change_id


def mark_item_read(store: Store, actor: Actor, item_id: str) -> None:
    with store.transaction() as session:
        item = session.get(SupervisionItem, item_id)
        if item is None:
            raise SyncError("没有这条督办/预警")
        if item.state == "未读":
            item.state = "已读"


# ---------------------------------------------------------------- one round, with what the feed delivers

HOLIDAY_KIND = "节假日"


def run_sync(store: Store, settings: Settings, *, progress=None, cancel=None, **transport) -> SyncReport:
    """One sync round (push, pull, verify), then apply what the platform delivered for the rules: a 节假日 item
    carries a year's holiday schedule (resources/holidays/README.md), which replaces a provisional year and
    recomputes every case. The UI calls this from a worker thread; the CLI's `execdesk sync` calls it too."""
    from execdesk.services import platform_approvals

    transport.setdefault("item_hook", platform_approvals.apply_pulled)  # 审批请求/审批结果 with their feed page
    report = run_sync_transport(store, settings, progress=progress, cancel=cancel, **transport)  # token=, limits=…
    after_round(store, settings, report, token=transport.get("token"))  # 节假日, 移交, merged rows
    platform_approvals.apply_items(store)  # anything the hook left, and the answers to this PC's decisions
    return report


def after_round(store: Store, settings: Settings, report: SyncReport, *, token: str | None = None) -> None:
    """What a round delivered, applied: holiday schedules, cases handed over to this PC's person (移交: the
    whole case downloaded and installed), and the derived values of rows the platform merged (issue 13)."""
    from execdesk.services.handover import receive_handovers

    apply_holiday_items(store)
    receive_handovers(store, settings, token=token)
    if report.merged_cases:
        with store.transaction() as session:
            derived.refresh_cases(session, sorted(report.merged_cases), today=date.today())


def apply_holiday_items(store: Store) -> int:
    """Install every received, not yet applied 节假日 item. Bad data is marked, never fatal for the sync."""
    with store.read() as session:
        items = session.scalars(select(SupervisionItem).where(
            SupervisionItem.kind == HOLIDAY_KIND, SupervisionItem.state.in_(("未读", "已读")))
            .order_by(SupervisionItem.server_seq)).all()
    applied = 0
    actor = Actor("sync", "省平台同步", role="系统")
    for item in items:
        data = (item.payload or {}).get("payload") or item.body or ""
        try:
            schedule = derived.install_holiday_update(store, data)
            state, note = "已应用", f"已更新{schedule.year}年节假日安排"
            applied += 1
        except ValidationError as exc:
            state, note = "无效", f"节假日数据无效，未采用：{exc}"
        with store.transaction() as session:
            row = session.get_one(SupervisionItem, item.id)
            row.state = state
            audit_only(session, actor, "节假日更新", "supervision_item", item.id, None, {"state": state, "note": note})
    return applied
