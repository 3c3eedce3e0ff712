"""Deadline engine entry points: gather case facts from the database, run the pure engine, store the results.

- ``store_case_deadlines(session, case, today=)`` rebuilds the case's rows in ``deadlines`` and the cached columns
  on ``cases`` inside the caller's transaction (never ``zhongben_ready``).
- ``store_all_deadlines(store, today=)`` does the same for every case: big raw-SQL reads, pure Python,
  ``executemany`` writes (100,000 cases in a few seconds, bench/bench_deadlines.py).
  Both are called only by services/derived.py, the one writer of derived values (issue 11).
- ``explain_limit(session, case, today=)`` says how the execution limit was computed (for the 书面说明 PDF).

Both paths build facts with the same SQL (``_FactLoader``), so one case recomputed alone and the same case in
a full recompute give identical rows. The ``deadlines`` table keeps the open deadlines and the execution limit
of each case; completed node deadlines are recomputed on demand (``case_deadlines(..., full=True)``).
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from execdesk.models import Case
from execdesk.models.database import Store, dbapi_connection
from execdesk.rules.deadlines import (
    ZHONGBEN_METHOD,
    CaseDeadlines,
    CaseFacts,
    Engine,
    LimitExplanation,
    RuleSet,
    load_rules,
)
from execdesk.rules.holidays import HolidayCalendar, load_calendar

__all__ = ["LimitExplanation", "CaseOverview", "open_case_overview", "priority_clause", "store_case_deadlines",
           "store_all_deadlines", "explain_limit", "case_deadlines", "active_rules", "active_calendar",
           "holiday_updates_dir", "clear_calendar_cache", "signature", "RecomputeStats"]

DEFAULT_PRESET = "shandong"


# ---------------------------------------------------------------- active rules and calendar


def _preset_name() -> str:
    from execdesk.config import Settings

    return getattr(Settings.load(), "deadline_preset", "") or DEFAULT_PRESET


def active_rules(preset: str | None = None) -> RuleSet:
    """The rule set selected by the setting ``deadline_preset`` (default 山东)."""
    return load_rules(preset or _preset_name())


def holiday_updates_dir() -> Path:
    from execdesk.config import data_dir

    return data_dir() / "holidays"


@functools.cache
def _calendar_for(updates_dir: str) -> HolidayCalendar:
    return load_calendar(Path(updates_dir))


def active_calendar() -> HolidayCalendar:
    """chinese-calendar + shipped data + holiday updates delivered later (data folder ``holidays/``)."""
    return _calendar_for(str(holiday_updates_dir()))


def clear_calendar_cache() -> None:
    """Forget the loaded holiday calendar (after an update was stored)."""
    _calendar_for.cache_clear()


# ---------------------------------------------------------------- facts from SQL

class _Dates(dict):
    """ISO text → date, memoised (a bulk recompute parses the same few thousand dates millions of times)."""

    def __missing__(self, value):
        d = None if value is None else date.fromisoformat(value[:10])
        self[value] = d
        return d


class _Isos(dict):
    def __missing__(self, d):
        text = None if d is None else d.isoformat()
        self[d] = text
        return text


_DATES = _Dates()
_ISOS = _Isos()


def _d(value) -> date | None:
    return value if isinstance(value, date) else _DATES[value]


def _sqlite(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy connection (bulk reads and writes run on it directly)."""
    raw = conn.connection.driver_connection
    if raw is None:  # the pool invalidated it
        raise RuntimeError("数据库连接已失效")
    return raw


CASE_COLUMNS = ("id, case_number, type_code, filed_on, received_on, assigned_on, is_non_litigation, status, "
                "closure_method, closed_on")


class _FactLoader:
    """The SQL that turns rows into ``CaseFacts``; ``where`` restricts to one case (``case_id = ?``)."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        # Node codes a closed case still needs: 终本 service, after-closure limits, re-queries (its closing day
        # is its 结案日期, so the closing nodes themselves are only read for open cases).
        codes = {"N24", rules.requery_node}
        for rule in rules.node_limits:
            if rule.after_closure:
                for t in (rule.start, *rule.done_any, *rule.done_all):
                    if t.startswith("start:"):
                        codes.add(t[6:])
                    elif t[:1] == "N":
                        codes.add(t)
        self.closed_codes = tuple(sorted(codes))
        # Node codes an open case's limits look at (others never change a deadline, so are not read).
        used = set(codes) | {"N02", *rules.closing_codes}
        for rule in rules.node_limits:
            for t in (rule.start, *rule.done_any, *rule.done_all, *((rule.when,) if rule.when else ())):
                if t.startswith("start:"):
                    used.add(t[6:])
                elif t[:1] == "N":
                    used.add(t)
        self.open_codes = tuple(sorted(used))
        self.deduct_codes = tuple(sorted(rules.deduct_codes))
        self.seal_kinds = rules.seal_kinds

    def _in(self, values: Iterable[str]) -> str:
        return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"

    def load(self, conn, case_id: str | None = None, *, open_only: bool = False,
             rowids: tuple[int, int] | None = None) -> dict[str, CaseFacts]:
        """Facts of one case (``case_id``), the open cases, the cases in a rowid range, or all cases.

        ``conn``: a SQLAlchemy connection or a DB-API (sqlite3) connection; rows are read with the DB-API
        cursor (no per-row overhead). Rows of other cases that a query returns are skipped in Python."""
        cur = getattr(getattr(conn, "connection", None), "driver_connection", None) or conn
        _d = _DATES.__getitem__  # noqa: N806 — local alias: the hot loops below call it millions of times
        one = case_id is not None
        args = (case_id,) if one else ()
        where_case = "WHERE id = ?" if one else ""
        open_sql = "NOT (status = '已结' AND closed_on IS NOT NULL)"
        conds = [open_sql] if open_only else []
        if rowids is not None:
            conds.append(f"rowid BETWEEN {int(rowids[0])} AND {int(rowids[1])}")
        case_filter = where_case or ("WHERE " + " AND ".join(conds) if conds else "")
        facts: dict[str, CaseFacts] = {}
        review_types = self.rules.type_review
        for (cid, number, type_code, filed, received, assigned, non_lit, status, method,
             closed, cause) in cur.execute(f"SELECT {CASE_COLUMNS}, cause FROM cases {case_filter}", args):
            is_closed = status == "已结" and closed is not None
            facts[cid] = CaseFacts(case_number=number, type_code=type_code, filed_on=_d(filed),
                                   received_on=_d(received), assigned_on=_d(assigned), non_litigation=bool(non_lit),
                                   closed_on=_d(closed) if is_closed else None,
                                   closure_method=method if is_closed else None,
                                   # 案由 only matters for review periods (案外人异议 vs 执行行为异议, R29)
                                   cause=(cause or "") if type_code in review_types else "")
        if not facts:
            return facts
        and_case = "AND case_id = ?" if one else ""
        # 1. Open cases: the first start and first completion of every node code.
        open_filter = "" if one else f"AND case_id IN (SELECT id FROM cases WHERE {' AND '.join([open_sql, *conds[1 if open_only else 0:]])})"
        sql = ("SELECT case_id, code, min(started_on), "
               "min(CASE WHEN status = '已完成' THEN coalesce(ended_on, started_on) END) "
               f"FROM nodes WHERE status != '已更正' AND code IN {self._in(self.open_codes)} {open_filter} {and_case} "
               "GROUP BY case_id, code")
        for cid, code, first_start, first_done in cur.execute(sql, args):
            f = facts.get(cid)
            if f is None:
                continue
            if one and f.closed_on is not None and code not in self.closed_codes:
                continue  # same facts as the bulk path: closed cases only see the codes they still need
            if first_start:
                f.first_start[code] = _d(first_start)
            if first_done:
                f.first_done[code] = _d(first_done)
        # 2. All cases: 终本 service, after-closure nodes, re-queries, deducting periods.
        # One case or a rowid range: seek (case_id, code) in the index; all cases: one scan of the table.
        if one:
            which = "case_id = ? AND "
        elif rowids is not None:
            which = f"case_id IN (SELECT id FROM cases WHERE {conds[-1]}) AND "
        else:
            which = ""
        sql = ("SELECT case_id, code, started_on, ended_on, status, "
               "CASE WHEN code = 'N24' THEN json_extract(data, '$.served_on') END FROM nodes "
               f"WHERE {which}code IN {self._in(self.closed_codes + self.deduct_codes)} AND status != '已更正' "
               f"AND (code IN {self._in(self.closed_codes)} OR status = '进行中' OR ended_on > started_on)")
        requery = self.rules.requery_node
        for cid, code, started, ended, status, served in cur.execute(sql, args):
            f = facts.get(cid)
            if f is None:
                continue
            s, e = _d(started), _d(ended)
            if code in self.rules.deduct_codes and s is not None and (status == "进行中" or (e and e > s)):
                if isinstance(f.node_periods, list):  # a list once this loader started it
                    f.node_periods.append((code, s, e if status == "已完成" else None))
                else:
                    f.node_periods = [(code, s, e if status == "已完成" else None)]
            if code in self.closed_codes and s and (code not in f.first_start or s < f.first_start[code]):
                f.first_start[code] = s
            if status != "已完成":
                continue
            done = e or s
            if code in self.closed_codes:
                if done and (code not in f.first_done or done < f.first_done[code]):
                    f.first_done[code] = done
            if code == "N24":
                served_on = _d(served) if served else done
                if served_on and (f.served_on is None or served_on < f.served_on):
                    f.served_on = served_on
            elif code == requery and done:
                if isinstance(f.requery_dates, list):  # a list once this loader started it
                    f.requery_dates.append(done)
                else:
                    f.requery_dates = [done]
        # 3. Open cases: completed 拍卖/变卖 nodes with data (R27 re-auction and sale-notice limits).
        sql = ("SELECT case_id, seq, coalesce(ended_on, started_on), data FROM nodes WHERE code = 'N13' "
               f"AND status = '已完成' AND data IS NOT NULL AND data != '{{}}' {open_filter} {and_case}")
        for cid, seq, done, data in cur.execute(sql, args):
            f = facts.get(cid)
            if f is None or not done:
                continue
            try:
                parsed = json.loads(data) if isinstance(data, str) else dict(data)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                if isinstance(f.auctions, list):  # a list once this loader started it
                    f.auctions.append((int(seq), _d(done), parsed))
                else:
                    f.auctions = [(int(seq), _d(done), parsed)]
        # 4. Open cases: 报告财产令 data (N04) and 财产报告核查 (N08) dates (the 财产报告 period, issue 12).
        if self.rules.property_report:
            # Only N04 rows that carry the order's data (json_extract in SQL: no JSON parsing in Python).
            sql = ("SELECT case_id, code, seq, coalesce(ended_on, started_on), "
                   "CASE WHEN code = 'N04' THEN json_extract(data, '$.report_order_on') END, "
                   "CASE WHEN code = 'N04' THEN json_extract(data, '$.report_deadline') END FROM nodes "
                   "WHERE code IN ('N04', 'N08') AND status = '已完成' AND (code = 'N08' OR (json_valid(data) AND "
                   "(json_extract(data, '$.report_deadline') IS NOT NULL OR "
                   "json_extract(data, '$.report_order_on') IS NOT NULL))) "
                   f"{open_filter} {and_case}")
            for cid, code, seq, done, order_on, deadline in cur.execute(sql, args):
                f = facts.get(cid)
                if f is None or not done or f.closed_on is not None:
                    continue
                if code == "N08":
                    if isinstance(f.report_checks, list):  # a list once this loader started it
                        f.report_checks.append(_d(done))
                    else:
                        f.report_checks = [_d(done)]
                    continue
                row = (int(seq), _d(done), {"report_order_on": order_on, "report_deadline": deadline})
                if isinstance(f.report_orders, list):  # a list once this loader started it
                    f.report_orders.append(row)
                else:
                    f.report_orders = [row]
        for cid, kind, start, end, doc in cur.execute(
                "SELECT case_id, kind, started_on, ended_on, document_number FROM deductions "
                f"{where_case.replace('id', 'case_id')}", args):
            f = facts.get(cid)
            if f is not None:
                # 文号: a follow-on 暂缓 counts only with its approving decision recorded (R30).
                deduction = (kind, _d(start), _d(end), doc) if doc else (kind, _d(start), _d(end))
                if isinstance(f.deductions, list):  # a list once this loader started it
                    f.deductions.append(deduction)
                else:
                    f.deductions = [deduction]
        for cid, months, approved, applied, high in cur.execute(
                "SELECT case_id, months, approved_on, applied_on, high_court_filed FROM extensions "
                f"{where_case.replace('id', 'case_id')}", args):
            f = facts.get(cid)
            if f is not None:
                if isinstance(f.extensions, list):  # a list once this loader started it
                    f.extensions.append((int(months), _d(approved), _d(applied), bool(high)))
                else:
                    f.extensions = [(int(months), _d(approved), _d(applied), bool(high))]
        for cid, mid, kind, asset, start, expiry in cur.execute(
                "SELECT case_id, id, kind, asset_kind, started_on, expires_on FROM measures "
                f"WHERE kind IN {self._in(self.seal_kinds)} AND released_on IS NULL {and_case}", args):
            f = facts.get(cid)
            if f is not None:
                if isinstance(f.seals, list):  # a list once this loader started it
                    f.seals.append((mid, kind, asset, _d(start), _d(expiry)))
                else:
                    f.seals = [(mid, kind, asset, _d(start), _d(expiry))]
        for cid, lid, given, urgent, verified in cur.execute(
                "SELECT case_id, id, given_on, urgent, verified_on FROM property_leads "
                f"{where_case.replace('id', 'case_id')}", args):
            f = facts.get(cid)
            if f is not None:
                if isinstance(f.leads, list):  # a list once this loader started it
                    f.leads.append((lid, _d(given), bool(urgent), _d(verified)))
                else:
                    f.leads = [(lid, _d(given), bool(urgent), _d(verified))]
        for cid, kind, amount, paid in cur.execute(
                f"SELECT case_id, kind, amount_fen, paid_on FROM payments {where_case.replace('id', 'case_id')}"
                + (" AND" if where_case else " WHERE") + " status = '有效'",
                args):
            f = facts.get(cid)
            if f is not None:
                if isinstance(f.payments, list):  # a list once this loader started it
                    f.payments.append((kind, int(amount), _d(paid)))
                else:
                    f.payments = [(kind, int(amount), _d(paid))]
        for (cid,) in cur.execute(
                f"SELECT DISTINCT case_id FROM explanations WHERE status = '已出具' {and_case}", args):
            f = facts.get(cid)
            if f is not None:
                f.explanation_issued = True
        return facts


@functools.cache
def _loader(rules: RuleSet) -> _FactLoader:
    return _FactLoader(rules)


# ---------------------------------------------------------------- writing results

INSERT_DEADLINE = ("INSERT INTO deadlines (case_id, kind, label, due_on, warn_on, status, basis, provisional, "
                   "rolled_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
UPDATE_CASE = ("UPDATE cases SET limit_due_on = ?, next_due_on = ?, warning_level = ?, overdue_days = ?, "
               "explanation_owed = ?, zhongben_earliest_on = ?, deadlines_provisional = ? WHERE id = ?")
# The same by rowid; the trailing id makes sure the row is still that case (parameters: values, rowid, id).
UPDATE_CASE_BY_ROWID = UPDATE_CASE.replace("WHERE id = ?", "WHERE rowid = ? AND id = ?")


def _rows(case_id: str, result: CaseDeadlines) -> list[tuple]:
    iso = _ISOS
    return [(case_id, it.kind, it.label, iso[it.due_on], iso[it.warn_on], it.status, it.basis, int(it.provisional),
             iso[it.rolled_from]) for it in result.items]


def _case_values(result: CaseDeadlines) -> tuple:
    iso = _ISOS
    return (iso[result.limit.due_on], iso[result.next_due_on], result.warning_level, result.overdue_days,
            int(result.explanation_owed), iso[result.zhongben_earliest_on], int(result.provisional))


CACHED_COLUMNS = ("limit_due_on", "next_due_on", "warning_level", "overdue_days", "explanation_owed",
                  "zhongben_earliest_on", "deadlines_provisional")


# ---------------------------------------------------------------- per case


def _engine(today: date | None) -> Engine:
    return Engine(active_rules(), active_calendar(), today or date.today())


def case_facts(session: Session, case: Case) -> CaseFacts:
    session.flush()
    rules = active_rules()
    facts = _loader(rules).load(session.connection(), case.id)
    return facts[case.id]


def case_deadlines(session: Session, case: Case, *, today: date | None = None, full: bool = True) -> CaseDeadlines:
    """Every deadline of one case, computed now (``full=True`` includes completed ones)."""
    return _engine(today).compute_case(case_facts(session, case), full=full)


def store_case_deadlines(session: Session, case: Case, *, today: date | None = None) -> None:
    """Rebuild the case's ``deadlines`` rows and cached columns, in the caller's transaction."""
    facts = case_facts(session, case)
    result = _engine(today).compute_case(facts)
    cur = dbapi_connection(session)
    cur.execute("DELETE FROM deadlines WHERE case_id = ?", (case.id,))
    rows = _rows(case.id, result)
    if rows:
        cur.executemany(INSERT_DEADLINE, rows)
    values = _case_values(result)
    cur.execute(UPDATE_CASE, (*values, case.id))
    # The cache columns are derived data: set them on the loaded object without marking it changed
    # (no version bump, no outbox entry for a recomputation).
    typed = (result.limit.due_on, result.next_due_on, result.warning_level, result.overdue_days,
             result.explanation_owed, result.zhongben_earliest_on, result.provisional)
    for name, value in zip(CACHED_COLUMNS, typed, strict=True):
        set_committed_value(case, name, value)


def explain_limit(session: Session, case: Case, *, today: date | None = None) -> LimitExplanation:
    """How the execution limit of ``case`` is computed: statutory months and basis, counting start, nominal end,
    each deduction after the union, each extension, final due date, roll-over, provisional flag, overdue days."""
    return _engine(today).explain_limit(case_facts(session, case))


# ---------------------------------------------------------------- all cases


@dataclass(frozen=True)
class RecomputeStats:
    cases: int
    deadlines: int  # deadline rows of all cases after the recompute
    changed_cases: int  # cases whose rows or cached columns changed (only these are written)
    read_s: float  # with workers: read + compute in the slowest worker
    compute_s: float  # with workers: collecting the workers' results
    write_s: float  # including the commit
    workers: int = 1
    cpu_s: float = 0.0  # CPU seconds of this process and the workers (robust to a busy machine)


@dataclass
class _Part:
    rows: list[tuple]  # every deadline row of the cases computed
    changed: set[str]  # cases whose deadline rows differ from the stored ones
    updates: list[tuple]  # cached-column updates that differ from the stored values
    seconds: float = 0.0
    cpu: float = 0.0


def _stored_state(cur, rowids: tuple[int, int] | None) -> tuple[dict[str, tuple], dict[str, list[tuple]]]:
    """What the last computation stored: cached columns per case, deadline rows per case (rowid order)."""
    where = f"WHERE rowid BETWEEN {int(rowids[0])} AND {int(rowids[1])}" if rowids else ""
    # id → (stored cached columns, rowid): updates go by rowid (an integer key, no text-index lookup).
    cached = {row[-1]: (row[:-2], row[-2]) for row in cur.execute(
        "SELECT limit_due_on, next_due_on, warning_level, overdue_days, explanation_owed, zhongben_earliest_on, "
        f"deadlines_provisional, rowid, id FROM cases {where}")}
    stored: dict[str, list[tuple]] = {}
    of_range = f"WHERE case_id IN (SELECT id FROM cases {where})" if rowids else ""
    for row in cur.execute("SELECT case_id, kind, label, due_on, warn_on, status, basis, provisional, rolled_from "
                           f"FROM deadlines {of_range} ORDER BY rowid"):
        if row[0] in cached:
            lst = stored.get(row[0])
            if lst is None:
                stored[row[0]] = [row]
            else:
                lst.append(row)
    return cached, stored


def _compute_part(engine: Engine, facts: dict[str, CaseFacts], cached: dict[str, tuple[tuple, int]],
                  stored: dict[str, list[tuple]]) -> _Part:
    part = _Part(rows=[], changed=set(), updates=[])
    compute = engine.compute_case
    no_rows: list[tuple] = []
    for cid, f in facts.items():
        result = compute(f)
        rows = _rows(cid, result)
        part.rows.extend(rows)
        if rows != stored.get(cid, no_rows):
            part.changed.add(cid)
        values = _case_values(result)
        old, rowid = cached[cid]
        if values != old:
            part.updates.append((*values, rowid, cid))
    return part


def _worker(job: tuple) -> _Part:
    """Runs in a forked process: read one rowid range of cases on its own read connection and compute."""
    import sqlite3
    import time

    path, rowids, today, preset, updates_dir = job
    t0 = time.perf_counter()
    c0 = time.process_time()
    engine = Engine(load_rules(preset), _calendar_for(updates_dir), today)
    con = sqlite3.connect(path)
    try:
        facts = _loader(engine.rules).load(con, rowids=rowids)
        cached, stored = _stored_state(con, rowids)
    finally:
        con.close()
    part = _compute_part(engine, facts, cached, stored)
    part.seconds = time.perf_counter() - t0
    part.cpu = time.process_time() - c0
    return part


def _workers_for(n_cases: int) -> int:
    """Two processes for big recomputes where fork exists (Linux/macOS); one elsewhere (Windows, frozen)."""
    import multiprocessing
    import os
    import sys
    import threading

    # fork() in a multi-threaded process (the GUI with its worker threads) can deadlock: stay single then.
    # Threads started outside Python (Qt's pool) are not in threading's count, so ask the OS too.
    if (n_cases < 20_000 or (os.cpu_count() or 1) < 2 or getattr(sys, "frozen", False)
            or threading.active_count() > 1 or _os_threads() > 1):
        return 1
    return 2 if "fork" in multiprocessing.get_all_start_methods() else 1


def _os_threads() -> int:
    try:
        import os

        return len(os.listdir("/proc/self/task"))
    except OSError:  # no procfs (macOS): threading's count is all we have
        return 1


def _indexes(cur, table: str, columns: Iterable[str] | None) -> list[tuple[str, str]]:
    """(name, DDL) of the table's explicit indexes; with ``columns``, only those over one of them."""
    out = []
    for name, ddl in cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                 "AND sql IS NOT NULL", (table,)):
        if columns is None or any(c in ddl[ddl.index("("):] for c in columns):
            out.append((name, ddl))
    return out


_recompute_lock = threading.Lock()  # one full recompute at a time in this process (daily refresh, holiday update)


def store_all_deadlines(store: Store, *, today: date | None = None, workers: int | None = None,
                  after_compute: Callable[[], None] | None = None) -> RecomputeStats:
    """Full recompute (rules or holidays changed, demo data loaded, a new day).

    Reads and computes on one snapshot *without* the write lock, so clerks keep saving while it runs (the
    daily refresh reads and computes for ~3.5 s at 100,000 cases); then writes in one short transaction.
    Every change to case data is audited, so a case with an audit entry newer than the snapshot was saved
    meanwhile: its save already recomputed it from newer facts, and it is left exactly as that save wrote it.
    ``after_compute`` runs between the two phases (progress reporting; tests save a case there).

    Only what changed is written: the cached columns of cases whose values moved, the deadline rows of cases
    whose rows moved (when most cases changed, the table is rewritten with its indexes rebuilt once).
    With ``workers`` > 1 the cases are split by rowid range and read + computed in forked processes on their
    own read connections (they see the snapshot's data or newer; anything newer is an audited save, left
    alone as above)."""
    import time

    today = today or date.today()
    engine = _engine(today)
    loader = _loader(engine.rules)
    with _recompute_lock:
        c0 = time.process_time()
        t0 = time.perf_counter()
        with store.read_engine.begin() as conn:  # read phase: one snapshot (deferred BEGIN), no write lock
            cur = _sqlite(conn)
            seen_audit = cur.execute("SELECT coalesce(max(id), 0) FROM audit_entries").fetchone()[0]
            lo, hi, n = cur.execute("SELECT min(rowid), max(rowid), count(*) FROM cases").fetchone()
            workers = workers if workers is not None else _workers_for(n or 0)
            if workers > 1 and n:
                import multiprocessing

                step = (hi - lo) // workers + 1
                jobs = [(str(store.path), (lo + i * step, min(hi, lo + (i + 1) * step - 1)), today, _preset_name(),
                         str(holiday_updates_dir())) for i in range(workers)]
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    parts = pool.map(_worker, jobs)
                t1 = t0 + max(p.seconds for p in parts)  # read + compute ran together in the workers
            else:
                facts = loader.load(cur)
                cached, stored = _stored_state(cur, None)
                t1 = time.perf_counter()
                parts = [_compute_part(engine, facts, cached, stored)]
        if after_compute is not None:
            after_compute()
        t2 = time.perf_counter()
        changed = set().union(*(p.changed for p in parts))
        updates = [u for p in parts for u in p.updates]
        total_rows = sum(len(p.rows) for p in parts)
        with store.engine.begin() as conn:  # write phase: one short transaction
            cur = _sqlite(conn)
            saved_meanwhile = {cid for (cid,) in cur.execute(
                "SELECT DISTINCT case_id FROM audit_entries WHERE id > ? AND case_id IS NOT NULL", (seen_audit,))}
            if saved_meanwhile:
                changed -= saved_meanwhile
                updates = [u for u in updates if u[-1] not in saved_meanwhile]
            # A case saved meanwhile keeps its rows, so the table cannot be rewritten wholesale then.
            bulk = not saved_meanwhile and len(changed) > (n or 0) // 3
            # When most cases moved, rebuilding an index once is cheaper than maintaining it row by row: the
            # indexes of `deadlines`, and those of `cases` over the cached columns. Their DDL is read back from
            # the schema (whatever the migrations made); all of it is inside this one transaction.
            rebuilt = (_indexes(cur, "deadlines", None) if bulk else []) + \
                (_indexes(cur, "cases", CACHED_COLUMNS) if len(updates) > (n or 0) // 3 else [])
            for name, _ in rebuilt:
                cur.execute(f'DROP INDEX "{name}"')
            if bulk:
                cur.execute("DELETE FROM deadlines")
                for p in parts:
                    cur.executemany(INSERT_DEADLINE, p.rows)
            elif changed:
                cur.executemany("DELETE FROM deadlines WHERE case_id = ?", [(cid,) for cid in changed])
                cur.executemany(INSERT_DEADLINE, [r for p in parts for r in p.rows if r[0] in changed])
            if updates:
                cur.executemany(UPDATE_CASE_BY_ROWID, updates)
            for _, ddl in rebuilt:
                cur.execute(ddl)
            moved = len(changed | {u[-1] for u in updates})
    return RecomputeStats(cases=n or 0, deadlines=total_rows, changed_cases=moved, read_s=t1 - t0,
                          compute_s=t2 - t1, write_s=time.perf_counter() - t2, workers=workers,
                          cpu_s=time.process_time() - c0 + sum(p.cpu for p in parts))


def priority_clause(rules: RuleSet | None = None):
    """SQLAlchemy filter for the 百日会战 priority cases (涉民生, or 标的 under the preset's amount), for lists."""
    from sqlalchemy import and_, or_

    rules = rules or active_rules()
    return or_(Case.is_livelihood.is_(True),
               and_(Case.amount_claimed_fen > 0, Case.amount_claimed_fen < rules.small_amount_fen))


def signature(today: date) -> dict:
    """What the cached values depend on besides the facts: the day, the preset and the holiday calendar."""
    from execdesk.models.migrate import SCHEMA_HEAD

    cal = active_calendar()
    return {"computed_on": today.isoformat(), "preset": _preset_name(), "schema": SCHEMA_HEAD,
            "calendar": [[y, cal.source(y)] for y in cal.known_years()]}


def is_zhongben(method: str | None) -> bool:
    return method == ZHONGBEN_METHOD


# ---------------------------------------------------------------- overview (CLI list, dashboards)


@dataclass(frozen=True)
class CaseOverview:
    case_id: str
    case_number: str
    handler: str | None
    limit_due_on: date
    next_due_on: date | None
    next_label: str | None
    warning_level: int
    overdue_days: int
    explanation_owed: bool
    provisional: bool
    priority: tuple[str, ...]  # 涉民生 / 标的10万元以下 (百日会战)


_LEVEL_ORDER = {-1: 0, 5: 1, 10: 2, 0: 3}


def open_case_overview(store: Store, *, today: date | None = None, include_all: bool = False,
                       priority_only: bool = False) -> list[CaseOverview]:
    """Open cases with their deadline state computed for ``today`` (read only: nothing is written).
    Default: only cases with a warning or overdue deadline; most urgent first."""
    from execdesk.rules.deadlines import priority_flags

    engine = _engine(today)
    rules = engine.rules
    with store.read() as session:
        conn = session.connection()
        facts = _loader(rules).load(conn, open_only=True)
        extra = {cid: (name, bool(liv), int(amount)) for cid, name, liv, amount in _sqlite(conn).execute(
            "SELECT c.id, u.display_name, c.is_livelihood, c.amount_claimed_fen FROM cases c "
            "LEFT JOIN users u ON u.id = c.handler_id WHERE NOT (c.status = '已结' AND c.closed_on IS NOT NULL)")}
    out: list[CaseOverview] = []
    for cid, f in facts.items():
        handler, livelihood, amount = extra.get(cid, (None, False, 0))
        flags = tuple(priority_flags(livelihood, amount, rules))
        if priority_only and not flags:
            continue
        r = engine.compute_case(f)
        if not include_all and r.warning_level == 0:
            continue
        nxt = min((it for it in r.items if it.is_open), key=lambda it: it.due_on, default=None)
        out.append(CaseOverview(case_id=cid, case_number=f.case_number, handler=handler,
                                limit_due_on=r.limit.due_on, next_due_on=r.next_due_on,
                                next_label=nxt.label if nxt else None, warning_level=r.warning_level,
                                overdue_days=r.overdue_days, explanation_owed=r.explanation_owed,
                                provisional=r.provisional, priority=flags))
    out.sort(key=lambda o: (_LEVEL_ORDER.get(o.warning_level, 9), o.next_due_on or date.max, o.case_number))
    return out

