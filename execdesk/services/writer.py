"""The unit of work of the write pipeline (services/pipeline.py): rows added or changed with their audit and outbox
entries, stale edits refused, the touched cases collected for the derived refresh. Imports no other service that
writes, so the record binding (services/records.py) can use it without an import circle."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from execdesk.models import Base, Case
from execdesk.rules.errors import ConflictError, FieldDiff
from execdesk.services.changes import record_change, snapshot
from execdesk.services.context import Actor


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


class Write:
    """One unit of work of one person. Collects the cases it touched; refreshes their derived values at the end."""

    def __init__(self, session: Session, actor: Actor, today: date):
        self.session = session
        self.actor = actor
        self.today = today
        self.touched: set[str] = set()
        self.changed_entities: set[str] = set()

    def touch(self, case_id: str | None) -> None:
        if case_id:
            self.touched.add(case_id)

    def _case_of(self, obj: Base) -> str | None:
        if isinstance(obj, Case):
            return obj.id
        return getattr(obj, "case_id", None)

    def add(self, obj: Base, action: str = "新建", *, sync: bool = True) -> str | None:
        """Insert a new row with its audit entry (and outbox entry for synced entities)."""
        filled = _fill_insert_defaults(obj)
        self.session.add(obj)
        # No flush per row: the row, its audit entry and its outbox entry are inserted by the transaction's one
        # flush (pipeline.finish), in the order they were added (the outbox's local_seq is the causal order).
        change_id = record_change(self.session, self.actor, obj, action, sync=sync, flush=not filled)
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
        self.check_version(obj, expected_version, values, labels, what)
        if all(getattr(obj, k) == v for k, v in values.items()):
            return False
        if inspect(obj).pending:
            self.session.flush()  # a row added in this transaction: inserted first, then updated
        before, base = snapshot(obj), getattr(obj, "version", None)
        for key, value in values.items():
            setattr(obj, key, value)
        filled = _fill_update_values(obj)
        record_change(self.session, self.actor, obj, action, before=before, base_version=base, flush=not filled)
        self.touch(self._case_of(obj))
        self.changed_entities.add(type(obj).__tablename__)
        return True
