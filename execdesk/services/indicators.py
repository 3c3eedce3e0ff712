"""执行质效指标 per court, handler and month (R38): read the cases, count, evaluate the configured formulas.

The execution-limit due dates come from the cached ``cases.limit_due_on`` (kept current by the deadline
engine); ``refresh=True`` recomputes every case first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from execdesk.models.database import Store
from execdesk.rules.indicators import CaseStat, IndicatorRow, compute, load_config

__all__ = ["IndicatorReport", "IndicatorRow", "indicator_report"]


@dataclass(frozen=True)
class IndicatorReport:
    start: date
    end: date
    cases: int  # cases looked at (filed on or before the end of the period)
    rows: list[IndicatorRow]


def _d(value) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def indicator_report(store: Store, *, start: date | None = None, end: date | None = None,
                     today: date | None = None, court_code: str | None = None,
                     refresh: bool = False) -> IndicatorReport:
    """Indicators for closures between ``start`` and ``end`` (default: 1 January of ``end``'s year to today)."""
    today = today or date.today()
    end = end or today
    start = start or date(end.year, 1, 1)
    if refresh:
        from execdesk.services.derived import recompute_all

        recompute_all(store, today=today)
    sql = ("SELECT co.name, coalesce(u.display_name, '未分配'), c.filed_on, c.closed_on, c.status, "
           "c.closure_method, c.limit_due_on, c.amount_claimed_fen FROM cases c "
           "JOIN courts co ON co.id = c.court_id LEFT JOIN users u ON u.id = c.handler_id "
           "WHERE c.filed_on <= ?" + (" AND c.court_code = ?" if court_code else ""))
    args = (end.isoformat(), court_code) if court_code else (end.isoformat(),)
    stats = []
    with store.read() as session:
        cur = session.connection().connection.driver_connection
        for court, handler, filed, closed, status, method, due, amount in cur.execute(sql, args):
            closed_on = _d(closed) if status == "已结" else None
            stats.append(CaseStat(court=court, handler=handler, filed_on=_d(filed), closed_on=closed_on,
                                  closure_method=method if closed_on else None, limit_due_on=_d(due),
                                  amount_claimed_fen=int(amount or 0)))
    return IndicatorReport(start=start, end=end, cases=len(stats), rows=compute(stats, start, end, load_config()))
