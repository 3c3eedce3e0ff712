"""The platform token lives only in the OS keyring (Windows Credential Manager). Never the password.

No plaintext fallback: on a machine without a usable keyring backend the user gets a clear Chinese error
and nothing is stored (ANCHORS A9-14). Tokens are short (~43 chars), far below Credential Manager's
2,560-byte limit.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import keyring
import keyring.errors

from execdesk.config import Settings
from execdesk.sync.errors import KeyringUnavailable, NotConfigured

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


def load_token(settings: Settings) -> str | None:
    user = _username(settings)  # "not configured" is the more useful message, so it comes first
    kr = _backend()
    try:
        return kr.get_password(SERVICE, user)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_NO_KEYRING) from exc


def delete_token(settings: Settings) -> None:
    kr = _backend()
    try:
        kr.delete_password(SERVICE, _username(settings))
    except keyring.errors.PasswordDeleteError:
        pass  # nothing stored: signing out twice is fine
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_NO_KEYRING) from exc
