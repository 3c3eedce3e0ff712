"""Sync benchmarks (issue 5), loopback only, with same-run baselines.

    .venv/bin/python bench/bench_sync.py [--changes 100000] [--empty-rounds 30]
                                         [--load-courts 150 --load-seconds 60 --pg URL] [--append]

1. Push a backlog of real changes (demo data put through the outbox format) to the reference platform:
   changes/s, and the ratio to POSTing the very same gzip bodies to the platform's no-op endpoint.
2. A sync round with nothing to send: median ms, and the ratio to one bare authenticated GET.
3. Platform under load (PostgreSQL when --pg or EXECDESK_TEST_PG_URL is given): N simulated courts push
   concurrently for a bounded time: accepted changes/s and p50/p99 latency per batch, with the same-run
   single-court throughput as baseline.
With --append the results are appended to bench/RESULTS.md under "Sync (issue 5)".
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from execdesk.config import Settings  # noqa: E402
from execdesk.models import SYNCED_ENTITIES, OutboxEntry, new_id  # noqa: E402
from execdesk.models.migrate import open_database  # noqa: E402
from execdesk.services.changes import PAYLOAD_SCHEMA_VERSION, payload_fields  # noqa: E402
from execdesk.services.context import Actor  # noqa: E402
from execdesk.services.demo import generate_demo  # noqa: E402
from execdesk.sync.client import Limits, run_sync  # noqa: E402
from provincial import service  # noqa: E402
from provincial.models import Base as PBase  # noqa: E402
from provincial.models import make_engine  # noqa: E402

PASSWORD = "bench-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Platform:
    def __init__(self, db_url: str, workers: int = 1):
        self.db_url, self.port = db_url, free_port()
        cmd = [sys.executable, "-m", "provincial.admin", "--db", db_url, "serve", "--port", str(self.port),
               "--workers", str(workers)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}/"
        for _ in range(300):
            try:
                if requests.get(self.url + "api/v1/hello", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("platform did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)

    def token(self, account: str) -> str:
        return requests.post(self.url + "api/v1/auth/token",
                             json={"account": account, "password": PASSWORD}).json()["access_token"]


def setup_platform_db(url: str, courts: dict[str, str], fresh: bool = False) -> None:
    if fresh:
        engine = make_engine(url, migrate=False)
        PBase.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        engine.dispose()
    engine = make_engine(url)  # migrations to head
    with Session(engine) as s, s.begin():
        for code, account in courts.items():
            service.create_court(s, code, f"{code}法院")
            s.flush()
            service.create_account(s, account, code, PASSWORD)
    engine.dispose()


def enqueue_everything(store) -> int:
    """Put every synced row of the (demo) database through the outbox format, cases first (causal order)."""
    n = 0
    with store.transaction() as s:
        for name, cls in SYNCED_ENTITIES.items():  # "case" is first in the mapping
            rows = []
            for obj in s.scalars(select(cls)).yield_per(5000):
                fields = payload_fields(obj)
                case_id = obj.id if name == "case" else obj.case_id
                rows.append({"change_id": new_id(), "entity": name, "entity_id": obj.id, "case_id": case_id,
                             "op": "upsert", "base_version": None, "schema_version": PAYLOAD_SCHEMA_VERSION,
                             "payload": {"schema": PAYLOAD_SCHEMA_VERSION, "entity": name, "id": obj.id,
                                         "case_id": case_id, "version": obj.version, "fields": fields,
                                         "actor": "bench"}})
            if rows:
                s.execute(OutboxEntry.__table__.insert(), rows)
            n += len(rows)
    return n


def backlog_bodies(store, batch: int) -> list[bytes]:
    """The same gzip bodies the client sends (for the no-op baseline)."""
    bodies = []
    with store.read() as s:
        rows = s.execute(select(OutboxEntry.local_seq, OutboxEntry.change_id, OutboxEntry.entity,
                                OutboxEntry.entity_id, OutboxEntry.case_id, OutboxEntry.op,
                                OutboxEntry.base_version, OutboxEntry.payload).order_by(OutboxEntry.local_seq)).all()
    for i in range(0, len(rows), batch):
        changes = [{"change_id": r[1], "device_seq": r[0], "entity": r[2], "entity_id": r[3], "case_id": r[4],
                    "op": r[5], "base_version": r[6], "payload": r[7]} for r in rows[i:i + batch]]
        bodies.append(gzip.compress(json.dumps({"device_id": "bench", "changes": changes},
                                               ensure_ascii=False).encode(), compresslevel=1))
    return bodies


def prepare_backlog(workdir: Path, n_changes: int) -> tuple[Path, str]:
    """A desktop database with ``n_changes`` real changes waiting in its outbox (whole demo cases put
    through the outbox format) and an empty platform database with court 鲁0102 / account lixia.
    Returns (desktop file, platform URL). Also used by bench_ui.py (event-loop stall during a sync)."""
    db_url = f"sqlite:///{workdir / 'platform.sqlite3'}"
    setup_platform_db(db_url, {"鲁0102": "lixia"})
    store = open_database(workdir / "desk.sqlite3")
    actor = Actor(username="bench", display_name="基准")
    # ~37 synced rows per demo case; generate enough, then trim the outbox to the requested size.
    cases = max(10, n_changes // 30)
    t = time.perf_counter()
    generate_demo(store, actor, cases, today=date(2026, 11, 25))
    total = enqueue_everything(store)
    with store.transaction() as s:
        if total > n_changes:  # keep whole cases only, up to the requested size
            from sqlalchemy import func

            counts = s.execute(select(OutboxEntry.case_id, func.count(), func.min(OutboxEntry.local_seq))
                               .group_by(OutboxEntry.case_id).order_by(func.min(OutboxEntry.local_seq))).all()
            kept, cut = 0, []
            for case_id, c, _ in counts:
                if kept + c <= n_changes:
                    kept += c
                else:
                    cut.append(case_id)
            for i in range(0, len(cut), 500):
                s.execute(OutboxEntry.__table__.delete().where(OutboxEntry.case_id.in_(cut[i:i + 500])))
    with store.read() as s:
        n = s.query(OutboxEntry).count()
    store.close()
    print(f"backlog prepared: {n} changes from {cases} demo cases in {time.perf_counter() - t:.1f} s", flush=True)
    return workdir / "desk.sqlite3", db_url


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process so far (from /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def bench_backlog(n_changes: int, empty_rounds: int, workdir: Path, pg_url: str | None = None) -> dict:
    desk, db_url = prepare_backlog(workdir, n_changes)
    if pg_url:  # the same backlog against a PostgreSQL platform (tables dropped and migrated afresh)
        db_url = pg_url
        setup_platform_db(pg_url, {"鲁0102": "lixia"}, fresh=True)
    store = open_database(desk)
    with store.read() as s:
        n = s.query(OutboxEntry).count()
    platform = Platform(db_url)
    try:
        token = platform.token("lixia")
        bodies = backlog_bodies(store, Limits().batch_changes)
        sent_bytes = sum(len(b) for b in bodies)
        http = requests.Session()
        srv0, cli0 = proc_cpu_s(platform.proc.pid), own_cpu_s()
        t = time.perf_counter()
        for b in bodies:
            r = http.post(platform.url + "api/v1/noop", data=b, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Encoding": "gzip"})
            r.raise_for_status()
        noop_s = time.perf_counter() - t
        noop_cpu = (proc_cpu_s(platform.proc.pid) - srv0, own_cpu_s() - cli0)
        settings = Settings(server_url=platform.url, court_account="lixia")
        marks: dict[str, float] = {}

        def progress(done: int, total_: int, message: str) -> None:
            if message.startswith("已上报") and done == total_:
                marks["pushed"] = time.perf_counter()

        srv0, cli0 = proc_cpu_s(platform.proc.pid), own_cpu_s()
        t = time.perf_counter()
        report = run_sync(store, settings, token=token, progress=progress)
        round_s = time.perf_counter() - t
        push_s = marks["pushed"] - t
        round_cpu = (proc_cpu_s(platform.proc.pid) - srv0, own_cpu_s() - cli0)
        assert report.status == "ok" and report.pushed == n, report.summary()
        empty = []
        for _ in range(empty_rounds):
            t = time.perf_counter()
            r = run_sync(store, settings, token=token)
            empty.append(time.perf_counter() - t)
            assert r.pushed == 0
        bare = []
        for _ in range(empty_rounds):
            t = time.perf_counter()
            http.get(platform.url + "api/v1/feed", headers={"Authorization": f"Bearer {token}"}).raise_for_status()
            bare.append(time.perf_counter() - t)
    finally:
        platform.stop()
        store.close()
    return {"changes": n, "gzip_bytes": sent_bytes, "push_s": push_s, "round_s": round_s, "noop_s": noop_s,
            "rate": n / push_s, "noop_rate": n / noop_s, "empty_median_ms": statistics.median(empty) * 1000,
            "bare_get_median_ms": statistics.median(bare) * 1000, "noop_cpu": noop_cpu, "round_cpu": round_cpu,
            "backend": "PostgreSQL" if pg_url else "SQLite", "load": os.getloadavg()[0]}


def _case_batch(court: str, size: int) -> tuple[bytes, int]:
    """One new case plus (size-1) nodes of it, in the client's wire format."""
    case_id = str(uuid.uuid4())
    changes = [{"change_id": str(uuid.uuid4()), "entity": "case", "entity_id": case_id, "case_id": case_id,
                "payload": {"id": case_id, "entity": "case", "case_id": case_id, "version": 1,
                            "fields": {"court_code": court, "case_number": f"（2026）{court}执1号", "cause": "民间借贷纠纷"}}}]
    for k in range(size - 1):
        nid = str(uuid.uuid4())
        changes.append({"change_id": str(uuid.uuid4()), "entity": "node", "entity_id": nid, "case_id": case_id,
                        "payload": {"id": nid, "entity": "node", "case_id": case_id, "version": 1,
                                    "fields": {"code": "N06", "seq": k + 2, "name": "网络查控", "description": "查询"}}})
    return gzip.compress(json.dumps({"changes": changes}, ensure_ascii=False).encode(), compresslevel=1), len(changes)


def _load_worker(url: str, tokens: list[tuple[str, str]], seconds: float, batch: int, out: list, lock) -> None:
    http = requests.Session()
    end = time.monotonic() + seconds
    mine = []
    i = 0
    while time.monotonic() < end:
        court, token = tokens[i % len(tokens)]
        i += 1
        body, n = _case_batch(court, batch)
        t = time.perf_counter()
        r = http.post(url + "api/v1/changes", data=body, timeout=120, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Encoding": "gzip"})
        dt = time.perf_counter() - t
        ok = r.status_code == 200 and all(x["status"] == "accepted" for x in r.json()["results"])
        mine.append((dt, n if ok else 0, r.status_code))
    with lock:
        out.extend(mine)


def bench_load(pg_url: str | None, courts: int, seconds: float, batch: int, workdir: Path, workers: int) -> dict:
    url = pg_url or f"sqlite:///{workdir / 'load.sqlite3'}"
    codes = {f"测{i:04d}": f"court{i:04d}" for i in range(courts)}
    setup_platform_db(url, codes, fresh=bool(pg_url))
    platform = Platform(url, workers=workers)
    try:
        tokens = [(code, platform.token(acct)) for code, acct in codes.items()]

        def run(nthreads: int, secs: float, toks) -> list:
            results: list = []
            lock = threading.Lock()
            per = max(1, len(toks) // nthreads)
            threads = [threading.Thread(target=_load_worker, args=(platform.url, toks[k * per:(k + 1) * per] or toks,
                                                                   secs, batch, results, lock))
                       for k in range(nthreads)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            return results

        base = run(1, min(10.0, seconds), tokens[:1])
        loaded = run(courts, seconds, tokens)
    finally:
        platform.stop()

    def summary(rows, secs):
        lat = sorted(r[0] for r in rows)
        return {"requests": len(rows), "changes": sum(r[1] for r in rows), "rate": sum(r[1] for r in rows) / secs,
                "p50_ms": lat[len(lat) // 2] * 1000 if lat else 0,
                "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0,
                "errors": sum(1 for r in rows if r[2] != 200 or r[1] == 0)}

    return {"backend": "PostgreSQL" if pg_url else "SQLite", "workers": workers, "courts": courts, "seconds": seconds, "batch": batch,
            "single": summary(base, min(10.0, seconds)), "loaded": summary(loaded, seconds)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--changes", type=int, default=100_000)
    ap.add_argument("--empty-rounds", type=int, default=30)
    ap.add_argument("--load-courts", type=int, default=150)
    ap.add_argument("--load-seconds", type=float, default=60.0)
    ap.add_argument("--load-batch", type=int, default=20)
    ap.add_argument("--pg", default=os.environ.get("EXECDESK_TEST_PG_URL"))
    ap.add_argument("--load-workers", type=int, default=1, help="uvicorn worker processes for the load test")
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--skip-backlog", action="store_true")
    ap.add_argument("--backlog-pg", default=None, help="push the backlog to a PostgreSQL platform (this URL)")
    ap.add_argument("--append", action="store_true", help="append the results to bench/RESULTS.md")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    os.environ.setdefault("EXECDESK_DATA_DIR", str(work / "data"))
    try:
        return _main(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the desktop and platform databases of this run


def _main(args, work: Path) -> int:
    lines = []
    if not args.skip_backlog:
        _backlog_lines(bench_backlog(args.changes, args.empty_rounds, work, args.backlog_pg), lines)
    if not args.skip_load:
        ld = bench_load(args.pg, args.load_courts, args.load_seconds, args.load_batch, work, args.load_workers)
        s, lo = ld["single"], ld["loaded"]
        lines.append(f"- Platform under load ({ld['backend']}, {ld['workers']} uvicorn worker(s)): {ld['courts']} "
                     f"simulated courts pushing {ld['batch']}-change batches concurrently for {ld['seconds']:.0f} s: "
                     f"**{lo['rate']:,.0f} changes/s** accepted ({lo['requests']:,} requests, {lo['errors']} errors), "
                     f"latency p50 {lo['p50_ms']:.0f} ms, **p99 {lo['p99_ms']:.0f} ms**. Baseline one court alone: "
                     f"{s['rate']:,.0f} changes/s, p50 {s['p50_ms']:.0f} ms, p99 {s['p99_ms']:.0f} ms → "
                     f"throughput ×{lo['rate'] / s['rate']:.1f}, p99 ×{lo['p99_ms'] / max(s['p99_ms'], 0.001):.0f}.")
        print(lines[-1], flush=True)
    _append(args, lines)
    return 0


def _backlog_lines(b: dict, lines: list[str]) -> None:
    (ns, nc), (rs, rc) = b["noop_cpu"], b["round_cpu"]
    lines.append(f"- Backlog push over loopback ({b['backend']} platform, machine load average {b['load']:.1f}): "
                 f"{b['changes']:,} changes ({b['gzip_bytes'] / 1e6:.1f} MB gzip) in "
                 f"{b['push_s']:.1f} s = **{b['rate']:,.0f} changes/s** (target ≥ 10,000/s); whole round incl. "
                 f"digest check {b['round_s']:.1f} s. Baseline: the same gzip bodies POSTed to the no-op endpoint "
                 f"{b['noop_s']:.1f} s ({b['noop_rate']:,.0f}/s) → push costs **{b['push_s'] / b['noop_s']:.1f}×** "
                 f"the bare transfer (target ≤ 5×). CPU (load-independent): the whole round took platform "
                 f"{rs:.1f} s + client {rc:.1f} s, the no-op transfer platform {ns:.2f} s + client {nc:.2f} s → "
                 f"**{(rs + rc) / max(ns + nc, 1e-9):.1f}×** the CPU; {b['changes'] / max(rs, 1e-9):,.0f} changes per "
                 "platform CPU-second.")
    lines.append(f"- Sync round with nothing to send: median **{b['empty_median_ms']:.1f} ms** (target ≤ 50 ms); "
                 f"baseline one authenticated GET {b['bare_get_median_ms']:.1f} ms → "
                 f"{b['empty_median_ms'] / b['bare_get_median_ms']:.1f}×.")
    print("\n".join(lines), flush=True)


def _append(args, lines: list[str]) -> None:
    if args.append:
        cmd = "  ".join(["`.venv/bin/python bench/bench_sync.py", *sys.argv[1:]]) + "`"
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(f"\n### Sync push path (bench_sync.py)\n\n{time.strftime('%Y-%m-%d')}, 2-core Linux, loopback. Command: "
                    f"{cmd.replace('  ', ' ')}\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
