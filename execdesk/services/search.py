"""Case list queries: search by 案号 fragment, party name, ID number or credit code, and the list filters.

Search runs ``instr()`` on ``cases.search_text`` (lowercased "案号|name|id|…", maintained by the services).
PLATFORM.md: FTS5 trigram matches nothing for 1–2 character queries such as 张三, and a substring scan of
100,000 rows measures ~30 ms here (bench/bench_ui.py), so no extra index is needed. Whitespace splits the
query into terms that must all match. Exact party-name matches ("|张伟|") sort before substring matches.

This is the read model of the case list, written as SQL over the DB-API connection rather than through the
ORM: it is the hottest query path of the desktop, and it must work before SQLAlchemy is imported so the
window and its first page paint at start-up (docs/decisions.md, item 16). Every function takes either a
plain ``sqlite3`` connection (``Store.query()``) or an open SQLAlchemy session (the query then runs inside
the session's transaction) and returns plain dataclasses. The SQL below names the columns of
``models.entities``; tests/ui/test_search.py checks every view and sort against rows written by the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from execdesk.models.database import dbapi_connection

SMALL_AMOUNT_FEN = 100_000 * 100  # 标的 under 100,000 yuan (百日会战 priority flag)

# Filter views: key → Chinese label. Order is the order shown in the UI.
VIEWS: dict[str, str] = {
    "open": "全部未结",
    "overdue": "执行期限已超期",
    "node_overdue": "节点超期",
    "warn10": "预警（10日内到期）",
    "warn5": "预警（5日内到期）",
    "livelihood": "涉民生",
    "small": "标的不足10万元",
    "zhongben_ready": "可以终本",
    "awaiting_approval": "待审批",
    "explanation_owed": "须书面说明",
    "closed": "已结",
    "all": "全部案件",
}

# Sortable columns: key → columns of ``cases`` (the UI maps its header to these keys).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "case_number": ("c.year", "c.serial"),
    "cause": ("c.cause",),
    "amount": ("c.amount_claimed_fen",),
    "filed_on": ("c.filed_on",),
    "limit_due_on": ("c.limit_due_on",),
    "next_due_on": ("c.next_due_on",),
    "overdue_days": ("c.overdue_days",),
    "status": ("c.status",),
}
# Columns that may be NULL sort their NULLs last in either direction (a case with no computed deadline is
# not "most urgent"): SQLite puts NULLs last in DESC order already, ASC needs NULLS LAST.
NULLABLE_SORT_COLUMNS = {"c.limit_due_on", "c.next_due_on"}

OPEN = "c.status = '未结'"
# 已超期 means the execution limit itself has passed (R16/R36): the same count as the 统计 report's 超期案件数
# (limit_due_on before today). A case whose limit still runs but one of whose node deadlines (查控 1 month,
# 评估 …) has passed is 节点超期, its own view and figure, so the two numbers never disagree unexplained.
OVERDUE = "(c.overdue_days > 0)"
NODE_OVERDUE = "(c.warning_level = -1 AND c.overdue_days <= 0)"
AWAITING_APPROVAL = (  # R9: approval of the ruling started, 终本裁定书 not issued yet
    "c.id IN (SELECT case_id FROM approvals WHERE subject = '终本裁定') AND c.id NOT IN "
    "(SELECT case_id FROM issued_documents WHERE kind = '终本裁定书' AND case_id IS NOT NULL)")
# Views whose test is a membership query on another table (one small query each in view_counts).
SUBQUERY_VIEWS = ("awaiting_approval", "warn10", "warn5")


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    view: str = "open"
    handler_id: str | None = None  # set: only this handler's cases ("我的案件" of a 承办人)
    clerk_id: str | None = None  # set: only the cases where this person is 书记员 ("我的案件" of a clerk)
    sort: str = "filed_on"
    descending: bool = True
    today: date | None = None  # the day warnings are judged on (default: the real today)


@dataclass(frozen=True)
class CaseRow:
    id: str
    case_number: str
    cause: str
    applicants: str
    respondents: str
    amount_fen: int
    filed_on: date
    handler_name: str
    limit_due_on: date | None
    next_due_on: date | None
    warning_level: int
    overdue_days: int
    status: str
    is_livelihood: bool
    zhongben_ready: bool
    explanation_owed: bool
    deadlines_provisional: bool


def normalize_query(text: str) -> list[str]:
    """Terms as they appear in search_text: lowercased, half-width brackets made full-width, no spaces."""
    text = (text or "").replace("(", "（").replace(")", "）").replace("[", "（").replace("]", "）")
    return [t.lower() for t in text.split() if t]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _warned(within_days: int | None, today: date, params: dict[str, Any]) -> str:
    """Open cases with a deadline in its warning window (status 预警, computed by the deadline engine).

    The engine's ``cases.warning_level`` is the worst level over all deadlines, so a case whose limit is
    due in 5 days but which also has an overdue node deadline says -1; the deadlines table says both."""
    if within_days is None:
        return "c.id IN (SELECT case_id FROM deadlines WHERE status = '预警')"
    params["warn_until"] = (today + timedelta(days=within_days)).isoformat()
    return "c.id IN (SELECT case_id FROM deadlines WHERE status = '预警' AND due_on <= :warn_until)"


def view_condition(view: str, today: date | None, params: dict[str, Any]) -> str:
    """The SQL condition (on ``cases c``) of a filter view; adds its parameters to ``params``."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    today = today or date.today()
    if view == "warn10":
        return f"{OPEN} AND {_warned(None, today, params)}"
    if view == "warn5":
        return f"{OPEN} AND {_warned(5, today, params)}"
    return {
        "open": OPEN,
        "overdue": f"{OPEN} AND {OVERDUE}",
        "node_overdue": f"{OPEN} AND {NODE_OVERDUE}",
        "livelihood": f"{OPEN} AND c.is_livelihood = 1",
        "small": f"{OPEN} AND c.amount_claimed_fen < {SMALL_AMOUNT_FEN}",
        "zhongben_ready": f"{OPEN} AND c.zhongben_ready = 1",
        "awaiting_approval": f"{OPEN} AND {AWAITING_APPROVAL}",
        "explanation_owed": f"{OPEN} AND c.explanation_owed = 1",
        "closed": "c.status = '已结'",
        "all": "1",
    }[view]


def mine_condition(params: dict[str, Any], handler_id: str | None = None, clerk_id: str | None = None) -> str:
    """The 我的案件 condition on ``cases c`` (``profiles.my_cases`` decides by role); "" for everything."""
    conds = []
    if handler_id:
        params["handler_id"] = handler_id
        conds.append("c.handler_id = :handler_id")
    if clerk_id:
        params["clerk_id"] = clerk_id
        conds.append("c.clerk_id = :clerk_id")
    return " AND ".join(conds)


def _where(q: CaseQuery, params: dict[str, Any]) -> str:
    conds = [view_condition(q.view, q.today, params)]
    mine = mine_condition(params, q.handler_id, q.clerk_id)
    if mine:
        conds.append(mine)
    for n, term in enumerate(normalize_query(q.text)):
        params[f"term{n}"] = term
        conds.append(f"instr(c.search_text, :term{n}) > 0")
    return " AND ".join(f"({c})" for c in conds)


def count_cases(db: Any, q: CaseQuery) -> int:
    params: dict[str, Any] = {}
    sql = f"SELECT count(*) FROM cases c WHERE {_where(q, params)}"
    return dbapi_connection(db).execute(sql, params).fetchone()[0]


def _order_by(q: CaseQuery, params: dict[str, Any]) -> str:
    order = []
    terms = normalize_query(q.text)
    if len(terms) == 1:
        # Exact party-name / ID matches first: "张伟" before "张伟明".
        params["exact"] = f"|{terms[0]}|"
        order.append("instr('|' || c.search_text || '|', :exact) = 0")
    for col in SORT_KEYS.get(q.sort, SORT_KEYS["filed_on"]):
        if q.descending:
            order.append(f"{col} DESC")
        else:
            order.append(f"{col} ASC NULLS LAST" if col in NULLABLE_SORT_COLUMNS else f"{col} ASC")
    order.append("c.id")  # stable pages
    return ", ".join(order)


LIST_COLUMNS = ("c.id, c.case_number, c.cause, c.amount_claimed_fen, c.filed_on, u.display_name, c.limit_due_on, "
                "c.next_due_on, c.warning_level, c.overdue_days, c.status, c.is_livelihood, c.zhongben_ready, "
                "c.explanation_owed, c.deadlines_provisional")


def list_cases(db: Any, q: CaseQuery, *, offset: int = 0, limit: int = 200) -> list[CaseRow]:
    """One page of the case list, with party names and the handler's name."""
    con = dbapi_connection(db)
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    where = _where(q, params)
    sql = (f"SELECT {LIST_COLUMNS} FROM cases c LEFT JOIN users u ON u.id = c.handler_id "
           f"WHERE {where} ORDER BY {_order_by(q, params)} LIMIT :limit OFFSET :offset")
    rows = con.execute(sql, params).fetchall()
    names = party_names(con, [r[0] for r in rows])
    return [CaseRow(id=r[0], case_number=r[1], cause=r[2], applicants=names.get((r[0], "申请执行人"), ""),
                    respondents=names.get((r[0], "被执行人"), ""), amount_fen=r[3], filed_on=date.fromisoformat(r[4]),
                    handler_name=r[5] or "", limit_due_on=_date(r[6]), next_due_on=_date(r[7]), warning_level=r[8],
                    overdue_days=r[9], status=r[10], is_livelihood=bool(r[11]), zhongben_ready=bool(r[12]),
                    explanation_owed=bool(r[13]), deadlines_provisional=bool(r[14])) for r in rows]


def party_names(db: Any, case_ids: list[str]) -> dict[tuple[str, str], str]:
    """(case id, role) → "name、name" for the given cases (one query for a page)."""
    con = dbapi_connection(db)
    out: dict[tuple[str, str], list[str]] = {}
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for case_id, role, name in con.execute(
                f"SELECT case_id, role, name FROM parties WHERE case_id IN ({marks}) ORDER BY case_id, seq", chunk):
            out.setdefault((case_id, role), []).append(name)
    return {k: "、".join(v) for k, v in out.items()}


def search_cases(db: Any, text: str, *, limit: int = 50, view: str = "all") -> list[CaseRow]:
    """Search all cases by 案号 fragment, party name, ID number or credit code."""
    return list_cases(db, CaseQuery(text=text, view=view), limit=limit)


def view_counts(db: Any, handler_id: str | None = None, today: date | None = None, *,
                clerk_id: str | None = None) -> dict[str, int]:
    """How many cases each filter view holds (for the filter list), in one scan of the cases table."""
    con = dbapi_connection(db)
    params: dict[str, Any] = {}
    scanned = [v for v in VIEWS if v not in SUBQUERY_VIEWS]
    cols = ", ".join(f"sum(CASE WHEN {view_condition(v, today, params)} THEN 1 ELSE 0 END)" for v in scanned)
    mine = mine_condition(params, handler_id, clerk_id)
    where = f" WHERE {mine}" if mine else ""
    row = con.execute(f"SELECT {cols} FROM cases c{where}", params).fetchone()
    counts = {v: int(n or 0) for v, n in zip(scanned, row, strict=True)}
    for v in SUBQUERY_VIEWS:  # membership tests against other tables: one small query each
        counts[v] = count_cases(con, CaseQuery(view=v, handler_id=handler_id, clerk_id=clerk_id, today=today))
    return {k: counts[k] for k in VIEWS}


def explanation_cases(db: Any, handler_id: str | None = None, *, limit: int = 5000,
                      clerk_id: str | None = None) -> list[CaseRow]:
    """The 书面说明 screen's cases, most overdue first: those the deadline engine marks as owing one, then the
    other open cases past their execution limit itself (R36; a late node deadline alone does not call for one)."""
    owed = list_cases(db, CaseQuery(view="explanation_owed", handler_id=handler_id, clerk_id=clerk_id,
                                    sort="overdue_days"), limit=limit)
    overdue = list_cases(db, CaseQuery(view="overdue", handler_id=handler_id, clerk_id=clerk_id,
                                       sort="overdue_days"), limit=limit)
    seen = {r.id for r in owed}
    return owed + [r for r in overdue if r.id not in seen and r.overdue_days > 0]


# ---------------------------------------------------------------- status bar


@dataclass(frozen=True)
class StatusSummary:
    pending_changes: int  # outbox rows waiting to be pushed
    problem_changes: int  # quarantined or in conflict: need a person
    last_sync_at: datetime | None
    last_sync_status: str | None  # ok / failed / cancelled / running
    last_sync_message: str | None
    warnings: int  # open cases in a warning window (T−10 / T−5)
    overdue: int  # open cases past their execution limit (the list's 执行期限已超期, the report's 超期案件数)
    node_overdue: int = 0  # open cases within their limit but with a node deadline passed (节点超期)


def _timestamp(value: str | None) -> datetime | None:
    """``models.base.UTCDateTime`` text back to an aware UTC datetime."""
    return datetime.fromisoformat(value).astimezone(UTC) if value else None


def status_summary(db: Any, handler_id: str | None = None, today: date | None = None, *,
                   clerk_id: str | None = None) -> StatusSummary:
    con = dbapi_connection(db)
    states = dict(con.execute("SELECT state, count(*) FROM outbox WHERE resolved_at IS NULL GROUP BY state").fetchall())
    last = con.execute("SELECT finished_at, status, message, started_at FROM sync_runs "
                       "ORDER BY id DESC LIMIT 1").fetchone()
    params: dict[str, Any] = {}
    mine = mine_condition(params, handler_id, clerk_id)
    mine = f" AND {mine}" if mine else ""
    over, node_over = con.execute(
        f"SELECT sum(CASE WHEN {OVERDUE} THEN 1 ELSE 0 END), sum(CASE WHEN {NODE_OVERDUE} THEN 1 ELSE 0 END) "
        f"FROM cases c WHERE {OPEN}{mine}", params).fetchone()
    warned = _warned(None, today or date.today(), params)
    warn = con.execute(f"SELECT count(*) FROM cases c WHERE {OPEN}{mine} AND {warned}", params).fetchone()[0]
    return StatusSummary(
        pending_changes=int(states.get("pending", 0)),
        problem_changes=int(states.get("quarantined", 0)) + int(states.get("conflict", 0)),
        last_sync_at=_timestamp(last[0] or last[3]) if last else None,
        last_sync_status=last[1] if last else None,
        last_sync_message=last[2] if last else None,
        warnings=int(warn or 0), overdue=int(over or 0), node_overdue=int(node_over or 0))
