"""HTTP transport to the platform: requests, TLS always verified, bounded retries, strict answers.

What counts as the platform answering: a JSON body with a JSON content type from the configured host.
Everything else (an HTML login page behind a captive proxy, a redirect to another host, a truncated or
garbled body) is refused, never parsed as success (ODK Collect's uploader lesson, ANCHORS A9-13).

Retry rules (every request is idempotent: pushes carry change ids the platform deduplicates):
  - connection refused/reset, timeouts, truncated or malformed bodies, 502/504 → retry with exponential
    backoff and full jitter, up to ``RetryPolicy.attempts``;
  - 429/503 → retry after the server's Retry-After (capped), else backoff;
    a Retry-After longer than ``max_retry_after`` (a sign-in lockout) is reported at once, not waited out;
  - TLS failure, 401, 426, 500 and other 5xx → stop at once (retrying the same request cannot help; the
    sync client splits a push batch answered 500 to find a change the platform cannot process).
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from execdesk import __version__
from execdesk.sync.errors import (
    AuthRequired,
    NetworkError,
    NotConfigured,
    ProtocolError,
    ServerError,
    TlsError,
    UpgradeRequired,
)

log = logging.getLogger("execdesk.sync")

# Protocol v2 (issue 13): stable identities in payload schema 2 (docs/sync-protocol.md §3).
PROTOCOL_VERSION = 2
PAYLOAD_SCHEMA = 2
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
GZIP_MIN_BYTES = 1024
# 401 codes after which a refresh is tried (an expired access token; an unknown one, e.g. cleaned up).
REFRESHABLE = ("token_expired", "token_invalid")


@dataclass
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def backoff(self, attempt: int) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(cap, base·2^attempt)]."""
        return random.uniform(0, min(self.max_delay, self.base_delay * (2 ** attempt)))


@dataclass
class Reply:
    status: int
    data: dict[str, Any]
    bytes_sent: int
    bytes_received: int


@dataclass
class Transport:
    """One requests.Session to the platform. ``sleep`` is injectable so a cancel can cut waits short."""

    base_url: str
    ca_bundle: str = ""
    timeout: tuple[float, float] = (5.0, 60.0)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    clock_skew_s: float | None = None
    # Device tokens (execdesk.sync.credentials.TokenAuth): a request answered 401 for an expired or unknown
    # access token is retried once after a refresh; every request uses the newest access token.
    auth: Any = None
    bytes_sent: int = 0
    bytes_received: int = 0

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise NotConfigured(f"省平台地址不正确（{self.base_url}），应为 https://主机名/ 的形式")
        if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
            # Plain HTTP only to this machine itself (tests, a local proxy); the network always gets TLS.
            raise NotConfigured("省平台地址必须使用 https:// 加密连接")
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        self._origin = (parts.scheme, parts.hostname, parts.port)
        verify: bool | str = True
        if self.ca_bundle:
            if not Path(self.ca_bundle).is_file():
                raise NotConfigured(f"找不到设置的CA证书文件：{self.ca_bundle}")
            verify = self.ca_bundle
        self.verify = verify  # never False
        self.session = requests.Session()
        self.session.verify = verify
        self.session.headers.update({
            "User-Agent": f"ExecDesk/{__version__}", "Accept": "application/json",
            "X-ExecDesk-Protocol": str(PROTOCOL_VERSION), "X-ExecDesk-App": __version__,
            "X-ExecDesk-Schema": str(PAYLOAD_SCHEMA)})

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------ one request, with retries

    def request(self, method: str, path: str, *, body: Any = None, raw_json: bytes | None = None,
                token: str | None = None, params: dict | None = None, idempotency_key: str | None = None,
                ok_statuses: tuple[int, ...] = (200,)) -> Reply:
        kw = {"body": body, "raw_json": raw_json, "params": params, "idempotency_key": idempotency_key,
              "ok_statuses": ok_statuses}
        if not token or self.auth is None:
            return self._request(method, path, token=token, **kw)
        token = self.auth.access
        try:
            return self._request(method, path, token=token, **kw)
        except AuthRequired as exc:
            if exc.code not in REFRESHABLE:
                raise
            log.info("sync: access token refused (%s); refreshing", exc.code)
            token = self.auth.refresh(self, token)  # AuthRequired (sign in again) when that fails
            return self._request(method, path, token=token, **kw)

    def _request(self, method: str, path: str, *, body: Any = None, raw_json: bytes | None = None,
                 token: str | None = None, params: dict | None = None, idempotency_key: str | None = None,
                 ok_statuses: tuple[int, ...] = (200,)) -> Reply:
        headers: dict[str, str] = {}
        data: bytes | None = None
        if body is not None or raw_json is not None:
            data = raw_json if raw_json is not None else json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
            if len(data) >= GZIP_MIN_BYTES:
                data = gzip.compress(data, compresslevel=1)
                headers["Content-Encoding"] = "gzip"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = urljoin(self.base_url, path.lstrip("/"))
        last_problem = ""
        for attempt in range(self.retry.attempts):
            if attempt:
                log.info("sync retry %d for %s %s: %s", attempt, method, path, last_problem)
            try:
                resp = self._send(method, url, headers, data, params)
            except requests.exceptions.SSLError as exc:
                raise TlsError("无法验证省平台的安全证书（TLS），已停止同步。请检查系统时间和CA证书设置。"
                               f"（{_short(exc)}）") from exc
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
                last_problem = f"连接中断或超时（{_short(exc)}）"
                self.sleep(self.retry.backoff(attempt))
                continue
            self.bytes_sent += len(data or b"")
            self.bytes_received += len(resp.content)
            self._note_skew(resp)
            status = resp.status_code
            if status in (429, 503):
                wait = _retry_after(resp.headers.get("Retry-After"), None)
                if wait is not None and wait > self.retry.max_retry_after:
                    # e.g. a sign-in lockout of 15 minutes: waiting here would only freeze the caller.
                    raise ServerError(_server_message(resp) or f"省平台暂时不接受请求（HTTP {status}），请稍后再试。",
                                      status)
                last_problem = f"平台繁忙（HTTP {status}）"
                if attempt < self.retry.attempts - 1:
                    self.sleep(wait if wait is not None else self.retry.backoff(attempt))
                continue
            if status in (502, 504):
                last_problem = f"平台网关错误（HTTP {status}）"
                self.sleep(self.retry.backoff(attempt))
                continue
            if status == 401:
                code, said = _server_code(resp), _server_message(resp)
                lead = said.rstrip("。") if code in ("account_disabled", "token_revoked") and said else "省平台登录已失效，请重新登录"
                raise AuthRequired(f"{lead}；待上报的数据已保留，不会丢失。", code=code, server_message=said)
            if status == 426:
                raise UpgradeRequired(_server_message(resp) or "省平台要求升级ExecDesk后才能同步。")
            if status >= 500:
                raise ServerError(f"省平台服务器出错（HTTP {status}），已停止本次同步；待上报的数据已保留。", status)
            if status not in ok_statuses and not 400 <= status < 500:
                raise ProtocolError(f"省平台返回了意外的状态（HTTP {status}）")
            if not _is_json(resp):
                if resp.text.lstrip()[:1] == "<":
                    raise ProtocolError("省平台地址返回的是网页（可能是网络登录页或代理页面），不是平台数据；"
                                        "请检查网络或平台地址设置。")
                last_problem = "平台应答格式不正确"
                self.sleep(self.retry.backoff(attempt))
                continue
            try:
                payload = resp.json()
            except ValueError:
                last_problem = "平台应答不完整或已损坏"
                self.sleep(self.retry.backoff(attempt))
                continue
            if not isinstance(payload, dict):
                last_problem = "平台应答格式不正确"
                self.sleep(self.retry.backoff(attempt))
                continue
            return Reply(status, payload, len(data or b""), len(resp.content))
        if last_problem.startswith("平台繁忙"):
            raise ServerError(f"{last_problem}，多次重试后仍未成功，请稍后再试；待上报的数据已保留。")
        raise NetworkError(f"无法与省平台通信：{last_problem}；已重试{self.retry.attempts}次，"
                           "待上报的数据已保留，网络恢复后会继续。")

    def _send(self, method: str, url: str, headers: dict, data: bytes | None, params: dict | None) -> requests.Response:
        """Send, following redirects only within the same scheme, host and port."""
        for _ in range(4):
            # verify passed per request: requests lets REQUESTS_CA_BUNDLE override a *session* setting.
            resp = self.session.request(method, url, headers=headers, data=data, params=params,
                                        timeout=self.timeout, allow_redirects=False, verify=self.verify)
            if not resp.is_redirect:
                return resp
            target = urljoin(url, resp.headers.get("Location", ""))
            parts = urlsplit(target)
            if (parts.scheme, parts.hostname, parts.port) != self._origin:
                raise ProtocolError(f"省平台将请求重定向到其他地址（{parts.scheme}://{parts.netloc}），为安全起见已拒绝。")
            if resp.status_code in (301, 302, 303) and method != "GET":
                raise ProtocolError("省平台地址已变更（重定向），请在设置中更新平台地址。")
            url, params = target, None
        raise ProtocolError("省平台重定向次数过多")

    def _note_skew(self, resp: requests.Response) -> None:
        """Server Date minus local time, from the header the server stamps on every answer (1 s resolution)."""
        date_header = resp.headers.get("Date")
        if not date_header:
            return
        try:
            server_time = parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            return
        if server_time.tzinfo is None:
            return
        elapsed = resp.elapsed.total_seconds() if resp.elapsed else 0.0
        local_mid = datetime.now(UTC).timestamp() - elapsed / 2
        self.clock_skew_s = round(server_time.timestamp() - local_mid, 1)


def _is_json(resp: requests.Response) -> bool:
    return "json" in resp.headers.get("Content-Type", "").lower()


def _server_code(resp: requests.Response) -> str | None:
    try:
        data = resp.json()
    except ValueError:
        return None
    return data.get("error") if isinstance(data, dict) and isinstance(data.get("error"), str) else None


def _server_message(resp: requests.Response) -> str | None:
    try:
        data = resp.json()
    except ValueError:
        return None
    return data.get("message") if isinstance(data, dict) and isinstance(data.get("message"), str) else None


def _retry_after(value: str | None, cap: float | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (when - datetime.now(UTC)).total_seconds()
    seconds = max(0.0, seconds)
    return seconds if cap is None else min(cap, seconds)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "…"
