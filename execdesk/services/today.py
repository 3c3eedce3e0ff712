"""今日待办: everything due for one person, most urgent first (issue 17 item 2).

One list over what the deadline engine already computed (``deadlines`` rows in their warning window or past
due: the execution limit at T−10/T−5/overdue, node limits such as 查控 and 评估, seal/freeze expiries, leads to
verify, payouts due, the periodic re-queries after 终本), 督办 items from the platform waiting for a reply,
and 终本 rulings waiting for this person's approval step (or, once approved, for the handler to issue them).

Each line says what is due, by when, in which case, and where it is done (``target``: a tab of the case
workspace, the 督办 screen, or the 终本 assistant). Whose cases: 我的案件 by role (``profiles.my_cases``).

Plain SQL over the DB-API connection like ``services.search``: it is the first screen after sign-in and must
not wait for the ORM (docs/decisions.md, item 16). Sorted in SQL on the indexed ``deadlines(status, due_on)``
so the first page at 100,000 cases costs about what its raw query costs (bench/bench_ui.py --today).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from execdesk.models.database import dbapi_connection
from execdesk.services.search import mine_condition

# Where a deadline kind is done: the case workspace tab (ui.case_workspace) that records it.
TARGETS = (  # (kind prefix, target)
    ("执行期限", "case:deadlines"),
    ("线索核实", "case:property"),
    ("终本后查询", "case:property"),
    ("执行款发放", "case:payments"),
    ("查封届满", "case:measures"),
    ("冻结届满", "case:measures"),
    ("扣押届满", "case:measures"),
    ("N", "case:nodes"),
)
NOT_TODO = ("终本最早日",)  # an earliest date, not something to do


def target_of(kind: str) -> str:
    for prefix, target in TARGETS:
        if kind.startswith(prefix):
            return target
    return "case:deadlines"


@dataclass(frozen=True)
class TodoItem:
    what: str  # the task, in words (the deadline's label, 督办 title, approval step)
    due_on: date | None  # by when (None: as soon as possible, e.g. an approval)
    status: str  # 已超期 / 预警 / 待办
    case_id: str | None
    case_number: str | None
    target: str  # case:<tab> / supervision:<item id> / approval
    basis: str = ""

    def days_left(self, today: date) -> int | None:
        return (self.due_on - today).days if self.due_on else None

    def when_text(self, today: date) -> str:
        """'超期12天' / '今天到期' / '3天后到期（12月1日）' / '尽快'."""
        left = self.days_left(today)
        if left is None:
            return "尽快办理"
        if left < 0:
            return f"已超期{-left}天"
        if left == 0:
            return "今天到期"
        return f"{left}天后到期"


# The deadline rows of one status with the case number, in due-date order. One statement per status so SQLite
# reads ix_deadlines_due (status, due_on, rowid) in order and stops at the LIMIT: every 已超期 row is due before
# every 预警 row, so the two pages concatenated are the list by due date (100,000 cases: a page in a few ms,
# where one IN (…) statement sorted every matching row, ~0.7 s).
_DEADLINES_SQL = (
    "SELECT d.label, d.due_on, d.status, d.case_id, c.case_number, d.kind, d.basis FROM deadlines d "
    "JOIN cases c ON c.id = d.case_id WHERE d.status = :status AND d.kind NOT IN ({not_todo}){mine} "
    "ORDER BY d.due_on, d.id LIMIT :limit")


def deadline_items(db: Any, *, handler_id: str | None = None, clerk_id: str | None = None,
                   limit: int = 500) -> list[TodoItem]:
    con = dbapi_connection(db)
    params: dict[str, Any] = {}
    mine = mine_condition(params, handler_id, clerk_id)
    marks = ", ".join(f":nt{i}" for i in range(len(NOT_TODO)))
    params.update({f"nt{i}": k for i, k in enumerate(NOT_TODO)})
    sql = _DEADLINES_SQL.format(not_todo=marks, mine=f" AND {mine}" if mine else "")
    out: list[TodoItem] = []
    for status in ("已超期", "预警"):
        if len(out) >= limit:
            break
        rows = con.execute(sql, {**params, "status": status, "limit": limit - len(out)}).fetchall()
        out += [TodoItem(what=r[0], due_on=date.fromisoformat(r[1]), status=r[2], case_id=r[3], case_number=r[4],
                         target=target_of(r[5]), basis=r[6] or "") for r in rows]
    return out


def deadline_counts(db: Any, *, handler_id: str | None = None, clerk_id: str | None = None) -> dict[str, int]:
    """How many deadline lines are overdue / in their warning window (the heading's totals; a full count, so
    the page reads it off the GUI thread)."""
    con = dbapi_connection(db)
    params: dict[str, Any] = {}
    mine = mine_condition(params, handler_id, clerk_id)
    marks = ", ".join(f":nt{i}" for i in range(len(NOT_TODO)))
    params.update({f"nt{i}": k for i, k in enumerate(NOT_TODO)})
    rows = con.execute(
        "SELECT d.status, count(*) FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE d.status IN "
        f"('已超期', '预警') AND d.kind NOT IN ({marks}){' AND ' + mine if mine else ''} GROUP BY d.status",
        params).fetchall()
    return {k: int(v) for k, v in rows}


def supervision_items(db: Any, *, handler_id: str | None = None, clerk_id: str | None = None) -> list[TodoItem]:
    """督办 from the platform not yet replied to, by their reply date (items for other courts never arrive)."""
    con = dbapi_connection(db)
    params: dict[str, Any] = {}
    mine = mine_condition(params, handler_id, clerk_id)
    # An item for a case outside 我的案件 is someone else's; one without a case is everyone's. The few open
    # items are read and each case looked up by its key (not a list of every case of the person).
    scope = f" AND (s.case_id IS NULL OR ({mine}))" if mine else ""
    rows = con.execute(
        "SELECT s.id, s.kind, s.title, s.due_on, s.case_id, s.case_number FROM supervision_items s "
        "LEFT JOIN cases c ON c.id = s.case_id "
        f"WHERE s.kind IN ('督办', '预警') AND s.state != '已回复'{scope}", params).fetchall()
    return [TodoItem(what=f"回复{kind}：{title}", due_on=date.fromisoformat(due) if due else None, status="待办",
                     case_id=case_id, case_number=number, target=f"supervision:{sid}")
            for sid, kind, title, due, case_id, number in rows]


def approval_items(db: Any, *, user_id: str | None, role: str, title: str | None = None) -> list[TodoItem]:
    """终本 rulings whose next approval step this person may sign (by role or title, R9) — whoever handles the
    case — and, for the handler, approved rulings waiting to be issued. The assistant re-checks the current
    draft (an approval of an older draft counts here as done; the assistant asks again)."""
    from execdesk.rules import approval as rules

    con = dbapi_connection(db)
    # Driven from the (few) cases with an approval of the ruling, not a scan of every open case.
    rows = con.execute(
        "SELECT c.id, c.case_number, c.handler_id, co.approval_route FROM "
        "(SELECT DISTINCT case_id FROM approvals WHERE subject = '终本裁定') a CROSS JOIN cases c ON c.id = a.case_id "
        "JOIN courts co ON co.id = c.court_id WHERE c.status = '未结' AND NOT EXISTS (SELECT 1 FROM issued_documents i "
        "WHERE i.case_id = c.id AND i.kind = '终本裁定书') ORDER BY c.case_number").fetchall()
    if not rows:
        return []
    ids = [r[0] for r in rows]
    latest: dict[tuple[str, str], str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for case_id, step, decision in con.execute(
                "SELECT case_id, step, decision FROM approvals WHERE subject = '终本裁定' "
                f"AND case_id IN ({','.join('?' * len(chunk))}) ORDER BY decided_at", chunk):
            latest[(case_id, step)] = decision
    out = []
    for case_id, number, case_handler, route_name in rows:
        rt = rules.route(route_name)
        pending = [s for s in rt.steps if latest.get((case_id, s.code)) != rules.APPROVE]
        if pending:
            step = pending[0]
            if case_handler == user_id and not step.self_allowed:
                continue  # a handler never approves their own ruling
            if role in step.roles or (title and title in step.roles):
                out.append(TodoItem(what=f"审批终本裁定：{step.name}", due_on=None, status="待办", case_id=case_id,
                                    case_number=number, target="approval"))
        elif case_handler == user_id:
            out.append(TodoItem(what="审批已完成，出具终本裁定书", due_on=None, status="待办", case_id=case_id,
                                case_number=number, target="approval"))
    return out


def _due(item: TodoItem) -> date:
    """The day a dated item is due (a deadline row always has one; a 督办 item is dated only with one)."""
    assert item.due_on is not None
    return item.due_on


def today_items(db: Any, *, user_id: str | None, role: str, title: str | None = None,
                handler_id: str | None = None, clerk_id: str | None = None, today: date | None = None,
                limit: int = 500) -> list[TodoItem]:
    """Everything due for this person, by how soon: what is overdue or due today (earliest first), then the
    undated tasks (approvals, 督办 without a date: as soon as possible), then what falls due later."""
    today = today or date.today()
    dated = deadline_items(db, handler_id=handler_id, clerk_id=clerk_id, limit=limit)
    sup = supervision_items(db, handler_id=handler_id, clerk_id=clerk_id)
    dated += [s for s in sup if s.due_on]
    undated = [s for s in sup if not s.due_on]
    undated += approval_items(db, user_id=user_id, role=role, title=title)
    dated.sort(key=_due)  # stable: the deadlines keep their (due date, id) order
    due_now = [i for i in dated if _due(i) <= today]
    later = [i for i in dated if _due(i) > today]
    return (due_now + undated + later)[:limit]
