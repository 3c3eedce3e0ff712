"""Platform tables (SQLAlchemy 2.0). SQLite by default, PostgreSQL by URL.

Sequences are kept in counter rows locked FOR UPDATE inside the writing transaction, not database
auto-increment: that makes every sequence gap-free *and* committed in order, so a reader paging with
``seq > cursor`` can never skip a row that commits later with a smaller number (the PouchDB #1240 /
CHT #7528 class of bug, ANCHORS A8-4).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    Engine,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator

DEFAULT_DB_URL = "sqlite:///provincial.sqlite3"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTC_DT(TypeDecorator):  # noqa: N801
    """Timezone-aware UTC on every backend (SQLite drops the zone; PostgreSQL keeps it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTC_DT()}


class PCourt(Base):
    """A court known to the platform. ``code`` is the 法院代字 (鲁0102); ``last_seq`` is its change counter."""

    __tablename__ = "p_courts"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PAccount(Base):
    """A platform account. Password as scrypt hash, never plain.

    Person accounts (migration 0005, provincial/auth.py): ``name`` is the person ref
    ``"<court_code>/<username>"`` and ``role`` one of 承办人/书记员/执行局长/副院长/院长/审判员. Accounts made
    before 0005 (one per court) keep their name and get role 法院 (deprecated). Tokens issued before
    ``tokens_valid_after`` (a reset or deactivation) are dead."""

    __tablename__ = "p_accounts"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    court_code: Mapped[str] = mapped_column(ForeignKey("p_courts.code"))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    username: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="法院", server_default="法院")
    tokens_valid_after: Mapped[datetime | None]


class PToken(Base):
    """Short-lived bearer tokens; only their SHA-256 is stored (a DB leak does not leak sessions)."""

    __tablename__ = "p_tokens"
    __table_args__ = (Index("ix_p_tokens_account", "account"),)
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account: Mapped[str] = mapped_column(ForeignKey("p_accounts.name"))
    court_code: Mapped[str] = mapped_column(String(16))
    device_id: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    family_id: Mapped[str | None] = mapped_column(String(36), index=True)  # the device sign-in (0005)
    pw_tag: Mapped[str | None] = mapped_column(String(16))  # of the password it was issued under (0005)


class PRefreshToken(Base):
    """A device's refresh token (provincial/auth.py). One ``family_id`` per sign-in of one device; each
    refresh rotates the token inside the family. Only the SHA-256 is stored."""

    __tablename__ = "p_refresh_tokens"
    __table_args__ = (Index("ix_p_refresh_account_device", "account", "device_id"),
                      Index("ix_p_refresh_family", "family_id"))
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(36))
    account: Mapped[str] = mapped_column(ForeignKey("p_accounts.name"))
    court_code: Mapped[str] = mapped_column(String(16))
    device_id: Mapped[str] = mapped_column(String(64))
    pw_tag: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # idle expiry: every rotation gives the successor a fresh window
    family_started_at: Mapped[datetime]  # when the device signed in with its password
    rotated_at: Mapped[datetime | None]  # set once a successor was issued; presenting it again = reuse
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class PAuthEvent(Base):
    """Platform authentication audit: sign-ins and failures, refreshes, revocations, deactivations, resets."""

    __tablename__ = "p_auth_events"
    __table_args__ = (Index("ix_p_auth_events_account_at", "account", "at"), Index("ix_p_auth_events_at", "at"))
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    event: Mapped[str] = mapped_column(String(24))
    account: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(256))


class PChange(Base):
    """Every answered change, keyed by the client's change id: a replay returns ``result`` unchanged.

    ``server_seq`` is set for accepted changes only (per-court, gap-free)."""

    __tablename__ = "p_changes"
    __table_args__ = (
        UniqueConstraint("court_code", "server_seq", name="uq_court_seq"),
        Index("ix_p_changes_case", "case_id"),
        Index("ix_p_changes_court_received", "court_code", "received_at"),
    )
    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    court_code: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(64))
    device_seq: Mapped[int | None] = mapped_column(BigInteger)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    case_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(12))  # accepted / rejected / conflict
    server_seq: Mapped[int | None] = mapped_column(BigInteger)
    result: Mapped[dict] = mapped_column(JSON)
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SHA-256 of the change as first received (entity, ids, op, base, payload): a replay must match it,
    # else it is answered change_id_reused. NULL for rows stored before migration 0002.
    fingerprint: Mapped[str | None] = mapped_column(String(64))


class PCase(Base):
    """The case register (issue 13): a case belongs to the court whose 代字 is in its 案号 and whose token pushed
    it; 案号 unique per court; it moves to another court only by an explicit transfer (provincial/register.py)."""

    __tablename__ = "p_cases"
    __table_args__ = (UniqueConstraint("court_code", "case_number", name="uq_p_cases_court_number"),)
    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    court_code: Mapped[str] = mapped_column(ForeignKey("p_courts.code"), index=True)
    case_number: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handler: Mapped[str | None] = mapped_column(String(96))  # person ref "<法院代字>/<username>"
    clerk: Mapped[str | None] = mapped_column(String(96))
    status: Mapped[str | None] = mapped_column(String(8))  # 未结 / 已结, as the court last sent it
    registered_at: Mapped[datetime | None]


class PCaseEvent(Base):
    """What happened to a case's registration: 移交 (handover), 移送 (transfer to another court), 更正案号."""

    __tablename__ = "p_case_events"
    __table_args__ = (Index("ix_p_case_events_case", "case_id", "at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36))
    court_code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))
    detail: Mapped[dict] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(96))
    change_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PEntity(Base):
    """Current platform state of each synced row: what conflicts are detected against and digests hash."""

    __tablename__ = "p_entities"
    __table_args__ = (Index("ix_p_entities_digest", "case_id", "entity_id", "entity", "version"),
                      Index("ix_p_entities_court_entity", "court_code", "entity"))
    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str] = mapped_column(String(36))
    court_code: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict] = mapped_column(JSON)
    last_change_id: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    account: Mapped[str | None] = mapped_column(String(64))  # who pushed this version (from the token)


class PFeedCounter(Base):
    """One row per court: the last feed sequence (see the module docstring for why not auto-increment)."""

    __tablename__ = "p_feed_counters"
    court_code: Mapped[str] = mapped_column(ForeignKey("p_courts.code"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class PFeedItem(Base):
    """What the platform sends down to one court: 督办, 预警, 更正, 节假日, 规则."""

    __tablename__ = "p_feed_items"
    __table_args__ = (UniqueConstraint("court_code", "seq", name="uq_feed_court_seq"),
                      Index("ix_p_feed_items_court_recipient_seq", "court_code", "recipient", "seq"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    court_code: Mapped[str] = mapped_column(ForeignKey("p_courts.code"))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[str | None] = mapped_column(String(36))
    case_number: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str | None] = mapped_column(Text)
    issued_by: Mapped[str | None] = mapped_column(String(64))
    due_on: Mapped[str | None] = mapped_column(String(10))  # ISO date
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The court's written answer to a 督办 (sent up as a "supervision_reply" change).
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by: Mapped[str | None] = mapped_column(String(64))
    replied_at: Mapped[datetime | None]
    reply_change_id: Mapped[str | None] = mapped_column(String(36))
    reply_signed_name: Mapped[str | None] = mapped_column(String(64))  # the name typed on the desktop
    # Addressed to one person (a person ref "<court_code>/<username>": 移交 → the new handler, 审批请求 → the
    # approver), or None: the whole court (issue 13).
    recipient: Mapped[str | None] = mapped_column(String(96))


class PApprovalRequest(Base):
    """A draft submitted for approval by a court's 承办人 (issue 13 item 4): its exact text and SHA-256, the
    readiness checklist, the route's steps with their approvers (person refs). ``state``: 待审批 / 已同意 /
    已退回 / 已替换 (superseded by a resubmitted draft, ``superseded_by``)."""

    __tablename__ = "p_approval_requests"
    __table_args__ = (Index("ix_p_approval_requests_case", "court_code", "case_id", "subject"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    court_code: Mapped[str] = mapped_column(ForeignKey("p_courts.code"))
    case_id: Mapped[str] = mapped_column(String(36))
    case_number: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(16))
    draft_sha256: Mapped[str] = mapped_column(String(64))
    draft: Mapped[dict] = mapped_column(JSON)
    checklist: Mapped[list] = mapped_column(JSON)
    steps: Mapped[list] = mapped_column(JSON)
    supersedes: Mapped[str | None] = mapped_column(String(36))
    superseded_by: Mapped[str | None] = mapped_column(String(36))
    requester: Mapped[str] = mapped_column(String(80))
    device_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(8))
    change_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PApprovalDecision(Base):
    """Every decision change the platform answered, accepted or refused (``outcome``: accepted / superseded /
    …): who (``approver`` from the token), which device, which sha, when. Keyed by the change id."""

    __tablename__ = "p_approval_decisions"
    __table_args__ = (Index("ix_p_approval_decisions_request", "request_id", "step"),)
    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(36))
    request_id: Mapped[str] = mapped_column(String(36))
    court_code: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(16))
    approver: Mapped[str] = mapped_column(String(80))
    device_id: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(8))
    opinion: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[str | None] = mapped_column(String(10))
    draft_sha256: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class PSignInAttempt(Base):
    """Sign-in audit, and the record throttling and lockout count from (shared by every worker process).

    ``kind`` is ``api`` (a court account's token) or ``web`` (指挥中心 staff); ``outcome`` is ok /
    bad_credentials / locked / busy."""

    __tablename__ = "p_signin_attempts"
    __table_args__ = (Index("ix_p_signin_account_at", "kind", "account", "at"),
                      Index("ix_p_signin_address_at", "address", "at"))
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(8))
    account: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))


class PStaff(Base):
    """指挥中心 staff: province (省院) or intermediate-court (中院) people who read the web view."""

    __tablename__ = "p_staff"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(8))  # 省院 / 中院
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PStaffCourt(Base):
    """The courts one staff member may see (their jurisdiction). Nothing else is ever shown to them."""

    __tablename__ = "p_staff_courts"
    staff_name: Mapped[str] = mapped_column(ForeignKey("p_staff.name"), primary_key=True)
    court_code: Mapped[str] = mapped_column(ForeignKey("p_courts.code"), primary_key=True)


class PWebSession(Base):
    """A signed-in browser: the cookie holds a random id, the table only its SHA-256; CSRF token per session."""

    __tablename__ = "p_web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_name: Mapped[str] = mapped_column(ForeignKey("p_staff.name"))
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def db_url_from_env(url: str | None = None) -> str:
    return url or os.environ.get("EXECDESK_PLATFORM_DB") or DEFAULT_DB_URL


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MB (default 2 MB): the push writes random-UUID keyed indexes
    cur.close()


# JSON columns through orjson (several times faster than json.dumps on the push path).
_JSON = {"json_serializer": lambda v: orjson.dumps(v).decode(), "json_deserializer": orjson.loads}


def make_engine(url: str, *, migrate: bool = True) -> Engine:
    """Engine for ``url``; brings the schema to the newest migration (provincial/migrations) unless told not to."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **_JSON)
        event.listen(engine, "connect", _sqlite_pragmas)

        # pysqlite's default deferred BEGIN lets two writers both read, then one fails to upgrade its lock;
        # BEGIN IMMEDIATE takes the write lock first, which is what our counter-row locking relies on.
        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn, _rec):
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        engine = create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True, **_JSON)
    if migrate:
        from provincial.migrate import upgrade

        upgrade(engine)
    return engine
