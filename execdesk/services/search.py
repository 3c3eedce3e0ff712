"""Case list queries: search by 案号 fragment, party name, ID number or credit code, and the list filters.

Search runs ``instr()`` on ``cases.search_text`` (lowercased "案号|name|id|…", maintained by the services).
PLATFORM.md: FTS5 trigram matches nothing for 1–2 character queries such as 张三, and a substring scan of
100,000 rows measures ~30 ms here (bench/bench_ui.py), so no extra index is needed. Whitespace splits the
query into terms that must all match. Exact party-name matches ("|张伟|") sort before substring matches.

Reads only: every function takes an open session and returns plain dataclasses (no ORM objects escape, so
the UI never touches a detached row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from execdesk.models import Approval, Case, Deadline, IssuedDocument, OutboxEntry, Party, SyncRun, User

SMALL_AMOUNT_FEN = 100_000 * 100  # 标的 under 100,000 yuan (百日会战 priority flag)

# Filter views: key → Chinese label. Order is the order shown in the UI.
VIEWS: dict[str, str] = {
    "open": "全部未结",
    "overdue": "已超期",
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

# Sortable columns: key → column (the UI maps its header to these keys).
SORT_KEYS = {
    "case_number": (Case.year, Case.serial),
    "cause": (Case.cause,),
    "amount": (Case.amount_claimed_fen,),
    "filed_on": (Case.filed_on,),
    "limit_due_on": (Case.limit_due_on,),
    "next_due_on": (Case.next_due_on,),
    "overdue_days": (Case.overdue_days,),
    "status": (Case.status,),
}


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    view: str = "open"
    handler_id: str | None = None  # set: only this handler's cases ("我的案件")
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


def _text_condition(terms: list[str]) -> ColumnElement[bool] | None:
    if not terms:
        return None
    return and_(*(func.instr(Case.search_text, t) > 0 for t in terms))


def _awaiting_approval() -> ColumnElement[bool]:
    """A 终本 ruling in approval: some step of the route has been decided (services.approvals) and no 终本裁定书
    has been issued yet. (Whether every step approved the *current* draft needs the draft's hash; the wizard
    shows that per case.)"""
    started = select(Approval.case_id).where(Approval.subject == "终本裁定")
    issued = select(IssuedDocument.case_id).where(IssuedDocument.kind == "终本裁定书",
                                                  IssuedDocument.case_id.is_not(None))
    return and_(Case.id.in_(started), Case.id.not_in(issued))


def _warned(today: date, within_days: int | None) -> ColumnElement[bool]:
    """Open cases with a deadline in its warning window (status 预警, computed by the deadline engine).

    The engine's ``cases.warning_level`` is the worst level over all deadlines, so a case whose limit is
    due in 5 days but which also has an overdue node deadline says -1; the deadlines table says both."""
    q = select(Deadline.case_id).where(Deadline.status == "预警")
    if within_days is not None:
        q = q.where(Deadline.due_on <= today + timedelta(days=within_days))
    return Case.id.in_(q)


def view_condition(view: str, today: date | None = None) -> ColumnElement[bool]:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    today = today or date.today()
    open_ = Case.status == "未结"
    return {
        "open": open_,
        "overdue": and_(open_, or_(Case.warning_level == -1, Case.overdue_days > 0)),
        "warn10": and_(open_, _warned(today, None)),
        "warn5": and_(open_, _warned(today, 5)),
        "livelihood": and_(open_, Case.is_livelihood.is_(True)),
        "small": and_(open_, Case.amount_claimed_fen < SMALL_AMOUNT_FEN),
        "zhongben_ready": and_(open_, Case.zhongben_ready.is_(True)),
        "awaiting_approval": and_(open_, _awaiting_approval()),
        "explanation_owed": and_(open_, Case.explanation_owed.is_(True)),
        "closed": Case.status == "已结",
        "all": literal(True),
    }[view]


def _where(q: CaseQuery) -> list[ColumnElement[bool]]:
    conds = [view_condition(q.view, q.today)]
    if q.handler_id:
        conds.append(Case.handler_id == q.handler_id)
    text = _text_condition(normalize_query(q.text))
    if text is not None:
        conds.append(text)
    return conds


def count_cases(session: Session, q: CaseQuery) -> int:
    return session.scalar(select(func.count()).select_from(Case).where(*_where(q))) or 0


def _ordered(stmt: Select, q: CaseQuery) -> Select:
    cols = SORT_KEYS.get(q.sort, SORT_KEYS["filed_on"])
    order = []
    terms = normalize_query(q.text)
    if len(terms) == 1:
        # Exact party-name / ID matches first: "张伟" before "张伟明".
        bounded = literal("|").concat(Case.search_text).concat("|")
        order.append(case((func.instr(bounded, f"|{terms[0]}|") > 0, 0), else_=1))
    for c in cols:
        # NULL dates last in either direction (a case with no computed deadline is not "most urgent").
        order.append(c.is_(None))
        order.append(c.desc() if q.descending else c.asc())
    order.append(Case.id)  # stable pages
    return stmt.order_by(*order)


def list_cases(session: Session, q: CaseQuery, *, offset: int = 0, limit: int = 200) -> list[CaseRow]:
    """One page of the case list, with party names and the handler's name."""
    stmt = (select(Case.id, Case.case_number, Case.cause, Case.amount_claimed_fen, Case.filed_on,
                   User.display_name, Case.limit_due_on, Case.next_due_on, Case.warning_level, Case.overdue_days,
                   Case.status, Case.is_livelihood, Case.zhongben_ready, Case.explanation_owed,
                   Case.deadlines_provisional)
            .outerjoin(User, User.id == Case.handler_id)
            .where(*_where(q)))
    rows = session.execute(_ordered(stmt, q).offset(offset).limit(limit)).all()
    names = party_names(session, [r[0] for r in rows])
    return [CaseRow(id=r[0], case_number=r[1], cause=r[2], applicants=names.get((r[0], "申请执行人"), ""),
                    respondents=names.get((r[0], "被执行人"), ""), amount_fen=r[3], filed_on=r[4],
                    handler_name=r[5] or "", limit_due_on=r[6], next_due_on=r[7], warning_level=r[8],
                    overdue_days=r[9], status=r[10], is_livelihood=bool(r[11]), zhongben_ready=bool(r[12]),
                    explanation_owed=bool(r[13]), deadlines_provisional=bool(r[14])) for r in rows]


def party_names(session: Session, case_ids: list[str]) -> dict[tuple[str, str], str]:
    """(case id, role) → "name、name" for the given cases (one query for a page)."""
    out: dict[tuple[str, str], list[str]] = {}
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start:start + 500]
        for case_id, role, name in session.execute(
                select(Party.case_id, Party.role, Party.name).where(Party.case_id.in_(chunk))
                .order_by(Party.case_id, Party.seq)):
            out.setdefault((case_id, role), []).append(name)
    return {k: "、".join(v) for k, v in out.items()}


def search_cases(session: Session, text: str, *, limit: int = 50, view: str = "all") -> list[CaseRow]:
    """Search all cases by 案号 fragment, party name, ID number or credit code."""
    return list_cases(session, CaseQuery(text=text, view=view), limit=limit)


def view_counts(session: Session, handler_id: str | None = None, today: date | None = None) -> dict[str, int]:
    """How many cases each filter view holds (for the filter list), in one scan of the cases table."""
    base = [] if handler_id is None else [Case.handler_id == handler_id]
    subqueries = ("awaiting_approval", "warn10", "warn5")
    cols = [func.sum(case((view_condition(v, today), 1), else_=0)).label(v) for v in VIEWS if v not in subqueries]
    row = session.execute(select(*cols).select_from(Case).where(*base)).one()
    counts = {k: int(v or 0) for k, v in row._mapping.items()}
    for v in subqueries:  # membership tests against other tables: one small query each
        counts[v] = count_cases(session, CaseQuery(view=v, handler_id=handler_id, today=today))
    return {k: counts[k] for k in VIEWS}


# ---------------------------------------------------------------- status bar


@dataclass(frozen=True)
class StatusSummary:
    pending_changes: int  # outbox rows waiting to be pushed
    problem_changes: int  # quarantined or in conflict: need a person
    last_sync_at: datetime | None
    last_sync_status: str | None  # ok / failed / cancelled / running
    last_sync_message: str | None
    warnings: int  # open cases in a warning window (T−10 / T−5)
    overdue: int


def status_summary(session: Session, handler_id: str | None = None, today: date | None = None) -> StatusSummary:
    states = dict(session.execute(select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)).all())
    last = session.execute(select(SyncRun.finished_at, SyncRun.status, SyncRun.message, SyncRun.started_at)
                           .order_by(SyncRun.id.desc()).limit(1)).first()
    base = [Case.status == "未结"]
    if handler_id:
        base.append(Case.handler_id == handler_id)
    over = session.scalar(select(func.count()).select_from(Case).where(
        *base, or_(Case.warning_level == -1, Case.overdue_days > 0)))
    warn = session.scalar(select(func.count()).select_from(Case).where(*base, _warned(today or date.today(), None)))
    return StatusSummary(
        pending_changes=int(states.get("pending", 0)),
        problem_changes=int(states.get("quarantined", 0)) + int(states.get("conflict", 0)),
        last_sync_at=(last[0] or last[3]) if last else None,
        last_sync_status=last[1] if last else None,
        last_sync_message=last[2] if last else None,
        warnings=int(warn or 0), overdue=int(over or 0))
