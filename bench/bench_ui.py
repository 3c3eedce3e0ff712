"""Desktop UI benchmarks (issue 6), each against a baseline measured in the same run.

    .venv/bin/python bench/bench_ui.py --db /tmp/bench100k.sqlite3 [--runs 5] [--docs 500]

The database must hold the 100,000-case demo (``execdesk --db … demo --cases 100000``); it is opened
read-mostly (the document batch writes nothing). Offscreen Qt platform.

1. Start-up to an interactive main window (``execdesk`` process, first page of the case list shown) vs a bare
   PySide6 QMainWindow process: ``--runs`` pairs of cold-process starts, interleaved (bare, then ExecDesk), the
   ratio being the median of the per-pair ratios; each ExecDesk process runs until its warm-up is done. On the
   ``--db`` database and on a fresh ``--demo-cases`` demo database. Also the RSS of both, and the
   warm-up after the first paint (the ORM and the other screens imported off the GUI thread): when it ends
   and the longest event-loop stall while it runs. The day's housekeeping (automatic backup, deadline
   recompute) is done before the runs, as it is after the first start of a day.
2. Search over the cases as the case list runs it (first page + count) for a 案号 fragment, a two-character
   name and an ID number vs the raw SQLite ``instr()`` query; median of 7.
3. Longest event-loop stall while a worker renders ``--docs`` 书面说明 PDFs (QTimer probe every 10 ms),
   and the batch's time vs the same batch without the UI.
4. Longest event-loop stall while the sync panel pushes ``--sync-changes`` real changes (demo cases through
   the outbox) to the reference platform over HTTP on 127.0.0.1, and the round's time vs the same round
   without a UI on a copy of the same two files (bench_sync.prepare_backlog). ``--sync-changes 0`` skips it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import sys, time
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget
app = QApplication(sys.argv)
w = QMainWindow(); w.setCentralWidget(QTableWidget(20, 10)); w.resize(1366, 768); w.show()
probe_ms = int(sys.argv[1]) if len(sys.argv) > 1 else 0
last, longest = [0.0], [0.0]
def tick():
    now = time.perf_counter()
    if last[0]:
        longest[0] = max(longest[0], (now - last[0]) * 1000 - 10)
    last[0] = now
def ready():
    rss = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS:'))
    print(f"EXECDESK_READY {time.time():.6f} rss_kb={rss} rows=20", flush=True)
    if not probe_ms:
        app.quit()
        return
    # The same 10 ms probe as ui.workers.StallProbe, over as long as the paired ExecDesk's warm-up took: what
    # this machine's load alone does to an idle event loop (the baseline of the warm-up stall).
    timer = QTimer(app)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    tick()
    def done():
        timer.stop()
        tick()
        print(f"EXECDESK_WARM {time.time():.6f} stall_ms={max(0.0, longest[0]):.1f} rss_kb={rss}", flush=True)
        app.quit()
    QTimer.singleShot(probe_ms, done)
QTimer.singleShot(0, ready)
app.exec()
"""


def _report(proc_out: str, tag: str) -> tuple[float, dict[str, str]] | None:
    """(time, fields) of the EXECDESK_READY / EXECDESK_WARM line ``ui.app.after_first_paint`` prints; None when
    the process printed no such line."""
    line = next((x for x in proc_out.splitlines() if x.startswith(tag)), None)
    if line is None:
        return None
    parts = line.split()
    return float(parts[1]), dict(p.split("=") for p in parts[2:])


def _need(report: tuple[float, dict[str, str]] | None, tag: str, r: subprocess.CompletedProcess) -> tuple:
    if report is None:
        raise SystemExit(f"the process printed no {tag} line (exit {r.returncode}):\n{r.stdout[-1500:]}\n"
                         f"{r.stderr[-2500:]}")
    return report


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def compile_package() -> None:
    """Byte-compile ExecDesk once, as an installed copy is: with PYTHONDONTWRITEBYTECODE set (it is on some
    shells) every measured process would otherwise compile each module from source again."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "execdesk"), quiet=1)


def day_housekeeping(db: Path) -> None:
    """What the first start of a day does after its first paint (backup, deadline recompute), done here once
    so that every measured start is an ordinary one."""
    from execdesk.models.backup import rotate_automatic
    from execdesk.models.database import Store
    from execdesk.services import derived

    rotate_automatic(db)
    store = Store(db)
    t0 = time.perf_counter()
    if derived.refresh_if_stale(store):
        print(f"(deadlines recomputed for today first: {time.perf_counter() - t0:.1f} s)")
    store.close()


def startup(db: Path, runs: int) -> dict:
    """Paired, interleaved whole-process runs: ExecDesk, then a bare PySide6 window, ``runs`` times. Each ExecDesk
    process quits once its warm-up is done (EXECDESK_QUIT_WHEN_WARM; 300 s at most), so a slow warm-up on a
    loaded machine is measured, not cut off; its bare pair then runs the same 10 ms event-loop probe for as long
    as that warm-up took, which is what the machine's load alone does to a loop. The ratio is the median of
    the per-pair ratios."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EXECDESK_PROFILE="zhangwei", EXECDESK_QUIT_AFTER_MS="300000",
               EXECDESK_QUIT_WHEN_WARM="1", EXECDESK_REPORT_STARTUP="1")
    app_times, bare_times, app_rss, bare_rss, warm_times, warm_stalls, warm_rss, pairs = [], [], [], [], [], [], [], []
    bare_stalls: list[float] = []
    for _ in range(runs):
        t0 = time.time()
        r = subprocess.run([sys.executable, "-m", "execdesk", "--db", str(db)], capture_output=True, text=True,
                           env=env, timeout=330)
        if r.returncode != 0:
            raise SystemExit(f"execdesk failed (exit {r.returncode}): {r.stderr[-2000:]}")
        ready, fields = _need(_report(r.stdout, "EXECDESK_READY"), "EXECDESK_READY", r)
        if fields["orm"] != "0" or int(fields["rows"]) == 0:
            raise SystemExit(f"not a window-first start: {fields}")
        app_times.append(ready - t0)
        app_rss.append(int(fields["rss_kb"]))
        warm, wfields = _need(_report(r.stdout, "EXECDESK_WARM"), "EXECDESK_WARM", r)
        warm_times.append(warm - t0)
        warm_stalls.append(float(wfields["stall_ms"]))
        warm_rss.append(int(wfields["rss_kb"]))
        # Its pair: a bare window, then the same probe for as long as this warm-up lasted.
        t0 = time.time()
        r = subprocess.run([sys.executable, "-c", BARE, str(max(1, round((warm - ready) * 1000)))],
                           capture_output=True, text=True, env=env, timeout=330)
        bready, bfields = _need(_report(r.stdout, "EXECDESK_READY"), "EXECDESK_READY", r)
        bare_times.append(bready - t0)
        bare_rss.append(int(bfields["rss_kb"]))
        bare_stalls.append(float(_need(_report(r.stdout, "EXECDESK_WARM"), "EXECDESK_WARM", r)[1]["stall_ms"]))
        pairs.append(app_times[-1] / bare_times[-1])
    app_s, bare_s = statistics.median(app_times), statistics.median(bare_times)
    return {"app_s": app_s, "bare_s": bare_s, "ratio": statistics.median(pairs), "pairs": pairs,
            "app_rss_mb": max(app_rss) / 1024, "bare_rss_mb": max(bare_rss) / 1024, "app_all": app_times,
            "bare_all": bare_times, "warm_s": statistics.median(warm_times), "warm_stall_ms": max(warm_stalls),
            "warm_stalls": warm_stalls, "warm_rss_mb": max(warm_rss) / 1024, "bare_stalls": bare_stalls,
            "stall_over_bare_ms": [round(a - b, 1) for a, b in zip(warm_stalls, bare_stalls, strict=True)]}


def fresh_demo(cases: int) -> Path:
    """A fresh demo database as ``./run.sh app --demo`` makes it (``execdesk demo``), deadlines computed."""
    work = Path(tempfile.mkdtemp(prefix="bench-ui-demo-"))
    db = work / "demo.sqlite3"
    subprocess.run([sys.executable, "-m", "execdesk", "--db", str(db), "demo", "--cases", str(cases)], check=True,
                   capture_output=True, text=True, timeout=600)
    return db


def print_startup(label: str, s: dict, runs: int) -> None:
    print(f"[{label}] start-up to interactive main window: execdesk {s['app_s']:.3f} s, bare QMainWindow "
          f"{s['bare_s']:.3f} s (medians), paired ratio {s['ratio']:.2f}× (median of {runs} per-pair ratios "
          f"{[round(x, 2) for x in s['pairs']]}; targets ≤ 1.5 s, ≤ 1.5×); runs app "
          f"{[round(x, 3) for x in s['app_all']]} bare {[round(x, 3) for x in s['bare_all']]}; load {load()}")
    print(f"[{label}] RSS with the database open and the list shown: {s['app_rss_mb']:.0f} MB "
          f"(bare QMainWindow {s['bare_rss_mb']:.0f} MB; target ≤ 300 MB); after the warm-up {s['warm_rss_mb']:.0f} MB")
    print(f"[{label}] warm-up after the first paint (ORM and screens, off the GUI thread): done {s['warm_s']:.3f} s "
          f"after launch (median); longest event-loop stall meanwhile {s['warm_stall_ms']:.1f} ms (worst of {runs} "
          f"runs: {s['warm_stalls']}; target ≤ 50 ms); paired bare window, same probe over the same time: "
          f"{s['bare_stalls']} ms; ExecDesk's stall less its pair's: {s['stall_over_bare_ms']} ms "
          f"(median {statistics.median(s['stall_over_bare_ms']):.1f} ms)")


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

    import gc

    gc.freeze()  # as the app does once its warm-up is done (ui.app.start_housekeeping)
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


def sync_stall(n_changes: int) -> dict:
    import shutil

    import keyring
    import keyring.backend
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_sync

    from execdesk.config import Settings
    from execdesk.models.migrate import open_database
    from execdesk.services.profiles import actor_for
    from execdesk.sync.client import run_sync
    from execdesk.sync.credentials import save_token
    from execdesk.ui.app import start_housekeeping
    from execdesk.ui.context import UiContext
    from execdesk.ui.main_window import MainWindow
    from execdesk.ui.workers import StallProbe

    class MemoryKeyring(keyring.backend.KeyringBackend):  # the OS keyring is the outer boundary
        priority = 10

        def __init__(self) -> None:
            super().__init__()
            self.secrets: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.secrets.get((service, username))

        def set_password(self, service, username, password):
            self.secrets[(service, username)] = password

        def delete_password(self, service, username):
            self.secrets.pop((service, username), None)

    _app = QApplication.instance() or QApplication([])  # kept referenced for the whole run
    work = Path(tempfile.mkdtemp(prefix="bench-ui-sync-"))
    template = work / "template"
    template.mkdir()
    bench_sync.prepare_backlog(template, n_changes)
    for name in ("bare", "ui"):
        shutil.copytree(template, work / name)

    # Baseline: the same round on the same files, without a window.
    platform = bench_sync.Platform(f"sqlite:///{work / 'bare' / 'platform.sqlite3'}")
    try:
        store = open_database(work / "bare" / "desk.sqlite3")
        settings = Settings(server_url=platform.url, court_account="lixia")
        t0 = time.perf_counter()
        report = run_sync(store, settings, token=platform.token("lixia"))
        bare_s = time.perf_counter() - t0
        store.close()
    finally:
        platform.stop()
    pushed = report.pushed

    # The desktop: main window shown, the sync panel's 立即同步 (F5), a 10 ms probe on the GUI thread.
    keyring.set_keyring(MemoryKeyring())
    platform = bench_sync.Platform(f"sqlite:///{work / 'ui' / 'platform.sqlite3'}")
    try:
        store = open_database(work / "ui" / "desk.sqlite3")
        settings = Settings(server_url=platform.url, court_account="lixia", sync_interval_minutes=0)
        save_token(settings, platform.token("lixia"))
        window = MainWindow(UiContext(store=store, actor=actor_for(store, "zhangwei"), settings=settings))
        window.show()
        loop = QEventLoop()
        housekeeping = start_housekeeping(window, store)  # what the app does after its first paint
        housekeeping.done.connect(loop.quit)
        loop.exec()
        idle = StallProbe()  # the loop's own jitter over the same probe, nothing running
        idle.start()
        QTimer.singleShot(2000, loop.quit)
        loop.exec()
        idle_ms = idle.stop()
        panel = window.show_page("sync")
        result: dict = {}
        panel.sync_finished.connect(lambda r: (result.update(report=r), loop.quit()))
        t0 = time.perf_counter()
        panel.start_sync()
        loop.exec()
        ui_s = time.perf_counter() - t0
        ui_report = result["report"]
        if ui_report.status != "ok" or ui_report.pushed != pushed:
            raise SystemExit(f"UI sync did not complete: {ui_report.summary()}")
        window.close()
        store.close()
    finally:
        platform.stop()
    shutil.rmtree(work, ignore_errors=True)
    return {"changes": pushed, "ui_s": ui_s, "bare_s": bare_s, "stall_ms": panel.last_stall_ms,
            "ticks": panel.probe.ticks, "idle_ms": idle_ms}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--sync-changes", type=int, default=100_000)
    ap.add_argument("--demo-cases", type=int, default=300,
                    help="also start on a fresh demo database of this many cases (0: skip)")
    ap.add_argument("--only-startup", action="store_true", help="only the start-up measures")
    args = ap.parse_args()
    print(f"load average at start: {load()}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("EXECDESK_DATA_DIR", tempfile.mkdtemp(prefix="bench-ui-"))
    n = sqlite3.connect(args.db).execute("SELECT count(*) FROM cases").fetchone()[0]
    print(f"database: {args.db} ({n:,} cases, {args.db.stat().st_size / 1e9:.2f} GB)")

    compile_package()
    day_housekeeping(args.db)
    print_startup(f"{n:,} cases", startup(args.db, args.runs), args.runs)
    if args.demo_cases:
        demo = fresh_demo(args.demo_cases)
        day_housekeeping(demo)
        print_startup(f"fresh {args.demo_cases}-case demo", startup(demo, args.runs), args.runs)
        shutil.rmtree(demo.parent, ignore_errors=True)
    if args.only_startup:
        print(f"load average at end: {load()}")
        return 0
    for r in search(args.db):
        print(f"search {r['label']} “{r['text']}”: {r['ui_ms']:.1f} ms median ({r['hits']} hits), raw SQLite "
              f"{r['raw_ms']:.1f} ms ({r['raw_hits']} hits), ratio {r['ui_ms'] / r['raw_ms']:.2f}× (target ≤ 100 ms)")
    d = document_batch(args.db, args.docs)
    print(f"{d['docs']} 书面说明 PDFs in a worker: {d['ui_s']:.2f} s ({d['mb']:.1f} MB), same batch without UI "
          f"{d['bare_s']:.2f} s, ratio {d['ui_s'] / d['bare_s']:.2f}×; longest event-loop stall {d['stall_ms']:.1f} ms "
          f"over {d['ticks']} probe ticks (target ≤ 100 ms)")
    if args.sync_changes:
        y = sync_stall(args.sync_changes)
        print(f"sync of {y['changes']:,} changes from the sync panel: {y['ui_s']:.1f} s, same round without UI "
              f"{y['bare_s']:.1f} s, ratio {y['ui_s'] / y['bare_s']:.2f}×; longest event-loop stall "
              f"{y['stall_ms']:.1f} ms over {y['ticks']} probe ticks (idle loop {y['idle_ms']:.1f} ms; "
              f"target ≤ 100 ms)")
    print(f"load average at end: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
