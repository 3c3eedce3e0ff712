"""The unit of work of the write pipeline (services/pipeline.py): rows added or changed with their audit and outbox
entries, stale edits refused, the touched cases collected for the derived refresh. Imports no other service that
writes, so the record binding (services/records.py) can use it without an import circle."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import event, insert, inspect, text
from sqlalchemy.orm import Session

from execdesk.models import AuditEntry, Base, Case, OutboxEntry
from execdesk.rules.errors import ConflictError, FieldDiff, ValidationError
from execdesk.services.changes import change_entries, snapshot
from execdesk.services.context import Actor

_CASE_PEOPLE = text("SELECT handler_id, clerk_id, case_number FROM cases WHERE id = :id")


def show_value(value: Any) -> str:
    """A value as the conflict dialog shows it (dates in Chinese, lists joined, empty as （空）)."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


def _python_value(default: Any) -> tuple[bool, Any]:
    """The value a Python-side column default (scalar or callable) gives, as the flush would compute it."""
    if default is None or getattr(default, "is_sequence", False) or getattr(default, "is_clause_element", False):
        return False, None
    if default.is_scalar:
        return True, default.arg
    if default.is_callable:
        try:
            return True, default.arg(None)  # SQLAlchemy wraps a no-argument callable as fn(context)
        except TypeError:
            return False, None
    return False, None


def _fill_insert_defaults(obj: Base) -> bool:
    """Give a new row now every value its INSERT would (its UUID, version 1, timestamps, column defaults), so its
    audit snapshot is complete without a flush. False when some value comes only from the database (an
    autoincrement key, a server default): then the caller flushes first, as before."""
    state = inspect(obj)
    if not state.transient and not state.pending:
        return False
    for attr in state.mapper.column_attrs:
        if attr.key in state.dict:
            continue  # set by the caller (even to None): the INSERT uses it
        col = attr.columns[0]
        if col.server_default is not None:
            if col.default is None:
                return False
        ok, value = _python_value(col.default)
        if ok:
            setattr(obj, attr.key, value)
        elif col.primary_key:
            return False  # a key the database assigns
    return True


def _fill_update_values(obj: Base) -> bool:
    """Give a loaded row now the values its UPDATE would add (version + 1, ``onupdate`` columns such as
    ``updated_at``), so its audit snapshot is complete without a flush."""
    state = inspect(obj)
    if not state.persistent:
        return False  # added in this transaction and not yet inserted: its INSERT must come first
    mapper = state.mapper
    for attr in mapper.column_attrs:
        col = attr.columns[0]
        if col.onupdate is None:
            continue
        ok, value = _python_value(col.onupdate)
        if not ok:
            return False
        setattr(obj, attr.key, value)
    version_col = mapper.version_id_col
    if version_col is not None:
        key = mapper.get_property_by_column(version_col).key
        # The UPDATE then sets this value where the stored version is the one loaded (SQLAlchemy's version
        # check still applies: it compares with the committed value, not with this one).
        setattr(obj, key, int(getattr(obj, key)) + 1)
    return True


_AUDIT_INSERT = insert(Base.metadata.tables[AuditEntry.__tablename__])
_OUTBOX_INSERT = insert(Base.metadata.tables[OutboxEntry.__tablename__])
_WRITES = "execdesk_writes"  # Session.info key: the pipeline writes of the session's transaction
_LOG_BATCH = 500  # audit entries kept before they are inserted: a bulk import stays bounded in memory
_HOLD = 64  # loaded cases kept referenced for the refresh (a bulk import re-reads the others)


@event.listens_for(Session, "before_commit")
def _write_logs_before_commit(session: Session) -> None:
    """Whatever a write still holds is inserted before its transaction commits (pipeline.finish has normally
    done it): a change is never committed without its audit and outbox entries."""
    for w in session.info.pop(_WRITES, ()):
        w.write_log()


def write_pending_logs(session: Session) -> None:
    """Insert now the audit and outbox entries the session's writes still hold. Call it before adding an outbox
    row by hand (a 移交, an approval request) so that row comes after the changes made before it: the outbox's
    local_seq is the causal order the platform applies."""
    for w in session.info.get(_WRITES, ()):
        w.write_log()


@event.listens_for(Session, "after_rollback")
def _drop_logs_after_rollback(session: Session) -> None:
    for w in session.info.pop(_WRITES, ()):
        w._audit.clear()
        w._outbox.clear()


# Roles whose writes are limited to the cases they handle or clerk (issue 13 item 5: after a 移交 the old
# handler's PC keeps a read-only copy). Leaders (执行局长, 副院长, 院长) keep writing: their approval paths record
# into the case (approval rows, the 合议 node, the 执行局长's opinion) and they assign the bureau's work.
# Actors that are not a signed-in person (the CLI operator, imports, sync) carry no user id and are not limited.
CASE_BOUND_ROLES = ("承办人", "书记员", "审判员")


class Write:
    """One unit of work of one person. Collects the cases it touched; refreshes their derived values at the end."""

    def __init__(self, session: Session, actor: Actor, today: date):
        self.session = session
        self.actor = actor
        self.today = today
        self.touched: set[str] = set()
        self.changed_entities: set[str] = set()
        self._held: list[Base] = []
        self._audit: list[dict[str, Any]] = []  # audit entries of this write, inserted together (write_log)
        self._outbox: list[dict[str, Any]] = []
        self._writable: set[str] = set()  # cases this actor was found allowed to write (check_access)
        session.info.setdefault(_WRITES, []).append(self)

    def hold(self, obj: Base) -> None:
        """Keep ``obj`` referenced until the write ends. The session's identity map holds loaded rows weakly: a
        case the caller no longer references was collected and re-read from the file for the derived refresh."""
        if len(self._held) < _HOLD:
            self._held.append(obj)

    def check_access(self, case_id: str | None) -> None:
        """Refuse a signed-in 承办人/书记员 writing a case that is neither theirs nor clerked by them (a read-only
        copy, e.g. after the case was handed over to a colleague)."""
        actor = self.actor
        if not case_id or case_id in self._writable or actor.user_id is None or actor.role not in CASE_BOUND_ROLES:
            return
        row = self.session.execute(_CASE_PEOPLE, {"id": case_id}).first()
        if row is None or row.handler_id is None or actor.user_id in (row.handler_id, row.clerk_id):
            self._writable.add(case_id)
            return
        from execdesk.models import User

        name = self.session.get(User, row.handler_id)
        raise ValidationError(f"案件{row.case_number}现由{name.display_name if name else '其他承办人'}承办，"
                              "本机仅保留只读副本，不能修改（如需修改，请由承办人、本案书记员或执行局长办理）", "案件")

    def touch(self, case_id: str | None) -> None:
        if case_id:
            self.touched.add(case_id)

    def _case_of(self, obj: Base) -> str | None:
        if isinstance(obj, Case):
            self.hold(obj)
            return obj.id
        return getattr(obj, "case_id", None)

    def add(self, obj: Base, action: str = "新建", *, sync: bool = True) -> str | None:
        """Insert a new row with its audit entry (and outbox entry for synced entities)."""
        if not isinstance(obj, Case):
            self.check_access(self._case_of(obj))
        filled = _fill_insert_defaults(obj)
        self.session.add(obj)
        if not filled:
            self.session.flush()  # a value only the database gives: read it before the audit snapshot
        # No flush per row: the rows are inserted by the transaction's one flush and the audit and outbox entries
        # by two multi-row INSERTs after it (write_log), in the order of the changes (the outbox's local_seq is
        # the causal order).
        change_id = self._log(obj, action, sync=sync)
        self.touch(self._case_of(obj))
        self.changed_entities.add(type(obj).__tablename__)
        return change_id

    def check_version(self, obj: Base, expected_version: int | None, mine: Mapping[str, Any] | None = None,
                      labels: Mapping[str, str] | None = None, what: str = "记录") -> None:
        """A stale edit is a conflict shown to the person, never an overwrite (lost-update protection)."""
        current = getattr(obj, "version", None)
        if expected_version is None or current is None or int(expected_version) == int(current):
            return
        diffs = []
        for key, value in (mine or {}).items():
            stored = getattr(obj, key, None)
            if show_value(stored) != show_value(value):
                diffs.append(FieldDiff((labels or {}).get(key, key), show_value(value), show_value(stored)))
        changed_by = self.last_actor(obj)
        raise ConflictError(what, read_version=int(expected_version), current_version=int(current),
                            changed_by=changed_by, diffs=diffs)

    def last_actor(self, obj: Base) -> str | None:
        from sqlalchemy import select

        from execdesk.models import AuditEntry, User
        from execdesk.models.base import SyncedMixin

        if not isinstance(obj, SyncedMixin):  # only synced rows carry the version a conflict is about
            return None

        username = self.session.scalar(select(AuditEntry.actor).where(AuditEntry.entity_id == obj.id)
                                       .order_by(AuditEntry.id.desc()).limit(1))
        if username is None:
            return None
        name = self.session.scalar(select(User.display_name).where(User.username == username))
        return name or username

    def change(self, obj: Base, values: Mapping[str, Any], *, action: str = "修改",
               expected_version: int | None = None, labels: Mapping[str, str] | None = None,
               what: str = "记录") -> bool:
        """Update columns of an existing row: version check, before/after audit, outbox. Returns whether
        anything changed (an edit that changes nothing writes nothing)."""
        self.check_access(self._case_of(obj))
        self.check_version(obj, expected_version, values, labels, what)
        if all(getattr(obj, k) == v for k, v in values.items()):
            return False
        if inspect(obj).pending:
            self.session.flush()  # a row added in this transaction: inserted first, then updated
        before, base = snapshot(obj), getattr(obj, "version", None)
        for key, value in values.items():
            setattr(obj, key, value)
        if not _fill_update_values(obj):
            self.session.flush()
        self._log(obj, action, before=before, base_version=base)
        self.touch(self._case_of(obj))
        self.changed_entities.add(type(obj).__tablename__)
        return True

    def _log(self, obj: Base, action: str, *, before: dict[str, Any] | None = None, base_version: int | None = None,
             sync: bool = True) -> str | None:
        audit, outbox = change_entries(self.session, self.actor, obj, action, before=before, base_version=base_version, sync=sync)
        self._audit.append(audit)
        if outbox is not None:
            self._outbox.append(outbox)
        if len(self._audit) >= _LOG_BATCH:
            self.write_log()
        return audit["change_id"]

    def write_log(self) -> None:
        """Insert the audit and outbox entries of the changes so far (the rows they describe are flushed first)."""
        if not (self._audit or self._outbox):
            return
        self.session.flush()
        conn = self.session.connection()  # Core executemany: column types and defaults apply, no ORM objects
        if self._audit:
            conn.execute(_AUDIT_INSERT, self._audit)
            self._audit = []
        if self._outbox:
            conn.execute(_OUTBOX_INSERT, self._outbox)
            self._outbox = []
