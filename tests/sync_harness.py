"""Sync test harness: the real reference platform in a uvicorn subprocess on 127.0.0.1, a fault-injecting
HTTP proxy in front of it (the outer network boundary), and an in-memory keyring backend.

Backends: SQLite always; PostgreSQL too when EXECDESK_TEST_PG_URL is set (postgresql+psycopg://…).
Import the fixtures into a test module with ``from sync_harness import *``.
"""

from __future__ import annotations

import atexit
import http.client
import os
import socket
import socketserver
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
import keyring.backend
import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from execdesk.config import Settings
from execdesk.models.migrate import open_database
from execdesk.services.accounts import create_user, ensure_court
from execdesk.services.context import Actor
from provincial import service as platform_service
from provincial.models import PChange, PEntity, make_engine

PASSWORD = "platform-pass-1"
COURTS = {"鲁0102": ("济南市历下区人民法院", "lixia"), "鲁0103": ("济南市市中区人民法院", "shizhong")}
PG_URL = os.environ.get("EXECDESK_TEST_PG_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- keyring (outer boundary)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An OS keyring stand-in that keeps secrets in memory only."""

    priority = 10

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            import keyring.errors

            raise keyring.errors.PasswordDeleteError("not found")
        del self.store[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


# ---------------------------------------------------------------- the platform process

_engines: dict[str, object] = {}


def platform_engine(db_url: str):
    if db_url not in _engines:
        _engines[db_url] = make_engine(db_url)
    return _engines[db_url]


@contextmanager
def platform_db(db_url: str) -> Iterator[Session]:
    """A direct session on the platform's database (operator actions and checks, like the admin CLI)."""
    with Session(platform_engine(db_url), expire_on_commit=False) as session, session.begin():
        yield session


class PlatformProcess:
    """``execdesk-platform serve`` in a subprocess; kill -9 and restart on the same port and database."""

    def __init__(self, db_url: str, workdir: Path, *, tls: tuple[str, str, str] | None = None,
                 token_ttl: int = 3600, min_app_version: str = "0.1.0", port: int | None = None,
                 extra_args: list[str] | None = None):
        self.db_url, self.workdir, self.tls = db_url, workdir, tls
        self.extra_args = list(extra_args or [])
        self.token_ttl, self.min_app_version = token_ttl, min_app_version
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"

    def start(self) -> PlatformProcess:
        cmd = [sys.executable, "-m", "provincial.admin", "--db", self.db_url, "serve", "--port", str(self.port),
               "--token-ttl", str(self.token_ttl), "--min-app-version", self.min_app_version]
        if self.tls:
            cmd += ["--cert", self.tls[0], "--key", self.tls[1]]
        cmd += self.extra_args
        log = open(self.workdir / f"platform-{self.port}.log", "ab")
        self.log_path = Path(log.name)
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        verify = self.tls[2] if self.tls else True
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"platform exited: see {log.name}")
            try:
                if requests.get(self.url + "api/v1/hello", timeout=1, verify=verify).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("platform did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # SIGKILL: no graceful shutdown
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def fresh_platform_db(backend: str, workdir: Path) -> str:
    """A new, empty platform database. On PostgreSQL a schema of its own per test process, so two test runs
    on one server (two engineers, or CI and a developer) never see each other's tables."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'provincial.sqlite3'}"
    else:
        from sqlalchemy import create_engine, text

        schema = f"execdesk_t{os.getpid()}_{int(time.time())}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
        _cleanups.append(lambda: _drop_schema(schema))
    with platform_db(url) as s:
        for code, (name, account) in COURTS.items():
            platform_service.create_court(s, code, name)
            s.flush()
            platform_service.create_account(s, account, code, PASSWORD)
    return url


def _drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    for engine in _engines.values():
        engine.dispose()
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


# One platform process per backend for the whole test process. (The fixture below is imported into several
# test modules, which makes pytest treat each import as a fixture of its own; the registry keeps it to one.)
_running: dict[str, PlatformProcess] = {}
_cleanups: list[Callable[[], None]] = []


@atexit.register
def _stop_platforms() -> None:
    for proc in _running.values():
        proc.stop()
    for fn in _cleanups:
        try:
            fn()
        except Exception:  # the server may be gone already; nothing to clean then
            pass


@pytest.fixture(scope="session", params=BACKENDS)
def platform(request, tmp_path_factory) -> PlatformProcess:
    """The reference platform, one per test session and backend, on a free 127.0.0.1 port."""
    proc = _running.get(request.param)
    if proc is None or proc.proc is None or proc.proc.poll() is not None:
        workdir = tmp_path_factory.mktemp(f"platform-{request.param}")
        proc = PlatformProcess(fresh_platform_db(request.param, workdir), workdir).start()
        proc.backend = request.param
        _running[request.param] = proc
    return proc


# ---------------------------------------------------------------- client side


def client_store(path: Path, court_code: str = "鲁0102"):
    """A desktop database for one court, with a handler and a clerk (as a court office would have)."""
    admin = Actor(username="setup", display_name="设置")
    store = open_database(path)
    ensure_court(store, admin, code=court_code, name=COURTS[court_code][0])
    create_user(store, admin, username="zhangwei", display_name="张伟", role="承办人", password="password123",
                court_code=court_code)
    create_user(store, admin, username="liuyang", display_name="刘洋", role="书记员", password="password123",
                court_code=court_code)
    return store


def settings_for(platform_url: str, court_code: str = "鲁0102", ca_bundle: str = "") -> Settings:
    return Settings(server_url=platform_url, court_account=COURTS[court_code][1], ca_bundle=ca_bundle)


def point_at(settings: Settings, url: str) -> Settings:
    """Send this desktop's traffic to ``url`` (e.g. a fault proxy), carrying its keyring token along
    (tokens are keyed by account and host)."""
    from execdesk.sync import credentials

    creds = credentials.load_credentials(settings)  # access and refresh token (issue 13)
    settings.server_url = url
    if creds:
        credentials.save_credentials(settings, creds)
    return settings


def platform_counts(db_url: str, change_ids: list[str]) -> dict[str, int]:
    """How many times each change id is recorded on the platform (must be exactly 1)."""
    out: dict[str, int] = {}
    with platform_db(db_url) as s:
        for i in range(0, len(change_ids), 500):
            chunk = change_ids[i:i + 500]
            for cid, n in s.execute(select(PChange.change_id, func.count()).where(PChange.change_id.in_(chunk))
                                    .group_by(PChange.change_id)):
                out[cid] = n
    return out


def platform_versions(db_url: str, entity_ids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    with platform_db(db_url) as s:
        for i in range(0, len(entity_ids), 500):
            chunk = entity_ids[i:i + 500]
            out.update(dict(s.execute(select(PEntity.entity_id, PEntity.version).where(PEntity.entity_id.in_(chunk)))
                            .all()))
    return out


def integrity_ok(db_file: Path) -> bool:
    con = sqlite3.connect(db_file)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


# ---------------------------------------------------------------- fault-injecting proxy (outer boundary)

Fault = tuple | str | None


class FaultProxy:
    """An HTTP/1.1 proxy on 127.0.0.1 in front of the platform. ``plan(n, method, path)`` picks the fault for
    the n-th request (0-based). Faults:

      None                      forward untouched
      "reset_before"            drop the connection (RST) before the platform sees the request
      "reset_after"             forward (the platform applies it), then RST instead of answering
      "truncate"                forward, answer with half the body (Content-Length of the whole)
      "garbage"                 forward, answer 200 application/json with a malformed body
      "html"                    answer 200 text/html: a login page, as a captive portal does
      ("status", code, retry_after_or_None)   answer that status without forwarding
      ("delay", seconds)        wait, then forward (client timeouts)
      ("delay_after", seconds)  forward, wait, then answer (widens the send→store window)
      ("redirect", location)    answer 307 to ``location``
      ("skew", seconds)         forward, but stamp the answer's Date header ``seconds`` off
      ("rewrite", fn)           forward, answer with ``fn(body)`` (a platform bug or a meddling proxy)
    """

    def __init__(self, upstream_port: int, plan: Callable[[int, str, str], Fault] | None = None):
        self.upstream_port = upstream_port
        self.plan = plan or (lambda n, m, p: None)
        # Optional: a fault chosen from the (decompressed) request body, e.g. a platform bug that only one
        # change triggers. Overrides ``plan`` when it returns something other than None.
        self.body_fault: Callable[[bytes], Fault] | None = None
        self.count = 0
        self.log: list[tuple[str, str, Fault]] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def _read_request(sock: socket.socket) -> tuple[str, str, dict[str, str], bytes] | None:
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buf += chunk
        head, body = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            headers[k.strip()] = v.strip()
        length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            body += chunk
        return method, path, headers, body

    @staticmethod
    def _rst(sock: socket.socket) -> None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()

    @staticmethod
    def _respond(sock: socket.socket, status: int, headers: list[tuple[str, str]], body: bytes,
                 declared_length: int | None = None) -> None:
        reason = http.client.responses.get(status, "X")
        out = [f"HTTP/1.1 {status} {reason}"]
        out += [f"{k}: {v}" for k, v in headers if k.lower() not in ("content-length", "transfer-encoding",
                                                                     "connection")]
        out += [f"Content-Length: {declared_length if declared_length is not None else len(body)}",
                "Connection: close"]
        sock.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes):
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=120)
        try:
            fwd = {k: v for k, v in headers.items() if k.lower() not in ("connection", "keep-alive")}
            conn.request(method, path, body=body or None, headers=fwd)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def _handle(self, sock: socket.socket) -> None:
        req = self._read_request(sock)
        if req is None:
            sock.close()
            return
        method, path, headers, body = req
        with self._lock:
            n = self.count
            self.count += 1
        fault = self.plan(n, method, path)
        if self.body_fault is not None and body:
            plain = body
            if "gzip" in next((v for k, v in headers.items() if k.lower() == "content-encoding"), ""):
                import gzip

                plain = gzip.decompress(body)
            fault = self.body_fault(plain) or fault
        self.log.append((method, path, fault))
        try:
            if fault == "reset_before":
                self._rst(sock)
                return
            if fault == "html":
                page = "<!DOCTYPE html><html><head><title>统一身份认证</title></head><body><form>登录</form></body></html>"
                self._respond(sock, 200, [("Content-Type", "text/html; charset=utf-8")], page.encode())
            elif isinstance(fault, tuple) and fault[0] == "status":
                extra = [("Retry-After", str(fault[2]))] if fault[2] is not None else []
                self._respond(sock, fault[1], [("Content-Type", "application/json")] + extra,
                              b'{"error": "busy", "message": "busy"}')
            elif isinstance(fault, tuple) and fault[0] == "redirect":
                self._respond(sock, 307, [("Location", fault[1])], b"")
            else:
                if isinstance(fault, tuple) and fault[0] == "delay":
                    time.sleep(fault[1])
                status, rheaders, rbody = self._forward(method, path, headers, body)
                if isinstance(fault, tuple) and fault[0] == "delay_after":
                    time.sleep(fault[1])
                if isinstance(fault, tuple) and fault[0] == "skew":
                    from email.utils import formatdate

                    rheaders = [(k, v) for k, v in rheaders if k.lower() != "date"]
                    rheaders.append(("Date", formatdate(time.time() + fault[1], usegmt=True)))
                if isinstance(fault, tuple) and fault[0] == "rewrite":
                    rbody = fault[1](rbody)
                if fault == "reset_after":
                    self._rst(sock)
                    return
                if fault == "truncate":
                    self._respond(sock, status, rheaders, rbody[: len(rbody) // 2], declared_length=len(rbody))
                elif fault == "garbage":
                    self._respond(sock, 200, [("Content-Type", "application/json")], b'{"results": [{"chan')
                else:
                    self._respond(sock, status, rheaders, rbody)
            sock.close()
        except OSError:
            sock.close()


@pytest.fixture
def proxy_factory(platform) -> Iterator[Callable[..., FaultProxy]]:
    made: list[FaultProxy] = []

    def make(plan: Callable[[int, str, str], Fault] | None = None, upstream_port: int | None = None) -> FaultProxy:
        p = FaultProxy(upstream_port or platform.port, plan)
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


__all__ = ["BACKENDS", "COURTS", "PASSWORD", "FaultProxy", "MemoryKeyring", "PlatformProcess", "client_store",
           "free_port", "integrity_ok", "memory_keyring", "platform", "platform_counts", "platform_db",
           "platform_versions", "point_at", "proxy_factory", "settings_for"]
