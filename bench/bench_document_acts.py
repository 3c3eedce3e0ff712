"""What recording the acts costs a batch (issue 16): 执行通知书 for cases that have no N04 yet (today's new
cases), so every notice records its N04 through the write pipeline (node, audit, outbox, derived refresh), against
the same batch with the act step switched off — interleaved, same run, CPU time of this process.

    .venv/bin/python bench/bench_document_acts.py [--cases 40] [--rounds 3]

The cases are demo cases (bench_routine_documents.make_db) whose N04 rows are deleted from this benchmark's own
copy of the database, so the batch meets them as new cases; the derived values are refreshed by the batch itself.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_routine_documents as brd  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    brd._setup_data_dir()
    from execdesk.services import routine_documents as rd

    work = Path(tempfile.mkdtemp(prefix="execdesk-bench-acts-"))
    src = work / "src.sqlite3"
    ids = brd.make_db(src, args.cases)
    con = sqlite3.connect(src)
    removed = con.execute("DELETE FROM nodes WHERE code = 'N04'").rowcount
    con.commit()
    con.close()
    real = rd._record_act
    cpu: dict[str, list[float]] = {"acts": [], "no acts": []}
    wall: dict[str, list[float]] = {"acts": [], "no acts": []}
    for _ in range(args.rounds):
        for mode in ("acts", "no acts"):
            rd._record_act = real if mode == "acts" else (lambda *a, **k: None)
            elapsed, c, issued = brd.batch_round(src, work, ids)
            assert issued == len(ids)
            cpu[mode].append(c)
            wall[mode].append(elapsed)
    rd._record_act = real
    a, n = statistics.median(cpu["acts"]), statistics.median(cpu["no acts"])
    print(f"{len(ids)} 执行通知书 for cases without N04 ({removed} N04 rows removed): CPU median with the acts "
          f"{a:.2f} s {[round(x, 2) for x in cpu['acts']]}, without {n:.2f} s {[round(x, 2) for x in cpu['no acts']]}"
          f" → {a / n:.2f}×; wall {[round(x, 1) for x in wall['acts']]} / {[round(x, 1) for x in wall['no acts']]} s; "
          f"per case {(a - n) / len(ids) * 1000:.0f} ms CPU for the act")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
