"""Province load on PostgreSQL (issue 14): 150 courts × 5 desktops, compressed in time. Loopback only, bounded.

    .venv/bin/python bench/bench_platform_load.py [--pg URL] [--courts 150] [--desktops 5] [--workers 2]
                                                  [--seconds 60] [--peak-factor 3] [--round-compress 5]
                                                  [--round-sim-minutes 10] [--skip-saturation] [--append]

1. Open-loop load: every desktop pushes one realistic batch (a new case and its nodes, 5-40 changes) on a
   5-minute timer with ±20 % jitter — 750 desktops ≈ 2.5 pushes/s is the realistic peak (every desktop's
   timer running). Compressed in time at ``--peak-factor`` × that rate. Latency is measured from each
   push's scheduled time (no coordinated omission): p50 / p99.
2. Saturation: closed loop, N threads pushing with no pause for a bounded time; the best throughput over
   N in {8, 32, 128} and its p99.
3. Sync rounds (issue 13): every desktop runs a whole round on its 5-minute timer with jitter — push its
   batch, pull its feed page, check the digest of the case it pushed — for ``--round-sim-minutes`` of
   simulated time compressed ``--round-compress`` times: p50 / p99 round time (from the scheduled time)
   and the platform's CPU (the uvicorn processes, and the PostgreSQL backends serving them, from /proc).
Baseline in the same run: one desktop's push alone (p50), and the authenticated no-op endpoint.
Runs in a schema of its own in the given database (dropped at the end); tokens are made directly in the
database (sign-in is not what is measured here: bench_platform_signin.py measures it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from provincial import service  # noqa: E402
from provincial.models import PToken, make_engine, utcnow  # noqa: E402

TIMER_S = 300.0


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def batch_body(court: str, rng: random.Random, with_case: bool = False) -> Any:
    size = rng.randint(5, 40)
    case_id = str(uuid.uuid4())
    serial = rng.randint(1, 99_999_999)
    changes = [{"change_id": str(uuid.uuid4()), "entity": "case", "entity_id": case_id, "case_id": case_id,
                "payload": {"schema": 2, "id": case_id, "entity": "case", "case_id": case_id, "version": 1,
                            "fields": {"court_code": court, "case_number": f"（2026）{court}执{serial}号",
                                       "cause": "民间借贷纠纷", "filed_on": "2026-03-02", "status": "未结",
                                       "amount_claimed_fen": 8_500_000, "is_non_litigation": False}}}]
    for k in range(size - 1):
        nid = str(uuid.uuid4())
        changes.append({"change_id": str(uuid.uuid4()), "entity": "node", "entity_id": nid, "case_id": case_id,
                        "payload": {"schema": 2, "id": nid, "entity": "node", "case_id": case_id, "version": 1,
                                    "fields": {"code": "N06", "seq": k + 2, "name": "网络查控", "status": "已完成",
                                               "started_on": "2026-03-05", "description": "网络查控系统查询",
                                               "data": {"scopes": ["存款", "车辆"]}}}})
    body = json.dumps({"device_id": "bench", "changes": changes}, ensure_ascii=False).encode()
    if with_case:
        return gzip.compress(body, compresslevel=1), len(changes), case_id
    return gzip.compress(body, compresslevel=1), len(changes)


class Platform:
    def __init__(self, db_url: str, workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc = subprocess.Popen([sys.executable, "-m", "provincial.admin", "--db", db_url, "serve", "--port",
                                      str(self.port), "--workers", str(workers)], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(1800):  # up to 3 minutes: start-up on a loaded machine is slow
            try:
                if requests.get(self.url + "api/v1/hello", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("platform did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def setup(db_url: str, courts: int, desktops: int) -> list[tuple[str, str]]:
    engine = make_engine(db_url)
    tokens = []
    with Session(engine) as s, s.begin():
        for i in range(courts):
            code = f"鲁{1000 + i:04d}"
            service.create_court(s, code, f"测试法院{i}")
            s.flush()
            s.add(service.PAccount(name=f"court{i}", court_code=code, password_hash="x"))
            s.flush()
            for d in range(desktops):
                tok = secrets.token_urlsafe(32)
                s.add(PToken(token_hash=service._token_hash(tok), account=f"court{i}", court_code=code,
                             device_id=f"desk{i}-{d}", expires_at=utcnow() + timedelta(hours=6)))
                tokens.append((code, tok))
    engine.dispose()
    return tokens


RECONNECTS = [0]  # requests re-sent because the server had closed an idle kept-alive connection


def post(http: requests.Session, url: str, **kw: Any) -> requests.Response:
    """POST, re-sent once on a fresh connection when the server closed the kept-alive one just as it was
    reused (uvicorn closes idle connections after 5 s; a desktop between timer ticks is idle that long).
    Re-sending is what the desktop does too, and a push is idempotent per change id."""
    try:
        return http.post(url, **kw)
    except requests.ConnectionError:
        RECONNECTS[0] += 1
        return http.post(url, **kw)


def push(http: requests.Session, url: str, court: str, token: str, rng: random.Random) -> tuple[int, int]:
    body, n = batch_body(court, rng)
    r = post(http, url + "api/v1/changes", data=body, timeout=120, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Encoding": "gzip"})
    ok = r.status_code == 200 and all(a["status"] == "accepted" for a in r.json()["results"])
    return (n if ok else 0), r.status_code


def open_loop(url: str, tokens: list[tuple[str, str]], rate: float, seconds: float, senders: int) -> dict:
    """Scheduled pushes: desktop k's timer fires at offset_k + j·T·(1±0.2), T compressed so the total rate is
    ``rate`` pushes/s."""
    rng = random.Random(14)
    period = len(tokens) / rate  # compressed 5-minute timer
    schedule = []
    for court, tok in tokens:
        t = rng.uniform(0, period)
        while t < seconds:
            schedule.append((t, court, tok))
            t += period * rng.uniform(0.8, 1.2)
    schedule.sort()
    results: list[tuple[float, int, int]] = []
    lock = threading.Lock()
    idx = [0]
    start = time.perf_counter() + 0.5

    def sender(k: int) -> None:
        http = requests.Session()
        r = random.Random(k)
        while True:
            with lock:
                if idx[0] >= len(schedule):
                    return
                at, court, tok = schedule[idx[0]]
                idx[0] += 1
            wait = start + at - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            n, status = push(http, url, court, tok, r)
            done = time.perf_counter()
            with lock:
                results.append((done - (start + at), n, status))

    threads = [threading.Thread(target=sender, args=(k,)) for k in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = sorted(r[0] for r in results) or [0.0]
    return {"pushes": len(results), "changes": sum(r[1] for r in results), "errors": sum(1 for r in results if r[1] == 0),
            "p50_ms": lat[len(lat) // 2] * 1000, "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
            "rate": rate, "seconds": seconds}


def closed_loop(url: str, tokens: list[tuple[str, str]], threads_n: int, seconds: float) -> dict:
    results: list[tuple[float, int, int]] = []
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def worker(k: int) -> None:
        http = requests.Session()
        r = random.Random(k)
        mine = []
        i = k
        while time.perf_counter() < end:
            court, tok = tokens[i % len(tokens)]
            i += threads_n
            t = time.perf_counter()
            n, status = push(http, url, court, tok, r)
            mine.append((time.perf_counter() - t, n, status))
        with lock:
            results.extend(mine)

    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads_n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.perf_counter() - t0
    lat = sorted(r[0] for r in results) or [0.0]
    return {"threads": threads_n, "changes_per_s": sum(r[1] for r in results) / elapsed, "pushes": len(results),
            "errors": sum(1 for r in results if r[1] == 0), "p50_ms": lat[len(lat) // 2] * 1000,
            "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000}


def _cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (from /proc; a process that is gone counts 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants (uvicorn's worker processes are children of the supervisor)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def pg_backends(admin) -> list[int]:
    """PostgreSQL backends connected to the benchmark's database (the platform's pooled connections)."""
    with admin.connect() as c:
        return [r[0] for r in c.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                             "AND pid <> pg_backend_pid()"))]


def rounds(url: str, tokens: list[tuple[str, str]], compress: float, sim_s: float, senders: int) -> dict:
    """Issue 13: whole sync rounds (push, feed pull, digest check of the pushed case) on each desktop's
    5-minute timer with ±20 % jitter, ``sim_s`` simulated seconds compressed ``compress`` times."""
    rng = random.Random(13)
    period = TIMER_S / compress
    seconds = sim_s / compress
    schedule = []
    for court, tok in tokens:
        t = rng.uniform(0, period)
        while t < seconds:
            schedule.append((t, court, tok))
            t += period * rng.uniform(0.8, 1.2)
    schedule.sort()
    results: list[tuple[float, float, int, bool]] = []
    lock = threading.Lock()
    idx = [0]
    start = time.perf_counter() + 0.5

    def sender(k: int) -> None:
        http = requests.Session()
        r = random.Random(k)
        cursors: dict[str, int] = {}
        while True:
            with lock:
                if idx[0] >= len(schedule):
                    return
                at, court, tok = schedule[idx[0]]
                idx[0] += 1
            wait = start + at - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            began = time.perf_counter()
            auth = {"Authorization": f"Bearer {tok}"}
            body, n, case_id = batch_body(court, r, with_case=True)
            p = post(http, url + "api/v1/changes", data=body, timeout=120, headers={
                **auth, "Content-Type": "application/json", "Content-Encoding": "gzip"})
            ok = p.status_code == 200 and all(a["status"] == "accepted" for a in p.json()["results"])
            f = http.get(url + "api/v1/feed", params={"cursor": cursors.get(tok, 0), "limit": 200}, headers=auth,
                         timeout=120)
            ok = ok and f.status_code == 200
            if ok:
                cursors[tok] = f.json()["next_cursor"]
            d = post(http, url + "api/v1/digests", json={"case_ids": [case_id]}, headers=auth, timeout=120)
            ok = ok and d.status_code == 200 and d.json()["digests"].get(case_id) is not None
            done = time.perf_counter()
            with lock:
                results.append((done - (start + at), done - began, n, ok))

    threads = [threading.Thread(target=sender, args=(k,)) for k in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = sorted(r[0] for r in results) or [0.0]
    svc = sorted(r[1] for r in results) or [0.0]
    return {"rounds": len(results), "changes": sum(r[2] for r in results if r[3]),
            "errors": sum(1 for r in results if not r[3]), "p50_ms": lat[len(lat) // 2] * 1000,
            "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
            "svc_p50_ms": svc[len(svc) // 2] * 1000, "seconds": seconds, "rate": len(schedule) / seconds}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", default=os.environ.get("EXECDESK_TEST_PG_URL"))
    ap.add_argument("--courts", type=int, default=150)
    ap.add_argument("--desktops", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--peak-factor", type=float, default=3.0)
    ap.add_argument("--saturation-seconds", type=float, default=20.0)
    ap.add_argument("--round-compress", type=float, default=5.0, help="time compression of the sync-round run")
    ap.add_argument("--round-sim-minutes", type=float, default=10.0)
    ap.add_argument("--skip-saturation", action="store_true")
    ap.add_argument("--skip-rounds", action="store_true")
    ap.add_argument("--append", action="store_true")
    args = ap.parse_args()
    if not args.pg:
        print("需要 PostgreSQL：--pg URL 或 EXECDESK_TEST_PG_URL", file=sys.stderr)
        return 2
    schema = f"bench_load_{os.getpid()}"
    admin = create_engine(args.pg)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = args.pg + ("&" if "?" in args.pg else "?") + f"options=-csearch_path%3D{schema}"
    try:
        tokens = setup(url, args.courts, args.desktops)
        platform = Platform(url, args.workers)
        try:
            http = requests.Session()
            court, tok = tokens[0]
            rng = random.Random(1)
            alone = []
            for _ in range(30):
                t = time.perf_counter()
                push(http, platform.url, court, tok, rng)
                alone.append(time.perf_counter() - t)
            noop = []
            for _ in range(30):
                t = time.perf_counter()
                http.post(platform.url + "api/v1/noop", data=b"{}", headers={"Authorization": f"Bearer {tok}"})
                noop.append(time.perf_counter() - t)
            realistic = len(tokens) / TIMER_S
            tree = process_tree(platform.proc.pid)
            cpu0 = _cpu_s(tree)
            t0 = time.perf_counter()
            ol = open_loop(platform.url, tokens, realistic * args.peak_factor, args.seconds, senders=32)
            ol["cpu"] = (_cpu_s(tree) - cpu0) / (time.perf_counter() - t0)
            sat = [] if args.skip_saturation else [closed_loop(platform.url, tokens, n, args.saturation_seconds)
                                                   for n in (8, 32, 128)]
            rd = None
            if not args.skip_rounds:
                backends = pg_backends(admin)
                cpu0, db0, t0 = _cpu_s(tree), _cpu_s(backends), time.perf_counter()
                rd = rounds(platform.url, tokens, args.round_compress, args.round_sim_minutes * 60, senders=32)
                wall = time.perf_counter() - t0
                rd["cpu"] = (_cpu_s(tree) - cpu0) / wall
                rd["db_cpu"] = (_cpu_s(backends) - db0) / wall
                rd["load"] = os.getloadavg()[0]
        finally:
            platform.stop()
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    a50 = statistics.median(alone) * 1000
    lines = [
        f"- Open-loop province load ({args.courts} courts × {args.desktops} desktops = {len(tokens)} desktops, "
        f"{args.workers} uvicorn workers, PostgreSQL): realistic peak {realistic:.2f} pushes/s (every desktop's "
        f"5-minute timer), run at **{args.peak_factor:g}× = {ol['rate']:.2f} pushes/s** for {ol['seconds']:.0f} s "
        f"({ol['pushes']} pushes, {ol['changes']:,} changes, {ol['errors']} errors): latency from the scheduled "
        f"time p50 {ol['p50_ms']:.0f} ms, **p99 {ol['p99_ms']:.0f} ms** (target ≤ 500 ms). Baseline in the same run: "
        f"one desktop's push alone p50 {a50:.0f} ms → p99/alone ×{ol['p99_ms'] / a50:.1f}; no-op endpoint "
        f"p50 {statistics.median(noop) * 1000:.1f} ms. Platform CPU during the run {ol['cpu']:.2f} cores.",
    ]
    if sat:
        best = max(sat, key=lambda r: r["changes_per_s"])
        lines.append(
            "- Saturation (closed loop, no pause): " + "; ".join(
                f"{r['threads']} threads {r['changes_per_s']:,.0f} changes/s (p50 {r['p50_ms']:.0f} ms, p99 "
                f"{r['p99_ms']:.0f} ms, {r['errors']} errors)" for r in sat)
            + f" → **saturation ≈ {best['changes_per_s']:,.0f} changes/s** "
              f"(×{best['changes_per_s'] / ol['changes'] * ol['seconds']:.0f} the {args.peak_factor:g}×-peak load). "
              "Load generator and server share the same 2 cores.")
    if rd:
        lines.append(
            f"- Sync rounds (issue 13): {len(tokens)} desktops each running push + feed pull + digest check on its "
            f"5-minute timer (±20 % jitter), {args.round_sim_minutes:g} min of simulated time compressed "
            f"{args.round_compress:g}× into {rd['seconds']:.0f} s ({rd['rate']:.1f} rounds/s = {args.round_compress:g}× "
            f"the realistic peak): {rd['rounds']} rounds, {rd['changes']:,} changes, {rd['errors']} errors; round time "
            f"from the scheduled time p50 {rd['p50_ms']:.0f} ms, **p99 {rd['p99_ms']:.0f} ms** (service time p50 "
            f"{rd['svc_p50_ms']:.0f} ms); platform CPU **{rd['cpu']:.2f} cores** ({args.workers} uvicorn workers), "
            f"PostgreSQL backends {rd['db_cpu']:.2f} cores; load average at the end {rd['load']:.1f}.")
    lines.insert(0, f"- Machine: load average {os.getloadavg()[0]:.1f} at the end (2 cores shared with other "
                    "engineers' builds and tests: absolute figures are a fraction of an idle machine's). Requests "
                    f"re-sent after the server closed an idle kept-alive connection: {RECONNECTS[0]}.")
    print("\n".join(lines))
    if args.append:
        cmd = " ".join([".venv/bin/python bench/bench_platform_load.py", *sys.argv[1:]]).replace(args.pg, "$PG")
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(f"\n### Province load (issue 14)\n\n{time.strftime('%Y-%m-%d')}, 2-core Linux, loopback, "
                    f"PostgreSQL 15. Command: `{cmd}`\n\n" + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
