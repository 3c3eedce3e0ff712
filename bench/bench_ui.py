"""Desktop UI benchmarks (issue 6), each against a baseline measured in the same run.

    .venv/bin/python bench/bench_ui.py --db /tmp/bench100k.sqlite3 [--runs 5] [--docs 500]

The database must hold the 100,000-case demo (``execdesk --db … demo --cases 100000``); it is opened
read-mostly (the document batch writes nothing). Offscreen Qt platform.

1. Start-up to an interactive main window (``execdesk`` process, first page of the case list shown) vs a bare
   PySide6 QMainWindow process; median of ``--runs`` cold-process starts each. Also the RSS of both.
2. Search over the cases as the case list runs it (first page + count) for a 案号 fragment, a two-character
   name and an ID number vs the raw SQLite ``instr()`` query; median of 7.
3. Longest event-loop stall while a worker renders ``--docs`` 书面说明 PDFs (QTimer probe every 10 ms),
   and the batch's time vs the same batch without the UI.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget
app = QApplication(sys.argv)
w = QMainWindow(); w.setCentralWidget(QTableWidget(20, 10)); w.resize(1366, 768); w.show()
def ready():
    rss = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS:'))
    print(f"EXECDESK_READY {time.time():.6f} rss_kb={rss} rows=20", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


def _ready(proc_out: str) -> tuple[float, int]:
    line = next(x for x in proc_out.splitlines() if x.startswith("EXECDESK_READY"))
    parts = line.split()
    return float(parts[1]), int(parts[2].split("=")[1])


def startup(db: Path, runs: int) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EXECDESK_PROFILE="zhangwei", EXECDESK_QUIT_AFTER_MS="200",
               EXECDESK_REPORT_STARTUP="1", EXECDESK_DATA_DIR=tempfile.mkdtemp(prefix="bench-ui-"))
    app_times, bare_times, app_rss, bare_rss = [], [], [], []
    for _ in range(runs):
        t0 = time.time()
        r = subprocess.run([sys.executable, "-c", BARE], capture_output=True, text=True, env=env, timeout=120)
        ready, rss = _ready(r.stdout)
        bare_times.append(ready - t0)
        bare_rss.append(rss)
        t0 = time.time()
        r = subprocess.run([sys.executable, "-m", "execdesk", "--db", str(db)], capture_output=True, text=True,
                           env=env, timeout=300)
        if r.returncode != 0:
            raise SystemExit(f"execdesk failed: {r.stderr[-2000:]}")
        ready, rss = _ready(r.stdout)
        app_times.append(ready - t0)
        app_rss.append(rss)
    app_s, bare_s = statistics.median(app_times), statistics.median(bare_times)
    return {"app_s": app_s, "bare_s": bare_s, "ratio": app_s / bare_s, "app_rss_mb": max(app_rss) / 1024,
            "bare_rss_mb": max(bare_rss) / 1024, "app_all": app_times, "bare_all": bare_times}


def search(db: Path) -> list[dict]:
    from PySide6.QtWidgets import QApplication

    from execdesk.models.database import Store
    from execdesk.services.search import CaseQuery, normalize_query
    from execdesk.ui.case_list import CaseTableModel

    QApplication.instance() or QApplication([])
    raw = sqlite3.connect(db)
    id_number = raw.execute("SELECT id_number FROM parties WHERE kind='自然人' AND id_number IS NOT NULL "
                            "ORDER BY rowid LIMIT 1 OFFSET 54321").fetchone()[0]
    queries = [("案号片段", "执1234号"), ("两字姓名", "张伟"), ("身份证号", id_number)]
    store = Store(db)
    model = CaseTableModel(store)
    out = []
    for label, text in queries:
        ui, base = [], []
        for _ in range(7):
            t0 = time.perf_counter()
            model.set_query(CaseQuery(text=text, view="all"))
            ui.append(time.perf_counter() - t0)
            term = normalize_query(text)[0]
            t0 = time.perf_counter()
            rows = raw.execute("SELECT id FROM cases WHERE instr(search_text, ?) > 0", (term,)).fetchall()
            base.append(time.perf_counter() - t0)
        out.append({"label": label, "text": text, "hits": model.total, "raw_hits": len(rows),
                    "ui_ms": statistics.median(ui) * 1000, "raw_ms": statistics.median(base) * 1000})
    store.close()
    return out


def document_batch(db: Path, docs: int) -> dict:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from execdesk.models.database import Store
    from execdesk.services import explanations
    from execdesk.ui.workers import StallProbe, start

    app = QApplication.instance() or QApplication([])
    store = Store(db)
    with store.read() as s:
        ids = explanations.overdue_case_ids(s)[:docs]
    today = __import__("datetime").date.today()

    def batch(job=None) -> int:
        size = 0
        for n, cid in enumerate(ids, 1):
            size += len(explanations.draft_pdf(store, cid, today=today))
            if job is not None:
                job.progress(n, len(ids))
        return size

    explanations.draft_pdf(store, ids[0], today=today)  # font registration once, as in a running app
    t0 = time.perf_counter()
    batch()
    bare = time.perf_counter() - t0

    probe = StallProbe()
    loop = QEventLoop()
    result: dict = {}
    probe.start()
    t0 = time.perf_counter()
    task = start(app, batch, on_done=lambda size: (result.update(size=size), loop.quit()),
                 on_error=lambda exc: (result.update(error=exc), loop.quit()))
    task.progress.connect(lambda done, total, text: None)  # progress crosses threads as in the app
    loop.exec()
    ui = time.perf_counter() - t0
    stall = probe.stop()
    store.close()
    if "error" in result:
        raise result["error"]
    return {"docs": len(ids), "ui_s": ui, "bare_s": bare, "stall_ms": stall, "ticks": probe.ticks,
            "mb": result["size"] / 1e6}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--docs", type=int, default=500)
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("EXECDESK_DATA_DIR", tempfile.mkdtemp(prefix="bench-ui-"))
    n = sqlite3.connect(args.db).execute("SELECT count(*) FROM cases").fetchone()[0]
    print(f"database: {args.db} ({n:,} cases, {args.db.stat().st_size / 1e9:.2f} GB)")

    s = startup(args.db, args.runs)
    print(f"start-up to interactive main window: execdesk {s['app_s']:.3f} s, bare QMainWindow {s['bare_s']:.3f} s, "
          f"ratio {s['ratio']:.2f}× (targets ≤ 1.5 s, ≤ 2×); runs app {[round(x, 3) for x in s['app_all']]} "
          f"bare {[round(x, 3) for x in s['bare_all']]}")
    print(f"RSS with the database open and the list shown: {s['app_rss_mb']:.0f} MB "
          f"(bare QMainWindow {s['bare_rss_mb']:.0f} MB; target ≤ 300 MB)")
    for r in search(args.db):
        print(f"search {r['label']} “{r['text']}”: {r['ui_ms']:.1f} ms median ({r['hits']} hits), raw SQLite "
              f"{r['raw_ms']:.1f} ms ({r['raw_hits']} hits), ratio {r['ui_ms'] / r['raw_ms']:.2f}× (target ≤ 100 ms)")
    d = document_batch(args.db, args.docs)
    print(f"{d['docs']} 书面说明 PDFs in a worker: {d['ui_s']:.2f} s ({d['mb']:.1f} MB), same batch without UI "
          f"{d['bare_s']:.2f} s, ratio {d['ui_s'] / d['bare_s']:.2f}×; longest event-loop stall {d['stall_ms']:.1f} ms "
          f"over {d['ticks']} probe ticks (target ≤ 100 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
