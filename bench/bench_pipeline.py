"""Write-pipeline benchmarks (issue 11). Run:  .venv/bin/python bench/bench_pipeline.py [--cases 100000]

1. A node save through the one write pipeline (typed-field validation, the business record it evidences, audit +
   outbox for both, and the refresh of every derived value of the case: deadlines, warning level, asset disposal
   states, 终本 readiness) — median of ``--runs`` saves on the 100,000-case demo database, for a network inquiry
   (N06 → inquiry), a 划拨 (N14 → payment) and a 查封 (N11 → measure + found asset). Baseline in the same run: a
   bare sqlite3 INSERT of one node row + commit with the same PRAGMAs. Target: ≤ 5 ms median.
2. The full recompute: ``derived.recompute_all`` (deadlines + asset states + 终本 readiness of every case) against
   ``deadlines.store_all_deadlines`` alone — which is exactly what the full recompute did before this change —
   interleaved A B A B on copies of the same file, each on the next day (so warning levels move). Target ≤ 1.2×.

The 100,000-case database is generated once (bench_deadlines.demo_file, cached in /tmp/execdesk-bench).
Prints the machine load next to the figures; these machines are shared, so read medians and ratios.
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
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("EXECDESK_DATA_DIR", tempfile.mkdtemp(prefix="execdesk-bench-data-"))

from bench_deadlines import TODAY, demo_file  # noqa: E402

from execdesk.models.migrate import open_database  # noqa: E402
from execdesk.services import cases as svc  # noqa: E402
from execdesk.services import deadlines, derived  # noqa: E402
from execdesk.services.context import Actor  # noqa: E402
from execdesk.services.inputs import NodeInput  # noqa: E402

ACTOR = Actor("bench", "基准")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def bare_insert_ms(path: Path, case_id: str, runs: int) -> float:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO nodes (id, version, created_at, updated_at, case_id, code, seq, name, status, data) "
                    "VALUES (?, 1, '2026-01-01', '2026-01-01', ?, 'N06', ?, '网络查控', '已完成', '{}')",
                    (f"bench-{i}-{time.time_ns()}", case_id, 10_000 + i))
        con.execute("COMMIT")
        times.append((time.perf_counter() - t0) * 1000)
    con.close()
    return statistics.median(times)


def saves(store, case_ids: list[str], runs: int) -> dict[str, float]:
    out = {}
    day = date(2026, 11, 20)
    with store.read() as s:
        from sqlalchemy import select

        from execdesk.models import Party

        debtors = {cid: s.scalar(select(Party.id).where(Party.case_id == cid, Party.role == "被执行人"))
                   for cid in case_ids}
    kinds = {
        "N06 网络查控 → 财产查控": lambda cid: NodeInput(code="N06", ended_on=day, data={
            "scopes": ["商业银行", "不动产"], "party": debtors[cid]}),
        "N14 划拨 → 执行款": lambda cid: NodeInput(code="N14", ended_on=day, data={"amount": "1,000.00", "route": "划拨"}),
        "N11 查封 → 措施 + 已查明财产": lambda cid: NodeInput(code="N11", ended_on=day, data={
            "seal_kind": "查封", "asset_kind": "车辆", "asset_description": "鲁A00000小型轿车", "value": "50,000"}),
    }
    for name, make in kinds.items():
        times = []
        for i in range(runs):
            cid = case_ids[i % len(case_ids)]
            t0 = time.perf_counter()
            svc.record_node(store, ACTOR, cid, make(cid), today=TODAY)
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = statistics.median(times)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    source = demo_file(args.cases)
    work = Path(tempfile.mkdtemp(prefix="execdesk-bench-pipeline-"))
    try:
        path = work / "db.sqlite3"
        shutil.copy(source, path)
        store = open_database(path)
        derived.recompute_all(store, today=TODAY)  # a database as the app keeps it: derived values current
        con = sqlite3.connect(path)
        case_ids = [r[0] for r in con.execute("SELECT id FROM cases WHERE status = '未结' ORDER BY rowid LIMIT 400")]
        con.close()
        print(f"{args.cases} cases; {load()}")
        bare = bare_insert_ms(path, case_ids[0], args.runs)
        medians = saves(store, case_ids, args.runs)
        print(f"bare sqlite3 INSERT + commit: median {bare:.2f} ms")
        for name, ms in medians.items():
            print(f"node save through the pipeline, {name}: median {ms:.2f} ms ({ms / bare:.1f}× bare insert; "
                  f"target ≤ 5 ms)")
        store.close()
        # 2. Full recompute, interleaved: before (deadlines only) vs after (every derived value).
        a_times, b_times = [], []
        for r in range(args.rounds):
            day = TODAY + timedelta(days=r + 1)
            for label, fn, sink in (("before", deadlines.store_all_deadlines, a_times),
                                    ("after", derived.recompute_all, b_times)):
                copy = work / f"{label}-{r}.sqlite3"
                shutil.copy(path, copy)
                s = open_database(copy)
                t0 = time.perf_counter()
                fn(s, today=day, workers=1)
                sink.append(time.perf_counter() - t0)
                s.close()
                copy.unlink()
                for suffix in ("-wal", "-shm"):
                    Path(str(copy) + suffix).unlink(missing_ok=True)
        ratios = [b / a for a, b in zip(a_times, b_times, strict=True)]
        print(f"full recompute, one process, next day: before (deadlines only) median {statistics.median(a_times):.2f} s; "
              f"after (deadlines + assets + 终本 readiness) median {statistics.median(b_times):.2f} s; "
              f"ratio after/before per pair {', '.join(f'{x:.2f}' for x in ratios)} → median "
              f"{statistics.median(ratios):.2f}× (target ≤ 1.2×); {load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
