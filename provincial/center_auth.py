"""指挥中心 page of the authentication audit (``/center/auth-log``), for 省院 staff only: sign-ins and
failures, refreshes, reuse, sign-outs, device revocations, deactivations and resets (provincial/auth.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from provincial import auth
from provincial.center import _fmt_time, _h, _html, _page

PAGE = 300


def render_auth_log(staff: Any, csrf: str, events: list[Any], account: str | None) -> str:
    rows = "".join(
        f"<tr><td>{_fmt_time(e.at)}</td><td>{_h(auth.EVENT_NAMES.get(e.event, e.event))}</td><td>{_h(e.account)}</td>"
        f"<td>{_h(e.device_id or '—')}</td><td>{_h(e.address or '—')}</td><td>{_h(e.detail or '')}</td></tr>"
        for e in events)
    scope = f"账号 {_h(account)} 的" if account else "最近 "
    body = (f"<p><a href='/center/'>← 辖区总览</a></p><h2>登录审计</h2><p class='muted'>{scope}{len(events)} 条记录"
            f"（最多 {PAGE} 条）。</p><form method='get' action='/center/auth-log'><label>账号</label>"
            f"<input name='account' value='{_h(account or '')}' maxlength='64'> <button type='submit'>查询</button></form>"
            "<table id='auth_log'><tr><th>时间</th><th>事件</th><th>账号</th><th>设备</th><th>地址</th><th>说明</th></tr>"
            + rows + "</table>")
    return _page("登录审计 - 执行指挥中心", body, staff, csrf)


def install_auth_log(app: FastAPI, unit: Callable, current: Callable, to_login: Callable) -> None:
    @app.get("/center/auth-log", include_in_schema=False)
    def auth_log_page(request: Request, account: str | None = None) -> Response:
        who = current(request)
        if who is None:
            return to_login()
        staff, csrf = who
        if staff.role != "省院":  # accounts of every court: a province-level view only
            return _html(_page("无权查看", "<p class='err'>登录审计仅供省院账号查看。</p>"
                                          "<p><a href='/center/'>← 辖区总览</a></p>", staff, csrf), 403)
        account = (account or "").strip()[:64] or None
        with unit() as session:
            events = auth.auth_log(session, account, PAGE)
        return _html(render_auth_log(staff, csrf, events, account))
