"""Courts and local user profiles. Passwords are hashed with scrypt (memory-hard KDF); never stored plainly."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from sqlalchemy import select

from execdesk.models import Court, User
from execdesk.models.database import Store
from execdesk.rules.errors import ErrorCollector, ValidationError
from execdesk.services.changes import record_change
from execdesk.services.context import Actor

ROLES = ("承办人", "书记员", "审判员", "执行局长", "副院长", "院长", "管理员")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    salt_b64, digest_b64 = base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt_b64}${digest_b64}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not password:
        return False
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt_b64), dklen=32,
                            n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


def ensure_court(store: Store, actor: Actor, *, code: str, name: str, province: str = "鲁",
                 approval_route: str = "院长审签") -> str:
    with store.transaction() as session:
        court = session.scalar(select(Court).where(Court.code == code))
        if court is None:
            if not name.strip():
                raise ValidationError("不能为空", "法院名称")
            court = Court(code=code, name=name.strip(), province=province, approval_route=approval_route)
            session.add(court)
            record_change(session, actor, court, "新建", sync=False)
        return court.id


def create_user(store: Store, actor: Actor, *, username: str, display_name: str, role: str,
                password: str | None = None, title: str | None = None, court_code: str | None = None) -> str:
    errs = ErrorCollector()
    if not username or not username.isascii() or not username.replace("_", "").replace(".", "").isalnum():
        errs.add("用户名", "只能使用字母、数字、下划线和点")
    if not (display_name or "").strip():
        errs.add("姓名", "不能为空")
    if role not in ROLES:
        errs.add("角色", f"应为{'、'.join(ROLES)}之一")
    if password is not None and len(password) < 8:
        errs.add("密码", "至少8位")
    errs.raise_if_any()
    with store.transaction() as session:
        if session.scalar(select(User.id).where(User.username == username)):
            raise ValidationError(f"“{username}”已存在", "用户名")
        q = select(Court)
        if court_code:
            q = q.where(Court.code == court_code)
        court = session.scalar(q.order_by(Court.created_at).limit(1))
        if court is None:
            raise ValidationError("请先设置法院", "法院")
        user = User(court_id=court.id, username=username, display_name=display_name.strip(), role=role,
                    title=title, password_hash=hash_password(password) if password else None)
        session.add(user)
        record_change(session, actor, user, "新建", sync=False)
        return user.id


def set_password(store: Store, actor: Actor, username: str, password: str) -> None:
    if len(password or "") < 8:
        raise ValidationError("至少8位", "密码")
    with store.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise ValidationError(f"本地没有账号“{username}”", "用户名")
        user.password_hash = hash_password(password)
        session.flush()
        # Audit that it changed, never the hash itself.
        from execdesk.services.changes import audit_only
        audit_only(session, actor, "修改密码", "user", user.id, None, {"username": username})


def authenticate(store: Store, username: str, password: str) -> Actor:
    """Check a local profile's password (used for 院长审签 and sign-in). Raises ValidationError."""
    with store.read() as session:
        user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        if user is None or not verify_password(password, user.password_hash):
            raise ValidationError("用户名或密码不正确", "登录")
        return Actor(username=user.username, display_name=user.display_name, role=user.role, user_id=user.id)
