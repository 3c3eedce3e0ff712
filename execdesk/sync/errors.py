"""Sync errors. Each carries one clear Chinese sentence for the clerk; the CLI prints it (exit 2)."""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    """Base class: a run that stopped (systemic error) or an action that could not be done.

    ``report`` is set when a run stopped, so the UI can still show what was done before the stop."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        self.report: Any = None

    def __str__(self) -> str:
        return self.message


class NotConfigured(SyncError):
    """Server address or account missing, or an unusable CA bundle path."""


class KeyringUnavailable(SyncError):
    """No usable OS keyring: the token cannot be kept safely, so it is not kept at all."""


class AuthRequired(SyncError):
    """401 or no token: sign in again. The outbox is untouched. ``code`` is the platform's error code
    (token_expired, token_invalid, token_revoked, account_disabled, refresh_*), when it gave one."""

    def __init__(self, message: str, code: str | None = None, server_message: str | None = None):
        super().__init__(message)
        self.code = code
        self.server_message = server_message


class UpgradeRequired(SyncError):
    """HTTP 426: the platform needs a newer ExecDesk or protocol."""


class TlsError(SyncError):
    """The platform's certificate could not be verified (never bypassed)."""


class NetworkError(SyncError):
    """Connection refused/reset or timeouts after the allowed retries."""


class ServerError(SyncError):
    """5xx (or 429/503 still busy after retries). ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class ProtocolError(SyncError):
    """Not the platform talking: HTML login page, non-JSON, redirect to another host, malformed answer."""


class LocalWriteError(SyncError):
    """The local database refused a write (disk full, locked, constraint): the apply rolled back whole."""
