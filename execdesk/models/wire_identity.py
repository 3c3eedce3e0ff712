"""Stable identities on the wire (protocol v2, issue 13 item 1). Public face: ``execdesk.services.identity_refs``;
it lives here, beside the models, so the sync client (which may not import services) uses the same code.

No local row id of a court or a person ever travels: two PCs of one court hold the same cases with different
``courts.id`` / ``users.id`` rows, so a payload carrying them made every second PC conflict with the first.
On the wire (payload schema 2):

- ``court_id`` → ``court_code`` (the 法院代字, e.g. 鲁0102);
- every column pointing at ``users`` (``handler_id``, ``clerk_id``, ``approver_id``, …) → a **person ref**
  under the same name without ``_id`` (``handler``, ``clerk``, ``approver``): ``"<court_code>/<username>"``,
  e.g. ``"鲁0102/zhangwei"`` — exactly the identity of that person's platform account.

``to_wire(entity, fields, session)`` turns a row's synced columns into wire fields; ``from_wire(session,
entity, fields)`` turns wire fields back into local columns: a ref resolves to the local ``users`` row of that
court and username; an unknown ref creates an inactive local profile (no password) so the case can name its
承办人 on a PC that never had that person. Everything that writes platform fields into local rows (conflict
"theirs", a handover snapshot) goes through ``from_wire``; everything that sends rows goes through ``to_wire``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.models.entities import SYNCED_ENTITIES, Court, User

SCHEMA = 2
COURT_KEY = "court_id"


class RefError(ValueError):
    """A person ref that is not "<court_code>/<username>"."""


@cache
def person_columns(entity: str) -> dict[str, str]:
    """Local column → wire name for every column of ``entity`` that points at ``users`` (handler_id → handler)."""
    cls = SYNCED_ENTITIES.get(entity)
    if cls is None:
        return {}
    out = {}
    for col in cls.__table__.columns:
        if any(fk.column.table.name == "users" for fk in col.foreign_keys):
            out[col.key] = col.key[:-3] if col.key.endswith("_id") else col.key
    return out


@cache
def has_court_column(entity: str) -> bool:
    cls = SYNCED_ENTITIES.get(entity)
    return cls is not None and COURT_KEY in cls.__table__.columns


def make_ref(court_code: str, username: str) -> str:
    """The person ref of a local profile. A profile created from a ref whose username was taken locally by
    another court's person keeps the whole ref as its username (see ``_profile_for``)."""
    if "/" in username:
        return username
    return f"{court_code}/{username}"


def split_ref(ref: str) -> tuple[str, str]:
    if not isinstance(ref, str) or ref.count("/") != 1:
        raise RefError(f"人员标识应为“法院代字/用户名”：{ref!r}")
    court, username = ref.split("/")
    if not court or not username:
        raise RefError(f"人员标识应为“法院代字/用户名”：{ref!r}")
    return court, username


def person_ref(session: Session, user_id: str | None) -> str | None:
    """The wire identity of a local user row (None for None)."""
    if not user_id:
        return None
    row = session.execute(select(User.username, Court.code).join(Court, Court.id == User.court_id)
                          .where(User.id == user_id)).first()
    if row is None:
        return None
    return make_ref(row.code, row.username)


def court_code_of(session: Session, court_id: str | None) -> str | None:
    if not court_id:
        return None
    return session.scalar(select(Court.code).where(Court.id == court_id))


def to_wire(entity: str, fields: dict[str, Any], session: Session) -> dict[str, Any]:
    """A row's synced columns (``changes.payload_fields``) → payload schema 2 fields."""
    out = dict(fields)
    if has_court_column(entity) and COURT_KEY in out:
        court_id = out.pop(COURT_KEY)
        if not out.get("court_code"):
            out["court_code"] = court_code_of(session, court_id)
    for column, wire in person_columns(entity).items():
        if column in out:
            out[wire] = person_ref(session, out.pop(column))
    return out


def column_value(column: Any, value: Any) -> Any:
    """A JSON value from the platform → the column's Python type (dates and timestamps travel as ISO text)."""
    from sqlalchemy import Date, DateTime

    from execdesk.models.base import UTCDateTime

    if value is None:
        return None
    if isinstance(column.type, UTCDateTime | DateTime):
        return datetime.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(column.type, Date):
        return date.fromisoformat(value) if isinstance(value, str) else value
    return value


def local_court(session: Session, code: str) -> Court:
    court = session.scalar(select(Court).where(Court.code == code))
    if court is None:
        court = Court(code=code, name=code)
        session.add(court)
        session.flush()
    return court


def _profile_for(session: Session, ref: str, display_name: str | None = None, role: str | None = None) -> User:
    court_code, username = split_ref(ref)
    user = session.scalar(select(User).join(Court, Court.id == User.court_id)
                          .where(User.username == username, Court.code == court_code))
    if user is None:
        user = session.scalar(select(User).where(User.username == ref))  # created earlier under its full ref
    if user is not None:
        return user
    court = local_court(session, court_code)
    taken = session.scalar(select(User.id).where(User.username == username)) is not None
    # An inactive profile: it can be named on a case (承办人, 书记员) but nobody signs in with it here.
    user = User(court_id=court.id, username=ref if taken else username, display_name=(display_name or username)[:32],
                role=role or "承办人", password_hash=None, active=False)
    session.add(user)
    session.flush()
    return user


def user_for_ref(session: Session, ref: str | None, *, display_name: str | None = None,
                 role: str | None = None) -> str | None:
    """The local user id for a person ref, creating an inactive profile when this PC does not know the person."""
    if ref is None or ref == "":
        return None
    return _profile_for(session, ref, display_name, role).id


def from_wire(session: Session, entity: str, fields: dict[str, Any], *,
              names: dict[str, str] | None = None) -> dict[str, Any]:
    """Payload schema 2 fields → local columns. ``names`` maps a ref to a display name when the platform
    knows it (a new profile is named after it). A schema 1 field holding another PC's local id is dropped:
    it names a row of a database that is not this one."""
    out = dict(fields)
    if has_court_column(entity):
        out.pop(COURT_KEY, None)
        code = out.get("court_code")
        if code:
            out[COURT_KEY] = local_court(session, code).id
        cls = SYNCED_ENTITIES[entity]
        if "court_code" not in cls.__table__.columns:
            out.pop("court_code", None)
    for column, wire in person_columns(entity).items():
        out.pop(column, None)
        if wire in out:
            ref = out.pop(wire)
            out[column] = user_for_ref(session, ref, display_name=(names or {}).get(ref)) if ref else None
    return out

