"""Local profiles as the sign-in, the start-up and the screens' pickers read them.

Plain SQL over the DB-API connection (like ``services.search``), so signing in and painting the first window
need no ORM (docs/decisions.md, item 16). Accepts a ``sqlite3`` connection or a SQLAlchemy session.
Writing profiles (passwords, roles) stays in ``services.accounts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from execdesk.models.database import Store, dbapi_connection
from execdesk.rules.errors import ValidationError
from execdesk.services.context import Actor


@dataclass(frozen=True)
class Profile:
    id: str
    username: str
    display_name: str
    role: str
    title: str | None
    has_password: bool

    def actor(self) -> Actor:
        return Actor(username=self.username, display_name=self.display_name, role=self.role, user_id=self.id)


_COLUMNS = "id, username, display_name, role, title, password_hash IS NOT NULL AND password_hash != ''"


# 我的案件 by role (issue 17 item 1): a clerk's cases are those where they are 书记员, a handler's those they
# handle; the bureau's leaders see every case of the bureau (the local database holds one court's cases).
CLERK_ROLES = ("书记员",)
BUREAU_ROLES = ("执行局长", "副院长", "院长")


@dataclass(frozen=True)
class MyCases:
    """Whose cases "我的案件" shows: ``handler_id`` or ``clerk_id`` set, or neither (the whole bureau)."""

    handler_id: str | None = None
    clerk_id: str | None = None
    label: str = "我的案件"

    @property
    def everything(self) -> bool:
        return self.handler_id is None and self.clerk_id is None


def my_cases(role: str | None, user_id: str | None) -> MyCases:
    """The 我的案件 scope of a person with ``role``: 书记员 → cases where they are clerk; 执行局长/副院长/院长 →
    the bureau's cases (all); anyone else (承办人, 审判员) → the cases they handle."""
    if user_id is None or role in BUREAU_ROLES:
        return MyCases(label="本局案件" if role in BUREAU_ROLES else "全部案件")
    if role in CLERK_ROLES:
        return MyCases(clerk_id=user_id, label="我的案件（书记员）")
    return MyCases(handler_id=user_id)


def users_by_role(db: Any, *roles: str) -> list[Profile]:
    """Active profiles, by role then user name; only the given roles when any are named."""
    sql = f"SELECT {_COLUMNS} FROM users WHERE active = 1"
    if roles:
        sql += f" AND role IN ({','.join('?' * len(roles))})"
    rows = dbapi_connection(db).execute(sql + " ORDER BY role, username", roles).fetchall()
    return [Profile(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


def find_profile(db: Any, username: str) -> Profile | None:
    row = dbapi_connection(db).execute(f"SELECT {_COLUMNS} FROM users WHERE username = ?", (username,)).fetchone()
    return Profile(row[0], row[1], row[2], row[3], row[4], bool(row[5])) if row else None


def actor_for(store: Store, username: str) -> Actor:
    """The Actor of a local profile (active or not: history still names it). Raises ValidationError."""
    with store.query() as con:
        profile = find_profile(con, username)
    if profile is None:
        raise ValidationError(f"本地没有账号“{username}”", "用户名")
    return profile.actor()


def has_profiles(db: Any) -> bool:
    """Whether any profile exists, active or not (none: the first start sets up the court or the demo)."""
    return dbapi_connection(db).execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def case_count(db: Any) -> int:
    return dbapi_connection(db).execute("SELECT count(*) FROM cases").fetchone()[0]
