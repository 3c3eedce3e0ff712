"""The unit of work of the write pipeline (services/pipeline.py): rows added or changed with their audit and outbox
entries, stale edits refused, the touched cases collected for the derived refresh. Imports no other service that
writes, so the record binding (services/records.py) can use it without an import circle."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from execdesk.models import Base, Case
from execdesk.rules.errors import ConflictError, FieldDiff, ValidationError
from execdesk.services.changes import record_change, snapshot
from execdesk.services.context import Actor

_CASE_PEOPLE = text("SELECT handler_id, clerk_id, case_number FROM cases WHERE id = :id")


def _show(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


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
        self._writable: set[str] = set()

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
            return obj.id
        return getattr(obj, "case_id", None)

    def add(self, obj: Base, action: str = "新建", *, sync: bool = True) -> str | None:
        """Insert a new row with its audit entry (and outbox entry for synced entities)."""
        if not isinstance(obj, Case):
            self.check_access(self._case_of(obj))
        self.session.add(obj)
        change_id = record_change(self.session, self.actor, obj, action, sync=sync)
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
            if _show(stored) != _show(value):
                diffs.append(FieldDiff((labels or {}).get(key, key), _show(value), _show(stored)))
        changed_by = self._last_actor(obj)
        raise ConflictError(what, read_version=int(expected_version), current_version=int(current),
                            changed_by=changed_by, diffs=diffs)

    def _last_actor(self, obj: Base) -> str | None:
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
        before, base = snapshot(obj), getattr(obj, "version", None)
        for key, value in values.items():
            setattr(obj, key, value)
        record_change(self.session, self.actor, obj, action, before=before, base_version=base)
        self.touch(self._case_of(obj))
        self.changed_entities.add(type(obj).__tablename__)
        return True
