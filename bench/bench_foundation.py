"""Foundation benchmarks (issue 2). Run:  .venv/bin/python bench/bench_foundation.py [--cases 100000]

1. `demo --cases N`: total time and file size, against raw sqlite3.executemany of the very same rows
   (rows generated outside the timer for the baseline; the demo's time includes generating them).
2. Open an existing N-case database and be ready (upgrade check + first page of the case list), in a fresh
   process, against a bare sqlite3 connect + the same query.
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


OPEN_SNIPPET = """
import sys, time
t0 = time.perf_counter()
from execdesk.models.migrate import open_database
from sqlalchemy import text
t1 = time.perf_counter()
store = open_database(sys.argv[1])
with store.read() as s:
    rows = s.execute(text(sys.argv[2])).all()
t2 = time.perf_counter()
print(t2 - t1, t1 - t0, len(rows))
"""
RAW_SNIPPET = """
import sys, time, sqlite3
t1 = time.perf_counter()
con = sqlite3.connect(sys.argv[1])
rows = con.execute(sys.argv[2]).fetchall()
print(time.perf_counter() - t1, 0, len(rows))
"""


def bench_open(db: Path, runs: int = 7) -> dict:
    def measure(snippet: str) -> tuple[float, float]:
        ready, imports = [], []
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", snippet, str(db), FIRST_PAGE], capture_output=True,
                                 text=True, check=True).stdout.split()
            ready.append(float(out[0]))
            imports.append(float(out[1]))
        return statistics.median(ready), statistics.median(imports)

    ours, imports = measure(OPEN_SNIPPET)
    raw, _ = measure(RAW_SNIPPET)
    return {"open_ready_s": ours, "raw_s": raw, "ratio": ours / raw, "import_s": imports}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="keep the demo database at this path (for other benchmarks)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="execdesk-bench-") as tmp:
        r = bench_demo(args.cases, Path(tmp))
        print(f"demo --cases {r['cases']}: {r['demo_s']:.1f} s (target ≤ 60 s); raw executemany of the same rows "
              f"{r['raw_s']:.1f} s; ratio {r['ratio']:.2f}× (target ≤ 3×); file {r['size_mb']:.0f} MB; rows {r['counts']}")
        o = bench_open(r["db"])
        print(f"open {r['cases']}-case database and be ready (upgrade check + first page): {o['open_ready_s'] * 1000:.1f} ms "
              f"median (target ≤ 300 ms); bare sqlite3 connect + same query {o['raw_s'] * 1000:.1f} ms; "
              f"ratio {o['ratio']:.1f}×; (imports before that: {o['import_s'] * 1000:.0f} ms)")
        if args.keep:
            os.replace(r["db"], args.keep)


if __name__ == "__main__":
    main()
