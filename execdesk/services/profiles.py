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
