"""指挥中心 web view: an authenticated, server-rendered page for province (省院) and intermediate-court (中院)
staff. Not part of the sync protocol (not in the OpenAPI document).

- Sign-in with a staff account (``execdesk-platform create-staff``), throttled, locked out and audited like
  the API's sign-in (``SignInGuard``). The session is a random id in an HttpOnly, SameSite=Strict cookie
  (Secure except on plain-HTTP loopback, where browsers would drop it); the table keeps only its SHA-256.
- Every form carries a per-session CSRF token (the login form a per-visit one, double-submitted).
- Jurisdiction: 省院 staff see every court of the platform, 中院 staff only the courts listed for them.
  A court outside it answers exactly like a court that does not exist.
- Per court: what was received and when, overdue cases, cases owing a 书面说明 (R36), 终本 counts,
  督办/预警 sent and answered; a form to issue a 督办 or 预警.

Overdue here is the platform's view from what the desktops sent: the limit of R16 (6 months, 3 for 非诉)
from filing, plus approved extensions and recorded deductions (R20 month arithmetic); the desktop's own
computation stays the authority for the handler.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import secrets
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provincial import service
from provincial.models import PChange, PCourt, PEntity, PFeedItem, PStaff, PStaffCourt, PWebSession, utcnow
from provincial.service import PlatformError

COOKIE = "ed_center"
PRE_COOKIE = "ed_center_pre"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ISSUABLE = ("督办", "预警")
MAX_FORM_BYTES = 64 * 1024
STATUS_CN = {"accepted": "已接收", "rejected": "已拒收", "conflict": "冲突"}
ENTITY_CN = {"case": "案件", "party": "当事人", "execution_basis": "执行依据", "node": "流程节点", "property_lead": "财产线索",
             "property_inquiry": "财产查询", "found_asset": "查找到的财产", "measure": "强制措施", "payment": "执行款",
             "deduction": "扣除期限", "extension": "延长期限", "approval": "审批", "explanation": "书面说明",
             "supervision_reply": "督办回复"}


def _h(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------- staff and jurisdiction


def create_staff(session: Session, name: str, display_name: str, role: str, password: str,
                 courts: list[str]) -> PStaff:
    """Create or reset a staff account. 省院: every court; 中院: the courts listed (which must exist)."""
    if role not in ("省院", "中院"):
        raise PlatformError(400, "invalid", "角色应为“省院”或“中院”")
    if len(password) < 10:
        raise PlatformError(400, "invalid", "指挥中心账号的密码至少10位")
    if role == "中院" and not courts:
        raise PlatformError(400, "invalid", "中院账号须指定可查看的法院")
    for code in courts:
        if session.get(PCourt, code) is None:
            raise PlatformError(404, "no_court", f"平台上没有法院“{code}”")
    staff = session.get(PStaff, name)
    if staff is None:
        staff = PStaff(name=name, display_name=display_name, role=role, password_hash="", active=True)
        session.add(staff)
    staff.display_name, staff.role, staff.active = display_name, role, True
    staff.password_hash = service.hash_password(password)
    session.flush()
    for row in session.scalars(select(PStaffCourt).where(PStaffCourt.staff_name == name)):
        session.delete(row)
    session.flush()
    for code in ([] if role == "省院" else courts):
        session.add(PStaffCourt(staff_name=name, court_code=code))
    session.flush()
    return staff


def staff_hash(session: Session, name: str) -> str | None:
    staff = session.get(PStaff, name)
    return staff.password_hash if staff is not None and staff.active else None


def visible_courts(session: Session, staff: PStaff) -> list[PCourt]:
    q = select(PCourt).order_by(PCourt.code)
    if staff.role != "省院":
        q = q.where(PCourt.code.in_(select(PStaffCourt.court_code).where(PStaffCourt.staff_name == staff.name)))
    return list(session.scalars(q))


# ---------------------------------------------------------------- what the page shows


def _d(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _add_months(d: date, months: int) -> date:
    import calendar

    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def court_figures(session: Session, codes: list[str], today: date) -> dict[str, dict[str, Any]]:
    """Per court: received changes and when, cases, overdue cases, cases owing a 书面说明, 终本, 督办."""
    out: dict[str, dict[str, Any]] = {c: {"received": 0, "rejected": 0, "last_received": None, "cases": 0,
                                          "open": 0, "overdue": [], "owing": [], "zhongben": 0, "supervised": 0,
                                          "answered": 0, "warnings": 0} for c in codes}
    if not codes:
        return out
    for code, status, n, last in session.execute(
            select(PChange.court_code, PChange.status, func.count(), func.max(PChange.received_at))
            .where(PChange.court_code.in_(codes)).group_by(PChange.court_code, PChange.status)):
        f = out[code]
        if status == "accepted":
            f["received"] += n
        elif status == "rejected":
            f["rejected"] += n
        if last is not None and (f["last_received"] is None or last > f["last_received"]):
            f["last_received"] = last
    cases: dict[str, dict[str, Any]] = {}
    extra_months: dict[str, int] = defaultdict(int)
    extra_days: dict[str, int] = defaultdict(int)
    explained: set[str] = set()
    for entity, case_id, court, fields in session.execute(
            select(PEntity.entity, PEntity.case_id, PEntity.court_code, PEntity.fields)
            .where(PEntity.court_code.in_(codes),
                   PEntity.entity.in_(("case", "extension", "deduction", "explanation")))):
        if not isinstance(fields, dict) or fields.get("_deleted"):
            continue
        if entity == "case":
            cases[case_id] = dict(fields, _court=court)
        elif entity == "extension" and isinstance(fields.get("months"), int):
            extra_months[case_id] += fields["months"]
        elif entity == "deduction":
            start, end = _d(fields.get("started_on")), _d(fields.get("ended_on")) or today
            if start and end >= start:
                extra_days[case_id] += (end - start).days + 1
        elif entity == "explanation" and fields.get("status") == "已出具":
            explained.add(case_id)
    for case_id, c in cases.items():
        f = out[c["_court"]]
        f["cases"] += 1
        method = str(c.get("closure_method") or "")
        if "终本" in method or "终结本次" in method:
            f["zhongben"] += 1
        filed = _d(c.get("filed_on"))
        if c.get("status") == "已结" or filed is None:
            continue
        f["open"] += 1
        months = 3 if c.get("is_non_litigation") else 6
        due = _add_months(filed, months + extra_months[case_id]) + timedelta(days=extra_days[case_id])
        if due < today:
            row = {"case_id": case_id, "case_number": c.get("case_number"), "due": due, "days": (today - due).days}
            f["overdue"].append(row)
            if case_id not in explained:
                f["owing"].append(row)
    for code, kind, n, answered in session.execute(
            select(PFeedItem.court_code, PFeedItem.kind, func.count(), func.count(PFeedItem.replied_at))
            .where(PFeedItem.court_code.in_(codes)).group_by(PFeedItem.court_code, PFeedItem.kind)):
        if kind == "督办":
            out[code]["supervised"] += n
            out[code]["answered"] += answered
        elif kind == "预警":
            out[code]["warnings"] += n
    for f in out.values():
        f["overdue"].sort(key=lambda r: -r["days"])
        f["owing"].sort(key=lambda r: -r["days"])
    return out


# ---------------------------------------------------------------- HTML

_CSS = """
body{font-family:"WenQuanYi Zen Hei","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f6f9;color:#1d2733}
header{background:#8b1a1a;color:#fff;padding:10px 24px;display:flex;justify-content:space-between;align-items:center}
header h1{font-size:20px;margin:0} header form{margin:0} main{padding:16px 24px}
table{border-collapse:collapse;background:#fff;margin:8px 0 20px;min-width:60%}
th,td{border:1px solid #cfd6df;padding:5px 10px;text-align:left;font-size:14px} th{background:#e8edf3}
td.n{text-align:right} .warn{color:#b00020;font-weight:bold} .muted{color:#6b7785}
.box{background:#fff;border:1px solid #cfd6df;padding:12px 16px;margin:8px 0 20px;max-width:720px}
label{display:inline-block;min-width:7em} input,select,textarea{font:inherit;margin:3px 0}
button{font:inherit;padding:4px 14px} .ok{background:#e3f4e6;border:1px solid #7bbf86;padding:8px 12px;max-width:720px}
.err{background:#fde8e8;border:1px solid #d88;padding:8px 12px;max-width:720px}
"""


def _page(title: str, body: str, staff: PStaff | None = None, csrf: str | None = None) -> str:
    who = ""
    if staff is not None:
        who = (f"<form method='post' action='/center/logout'><span>{_h(staff.display_name)}（{_h(staff.role)}）</span> "
               f"<input type='hidden' name='csrf' value='{_h(csrf)}'><button type='submit' id='logout'>退出</button></form>")
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{_h(title)}</title>"
            f"<style>{_CSS}</style></head><body><header><h1>执行指挥中心</h1>{who}</header><main>{body}</main>"
            f"</body></html>")


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers={
        "Cache-Control": "no-store", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                   "frame-ancestors 'none'"})


def _fmt_time(dt: datetime | None) -> str:
    if dt is None:
        return "—"
    local = dt.astimezone(tz=None) if dt.tzinfo else dt
    return local.strftime("%Y-%m-%d %H:%M")


def render_overview(staff: PStaff, csrf: str, courts: list[PCourt], figures: dict[str, dict[str, Any]],
                    today: date) -> str:
    rows = []
    for c in courts:
        f = figures[c.code]
        rows.append(
            f"<tr><td><a href='/center/court/{quote(c.code)}'>{_h(c.code)}</a></td><td>{_h(c.name)}</td>"
            f"<td class='n'>{f['received']}</td><td>{_fmt_time(f['last_received'])}</td><td class='n'>{f['cases']}</td>"
            f"<td class='n'>{f['open']}</td><td class='n{' warn' if f['overdue'] else ''}'>{len(f['overdue'])}</td>"
            f"<td class='n{' warn' if f['owing'] else ''}'>{len(f['owing'])}</td><td class='n'>{f['zhongben']}</td>"
            f"<td class='n'>{f['supervised']}</td><td class='n'>{f['answered']}</td></tr>")
    body = (f"<h2>辖区各法院执行情况</h2><p class='muted'>统计日 {today.year}年{today.month}月{today.day}日；"
            f"可查看 {len(courts)} 个法院。</p>"
            "<table id='courts'><tr><th>法院代字</th><th>法院</th><th>已接收变更</th><th>最近上报</th><th>案件数</th>"
            "<th>未结</th><th>超期未结</th><th>应交书面说明</th><th>终本</th><th>督办</th><th>已回复</th></tr>"
            + "".join(rows) + "</table>")
    if staff.role == "省院":
        body += "<p><a href='/center/auth-log' id='auth_log_link'>登录审计</a></p>"
    return _page("执行指挥中心", body, staff, csrf)


def render_court(staff: PStaff, csrf: str, court: PCourt, f: dict[str, Any], items: list[PFeedItem],
                 changes: list[PChange], message: str | None, error: str | None) -> str:
    note = (f"<p class='ok' id='message'>{_h(message)}</p>" if message else "") + (
        f"<p class='err' id='error'>{_h(error)}</p>" if error else "")
    overdue = "".join(
        f"<tr><td>{_h(r['case_number'])}</td><td>{r['due'].isoformat()}</td><td class='n warn'>{r['days']}</td>"
        f"<td>{'未交' if r in f['owing'] else '已交'}</td></tr>" for r in f["overdue"][:200]) or \
        "<tr><td colspan='4' class='muted'>无超期未结案件</td></tr>"
    feed = "".join(
        f"<tr><td>{i.seq}</td><td>{_h(i.kind)}</td><td>{_h(i.case_number or '（全院）')}</td><td>{_h(i.title)}</td>"
        f"<td>{_h(i.due_on or '')}</td><td>{_h(i.issued_by or '')}</td>"
        f"<td>{_h(i.reply) if i.reply else '<span class=warn>未回复</span>'}</td>"
        f"<td>{_h(i.replied_by or '')}{'（署名 ' + _h(i.reply_signed_name) + '）' if i.reply_signed_name else ''}</td>"
        f"</tr>" for i in items) or "<tr><td colspan='8' class='muted'>尚未下发</td></tr>"
    recent = "".join(
        f"<tr><td>{c.server_seq or ''}</td><td>{_fmt_time(c.received_at)}</td><td>{_h(ENTITY_CN.get(c.entity, c.entity))}</td>"
        f"<td>{_h(STATUS_CN.get(c.status, c.status))}</td><td>{_h((c.result or {}).get('reason') or '')}</td></tr>" for c in changes) or \
        "<tr><td colspan='5' class='muted'>尚未收到</td></tr>"
    options = "".join(f"<option value='{_h(r['case_number'])}'>{_h(r['case_number'])}</option>"
                      for r in f["overdue"][:200] if r["case_number"])
    form = (f"<div class='box'><h3>下发督办 / 预警</h3><form method='post' action='/center/issue' id='issue'>"
            f"<input type='hidden' name='csrf' value='{_h(csrf)}'><input type='hidden' name='court' value='{_h(court.code)}'>"
            f"<label>类型</label><select name='kind' id='kind'>{''.join(f'<option>{k}</option>' for k in ISSUABLE)}</select><br>"
            f"<label>案号</label><input name='case_number' id='case_number' list='overdue-cases' size='32' "
            f"placeholder='留空为全院'><datalist id='overdue-cases'>{options}</datalist><br>"
            f"<label>标题</label><input name='title' id='title' size='40' maxlength='128' required><br>"
            f"<label>内容</label><textarea name='body' id='body' rows='3' cols='50' maxlength='4000'></textarea><br>"
            f"<label>要求回复日期</label><input name='due_on' id='due_on' type='date'><br>"
            f"<button type='submit' id='send'>下发</button></form></div>")
    body = (f"<p><a href='/center/'>← 辖区总览</a></p><h2>{_h(court.code)} {_h(court.name)}</h2>{note}"
            f"<p>已接收变更 {f['received']} 条（拒收 {f['rejected']} 条），最近上报 {_fmt_time(f['last_received'])}；"
            f"案件 {f['cases']} 件，未结 {f['open']} 件，超期未结 <b id='overdue-count'>{len(f['overdue'])}</b> 件，"
            f"应交书面说明 <b id='owing-count'>{len(f['owing'])}</b> 件，终本 {f['zhongben']} 件；"
            f"督办 {f['supervised']} 件，已回复 {f['answered']} 件，预警 {f['warnings']} 件。</p>"
            f"<h3>超期未结案件</h3><table id='overdue'><tr><th>案号</th><th>期限届满日</th><th>超期天数</th><th>书面说明</th></tr>"
            f"{overdue}</table>{form}"
            f"<h3>督办 / 预警及回复</h3><table id='feed'><tr><th>序号</th><th>类型</th><th>案号</th><th>标题</th>"
            f"<th>要求回复日期</th><th>下发人</th><th>回复</th><th>回复账号</th></tr>{feed}</table>"
            f"<h3>最近收到的变更</h3><table id='changes'><tr><th>序号</th><th>收到时间</th><th>类型</th><th>结果</th>"
            f"<th>原因</th></tr>{recent}</table>")
    return _page(f"{court.name} - 执行指挥中心", body, staff, csrf)


def render_login(pre: str, error: str | None = None) -> str:
    err = f"<p class='err' id='error'>{_h(error)}</p>" if error else ""
    body = (f"<div class='box'><h2>指挥中心登录</h2>{err}<form method='post' action='/center/login' id='login'>"
            f"<input type='hidden' name='csrf' value='{_h(pre)}'>"
            f"<label>账号</label><input name='name' id='name' autocomplete='username' maxlength='64' required><br>"
            f"<label>密码</label><input name='password' id='password' type='password' "
            f"autocomplete='current-password' maxlength='256' required><br><button type='submit' id='submit'>登录</button>"
            f"</form></div>")
    return _page("指挥中心登录", body)


# ---------------------------------------------------------------- routes


def install(app: FastAPI, config: Any, unit: Callable, transactional: Callable, guard: Any) -> None:
    def secure(request: Request) -> bool:
        return not (request.url.scheme == "http" and (request.url.hostname or "") in LOOPBACK)

    def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/center", httponly=True, samesite="strict",
                            secure=secure(request))

    async def form(request: Request) -> dict[str, str]:
        raw = await request.body()
        if len(raw) > MAX_FORM_BYTES:
            raise PlatformError(413, "too_large", "表单内容过多")
        try:
            parsed = parse_qs(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
        except (UnicodeDecodeError, ValueError):
            return {}
        return {k: v[0] for k, v in parsed.items() if v}

    def current(request: Request) -> tuple[PStaff, str] | None:
        sid = request.cookies.get(COOKIE)
        if not sid or len(sid) > 128:
            return None
        with unit() as session:
            row = session.get(PWebSession, _sha(sid))
            if row is None or row.expires_at <= utcnow():
                return None
            staff = session.get(PStaff, row.staff_name)
            if staff is None or not staff.active:
                return None
            return staff, row.csrf

    def to_login() -> RedirectResponse:
        return RedirectResponse("/center/login", status_code=303)

    from provincial.center_auth import install_auth_log  # /center/auth-log (issue 13: the auth audit)

    install_auth_log(app, unit, current, to_login)

    @app.get("/center", include_in_schema=False)
    def center_root() -> RedirectResponse:
        return RedirectResponse("/center/", status_code=303)

    @app.get("/center/login", include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        pre = secrets.token_urlsafe(24)
        response = _html(render_login(pre))
        set_cookie(response, request, PRE_COOKIE, pre, 1800)
        return response

    @app.post("/center/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        data = await form(request)
        pre = request.cookies.get(PRE_COOKIE) or ""
        fresh = secrets.token_urlsafe(24)

        def again(message: str, status: int) -> HTMLResponse:
            response = _html(render_login(fresh, message), status)
            set_cookie(response, request, PRE_COOKIE, fresh, 1800)
            return response

        if not pre or not hmac.compare_digest(pre.encode(), data.get("csrf", "").encode()):
            return again("页面已过期，请重新登录", 400)
        name, password = data.get("name", "").strip()[:64], data.get("password", "")[:256]
        if not name or not password:
            return again("请输入账号和密码", 400)

        def open_session(session: Session) -> str:
            sid = secrets.token_urlsafe(32)
            session.add(PWebSession(id_hash=_sha(sid), staff_name=name, csrf=secrets.token_urlsafe(32),
                                    expires_at=utcnow() + timedelta(seconds=config.web_session_ttl_seconds)))
            return sid

        try:
            sid = await guard.sign_in("web", name, password, (request.client.host if request.client else "unknown"),
                                      staff_hash, open_session)
        except PlatformError as exc:
            return again(exc.message, exc.status if exc.status != 401 else 401)
        response = RedirectResponse("/center/", status_code=303)
        set_cookie(response, request, COOKIE, sid, config.web_session_ttl_seconds)
        response.delete_cookie(PRE_COOKIE, path="/center")
        return response

    @app.post("/center/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        who = await run_in_threadpool(current, request)
        data = await form(request)
        if who is not None and hmac.compare_digest(who[1].encode(), data.get("csrf", "").encode()):
            sid = request.cookies.get(COOKIE, "")

            def drop(session: Session) -> None:
                row = session.get(PWebSession, _sha(sid))
                if row is not None:
                    session.delete(row)

            await run_in_threadpool(transactional, drop)
        response = to_login()
        response.delete_cookie(COOKIE, path="/center")
        return response

    @app.get("/center/", include_in_schema=False)
    def overview(request: Request) -> Response:
        who = current(request)
        if who is None:
            return to_login()
        staff, csrf = who
        today = date.today()
        with unit() as session:
            courts = visible_courts(session, staff)
            figures = court_figures(session, [c.code for c in courts], today)
        return _html(render_overview(staff, csrf, courts, figures, today))

    def court_page(request: Request, code: str, message: str | None = None, error: str | None = None,
                   status: int = 200) -> Response:
        who = current(request)
        if who is None:
            return to_login()
        staff, csrf = who
        with unit() as session:
            court = next((c for c in visible_courts(session, staff) if c.code == code), None)
            if court is None:  # outside the jurisdiction looks exactly like no such court
                return _html(_page("没有这个法院", "<p class='err'>没有这个法院，或不在您的辖区内。</p>"
                                   "<p><a href='/center/'>← 辖区总览</a></p>", staff, csrf), 404)
            f = court_figures(session, [code], date.today())[code]
            items = service.feed_items(session, code, limit=100)
            changes = service.recent_changes(session, code, limit=30)
        return _html(render_court(staff, csrf, court, f, items, changes, message, error), status)

    @app.get("/center/court/{code}", include_in_schema=False)
    def court_view(request: Request, code: str, issued: str | None = None) -> Response:
        message = "已下发，法院下次同步时收到。" if issued else None
        return court_page(request, code[:16], message)

    @app.post("/center/issue", include_in_schema=False)
    async def issue(request: Request) -> Response:
        who = await run_in_threadpool(current, request)
        if who is None:
            return to_login()
        staff, csrf = who
        data = await form(request)
        if not hmac.compare_digest(csrf.encode(), data.get("csrf", "").encode()):
            return _html(_page("请求无效", "<p class='err'>页面已过期或请求来源不明，请刷新后重试。</p>", staff, csrf), 403)
        code = data.get("court", "")[:16]
        kind = data.get("kind", "")
        title = data.get("title", "").strip()
        case_number = data.get("case_number", "").strip()[:40] or None
        body = data.get("body", "").strip()[:4000] or None
        due_text = data.get("due_on", "").strip()

        def work(session: Session) -> str | None:
            if code not in {c.code for c in visible_courts(session, staff)}:
                return "没有这个法院，或不在您的辖区内"
            if kind not in ISSUABLE:
                return "类型应为督办或预警"
            if not title or len(title) > 128:
                return "标题不能为空，且不超过128字"
            due = None
            if due_text:
                try:
                    due = date.fromisoformat(due_text)
                except ValueError:
                    return "要求回复日期格式不正确"
            case_id = None
            if case_number:
                from provincial.models import PCase

                case_id = session.scalar(select(PCase.case_id).where(PCase.case_number == case_number,
                                                                     PCase.court_code == code))
                if case_id is None:  # another court's case is "not found" too
                    return f"本院没有案号为{case_number}的案件"
            service.issue_item(session, kind=kind, title=title, body=body, case_id=case_id, court_code=code,
                               issued_by=staff.display_name, due_on=due,
                               payload={"issued_by_account": staff.name})
            return None

        try:
            problem = await run_in_threadpool(transactional, work)
        except PlatformError as exc:
            problem = exc.message
        if problem:
            return await run_in_threadpool(court_page, request, code, None, problem, 400)
        return RedirectResponse(f"/center/court/{quote(code)}?issued=1", status_code=303)
