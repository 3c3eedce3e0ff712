"""One sync round: push the outbox, pull the feed, check digests, log the run.

Guarantees (docs/sync-protocol.md §Guarantees):
  - A change leaves the outbox only after the platform's answer for it is committed locally (one local
    transaction per batch answer). A crash or kill between sending and storing is harmless: the same change
    ids are sent again and the platform answers ``duplicate`` with its original answer.
  - Changes go in causal order (``local_seq``); a rejected change is quarantined with the platform's reason
    and only the later changes of the *same case* are held back; other cases keep syncing.
  - Conflicts are kept (state ``conflict``) for a person to resolve (execdesk.services.sync.resolve_conflict).
  - Pulled items and the new cursor are committed in one transaction.
  - Systemic errors (401, TLS, 5xx, upgrade required, network down after retries) stop the run with one
    Chinese message (a ``SyncError``, with ``.report`` set); the outbox is untouched.

UI use: call ``run_sync(store, settings, progress=cb, cancel=flag)`` in a worker thread. ``progress(done,
total, message)`` is called between steps; ``cancel()`` is polled between batches (and during waits), and a
cancelled run stops cleanly after the batch in flight has been stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import String, Table, func, select, type_coerce, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from execdesk.config import Settings
from execdesk.models import (
    SYNCED_ENTITIES,
    Case,
    OutboxEntry,
    SupervisionItem,
    SyncRun,
    SyncState,
    new_id,
    utcnow,
)
from execdesk.models.base import SyncedMixin
from execdesk.models.database import Store
from execdesk.models.wire_identity import SCHEMA as WIRE_SCHEMA
from execdesk.models.wire_identity import column_value, from_wire, person_columns, to_wire
from execdesk.rules.dates import parse_date
from execdesk.sync import credentials
from execdesk.sync.errors import AuthRequired, LocalWriteError, ProtocolError, ServerError, SyncError
from execdesk.sync.transport import RetryPolicy, Transport

log = logging.getLogger("execdesk.sync")

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]

SKEW_WARN_SECONDS = 300  # Anki's 5 minutes; we warn, never refuse (ANCHORS A9-8)
UNRESOLVED = ("quarantined", "conflict")
# Called inside the transaction that stores a feed page, with that page's items: what the services take in
# with the page itself (one commit, nothing to redo after a crash). It must not raise for one bad item.
ItemHook = Callable[[Session, list[dict[str, Any]]], None]


@dataclass
class Limits:
    batch_changes: int = 500
    batch_bytes: int = 2_000_000  # JSON before gzip (ANCHORS A9-4: ≤ 2 MB)
    feed_page: int = 200
    digest_chunk: int = 500


@dataclass
class SyncReport:
    run_id: int | None = None
    status: str = "running"  # ok / failed / cancelled
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    conflicts: int = 0
    held: int = 0
    pulled: int = 0
    resynced_cases: int = 0
    same: int = 0  # accepted as identical to the platform's row (another PC of the court sent the same)
    merged: int = 0  # merged with another PC's edit of other fields of the same row
    merged_cases: set[str] = field(default_factory=set)  # their derived values are refreshed after the run
    bytes_sent: int = 0
    bytes_received: int = 0
    duration_s: float = 0.0
    clock_skew_s: float | None = None
    pending_left: int = 0
    splits: int = 0  # batches split to isolate a change the platform could not take
    warnings: list[str] = field(default_factory=list)
    message: str | None = None

    def summary(self) -> str:
        parts = [f"上报 {self.pushed} 条", f"接收 {self.pulled} 条"]
        if self.duplicates:
            parts.append(f"重复确认 {self.duplicates} 条")
        if self.rejected:
            parts.append(f"被拒收 {self.rejected} 条（见“需处理”）")
        if self.conflicts:
            parts.append(f"冲突 {self.conflicts} 条（待人工处理）")
        if self.resynced_cases:
            parts.append(f"补传 {self.resynced_cases} 件案件")
        if self.pending_left:
            parts.append(f"尚待上报 {self.pending_left} 条")
        head = {"ok": "同步完成", "failed": "同步中止", "cancelled": "同步已取消"}.get(self.status, "同步中")
        text = f"{head}：" + "，".join(parts) + f"，用时 {self.duration_s:.1f} 秒。"
        for w in self.warnings:
            text += f"\n提醒：{w}"
        if self.message and self.status == "failed":
            text += f"\n原因：{self.message}"
        return text


# ---------------------------------------------------------------- small state helpers


def get_state(session: Session, key: str) -> str | None:
    row = session.get(SyncState, key)
    return row.value if row else None


def set_state(session: Session, key: str, value: str) -> None:
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value


def device_id(store: Store) -> str:
    """A random id for this database file, created once (lets the platform tell copies apart)."""
    with store.transaction() as session:
        value = get_state(session, "device_id")
        if value is None:
            value = new_id()
            set_state(session, "device_id", value)
        return value


def held_cases(session: Session) -> set[str | None]:
    """Cases with a quarantined or conflicting change nobody has dealt with yet (None: changes of no case)."""
    return set(session.scalars(select(OutboxEntry.case_id).where(
        OutboxEntry.state.in_(UNRESOLVED), OutboxEntry.resolved_at.is_(None)).distinct()))


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "pending")) or 0


def local_case_digests(session: Session, case_ids: list[str]) -> dict[str, str]:
    """The same digest as the platform: SHA-256 over "entity:id:version\\n" sorted by id."""
    rows: dict[str, list[tuple[str, str, int]]] = {cid: [] for cid in case_ids}
    for name, cls in SYNCED_ENTITIES.items():
        assert issubclass(cls, SyncedMixin)  # every synced entity carries the mixin's id and version
        key = cls.id if name == "case" else cls.__table__.c.case_id
        for entity_id, case_id, version in session.execute(
                select(cls.id, key, cls.version).where(key.in_(case_ids))):
            rows[case_id].append((name, entity_id, version))
    out = {}
    for cid, entries in rows.items():
        h = hashlib.sha256()
        for entity, entity_id, version in sorted(entries, key=lambda e: e[1]):
            h.update(f"{entity}:{entity_id}:{version}\n".encode())
        out[cid] = h.hexdigest()
    return out


_js = json.encoder.encode_basestring  # a JSON string literal, as json.dumps(..., ensure_ascii=False) writes it
_OUTBOX = cast(Table, OutboxEntry.__table__).name


# ---------------------------------------------------------------- the round


class _Round:
    def __init__(self, store: Store, transport: Transport, token: str, device: str, limits: Limits,
                 progress: ProgressFn | None, cancel: CancelFn | None, report: SyncReport,
                 item_hook: ItemHook | None = None):
        self.store, self.t, self.token, self.device = store, transport, token, device
        self.item_hook = item_hook
        self.limits, self.progress, self.cancel, self.report = limits, progress, cancel, report
        self.touched_cases: set[str] = set()
        # Pipelining: a batch's answers are decided at once (what is held back for the next batch is known
        # before it is built), and written to the local database while the next batch is on the wire.
        self._pending_write: Callable[[], None] | None = None
        self._writer: threading.Thread | None = None
        self._writer_error: BaseException | None = None

    def cancelled(self) -> bool:
        return bool(self.cancel and self.cancel())

    def tell(self, done: int, total: int, message: str) -> None:
        if self.progress:
            self.progress(done, total, message)

    @staticmethod
    @contextmanager
    def _local_write(what: str) -> Iterator[None]:
        """A local write error aborts the run (Mergin #2382); the transaction has rolled back whole."""
        try:
            yield
        except SQLAlchemyError as exc:
            log.exception("local write failed: %s", what)
            raise LocalWriteError(f"{what}时本地数据库写入失败，已全部撤销，本次同步中止（{type(exc).__name__}）。") from exc

    # ------------------------------------------------------------ push

    def push(self) -> bool:
        """Drain the outbox. Returns False when cancelled. Every answer is stored before this returns."""
        try:
            return self._push()
        finally:
            self._join_pending()

    def _start_pending(self) -> None:
        """Write the previous batch's answers in a thread while the next request is in flight."""
        if self._pending_write is None:
            return
        write, self._pending_write = self._pending_write, None

        def run() -> None:
            try:
                write()
            except BaseException as exc:  # re-raised on the pushing thread by _join_pending
                self._writer_error = exc

        self._writer = threading.Thread(target=run, name="sync-store-answers", daemon=True)
        self._writer.start()

    def _join_pending(self) -> None:
        if self._writer is not None:
            self._writer.join()
            self._writer = None
        if self._pending_write is not None:
            write, self._pending_write = self._pending_write, None
            write()
        if self._writer_error is not None:
            error, self._writer_error = self._writer_error, None
            raise error

    def _push(self) -> bool:
        with self.store.read() as session:
            held = held_cases(session)
            total = pending_count(session)
        after = 0
        done = 0
        self.tell(0, total, "正在上报…")
        payload_text = type_coerce(OutboxEntry.payload, String)  # raw JSON text: no decode/encode round trip
        while True:
            if self.cancelled():
                return False
            with self.store.read() as session:
                rows = session.execute(
                    select(OutboxEntry.local_seq, OutboxEntry.change_id, OutboxEntry.entity, OutboxEntry.entity_id,
                           OutboxEntry.case_id, OutboxEntry.op, OutboxEntry.base_version, payload_text)
                    .where(OutboxEntry.state == "pending", OutboxEntry.local_seq > after)
                    .order_by(OutboxEntry.local_seq).limit(self.limits.batch_changes)).all()
            if not rows:
                return True
            batch: list[tuple[int, str, str | None]] = []
            parts: list[bytes] = []
            size = 0
            for seq, change_id, entity, entity_id, case_id, op, base, raw in rows:
                if case_id in held:
                    after = seq
                    continue
                # The same text as json.dumps(head, ensure_ascii=False), without building the dict.
                item = ('{"change_id": ' + _js(change_id) + ', "device_seq": ' + str(int(seq)) + ', "entity": '
                        + _js(entity) + ', "entity_id": ' + _js(entity_id) + ', "case_id": '
                        + ("null" if case_id is None else _js(case_id)) + ', "op": ' + _js(op)
                        + ', "base_version": ' + ("null" if base is None else str(int(base)))
                        + ', "payload": ' + raw + "}").encode()
                if batch and (len(batch) >= self.limits.batch_changes or size + len(item) > self.limits.batch_bytes):
                    break
                batch.append((seq, change_id, case_id))
                parts.append(item)
                size += len(item)
                after = seq
            if not batch:
                continue
            self._send(batch, parts, held)
            done += len(batch)
            self.tell(done, total, f"已上报 {done}/{total} 条")

    def _send(self, batch: list[tuple[int, str, str | None]], parts: list[bytes], held: set[str | None],
              platform_ok: bool = False) -> None:
        """POST one batch and store its answers.

        A batch the platform cannot answer — refused whole as unparseable (400/422), or failing inside the
        platform (500) while the platform itself is healthy — is split in halves until the offending change
        is alone; that one is quarantined locally with the reason, so one bad record never blocks the queue
        (ANCHORS A8-7). Health is checked with an empty push: if that fails too, the 500 is systemic and the
        run stops with the queue untouched."""
        body = (b'{"device_id": ' + json.dumps(self.device).encode() + b', "changes": ['
                + b", ".join(parts) + b"]}")
        key = hashlib.sha256("".join(c for _, c, _ in batch).encode()).hexdigest()[:48]
        self._start_pending()
        try:
            try:
                reply = self.t.request("POST", "api/v1/changes", raw_json=body, token=self.token,
                                       idempotency_key=key)
            finally:
                self._join_pending()  # the previous answers are stored before this batch's are
        except ServerError as exc:
            if exc.status is None or exc.status in (429, 503) or not self._platform_healthy():
                raise
            log.warning("push of %d changes answered HTTP %s while the platform is healthy: splitting",
                        len(batch), exc.status)
            self._split(batch, parts, held, f"省平台处理此变更时出错（HTTP {exc.status}），已单独隔离，其余变更照常上报")
            return
        if reply.status == 200:
            self._store_answers(batch, reply.data, held)
            return
        if reply.status not in (400, 422):
            raise ProtocolError(f"省平台拒绝了上报请求（HTTP {reply.status}）：{reply.data.get('message', '')}")
        self._split(batch, parts, held, f"省平台无法解析此变更：{reply.data.get('message') or f'HTTP {reply.status}'}")

    def _split(self, batch: list[tuple[int, str, str | None]], parts: list[bytes], held: set[str | None],
               reason: str) -> None:
        if len(batch) > 1:
            self.report.splits += 1
            mid = len(batch) // 2
            self._send(batch[:mid], parts[:mid], held)
            rest = [(b, p) for b, p in zip(batch[mid:], parts[mid:], strict=True) if b[2] not in held]
            if rest:
                self._send([b for b, _ in rest], [p for _, p in rest], held)
            return
        code = "unparseable" if "无法解析" in reason else "server_error"
        log.warning("change %s quarantined locally: %s", batch[0][1], reason)
        answer = {"change_id": batch[0][1], "status": "rejected", "code": code, "reason": reason}
        self._store_answers(batch, {"results": [answer]}, held)

    def _platform_healthy(self) -> bool:
        """An empty, authenticated push: answered 200 means the platform works and the batch is the problem."""
        try:
            reply = self.t.request("POST", "api/v1/changes",
                                   raw_json=b'{"device_id": ' + json.dumps(self.device).encode() + b', "changes": []}',
                                   token=self.token)
        except SyncError:
            return False
        return reply.status == 200 and reply.data.get("results") == []

    def _store_answers(self, batch: list[tuple[int, str, str | None]], data: dict[str, Any], held: set[str | None]) -> None:
        results = data.get("results")
        if not isinstance(results, list):
            raise ProtocolError("省平台的上报应答缺少逐条结果")
        answers = {r.get("change_id"): r for r in results if isinstance(r, dict)}
        missing = [c for _, c, _ in batch if c not in answers]
        if missing:
            raise ProtocolError(f"省平台的上报应答缺少 {len(missing)} 条变更的结果，已停止同步")
        updates: list[dict[str, Any]] = []
        merges: list[tuple[int, dict[str, Any]]] = []
        for seq, change_id, case_id in batch:
            answer = answers[change_id]
            status = answer.get("status")
            effective = answer
            if status == "duplicate":
                self.report.duplicates += 1
                effective = answer.get("original") or {}
                status = effective.get("status")
            row: dict[str, Any] = {"local_seq": seq}
            if status == "accepted":
                if not isinstance(effective.get("server_seq"), int):
                    raise ProtocolError("省平台的应答缺少服务器序号")
                row.update(state="done", server_seq=effective["server_seq"], result=effective, last_error=None)
                if answer.get("status") != "duplicate":
                    self.report.pushed += 1
                if effective.get("same"):
                    self.report.same += 1
                if effective.get("merged"):
                    if not isinstance(effective.get("server_version"), int) \
                            or not isinstance(effective.get("server_fields"), dict):
                        raise ProtocolError("省平台的合并应答缺少版本或字段")
                    self.report.merged += 1
                    merges.append((seq, effective))
                    held.add(case_id)  # later changes of the case are rebased first, then go next round
                    if case_id:
                        self.report.merged_cases.add(case_id)
                if case_id:
                    self.touched_cases.add(case_id)
            elif status == "rejected":
                row.update(state="quarantined", result=effective, last_error=str(effective.get("reason") or "被拒收"))
                self.report.rejected += 1
                held.add(case_id)
            elif status == "conflict":
                row.update(state="conflict", result=effective, last_error=str(effective.get("reason") or "冲突"))
                self.report.conflicts += 1
                held.add(case_id)
            elif status == "held":
                row.update(last_error=str(answer.get("reason") or "暂缓"))
                self.report.held += 1
                held.add(case_id)
            else:
                raise ProtocolError(f"省平台返回了未知的结果状态（{status}）")
            row.setdefault("state", "pending")
            updates.append(row)

        # The driver's executemany with the answers already as JSON text (as the JSON column stores them):
        # SQLAlchemy's per-row parameter processing was a third of the client's time storing answers.
        params = [(u["state"], u.get("server_seq"), json.dumps(u.get("result")), u.get("last_error"), u["local_seq"])
                  for u in updates]

        def write() -> None:
            # One transaction for the whole answer: either every row records its answer or none does.
            with self._local_write("保存上报结果"), self.store.transaction() as session:
                session.connection().exec_driver_sql(
                    f"UPDATE {_OUTBOX} SET state = ?, server_seq = ?, result = ?, last_error = ?, "
                    "attempts = attempts + 1 WHERE local_seq = ?", params)
                for seq, effective in merges:
                    apply_merge(session, seq, effective)

        self._join_pending()
        self._pending_write = write

    # ------------------------------------------------------------ pull

    def pull(self) -> bool:
        with self.store.read() as session:
            cursor = int(get_state(session, "pull_cursor") or 0)
        while True:
            if self.cancelled():
                return False
            reply = self.t.request("GET", "api/v1/feed", token=self.token,
                                   params={"cursor": cursor, "limit": self.limits.feed_page})
            if reply.status != 200:
                raise ProtocolError(f"省平台拒绝了下发请求（HTTP {reply.status}）")
            items, next_cursor = reply.data.get("items"), reply.data.get("next_cursor")
            if not isinstance(items, list) or not isinstance(next_cursor, int) or next_cursor < cursor:
                raise ProtocolError("省平台的下发应答格式不正确")
            if any(not isinstance(i, dict) or not isinstance(i.get("seq"), int) or i["seq"] <= cursor
                   or i["seq"] > next_cursor for i in items):
                raise ProtocolError("省平台的下发序号不正确")
            # Items and the cursor commit together: the cursor never runs ahead of the data (A9-3).
            with self._local_write("保存下发数据"), self.store.transaction() as session:
                for item in items:
                    self._apply_item(session, item)
                if self.item_hook is not None and items:
                    self.item_hook(session, items)  # e.g. a 审批结果 written with the page (services decide)
                set_state(session, "pull_cursor", str(next_cursor))
            self.report.pulled += len(items)
            cursor = next_cursor
            if items:
                self.tell(self.report.pulled, self.report.pulled, f"已接收 {self.report.pulled} 条下发")
            if not reply.data.get("has_more"):
                return True

    @staticmethod
    def _apply_item(session: Session, item: dict[str, Any]) -> None:
        try:
            item_id = str(item["id"])
            kind, title = str(item["kind"]), str(item["title"])
        except KeyError as exc:
            raise ProtocolError("省平台下发的条目缺少必要字段") from exc
        if session.get(SupervisionItem, item_id) is not None:
            return  # already have it (a page re-read after a crash)
        due = None
        if item.get("due_on"):
            try:
                due = parse_date(item["due_on"], "要求回复日期")
            except Exception:  # a bad date from upstream must not lose the item
                due = None
        session.add(SupervisionItem(
            id=item_id, server_seq=item["seq"], case_id=item.get("case_id"), case_number=item.get("case_number"),
            kind=kind[:16], title=title[:128], body=item.get("body"), issued_by=item.get("issued_by"),
            due_on=due, payload=item))

    # ------------------------------------------------------------ digests and targeted resync

    def verify(self) -> None:
        """Compare per-case digests for the cases this run touched; resend only what differs (A9-9)."""
        cases = sorted(self.touched_cases)
        if not cases:
            return
        with self.store.read() as session:
            unsettled = set(session.scalars(select(OutboxEntry.case_id).where(
                OutboxEntry.case_id.in_(cases), OutboxEntry.state != "done", OutboxEntry.resolved_at.is_(None))))
            # Only cases this PC holds: an approver's decision names a case that is not on the approver's PC
            # (issue 13 item 4); there is nothing here to compare it with.
            held_here = set(session.scalars(select(Case.id).where(Case.id.in_(cases))))
        cases = [c for c in cases if c not in unsettled and c in held_here]
        differing: list[str] = []
        for i in range(0, len(cases), self.limits.digest_chunk):
            chunk = cases[i:i + self.limits.digest_chunk]
            reply = self.t.request("POST", "api/v1/digests", body={"case_ids": chunk}, token=self.token)
            if reply.status != 200 or not isinstance(reply.data.get("digests"), dict):
                raise ProtocolError("省平台的核对应答格式不正确")
            with self.store.read() as session:
                local = local_case_digests(session, chunk)
            differing += [c for c in chunk if reply.data["digests"].get(c) != local[c]]
        for case_id in differing:
            self._resync_case(case_id)

    def _resync_case(self, case_id: str) -> None:
        reply = self.t.request("GET", f"api/v1/cases/{case_id}/entities", token=self.token)
        server = {} if reply.status == 404 else {
            e["entity_id"]: e["version"] for e in reply.data.get("entities", []) if isinstance(e, dict)}
        queued = 0
        newer_on_server = 0
        with self._local_write("补传数据入队"), self.store.transaction() as session:
            # The fields that travel for a row are those its own outbox entries carried (the service layer
            # decides them when it records a change). A row that never entered the outbox — demo data, by
            # design — never leaves through a resync either.
            last_payload: dict[str, dict] = {}
            for entity_id, payload in session.execute(
                    select(OutboxEntry.entity_id, OutboxEntry.payload).where(OutboxEntry.case_id == case_id)
                    .order_by(OutboxEntry.local_seq)):
                last_payload[entity_id] = payload
            for name, cls in SYNCED_ENTITIES.items():
                assert issubclass(cls, SyncedMixin)  # every synced entity carries the mixin's id and version
                key = cls.id if name == "case" else cls.__table__.c.case_id
                for obj in session.scalars(select(cls).where(key == case_id)):
                    theirs = server.get(obj.id)
                    if theirs is not None and theirs > obj.version:
                        newer_on_server += 1  # never overwrite the platform's newer row silently
                        continue
                    prior = last_payload.get(obj.id)
                    if (theirs is not None and theirs == obj.version) or prior is None:
                        continue
                    # The row as it is now, in the wire's identities (person refs, 法院代字; never local ids).
                    local = {c.key: _plain(getattr(obj, c.key)) for c in cls.__table__.columns
                             if c.key in prior.get("fields", {}) or c.key in person_columns(name)
                             or c.key == "court_id"}
                    fields = to_wire(name, local, session)
                    session.add(OutboxEntry(
                        change_id=new_id(), entity=name, entity_id=obj.id, case_id=case_id, op="upsert",
                        base_version=theirs,
                        payload={"schema": WIRE_SCHEMA, "entity": name, "id": obj.id, "case_id": case_id,
                                 "version": obj.version, "fields": fields, "actor": "sync:resync"},
                        schema_version=WIRE_SCHEMA))
                    queued += 1
        if queued:
            self.report.resynced_cases += 1
        if newer_on_server:
            self.report.warnings.append(f"案件 {case_id} 有 {newer_on_server} 条记录在省平台上的版本较新，请核对")
        log.info("resync case %s: %d queued, %d newer on platform", case_id, queued, newer_on_server)


def apply_merge(session: Session, local_seq: int, answer: dict[str, Any]) -> None:
    """The platform merged this change with another PC's edit of other fields (provincial/converge.py): the
    fields it took from the platform go into the local row — unless this PC changed such a field again since
    (then the later change stays on its old base and meets the platform as a conflict, shown to a person) —
    and the row's version and its later unsent changes move onto the merged version."""
    row = session.get_one(OutboxEntry, local_seq)
    cls = SYNCED_ENTITIES.get(row.entity)
    if cls is None:
        return
    table = cast(Table, cls.__table__)
    obj = session.get(cls, row.entity_id)
    mine = (row.payload or {}).get("fields") or {}
    merged = answer["server_fields"]
    delta = int(answer["server_version"]) - int(row.payload["version"])
    take = {k: v for k, v in merged.items() if mine.get(k) != v}
    if obj is not None:
        now_wire = to_wire(row.entity, {c.key: _plain(getattr(obj, c.key)) for c in table.columns}, session)
        keep = {k: v for k, v in take.items() if now_wire.get(k) == mine.get(k)}
        local = from_wire(session, row.entity, keep)
        values = {c.key: column_value(c, local[c.key]) for c in table.columns if c.key in local
                  and c.key not in ("id", "version")}
        values["version"] = int(session.scalar(select(table.c.version).where(table.c.id == row.entity_id)) or 0) + delta
        session.execute(update(table).where(table.c.id == row.entity_id).values(**values)
                        .execution_options(synchronize_session=False))
    later = session.scalars(select(OutboxEntry).where(
        OutboxEntry.entity_id == row.entity_id, OutboxEntry.state == "pending",
        OutboxEntry.local_seq > local_seq).order_by(OutboxEntry.local_seq)).all()
    for lr in later:
        fields = dict((lr.payload or {}).get("fields") or {})
        if any(fields.get(k) != mine.get(k) for k in take):
            break  # the same field edited again here: a real conflict, left for a person
        fields.update(take)
        lr.payload = dict(lr.payload, fields=fields, version=int(lr.payload["version"]) + delta)
        lr.base_version = (lr.base_version or 0) + delta
    session.expire_all()


def _plain(value: Any) -> Any:
    """A column value as JSON (the outbox's encoding: dates and timestamps as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def run_sync(store: Store, settings: Settings, *, progress: ProgressFn | None = None,
             cancel: CancelFn | None = None, token: str | None = None, retry: RetryPolicy | None = None,
             limits: Limits | None = None, sleep: Callable[[float], None] | None = None,
             timeout: tuple[float, float] = (5.0, 60.0), item_hook: ItemHook | None = None) -> SyncReport:
    """Run one sync round and return its report (also stored as a ``SyncRun`` row).

    Raises ``SyncError`` (``.report`` set) when a systemic error stopped the run. ``token`` overrides the
    keyring (tests, benchmarks); ``retry``/``limits``/``sleep``/``timeout`` (connect, read seconds) tune
    the transport."""
    lock = _run_lock(store)
    if not lock.acquire(blocking=False):
        # The timer and the "sync now" button must not drain the same outbox at once. (Across processes —
        # Task Scheduler and the GUI — a double send is harmless anyway: the platform deduplicates.)
        raise SyncError("同步正在进行中，请稍后再试。")
    try:
        return _run_sync(store, settings, progress=progress, cancel=cancel, token=token, retry=retry, limits=limits,
                         sleep=sleep, timeout=timeout, item_hook=item_hook)
    finally:
        lock.release()


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _run_lock(store: Store) -> threading.Lock:
    key = str(store.path.resolve())
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _run_sync(store: Store, settings: Settings, *, progress, cancel, token, retry, limits, sleep,
              timeout, item_hook=None) -> SyncReport:
    t0 = time.perf_counter()
    report = SyncReport()
    with store.transaction() as session:
        run = SyncRun(status="running")
        session.add(run)
        session.flush()
        report.run_id = run.id
    transport: Transport | None = None
    error: SyncError | None = None
    try:
        auth = None
        if token is None:
            creds = credentials.load_credentials(settings)
            if not creds:
                raise AuthRequired("尚未登录省平台，请先登录（execdesk sync login）；待上报的数据已保留。")
            token, auth = creds.access, credentials.TokenAuth(settings, creds, device_id(store))
        transport = Transport(settings.server_url, settings.ca_bundle, timeout=timeout, retry=retry or RetryPolicy(),
                              sleep=_cancellable_sleep(sleep or time.sleep, cancel), auth=auth)
        rnd = _Round(store, transport, token, device_id(store), limits or Limits(), progress, cancel, report,
                     item_hook)
        finished = rnd.push() and rnd.pull()
        if finished:
            rnd.verify()
            if report.resynced_cases:
                finished = rnd.push()
        report.status = "ok" if finished else "cancelled"
    except SyncError as exc:
        error = exc
        report.status = "failed"
        report.message = exc.message
    finally:
        if transport is not None:
            report.bytes_sent, report.bytes_received = transport.bytes_sent, transport.bytes_received
            report.clock_skew_s = transport.clock_skew_s
            transport.close()
        if report.clock_skew_s is not None and abs(report.clock_skew_s) > SKEW_WARN_SECONDS:
            report.warnings.append(f"本机时钟与省平台相差约 {abs(report.clock_skew_s) / 60:.0f} 分钟，"
                                   "请校准系统时间（不影响同步）。")
        report.duration_s = time.perf_counter() - t0
        with store.transaction() as session:
            report.pending_left = pending_count(session)
            run = session.get_one(SyncRun, report.run_id)
            run.finished_at = utcnow()
            run.status = report.status if report.status != "running" else "failed"
            run.pushed, run.duplicates, run.rejected = report.pushed, report.duplicates, report.rejected
            run.conflicts, run.pulled = report.conflicts, report.pulled
            run.bytes_sent, run.bytes_received = report.bytes_sent, report.bytes_received
            run.clock_skew_s = report.clock_skew_s
            msg = "\n".join(filter(None, [report.message, *report.warnings]))
            run.message = (msg + f"\n用时 {report.duration_s:.3f} 秒").strip()
    log.info("sync run %s: %s pushed=%d dup=%d rej=%d conf=%d pulled=%d sent=%dB recv=%dB %.2fs", report.run_id,
             report.status, report.pushed, report.duplicates, report.rejected, report.conflicts, report.pulled,
             report.bytes_sent, report.bytes_received, report.duration_s)
    if error is not None:
        error.report = report
        raise error
    return report


def _cancellable_sleep(sleep: Callable[[float], None], cancel: CancelFn | None) -> Callable[[float], None]:
    """Waits (backoff, Retry-After) in short slices so a cancel is honoured within ~0.2 s."""
    if cancel is None:
        return sleep

    def wait(seconds: float) -> None:
        end = time.monotonic() + seconds
        while not cancel():
            left = end - time.monotonic()
            if left <= 0:
                return
            sleep(min(0.2, left))

    return wait
