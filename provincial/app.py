"""The platform's HTTP API (FastAPI). ``create_app(config)`` builds it; ``docs/sync-openapi.json`` is its schema.

Errors are always JSON ``{"error": code, "message": 中文}`` with the right status; the read-only HTML page
``/admin`` (not in the OpenAPI document) shows what each court has sent.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from provincial import MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, service
from provincial.models import db_url_from_env, make_engine, utcnow
from provincial.schemas import BodyError, dumps, parse_json
from provincial.service import Caller, PlatformError, SignInPolicy

log = logging.getLogger("provincial")

MAX_BATCH_CHANGES = 1000
MAX_BODY_BYTES = 8 * 1024 * 1024  # decompressed; a gzip bomb stops here
MAX_DIGEST_CASES = 1000
MAX_FEED_PAGE = 500


@dataclass
class PlatformConfig:
    db_url: str = ""
    token_ttl_seconds: int = 3600  # access tokens
    refresh_ttl_seconds: int = 60 * 86400  # refresh tokens: idle expiry, sliding (provincial/auth.py)
    refresh_max_seconds: int = 0  # refresh tokens: absolute limit since the password sign-in; 0 = none
    refresh_grace_seconds: int = 30  # a rotated refresh token retried within this is not reuse
    min_app_version: str = "0.1.0"
    operator_message: str | None = None  # e.g. 维护通知, returned by /hello
    signin: SignInPolicy = field(default_factory=SignInPolicy)
    hash_workers: int = 2  # password hashing threads (scrypt releases the GIL); never the request threads
    hash_queue: int = 16  # sign-ins waiting for a hashing thread beyond this are answered 503 at once
    web_session_ttl_seconds: int = 8 * 3600


# ---------------------------------------------------------------- gzip request bodies


def _http(status: int, code: str, message: str) -> HTTPException:
    # FastAPI turns any other exception raised while reading the body into a bare 400; HTTPException passes.
    return HTTPException(status_code=status, detail={"error": code, "message": message})


class GzipRequest(Request):
    """Accept ``Content-Encoding: gzip`` request bodies, bounded after decompression."""

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            raw = await super().body()
            if "gzip" in self.headers.getlist("Content-Encoding"):
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                try:
                    raw = d.decompress(raw, MAX_BODY_BYTES + 1)
                except zlib.error as exc:
                    raise _http(400, "bad_gzip", "请求体的gzip压缩数据已损坏") from exc
                if len(raw) > MAX_BODY_BYTES:
                    raise _http(413, "too_large", "请求体过大")
                if not d.eof:
                    raise _http(400, "bad_gzip", "请求体的gzip压缩数据不完整")
            if len(raw) > MAX_BODY_BYTES:
                raise _http(413, "too_large", f"请求体过大（上限{MAX_BODY_BYTES // 1024 // 1024} MB）")
            self._body = raw
        return self._body

    async def json(self) -> Any:
        """The body as JSON within the protocol's bounds (provincial.schemas): no NaN/Infinity, bounded depth,
        size and integers. Anything else is a 422 here, before a handler or the database sees it."""
        if not hasattr(self, "_json"):
            raw = await self.body()
            try:
                value = parse_json(raw)
            except BodyError as exc:
                raise _http(422, "invalid", f"请求格式不正确：{exc}") from exc
            self._json = value
        return self._json


class GzipRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            return await original(GzipRequest(request.scope, request.receive))

        return handler


# ---------------------------------------------------------------- request / response models


# Identifiers never contain control characters (PostgreSQL text cannot hold NUL; logs must stay readable).
_ID = r"^[^\x00-\x1f\x7f]*$"


def Ident(max_length: int, min_length: int = 0, **kw):  # noqa: N802
    return Field(min_length=min_length, max_length=max_length, pattern=_ID, **kw)


class SignInRequest(BaseModel):
    account: str = Ident(64, 1)
    password: str = Field(min_length=1, max_length=256)
    device_id: str | None = Ident(64, default=None)


class SignInResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    court_code: str
    court_name: str
    refresh_token: str | None = Field(default=None, description="与 device_id 绑定的续期令牌（无 device_id 时为空）")
    refresh_expires_in: int | None = Field(default=None, description="续期令牌闲置多少秒后失效（每次续期重新计算）")
    account: str | None = None
    person: str | None = Field(default=None, description="人员标识 法院代字/用户名")
    role: str | None = None
    display_name: str | None = None


class ChangeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    change_id: str = Ident(36, 1)
    device_seq: int | None = Field(default=None, ge=0, le=2**62)
    entity: str = Ident(32, 1)
    entity_id: str = Ident(36, 1)
    case_id: str | None = Ident(36, default=None)
    op: str = Ident(8, default="upsert")
    base_version: int | None = Field(default=None, ge=0, le=2**31 - 1)
    payload: dict[str, Any]


class PushRequest(BaseModel):
    device_id: str | None = Ident(64, default=None)
    changes: list[ChangeIn] = Field(max_length=MAX_BATCH_CHANGES)


class ChangeResult(BaseModel):
    model_config = ConfigDict(extra="allow")
    change_id: str
    status: str = Field(description="accepted / duplicate / rejected / conflict / held")
    server_seq: int | None = None
    reason: str | None = None
    code: str | None = None
    server_version: int | None = None
    server_fields: dict[str, Any] | None = None
    original: dict[str, Any] | None = Field(default=None, description="for duplicate: the first answer")


class PushResponse(BaseModel):
    results: list[ChangeResult]
    server_time: str


class FeedItemOut(BaseModel):
    id: str
    seq: int
    kind: str
    case_id: str | None
    case_number: str | None
    title: str
    body: str | None
    issued_by: str | None
    due_on: str | None
    payload: dict[str, Any]
    created_at: str
    recipient: str | None = Field(default=None, description="person ref \"<court_code>/<username>\" the item is "
                                                           "addressed to; null: the whole court")


class FeedResponse(BaseModel):
    items: list[FeedItemOut]
    next_cursor: int
    has_more: bool


class DigestRequest(BaseModel):
    case_ids: list[Annotated[str, Ident(36)]] = Field(max_length=MAX_DIGEST_CASES)


class DigestResponse(BaseModel):
    digests: dict[str, str | None]


class EntityVersion(BaseModel):
    entity: str
    entity_id: str
    version: int


class CaseEntitiesResponse(BaseModel):
    case_id: str
    entities: list[EntityVersion]


class SnapshotRow(BaseModel):
    entity: str
    entity_id: str
    version: int
    fields: dict[str, Any]


class CaseSnapshotResponse(BaseModel):
    """Every row of a case with its fields and versions (the new handler's PC after a 移交)."""

    case_id: str
    case_number: str | None
    handler: str | None = Field(description="person ref of the 承办人 in the case register")
    clerk: str | None
    status: str | None
    rows: list[SnapshotRow]


class HelloResponse(BaseModel):
    protocol: int
    min_protocol: int
    min_app_version: str
    server_time: str
    message: str | None


class ErrorResponse(BaseModel):
    error: str
    message: str


_HTTP_MESSAGES = {404: "没有这个接口或资源", 405: "不支持此请求方法", 400: "请求不正确"}

# Descriptions are explicit: FastAPI's default is http.HTTPStatus's phrase, which Python 3.13 renamed for 413
# ("Request Entity Too Large" → "Content Too Large"), and the committed OpenAPI document must not depend on it.
ERROR_DESCRIPTIONS = {400: "请求无效", 401: "未登录或令牌失效", 413: "请求体过大", 426: "需要升级客户端"}
ERRORS = {code: {"model": ErrorResponse, "description": text} for code, text in ERROR_DESCRIPTIONS.items()}


_ASCII_INT = re.compile(r"[0-9]{1,6}")
_LEADING_DIGITS = re.compile(r"[0-9]{1,9}")


def _version_tuple(v: str) -> tuple[int, ...]:
    """"0.4.1" → (0, 4, 1). ASCII digits only (a header is Latin-1 text: "²" or "١" are not digits here);
    anything unparseable counts as 0, i.e. too old."""
    parts = []
    for p in v[:64].split(".")[:8]:
        m = _LEADING_DIGITS.match(p)
        parts.append(int(m.group()) if m else 0)
    return tuple(parts)


def _shown(value: str) -> str:
    """A header value fit to quote back in a message: printable ASCII, short."""
    text = "".join(ch for ch in value[:32] if 32 <= ord(ch) < 127)
    return text or "无法识别"


# ---------------------------------------------------------------- the app


_bearer = HTTPBearer(auto_error=False, description="POST /api/v1/auth/token 换取的短期令牌")


def get_caller(request: Request,
               credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None) -> Caller:
    """The court and account come from the bearer token alone (never from the request body)."""
    if credentials is None or not credentials.credentials:
        raise PlatformError(401, "token_missing", "未登录，请先登录")
    with request.app.state.sessions() as session:
        return service.caller_for_token(session, credentials.credentials)


Auth = Annotated[Caller, Depends(get_caller)]
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _caller(session: Session, credentials: HTTPAuthorizationCredentials | None) -> Caller:
    """The token looked up in the request's own transaction (one session, one commit per request)."""
    if credentials is None or not credentials.credentials:
        raise PlatformError(401, "token_missing", "未登录，请先登录")
    return service.caller_for_token(session, credentials.credentials)


def _json(value: Any) -> Response:
    return Response(dumps(value).encode(), media_type="application/json")


def create_app(config: PlatformConfig | None = None) -> FastAPI:
    config = config or PlatformConfig()
    engine = make_engine(db_url_from_env(config.db_url or None))
    sessions = sessionmaker(engine, expire_on_commit=False)

    app = FastAPI(title="ExecDesk 省级执行指挥平台同步接口", version=f"{PROTOCOL_VERSION}.0",
                  description=f"ExecDesk sync protocol v{PROTOCOL_VERSION} (docs/sync-protocol.md).")
    app.router.route_class = GzipRoute
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.config = config

    @contextmanager
    def unit() -> Iterator[Session]:
        session = sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def transactional(fn: Callable[[Session], Any], retries: int = 4) -> Any:
        """Run ``fn`` in one transaction; retry on a lost race (unique key, serialisation, busy)."""
        for attempt in range(retries):
            try:
                with unit() as session:
                    return fn(session)
            except (IntegrityError, OperationalError):
                if attempt == retries - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    @app.exception_handler(PlatformError)
    async def _platform_error(_request: Request, exc: PlatformError) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=exc.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.detail, dict) and "message" in exc.detail:
            body = exc.detail
        else:
            body = {"error": f"http_{exc.status_code}", "message": _HTTP_MESSAGES.get(exc.status_code, "请求无法处理")}
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError) -> JSONResponse:
        # e.g. a NUL character inside a JSON string on PostgreSQL: the client's data, not our failure
        return JSONResponse({"error": "invalid", "message": "数据中含有数据库不能保存的字符"}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        # Only loc/msg/type: the offending input may be bytes (a text/plain body) and is not echoed back.
        detail = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                  for e in exc.errors()]
        return JSONResponse({"error": "invalid", "message": f"请求格式不正确（{where}）", "detail": detail},
                            status_code=422)

    @app.middleware("http")
    async def negotiate(request: Request, call_next):
        """Protocol/app version negotiation: an outdated client is told to upgrade (426), in Chinese."""
        proto = request.headers.get("X-ExecDesk-Protocol")
        app_version = request.headers.get("X-ExecDesk-App")
        if proto is not None and (not _ASCII_INT.fullmatch(proto) or int(proto) < MIN_PROTOCOL_VERSION):
            return JSONResponse({"error": "upgrade_required",
                                 "message": f"客户端同步协议版本过旧或无法识别（{_shown(proto)}），请升级ExecDesk"},
                                status_code=426)
        if app_version is not None and _version_tuple(app_version) < _version_tuple(config.min_app_version):
            return JSONResponse({"error": "upgrade_required",
                                 "message": f"ExecDesk版本过旧或无法识别（{_shown(app_version)}），"
                                            f"请升级到{config.min_app_version}或更高版本"},
                                status_code=426)
        response = await call_next(request)
        response.headers["X-ExecDesk-Protocol"] = str(PROTOCOL_VERSION)
        return response


    @app.get("/api/v1/hello", response_model=HelloResponse, tags=["协议"])
    def hello() -> HelloResponse:
        return HelloResponse(protocol=PROTOCOL_VERSION, min_protocol=MIN_PROTOCOL_VERSION,
                             min_app_version=config.min_app_version, server_time=utcnow().isoformat(),
                             message=config.operator_message)

    guard = SignInGuard(config, transactional)
    app.state.signin_guard = guard

    from provincial.auth_api import install as install_auth

    install_auth(app, config, transactional, guard)

    @app.post("/api/v1/changes", response_model=PushResponse, response_model_exclude_none=True, responses=ERRORS,
              tags=["上报"], openapi_extra={"responses": {"200": {"links": {
                  "CaseEntities": {"operationId": "case_entities_api_v1_cases__case_id__entities_get",
                                   "parameters": {"case_id": "$request.body#/changes/0/case_id"},
                                   "description": "上报后核对该案件在平台上的记录版本"}}}}})
    def push(body: PushRequest, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
             idempotency_key: Annotated[str | None, Header(max_length=64)] = None) -> Response:
        # The token is looked up inside the push's own transaction (one commit per batch); the answer is
        # written straight to JSON (the dicts already have the documented shape, no per-result models).
        if credentials is None or not credentials.credentials:
            raise PlatformError(401, "token_missing", "未登录，请先登录")
        token = credentials.credentials
        changes = [c.__dict__ for c in body.changes]  # the validated values, without a model_dump copy

        def work(session: Session) -> tuple[Caller, list[dict[str, Any]]]:
            who = service.caller_for_token(session, token)
            return who, service.push_changes(session, who, changes)

        who, results = transactional(work)
        log.info("push court=%s key=%s n=%d", who.court_code, idempotency_key, len(changes))
        return Response(dumps({"results": results, "server_time": utcnow().isoformat()}).encode(),
                        media_type="application/json")

    @app.get("/api/v1/feed", response_model=FeedResponse, responses=ERRORS, tags=["下发"],
             openapi_extra={"responses": {"200": {"links": {
                 "NextPage": {"operationId": "feed_api_v1_feed_get",
                              "parameters": {"cursor": "$response.body#/next_cursor"},
                              "description": "下一页"}}}}})
    def feed(credentials: Bearer = None, cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
             limit: Annotated[int, Query(ge=1, le=MAX_FEED_PAGE)] = 200) -> Response:
        # One transaction for the token and the page; the answer written straight to JSON (FeedResponse shape).
        with unit() as session:
            who = _caller(session, credentials)
            items, more = service.feed_page(session, who, cursor, limit)
            out = [{"id": i.id, "seq": i.seq, "kind": i.kind, "case_id": i.case_id, "case_number": i.case_number,
                    "title": i.title, "body": i.body, "issued_by": i.issued_by, "due_on": i.due_on,
                    "payload": i.payload or {}, "created_at": i.created_at.isoformat(), "recipient": i.recipient}
                   for i in items]
        return _json({"items": out, "next_cursor": out[-1]["seq"] if out else cursor, "has_more": more})

    @app.post("/api/v1/digests", response_model=DigestResponse, responses=ERRORS, tags=["核对"])
    def digests(body: DigestRequest, credentials: Bearer = None) -> Response:
        with unit() as session:
            who = _caller(session, credentials)
            return _json({"digests": service.digests(session, who, body.case_ids)})

    @app.get("/api/v1/cases/{case_id}/entities", response_model=CaseEntitiesResponse,
             responses={**ERRORS, 404: {"model": ErrorResponse}}, tags=["核对"])
    def case_entities(case_id: Annotated[str, Path(max_length=36, pattern=_ID)], who: Auth) -> CaseEntitiesResponse:
        with unit() as session:
            rows = service.case_entities(session, who, case_id)
        return CaseEntitiesResponse(case_id=case_id, entities=[EntityVersion(**r) for r in rows])

    @app.get("/api/v1/cases/{case_id}/snapshot", response_model=CaseSnapshotResponse,
             responses={**ERRORS, 404: {"model": ErrorResponse}}, tags=["移交"])
    def case_snapshot(case_id: Annotated[str, Path(max_length=36, pattern=_ID)], credentials: Bearer = None) -> Response:
        """The whole case for the new handler's PC (issue 13): same court only; another court's case is 404
        exactly like an unknown one."""
        from provincial.register import case_snapshot as snapshot

        with unit() as session:
            who = _caller(session, credentials)
            return _json(snapshot(session, who, case_id))

    @app.post("/api/v1/noop", include_in_schema=False)
    async def noop(request: Request, who: Auth) -> dict:
        """Benchmark baseline: authenticated, body read and decompressed, nothing else."""
        await request.body()
        return {"ok": True}

    @app.get("/admin", include_in_schema=False)
    def admin_page() -> RedirectResponse:
        """The old unauthenticated page is gone: the 指挥中心 view needs a staff sign-in."""
        return RedirectResponse("/center/login", status_code=303)

    from provincial.center import install as install_center

    install_center(app, config, unit, transactional, guard)
    return app


def _address(request: Request) -> str:
    return (request.client.host if request.client else "") or "unknown"


class SignInGuard:
    """Sign-in for the API and the web view: lockout gate → bounded hashing pool → audit row.

    The gate and the audit are short transactions on the request thread pool; scrypt runs on
    ``config.hash_workers`` threads of its own, with at most ``config.hash_queue`` sign-ins waiting for
    them — a flood of sign-ins beyond that is answered 503 at once instead of queueing behind the hashes,
    so it cannot take the threads (or the CPU) every other request needs."""

    def __init__(self, config: PlatformConfig, transactional: Callable[[Callable[[Session], Any]], Any]):
        self.config = config
        self.transactional = transactional
        self.pool = ThreadPoolExecutor(max_workers=max(1, config.hash_workers), thread_name_prefix="pw-hash")
        self._waiting = 0
        self._lock = threading.Lock()
        self.hashed = 0  # passwords checked (tests and benchmarks read this)
        self.refused_busy = 0

    async def sign_in(self, kind: str, account: str, password: str, address: str,
                      lookup: Callable[[Session, str], str | None], issue: Callable[[Session], Any]) -> Any:
        policy = self.config.signin

        def gate(session: Session) -> tuple[int | None, str | None]:
            wait = service.signin_gate(session, kind, account, address, policy)
            if wait is not None:
                service.record_signin(session, kind, account, address, "locked")
                return wait, None
            return None, lookup(session, account)

        wait, stored = await run_in_threadpool(self.transactional, gate)
        if wait is not None:
            raise PlatformError(429, "locked", f"登录失败次数过多，已暂时锁定，请约{max(1, round(wait / 60))}分钟后再试",
                                headers={"Retry-After": str(wait)})
        with self._lock:
            busy = self._waiting >= self.config.hash_queue + self.config.hash_workers
            if not busy:
                self._waiting += 1
            else:
                self.refused_busy += 1
        if busy:
            await run_in_threadpool(self.transactional,
                                    lambda s: service.record_signin(s, kind, account, address, "busy"))
            raise PlatformError(503, "busy", "登录请求过多，请稍后再试", headers={"Retry-After": "1"})
        try:
            ok = await asyncio.wrap_future(self.pool.submit(
                service.verify_password, password, service.stored_hash_or_dummy(stored)))
        finally:
            with self._lock:
                self._waiting -= 1
                self.hashed += 1
        ok = ok and stored is not None

        def finish(session: Session) -> Any:
            service.record_signin(session, kind, account, address, "ok" if ok else "bad_credentials")
            return issue(session) if ok else None

        result = await run_in_threadpool(self.transactional, finish)
        if not ok:
            raise PlatformError(401, "bad_credentials", "账号或密码不正确")
        return result


def app_from_env() -> FastAPI:
    """uvicorn factory: ``uvicorn --factory provincial.app:app_from_env`` (reads EXECDESK_PLATFORM_DB)."""
    import os

    env = os.environ.get
    defaults = SignInPolicy()
    return create_app(PlatformConfig(
        db_url=db_url_from_env(),
        token_ttl_seconds=int(env("EXECDESK_PLATFORM_TOKEN_TTL", "3600")),
        refresh_ttl_seconds=int(env("EXECDESK_PLATFORM_REFRESH_TTL", str(60 * 86400))),
        refresh_max_seconds=int(env("EXECDESK_PLATFORM_REFRESH_MAX", "0")),
        refresh_grace_seconds=int(env("EXECDESK_PLATFORM_REFRESH_GRACE", "30")),
        min_app_version=env("EXECDESK_PLATFORM_MIN_APP", "0.1.0"),
        signin=SignInPolicy(
            account_failures=int(env("EXECDESK_PLATFORM_SIGNIN_ACCOUNT_FAILURES", defaults.account_failures)),
            address_failures=int(env("EXECDESK_PLATFORM_SIGNIN_ADDRESS_FAILURES", defaults.address_failures)),
            window_s=int(env("EXECDESK_PLATFORM_SIGNIN_WINDOW", defaults.window_s))),
        hash_workers=int(env("EXECDESK_PLATFORM_HASH_WORKERS", "2")),
        hash_queue=int(env("EXECDESK_PLATFORM_HASH_QUEUE", "16"))))
