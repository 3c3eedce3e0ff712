"""今日待办 on a large database (issue 17). Run:  .venv/bin/python bench/bench_today.py [--cases 100000]

First view = the TodayPage built and filled (services.today.today_items for the signed-in person + the Qt
model), against the raw SQL it needs (the same statements through sqlite3, rows fetched, no objects built).
Runs are paired and interleaved (raw, view, raw, view …) so machine load hits both alike; the ratio is the
median of the per-pair ratios. Targets: first view ≤ 100 ms and ≤ 1.5× raw SQL. Prints the machine load.

The database is built once in a work folder of this run (or reused with --db); it is deleted unless --keep.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 11, 25)


def build(db: Path, n: int) -> None:
    from execdesk.models.migrate import open_database
    from execdesk.services.context import Actor
    from execdesk.services.demo import generate_demo

    store = open_database(db)
    t0 = time.perf_counter()
    generate_demo(store, Actor("bench", "基准"), n, today=TODAY)
    print(f"built {n} cases with deadlines in {time.perf_counter() - t0:.1f} s")
    store.close()


def raw_sql(path: Path, user_id: str, mine_col: str) -> int:
    """The statements today_items runs, as plain sqlite3 with rows fetched: the baseline."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = []
        for status in ("已超期", "预警"):
            if len(rows) >= 500:
                break
            rows += con.execute(
                "SELECT d.label, d.due_on, d.status, d.case_id, c.case_number, d.kind, d.basis FROM deadlines d "
                "JOIN cases c ON c.id = d.case_id WHERE d.status = ? AND d.kind NOT IN ('终本最早日') "
                f"AND c.{mine_col} = ? ORDER BY d.due_on, d.id LIMIT ?", (status, user_id, 500 - len(rows))).fetchall()
        rows += con.execute(
            "SELECT s.id, s.kind, s.title, s.due_on, s.case_id, s.case_number FROM supervision_items s "
            "LEFT JOIN cases c ON c.id = s.case_id WHERE s.kind IN ('督办', '预警') AND s.state != '已回复' "
            f"AND (s.case_id IS NULL OR (c.{mine_col} = ?))", (user_id,)).fetchall()
        rows += con.execute(
            "SELECT c.id, c.case_number, c.handler_id, co.approval_route FROM "
            "(SELECT DISTINCT case_id FROM approvals WHERE subject = '终本裁定') a CROSS JOIN cases c ON "
            "c.id = a.case_id JOIN courts co ON co.id = c.court_id WHERE c.status = '未结' AND NOT EXISTS "
            "(SELECT 1 FROM issued_documents i WHERE i.case_id = c.id AND i.kind = '终本裁定书') "
            "ORDER BY c.case_number").fetchall()
        return len(rows)
    finally:
        con.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--db", type=Path, help="an existing demo database (built with --keep)")
    ap.add_argument("--keep", type=Path, help="keep the built database at this path")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="execdesk-bench-today-"))
    os.environ["EXECDESK_DATA_DIR"] = str(work / "data")
    try:
        db = args.db or args.keep or work / "today.sqlite3"
        if not db.exists():
            build(db, args.cases)
        from PySide6.QtWidgets import QApplication

        from execdesk.models.migrate import open_database
        from execdesk.services.profiles import find_profile, my_cases
        from execdesk.ui.today import TodayPage

        app = QApplication.instance() or QApplication(["bench"])
        store = open_database(db)
        with store.query() as con:
            cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
            people = [find_profile(con, u) for u in ("zhangwei", "liuyang")]
        print(f"database: {db} ({cases} cases); load average {os.getloadavg()[0]:.2f} "
              f"{os.getloadavg()[1]:.2f} on {os.cpu_count()} CPUs")
        for person in people:
            mine = my_cases(person.role, person.id)
            col = "clerk_id" if mine.clerk_id else "handler_id"
            raws, views, ratios, shown = [], [], [], 0
            for _ in range(args.runs):
                t0 = time.perf_counter()
                raw_sql(db, person.id, col)
                t1 = time.perf_counter()
                page = TodayPage(store, person.id, person.role, person.title, mine, clock=lambda: TODAY,
                                 display_name=person.display_name)
                t2 = time.perf_counter()
                shown = page.model.rowCount()
                page.deleteLater()
                app.processEvents()
                raws.append((t1 - t0) * 1000)
                views.append((t2 - t1) * 1000)
                ratios.append((t2 - t1) / (t1 - t0))
            print(f"{person.display_name}（{person.role}，{mine.label}）: {shown} lines; first view median "
                  f"{statistics.median(views):.1f} ms (min {min(views):.1f}), raw SQL median "
                  f"{statistics.median(raws):.1f} ms; paired ratio median {statistics.median(ratios):.2f}x")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
