"""Foundation benchmarks (issue 2). Run:  .venv/bin/python bench/bench_foundation.py [--cases 100000]

1. `demo --cases N`: total time and file size, against raw sqlite3.executemany of the very same rows
   (rows generated outside the timer for the baseline; the demo's time includes generating them).
2. Open an existing N-case database and be ready as the app does (``services.database.open_database``, then the
   case list's first page + count through ``Store.query()``, no ORM), in a fresh process, against a bare sqlite3
   connect + the very statements the app ran; paired, interleaved runs.
   ``--db FILE`` measures only this, on an existing database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from execdesk.models.migrate import open_database  # noqa: E402
from execdesk.services.context import Actor  # noqa: E402
from execdesk.services.demo import TABLE_SQL, demo_batches, ensure_demo_organisation, generate_demo  # noqa: E402

TODAY = date(2026, 11, 25)
FIRST_PAGE = ("SELECT id, case_number, cause, filed_on, status FROM cases "
              "WHERE status='未结' ORDER BY limit_due_on LIMIT 100")


def bench_demo(n: int, workdir: Path) -> dict:
    actor = Actor("bench", "基准")
    demo_db = workdir / "demo.sqlite3"
    store = open_database(demo_db)
    t0 = time.perf_counter()
    generate_demo(store, actor, n, today=TODAY, recompute=False)
    demo_s = time.perf_counter() - t0
    store.close()
    counts = {}
    import sqlite3

    con = sqlite3.connect(demo_db)
    for t in ("cases", "nodes", "parties", "property_inquiries", "measures"):
        counts[t] = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    size = demo_db.stat().st_size

    # Baseline: the same rows (same seed) inserted with raw sqlite3.executemany, generation not timed.
    raw_db = workdir / "raw.sqlite3"
    store = open_database(raw_db)
    court_id, users = ensure_demo_organisation(store, actor)
    store.close()
    raw = sqlite3.connect(raw_db)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw_s = 0.0
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    raw.execute("BEGIN")
    for batch, _ in demo_batches(n, today=TODAY, seed=20180317, court_id=court_id, users=users, serials={}, now=now):
        t = time.perf_counter()
        for key, sql in TABLE_SQL:
            if batch[key]:
                raw.executemany(sql, batch[key])
        raw_s += time.perf_counter() - t
    t = time.perf_counter()
    raw.execute("COMMIT")
    raw_s += time.perf_counter() - t
    raw.close()
    return {"cases": n, "demo_s": demo_s, "raw_s": raw_s, "ratio": demo_s / raw_s, "size_mb": size / 1e6,
            "counts": counts, "db": demo_db}


# What the app does on open (ui.app.run_gui → services.database.open_database, then the case list's first
# page as ui.case_list.CaseTableModel.set_query reads it through Store.query()), timed in a fresh process after
# its imports. The app never imports SQLAlchemy on this path (docs/decisions.md item 16); the snippet reports
# whether it got imported (orm=1 would mean the figure is not what the app does, and the run is refused).
OPEN_SNIPPET = """
import sys, time
t0 = time.perf_counter()
from datetime import date
from execdesk.services.database import open_database
from execdesk.services.profiles import actor_for, my_cases
from execdesk.services.search import CaseQuery, count_cases, list_cases
from execdesk.ui.case_list import PAGE
t1 = time.perf_counter()
store = open_database(sys.argv[1])
actor = actor_for(store, sys.argv[3])  # the sign-in lookup (EXECDESK_PROFILE)
mine = my_cases(actor.role, actor.user_id)  # 我的案件 for the role: the list's default scope
q = CaseQuery(view="open", handler_id=mine.handler_id, clerk_id=mine.clerk_id, today=date.today())
with store.query() as con:
    rows = list_cases(con, q, offset=0, limit=PAGE)
    total = len(rows) if len(rows) < PAGE else count_cases(con, q)
t2 = time.perf_counter()
print(t2 - t1, t1 - t0, len(rows), int('sqlalchemy' in sys.modules))
"""
# Baseline: a bare sqlite3 connect and the very statements the app ran (captured with a trace callback, values
# bound), rows fetched.
RAW_SNIPPET = """
import json, sys, time, sqlite3
statements = json.loads(sys.argv[2])
t1 = time.perf_counter()
con = sqlite3.connect(sys.argv[1])
counts = [len(con.execute(sql).fetchall()) for sql in statements]
print(time.perf_counter() - t1, 0, max(counts), 0)
"""


def app_statements(db: Path, profile: str) -> list[str]:
    """The SQL the app's open path runs (upgrade check, sign-in lookup, first page + count), as sqlite3 saw it."""
    import sqlite3

    from execdesk.services.profiles import find_profile, my_cases
    from execdesk.services.search import CaseQuery, count_cases, list_cases
    from execdesk.ui.case_list import PAGE

    seen: list[str] = []
    con = sqlite3.connect(db)
    con.set_trace_callback(seen.append)
    actor = find_profile(con, profile).actor()  # the sign-in lookup of services.profiles.actor_for
    mine = my_cases(actor.role, actor.user_id)
    q = CaseQuery(view="open", handler_id=mine.handler_id, clerk_id=mine.clerk_id, today=date.today())
    # The upgrade check's reads (models.migrate.current_revision).
    con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchall()
    con.execute("SELECT version_num FROM alembic_version").fetchall()
    rows = list_cases(con, q, offset=0, limit=PAGE)
    if len(rows) >= PAGE:
        count_cases(con, q)
    con.close()
    return [x for x in seen if x.lstrip().upper().startswith("SELECT")]


def bench_open(db: Path, runs: int = 7, profile: str = "zhangwei") -> dict:
    """Paired, interleaved fresh processes: ours, then the baseline, ``runs`` times; the ratio is the median of
    the per-pair ratios (a load spike hits both halves of a pair, not one side of the medians)."""
    import json

    statements = json.dumps(app_statements(db, profile), ensure_ascii=False)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))

    def one(snippet: str, arg: str) -> list[float]:
        out = subprocess.run([sys.executable, "-c", snippet, str(db), arg, profile], capture_output=True, text=True,
                             check=True, env=env).stdout.split()
        return [float(x) for x in out]

    ours, raw, imports, pairs = [], [], [], []
    for _ in range(runs):
        a = one(OPEN_SNIPPET, "")
        if a[3]:
            raise SystemExit("the open path imported SQLAlchemy: not what the app does")
        b = one(RAW_SNIPPET, statements)
        ours.append(a[0])
        imports.append(a[1])
        raw.append(b[0])
        pairs.append(a[0] / b[0])
    return {"open_ready_s": statistics.median(ours), "raw_s": statistics.median(raw),
            "ratio": statistics.median(pairs), "import_s": statistics.median(imports), "rows": int(a[2]),
            "all": [round(x * 1000, 1) for x in ours], "raw_all": [round(x * 1000, 1) for x in raw]}


def compile_package() -> None:
    """Byte-compile ExecDesk once, as an installed copy is: with PYTHONDONTWRITEBYTECODE set (it is on some
    shells) every measured process would otherwise compile each module from source again."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "execdesk"), quiet=1)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="keep the demo database at this path (for other benchmarks)")
    ap.add_argument("--db", type=Path, help="only the open-and-ready measure, on this existing database")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    print(f"load average at start: {load()}")
    compile_package()
    if args.db:
        print_open(args.db, bench_open(args.db, args.runs))
        print(f"load average at end: {load()}")
        return
    with tempfile.TemporaryDirectory(prefix="execdesk-bench-") as tmp:
        r = bench_demo(args.cases, Path(tmp))
        print(f"demo --cases {r['cases']}: {r['demo_s']:.1f} s (target ≤ 60 s); raw executemany of the same rows "
              f"{r['raw_s']:.1f} s; ratio {r['ratio']:.2f}× (target ≤ 3×); file {r['size_mb']:.0f} MB; rows {r['counts']}")
        print(f"load average after the demo: {load()}")
        print_open(r["db"], bench_open(r["db"], args.runs))
        print(f"load average at end: {load()}")
        if args.keep:
            os.replace(r["db"], args.keep)


def print_open(db: Path, o: dict) -> None:
    print(f"open {db.name} and be ready as the app does (upgrade check, sign-in lookup, 我的案件 first page of {o['rows']} rows "
          f"+ count, no ORM): {o['open_ready_s'] * 1000:.1f} ms median (target ≤ 300 ms); bare sqlite3 connect + the "
          f"same statements {o['raw_s'] * 1000:.1f} ms; paired ratio {o['ratio']:.1f}×; (imports before that: "
          f"{o['import_s'] * 1000:.0f} ms); runs {o['all']} raw {o['raw_all']} ms; load {load()}")


if __name__ == "__main__":
    main()
