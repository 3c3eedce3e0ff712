"""The platform tokens live only in the OS keyring (Windows Credential Manager). Never the password.

No plaintext fallback: on a machine without a usable keyring backend the user gets a clear Chinese error
and nothing is stored (ANCHORS A9-14). One keyring entry per account and host holds the access token and
the device's refresh token as a small JSON object (~150 bytes, far below Credential Manager's 2,560-byte
limit); an entry written by an earlier version (the bare access token) still reads as an access token.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import keyring
import keyring.errors

from execdesk.config import Settings
from execdesk.sync.errors import AuthRequired, KeyringUnavailable, NotConfigured

SERVICE = "ExecDesk-provincial-platform"

# Backends that would write the secret to disk in the clear or not at all.
_UNSAFE_BACKENDS = {("keyring.backends.fail", "Keyring"), ("keyrings.alt.file", "PlaintextKeyring"),
                    ("keyring.backends.null", "Keyring")}

_NO_KEYRING = ("本机没有可用的系统密钥环（如Windows凭据管理器），无法安全保存省平台登录令牌；"
               "为安全起见不会以明文保存。请联系信息技术部门启用系统凭据管理。")


def ensure_keyring() -> keyring.backend.KeyringBackend:
    """The keyring backend, or KeyringUnavailable when only unsafe or no backends exist."""
    return _backend()


def _backend() -> keyring.backend.KeyringBackend:
    kr = keyring.get_keyring()
    backends = getattr(kr, "backends", None)  # ChainerBackend: usable only if it chains something safe
    candidates = backends if backends is not None else [kr]
    safe = [b for b in candidates if (type(b).__module__, type(b).__name__) not in _UNSAFE_BACKENDS]
    if not safe:
        raise KeyringUnavailable(_NO_KEYRING)
    return kr


def _username(settings: Settings) -> str:
    if not settings.server_url or not settings.court_account:
        raise NotConfigured("尚未设置省平台地址或账号，请先登录：execdesk sync login --server 平台地址 --account 账号")
    host = urlsplit(settings.server_url).netloc
    return f"{settings.court_account}@{host}"


def save_token(settings: Settings, token: str) -> None:
    kr = _backend()
    try:
        kr.set_password(SERVICE, _username(settings), token)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_NO_KEYRING) from exc


def load_token(settings: Settings, *, _raw: bool = False) -> str | None:
    """The access token (``_raw``: the keyring entry as stored)."""
    user = _username(settings)  # "not configured" is the more useful message, so it comes first
    kr = _backend()
    try:
        raw = kr.get_password(SERVICE, user)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_NO_KEYRING) from exc
    if _raw or not raw or not raw.startswith("{"):
        return raw
    creds = load_credentials(settings)
    return creds.access if creds else None


def delete_token(settings: Settings) -> None:
    kr = _backend()
    try:
        kr.delete_password(SERVICE, _username(settings))
    except keyring.errors.PasswordDeleteError:
        pass  # nothing stored: signing out twice is fine
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_NO_KEYRING) from exc


@dataclass
class Credentials:
    access: str
    refresh: str | None = None


def save_credentials(settings: Settings, creds: Credentials) -> None:
    save_token(settings, json.dumps({"access": creds.access, "refresh": creds.refresh}, separators=(",", ":")))


def load_credentials(settings: Settings) -> Credentials | None:
    raw = load_token(settings, _raw=True)
    if not raw:
        return None
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if isinstance(data, dict) and isinstance(data.get("access"), str):
            refresh = data.get("refresh")
            return Credentials(data["access"], refresh if isinstance(refresh, str) else None)
        return None
    return Credentials(raw)  # written by an earlier version: an access token only


_SIGN_IN_AGAIN = "省平台登录已过期，需要重新登录（同步 → 登录省平台）；待上报的数据已保留，不会丢失。"


class TokenAuth:
    """This device's tokens during a sync run: the transport asks it for the access token, and on a 401 for
    an expired one calls ``refresh`` — once per refused token, under a lock (pipelined pushes run on two
    threads). The rotated pair goes to the keyring at once: the old refresh token no longer works."""

    def __init__(self, settings: Settings, creds: Credentials, device_id: str):
        self.settings, self.creds, self.device_id = settings, creds, device_id
        self._lock = threading.Lock()
        self.refreshes = 0

    @property
    def access(self) -> str:
        return self.creds.access

    def refresh(self, transport, refused: str) -> str:
        with self._lock:
            if self.creds.access != refused:  # another request refreshed meanwhile
                return self.creds.access
            if not self.creds.refresh:
                raise AuthRequired(_SIGN_IN_AGAIN, code="no_refresh_token")
            try:
                reply = transport._request("POST", "api/v1/auth/refresh",
                                           body={"refresh_token": self.creds.refresh, "device_id": self.device_id})
            except AuthRequired as exc:
                # The device's sign-in is over (expired, revoked, reset, deactivated): the keyring entry is
                # of no further use; the outbox is untouched.
                delete_token(self.settings)
                said = (exc.server_message or "").rstrip("。")
                message = f"{said}。{_SIGN_IN_AGAIN}" if said else _SIGN_IN_AGAIN
                raise AuthRequired(message, code=exc.code, server_message=exc.server_message) from exc
            data = reply.data
            access, refresh = data.get("access_token"), data.get("refresh_token")
            if reply.status != 200 or not isinstance(access, str) or not isinstance(refresh, str):
                raise AuthRequired(f"省平台续期失败（{data.get('message') or f'HTTP {reply.status}'}）。{_SIGN_IN_AGAIN}",
                                   code=str(data.get("error") or "refresh_failed"))
            self.creds = Credentials(access, refresh)
            save_credentials(self.settings, self.creds)
            self.refreshes += 1
            return access
