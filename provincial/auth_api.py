"""The sign-in, refresh and sign-out routes (docs/sync-protocol.md §2; the logic is in provincial/auth.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel
from sqlalchemy.orm import Session

from provincial import auth, service
from provincial.app import ERRORS, ErrorResponse, Ident, SignInRequest, SignInResponse, _address, _bearer
from provincial.models import PAccount
from provincial.service import PlatformError

_LOCKED = {429: {"model": ErrorResponse, "description": "失败次数过多，暂时锁定"}}


class RefreshRequest(BaseModel):
    refresh_token: str = Ident(128, 1)
    device_id: str = Ident(64, 1)


class RevokeRequest(BaseModel):
    refresh_token: str | None = Ident(128, default=None)


class RevokeResponse(BaseModel):
    revoked: int


def policy(config: Any) -> auth.TokenPolicy:
    return auth.TokenPolicy(access_ttl_s=config.token_ttl_seconds, refresh_idle_s=config.refresh_ttl_seconds,
                            refresh_max_s=config.refresh_max_seconds, reuse_grace_s=config.refresh_grace_seconds)


def install(app: FastAPI, config: Any, transactional: Callable[[Callable[[Session], Any]], Any], guard: Any) -> None:
    tokens = policy(config)

    @app.post("/api/v1/auth/token", response_model=SignInResponse,
              responses={**ERRORS, **_LOCKED, 503: {"model": ErrorResponse, "description": "登录请求过多，请稍后再试"}},
              tags=["登录"])
    async def sign_in(body: SignInRequest, request: Request) -> SignInResponse:
        """Throttled and audited; the password is checked in a bounded hashing pool, not on request threads.
        ``account`` is the person ref ``法院代字/用户名`` (or a legacy court account's name)."""
        address = _address(request)

        def issue(session: Session) -> SignInResponse:
            account = session.get(PAccount, body.account)
            if account is None or not account.active:
                raise PlatformError(401, "bad_credentials", "账号或密码不正确")
            data = auth.issue_session(session, account, body.device_id, tokens)
            auth.record_event(session, "signin", account.name, device_id=body.device_id, address=address,
                              detail="法院共用账号（已不推荐）" if account.role == auth.LEGACY_ROLE else None)
            return SignInResponse(**data)

        try:
            return await guard.sign_in("api", body.account, body.password, address, service.account_hash, issue)
        except PlatformError as exc:
            event = {"locked": "signin_locked", "busy": "signin_busy"}.get(exc.code, "signin_failed")
            said = exc.message
            await run_in_threadpool(transactional, lambda s: auth.record_event(
                s, event, body.account, device_id=body.device_id, address=address, detail=said))
            raise

    @app.post("/api/v1/auth/refresh", response_model=SignInResponse, responses={**ERRORS, **_LOCKED}, tags=["登录"])
    def refresh(body: RefreshRequest, request: Request) -> SignInResponse:
        """Rotate the device's refresh token: a new access token and a new refresh token; the presented one
        stops working. A rotated token presented again revokes the device's whole sign-in (reuse)."""
        address = _address(request)
        out = transactional(lambda s: auth.refresh(s, body.refresh_token, body.device_id, tokens, address,
                                                   config.signin))
        if out.data is None:
            raise PlatformError(out.status, out.code, out.message,
                                headers={"Retry-After": str(out.retry_after)} if out.retry_after else None)
        return SignInResponse(**out.data)

    @app.post("/api/v1/auth/revoke", response_model=RevokeResponse, responses=ERRORS, tags=["登录"])
    def revoke(body: RevokeRequest, request: Request,
               credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None) -> RevokeResponse:
        """Sign out this device: its refresh token family and access tokens end (the refresh token in the
        body, else the bearer token's sign-in). Answers ``revoked: 0`` when nothing presented was live."""
        access = credentials.credentials if credentials is not None else None
        n = transactional(lambda s: auth.revoke_presented(s, access, body.refresh_token, _address(request)))
        return RevokeResponse(revoked=n)

