"""Per-person accounts, device tokens with refresh, revocation, deactivation and the authentication audit
(issue 13 item 2; docs/sync-protocol.md §2).

Accounts
    A person's account is named by their person ref ``"<court_code>/<username>"`` (``鲁0102/zhangwei``) and
    has a role: 承办人, 书记员, 执行局长, 副院长, 院长, 审判员. Accounts made before migration 0005 (one per
    court, e.g. ``lixia``) keep working as role ``法院`` (deprecated: create person accounts and retire
    them with ``deactivate-account``); their person ref is ``"<court_code>/<name>"``. 指挥中心 staff
    (省院/中院) stay in ``p_staff`` (provincial/center.py): they read the web view across a jurisdiction and
    never sync, so they get browser sessions, not device tokens; the same deactivate/reactivate/reset
    commands act on them with ``--staff``.

Tokens
    A sign-in of a device returns an access token (short, ``TokenPolicy.access_ttl_s``, default 1 h) and a
    refresh token bound to the device id (sliding idle expiry, default 60 days). ``POST /api/v1/auth/refresh``
    rotates the refresh token: the presented one stops working and a new pair is returned. Presenting an
    already-rotated refresh token again is reuse (a copy of it is in someone else's hands): the whole
    family of that device sign-in — every refresh and access token — is revoked. One exception, so a
    lost answer on a flaky network does not sign a court out: the same token presented again within
    ``reuse_grace_s`` (30 s) while its successor has not been rotated yet is answered with a fresh pair and
    the unused successor is revoked (the "reuse interval" of Auth0 / Okta's grace period).
    Only SHA-256 digests of tokens are stored. Every token also carries a tag of the password hash it was
    issued under, and the account's ``tokens_valid_after``: a password reset (even one written straight
    into the database), a deactivation and ``revoke-device`` end every live token at once — checked on
    every request, not only when the token is next issued.

Clock
    ``now()`` is the platform's clock for token decisions. ``EXECDESK_PLATFORM_CLOCK_FILE`` (tests only;
    ``serve --clock-file``) names a file holding an offset in seconds added to the real time, so a test can
    let weeks pass without sleeping.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from provincial.models import PAccount, PAuthEvent, PCourt, PRefreshToken, PToken, utcnow

ROLES = ("承办人", "书记员", "执行局长", "副院长", "院长", "审判员")
LEGACY_ROLE = "法院"  # the one-per-court accounts from before 0005 (deprecated)
OPERATOR = "平台管理命令"  # the "address" of an operator action (execdesk-platform)
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


@dataclass(frozen=True)
class TokenPolicy:
    access_ttl_s: int = 3600
    refresh_idle_s: int = 60 * 86400  # sliding: a device that syncs at least every 60 days stays signed in
    refresh_max_s: int = 0  # absolute limit since the password sign-in; 0 = none
    reuse_grace_s: int = 30


# ---------------------------------------------------------------- the clock


def now() -> datetime:
    path = os.environ.get("EXECDESK_PLATFORM_CLOCK_FILE")
    if not path:
        return utcnow()
    try:
        with open(path, encoding="ascii") as fh:
            offset = float(fh.read().strip() or 0)
    except (OSError, ValueError):
        offset = 0.0
    return utcnow() + timedelta(seconds=offset)


# ---------------------------------------------------------------- accounts


def person_ref(court_code: str, username: str) -> str:
    return f"{court_code}/{username}"


def account_person(account: PAccount) -> str:
    return person_ref(account.court_code, account.username or account.name)


def pw_tag(password_hash: str) -> str:
    """Which password a token was issued under (not the hash itself: 64 bits of its SHA-256)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _error(status: int, code: str, message: str):
    from provincial.service import PlatformError

    return PlatformError(status, code, message)


def create_person_account(session: Session, court_code: str, username: str, password: str, role: str,
                          display_name: str | None = None) -> PAccount:
    """Create (or, run again, update and reset the password of) the account ``"<court>/<username>"``."""
    from provincial.service import hash_password

    if session.get(PCourt, court_code) is None:
        raise _error(404, "no_court", f"平台上没有法院“{court_code}”，请先创建法院")
    if not _USERNAME.fullmatch(username or ""):
        raise _error(400, "invalid", "用户名应为1到32位英文字母、数字或 . _ -，且以字母或数字开头")
    if role not in ROLES:
        raise _error(400, "invalid", f"角色应为{'、'.join(ROLES)}之一")
    if len(password) < 8:
        raise _error(400, "invalid", "密码至少8位")
    name = person_ref(court_code, username)
    account = session.get(PAccount, name)
    if account is None:
        account = PAccount(name=name, court_code=court_code, password_hash="", active=True, created_at=now())
        session.add(account)
    elif account.password_hash:
        account.tokens_valid_after = now()  # re-running = a password reset: earlier tokens end
        n = _kill_tokens(session, name, "reset")
        record_event(session, "reset_password", name, address=OPERATOR, detail=f"{n}个令牌失效")
    account.username, account.role, account.active = username, role, True
    account.display_name = (display_name or "").strip()[:64] or username
    account.password_hash = hash_password(password)
    session.flush()
    return account


def account_info(session: Session, name: str) -> PAccount:
    account = session.get(PAccount, name)
    if account is None:
        raise _error(404, "no_account", f"平台上没有账号“{name}”")
    return account


# ---------------------------------------------------------------- audit


def record_event(session: Session, event: str, account: str, *, device_id: str | None = None,
                 address: str | None = None, detail: str | None = None) -> None:
    session.add(PAuthEvent(at=now(), event=event, account=(account or "-")[:64], device_id=(device_id or None),
                           address=(address or None) and address[:64], detail=(detail or None) and detail[:256]))


def auth_log(session: Session, account: str | None = None, limit: int = 100) -> list[PAuthEvent]:
    q = select(PAuthEvent).order_by(PAuthEvent.id.desc()).limit(limit)
    if account:
        q = q.where(PAuthEvent.account == account)
    return list(session.scalars(q))


EVENT_NAMES = {"signin": "登录", "signin_failed": "登录失败", "signin_locked": "登录被锁定",
               "signin_busy": "登录繁忙被拒", "refresh": "续期", "refresh_failed": "续期失败",
               "refresh_reuse": "刷新令牌重复使用（已注销该设备）", "sign_out": "退出登录",
               "revoke_device": "注销设备", "deactivate": "停用账号", "reactivate": "恢复账号",
               "reset_password": "重置密码", "revoke_all": "注销令牌"}
REVOKE_REASONS = {"sign_out": "退出登录", "revoke_device": "注销设备", "deactivate": "停用账号", "reset": "重置密码",
                  "reuse": "重复使用", "device_mismatch": "设备不符", "retried": "重试后作废", "revoke_all": "全部注销"}


# ---------------------------------------------------------------- issuing and checking tokens


def issue_session(session: Session, account: PAccount, device_id: str | None, policy: TokenPolicy,
                  *, family_id: str | None = None, family_started_at: datetime | None = None) -> dict[str, Any]:
    """A new access token, and (with a device id) a refresh token of ``family_id`` (new family if None)."""
    t = now()
    tag = pw_tag(account.password_hash)
    family = family_id or str(uuid.uuid4())
    access = secrets.token_urlsafe(32)
    # Housekeeping: this account's expired access tokens go (the table would otherwise only grow).
    session.execute(delete(PToken).where(PToken.account == account.name, PToken.expires_at <= t))
    session.add(PToken(token_hash=_digest(access), account=account.name, court_code=account.court_code,
                       device_id=device_id or None, expires_at=t + timedelta(seconds=policy.access_ttl_s),
                       created_at=t, family_id=family, pw_tag=tag))
    out: dict[str, Any] = {"access_token": access, "token_type": "bearer", "expires_in": policy.access_ttl_s,
                           "refresh_token": None, "refresh_expires_in": None}
    if device_id:
        refresh = secrets.token_urlsafe(32)
        session.add(PRefreshToken(token_hash=_digest(refresh), family_id=family, account=account.name,
                                  court_code=account.court_code, device_id=device_id, pw_tag=tag, created_at=t,
                                  expires_at=t + timedelta(seconds=policy.refresh_idle_s),
                                  family_started_at=family_started_at or t))
        out["refresh_token"], out["refresh_expires_in"] = refresh, policy.refresh_idle_s
    court = session.get(PCourt, account.court_code)
    out.update(court_code=account.court_code, court_name=court.name if court else account.court_code,
               account=account.name, person=account_person(account), role=account.role,
               display_name=account.display_name or account.username or account.name)
    return out


def _token_alive(account: PAccount, tag: str | None, issued: datetime) -> bool:
    if tag is not None and tag != pw_tag(account.password_hash):
        return False
    return account.tokens_valid_after is None or issued >= account.tokens_valid_after


def caller_for_token(session: Session, token: str):
    """The caller of an access token — only while the token is unexpired, its account active, and it was
    issued after the account's last reset/deactivation under the account's current password."""
    from provincial.service import Caller

    row = session.execute(select(PToken, PAccount).join(PAccount, PAccount.name == PToken.account)
                          .where(PToken.token_hash == _digest(token))).first()
    if row is None:
        raise _error(401, "token_invalid", "登录已失效，请重新登录")
    tok, account = row
    if not account.active:
        raise _error(401, "account_disabled", "此平台账号已停用，请联系平台管理员")
    if not _token_alive(account, tok.pw_tag, tok.created_at):
        raise _error(401, "token_revoked", "登录已失效（密码已重置或登录已被注销），请重新登录")
    if tok.expires_at <= now():
        raise _error(401, "token_expired", "登录已过期，请续期或重新登录")
    return Caller(account=account.name, court_code=tok.court_code, device_id=tok.device_id,
                  person=account_person(account), role=account.role)


@dataclass
class Outcome:
    """The answer to a refresh: ``data`` on success, else status/code/message (raised after the commit, so
    what was recorded and revoked on the way stays recorded and revoked)."""

    data: dict[str, Any] | None = None
    status: int = 401
    code: str = ""
    message: str = ""
    retry_after: int | None = None


def _revoke_family(session: Session, family_id: str, reason: str) -> int:
    t = now()
    n = session.execute(update(PRefreshToken).where(PRefreshToken.family_id == family_id,
                                                    PRefreshToken.revoked_at.is_(None))
                        .values(revoked_at=t, revoked_reason=reason)).rowcount or 0
    session.execute(delete(PToken).where(PToken.family_id == family_id))
    return n


def _kill_tokens(session: Session, account: str, reason: str) -> int:
    """Every access and refresh token of ``account`` ends now."""
    t = now()
    n = session.execute(update(PRefreshToken).where(PRefreshToken.account == account,
                                                    PRefreshToken.revoked_at.is_(None))
                        .values(revoked_at=t, revoked_reason=reason)).rowcount or 0
    n += session.execute(delete(PToken).where(PToken.account == account)).rowcount or 0
    return n


def refresh(session: Session, token: str, device_id: str | None, policy: TokenPolicy, address: str,
            signin_policy: Any) -> Outcome:
    """Rotate a refresh token (see the module docstring). Throttled like sign-ins: failures count towards
    the address's lockout (p_signin_attempts, kind ``refresh``)."""
    from provincial.service import record_signin, signin_gate

    row = session.get(PRefreshToken, _digest(token), with_for_update=True)
    account_name = row.account if row is not None else "-"
    wait = signin_gate(session, "refresh", account_name, address, signin_policy)
    if wait is not None:
        record_signin(session, "refresh", account_name, address, "locked")
        record_event(session, "refresh_failed", account_name, device_id=device_id, address=address, detail="失败次数过多，已锁定")
        return Outcome(status=429, code="locked", retry_after=wait,
                       message=f"失败次数过多，已暂时锁定，请约{max(1, round(wait / 60))}分钟后再试")

    def fail(code: str, message: str, detail: str, event: str = "refresh_failed") -> Outcome:
        record_signin(session, "refresh", account_name, address, "bad_credentials")
        record_event(session, event, account_name, device_id=device_id, address=address, detail=detail)
        return Outcome(code=code, message=message)

    again = "请重新登录省平台"
    if row is None:
        return fail("refresh_invalid", f"续期令牌无效，{again}", "未知的续期令牌")
    t = now()
    if row.revoked_at is not None:
        return fail("refresh_revoked", f"此设备的登录已被注销，{again}", f"已注销（{REVOKE_REASONS.get(row.revoked_reason or '', row.revoked_reason)}）")
    if not device_id or device_id != row.device_id:
        _revoke_family(session, row.family_id, "device_mismatch")
        return fail("refresh_invalid", f"续期令牌与本设备不符，已注销该登录，{again}",
                    f"设备不符（令牌属于设备 {row.device_id}），已注销该登录", "refresh_reuse")
    account = session.get_one(PAccount, row.account)
    successor = None
    if row.rotated_at is not None:
        successor = session.scalar(select(PRefreshToken).where(
            PRefreshToken.family_id == row.family_id, PRefreshToken.revoked_at.is_(None),
            PRefreshToken.rotated_at.is_(None)).with_for_update())
        within_grace = (t - row.rotated_at).total_seconds() <= policy.reuse_grace_s
        if not (within_grace and successor is not None and successor.created_at == row.rotated_at):
            _revoke_family(session, row.family_id, "reuse")
            return fail("refresh_reused", f"续期令牌已被使用过，为安全起见已注销此设备的登录，{again}",
                        "已续期的令牌被再次使用，已注销该设备的登录", "refresh_reuse")
    if not account.active:
        return fail("account_disabled", "此平台账号已停用，请联系平台管理员", "账号已停用")
    if not _token_alive(account, row.pw_tag, row.family_started_at):
        return fail("token_revoked", f"密码已重置或登录已被注销，{again}", "密码已重置或登录已注销")
    if row.expires_at <= t or (policy.refresh_max_s and
                               row.family_started_at + timedelta(seconds=policy.refresh_max_s) <= t):
        return fail("refresh_expired", f"长时间未与省平台同步，登录已过期，{again}", "续期令牌已过期")
    if successor is not None:  # a retry within the grace window: the unused successor goes
        successor.revoked_at, successor.revoked_reason = t, "retried"
    row.rotated_at = t
    session.flush()
    data = issue_session(session, account, row.device_id, policy, family_id=row.family_id,
                         family_started_at=row.family_started_at)
    # The successor's created_at equals its predecessor's rotated_at: that is how a grace retry finds it.
    new = session.get_one(PRefreshToken, _digest(data["refresh_token"]))
    new.created_at = t
    record_signin(session, "refresh", account.name, address, "ok")
    record_event(session, "refresh", account.name, device_id=device_id, address=address,
                 detail="宽限期内重试" if successor is not None else None)
    return Outcome(data=data)


def revoke_presented(session: Session, access_token: str | None, refresh_token: str | None, address: str) -> int:
    """Sign-out of one device: the family of the presented refresh (or access) token ends."""
    family, account, device = None, None, None
    if refresh_token:
        row = session.get(PRefreshToken, _digest(refresh_token))
        if row is not None:
            family, account, device = row.family_id, row.account, row.device_id
    if family is None and access_token:
        tok = session.get(PToken, _digest(access_token))
        if tok is not None:
            family, account, device = tok.family_id, tok.account, tok.device_id
            if family is None:  # a token from before 0005: just that token
                session.delete(tok)
                record_event(session, "sign_out", account, device_id=device, address=address)
                return 1
    if family is None:
        return 0
    n = _revoke_family(session, family, "sign_out")
    record_event(session, "sign_out", account or "-", device_id=device, address=address)
    return max(n, 1)


# ---------------------------------------------------------------- operator actions (execdesk-platform)


def list_devices(session: Session, account: str) -> list[dict[str, Any]]:
    """One line per device of ``account``: when it signed in, last refreshed, until when, live or not."""
    acct = account_info(session, account)
    rows = session.scalars(select(PRefreshToken).where(PRefreshToken.account == account)
                           .order_by(PRefreshToken.created_at)).all()
    t = now()
    devices: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = devices.setdefault(r.device_id, {"device_id": r.device_id, "signed_in_at": r.family_started_at,
                                             "last_refresh_at": None, "expires_at": None, "live": False})
        d["signed_in_at"] = min(d["signed_in_at"], r.family_started_at)
        if r.created_at > r.family_started_at:
            d["last_refresh_at"] = max(d["last_refresh_at"] or r.created_at, r.created_at)
        live = (r.revoked_at is None and r.rotated_at is None and r.expires_at > t and acct.active
                and _token_alive(acct, r.pw_tag, r.family_started_at))
        if live:
            d["live"] = True
            d["expires_at"] = max(d["expires_at"] or r.expires_at, r.expires_at)
    return list(devices.values())


def revoke_device(session: Session, account: str, device_id: str) -> int:
    account_info(session, account)
    families = set(session.scalars(select(PRefreshToken.family_id).where(
        PRefreshToken.account == account, PRefreshToken.device_id == device_id)))
    n = sum(_revoke_family(session, f, "revoke_device") for f in families)
    n += session.execute(delete(PToken).where(PToken.account == account, PToken.device_id == device_id)).rowcount or 0
    record_event(session, "revoke_device", account, device_id=device_id, address=OPERATOR, detail=f"{n}个令牌失效")
    return n


def deactivate_account(session: Session, account: str) -> int:
    acct = account_info(session, account)
    acct.active = False
    acct.tokens_valid_after = now()
    n = _kill_tokens(session, account, "deactivate")
    record_event(session, "deactivate", account, address=OPERATOR, detail=f"{n}个令牌失效")
    return n


def reactivate_account(session: Session, account: str) -> None:
    acct = account_info(session, account)
    acct.active = True  # earlier tokens stay dead (tokens_valid_after): the person signs in again
    record_event(session, "reactivate", account, address=OPERATOR)


def reset_password(session: Session, account: str, password: str) -> int:
    from provincial.service import hash_password

    if len(password) < 8:
        raise _error(400, "invalid", "密码至少8位")
    acct = account_info(session, account)
    acct.password_hash = hash_password(password)
    acct.tokens_valid_after = now()
    n = _kill_tokens(session, account, "reset")
    record_event(session, "reset_password", account, address=OPERATOR, detail=f"{n}个令牌失效")
    return n
