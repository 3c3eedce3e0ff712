"""Sign-in flood vs other requests (issue 14), loopback only, bounded.

    .venv/bin/python bench/bench_platform_signin.py [--threads 8] [--seconds 15] [--append]

A platform on a temporary SQLite database (removed afterwards). Baseline: authenticated feed reads alone
(p50 / p99 / max). Then the same reads while ``--threads`` threads send wrong passwords for made-up
accounts as fast as they can (lockout off, so every attempt reaches the hashing pool): the reads' latency
and the flood's answers (401 hashed / 503 busy). Found before: an 8-thread flood delayed other requests
up to 3.8 s because scrypt ran on the request threads.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import Session  # noqa: E402

from provincial import service  # noqa: E402
from provincial.models import make_engine  # noqa: E402

PASSWORD = "bench-password-1"


def reads(url: str, token: str, seconds: float) -> list[float]:
    http = requests.Session()
    out = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        http.get(url + "api/v1/feed", headers={"Authorization": f"Bearer {token}"}, timeout=60).raise_for_status()
        out.append(time.perf_counter() - t)
        time.sleep(0.02)
    return out


def stats(xs: list[float]) -> str:
    xs = sorted(xs)
    return (f"p50 {statistics.median(xs) * 1000:.1f} ms, p99 {xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000:.1f} ms, "
            f"max {xs[-1] * 1000:.1f} ms ({len(xs)} reads)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--append", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-signin-"))
    proc = None
    try:
        url_db = f"sqlite:///{work / 'p.sqlite3'}"
        engine = make_engine(url_db)
        with Session(engine) as s, s.begin():
            service.create_court(s, "鲁0102", "济南市历下区人民法院")
            s.flush()
            service.create_account(s, "lixia", "鲁0102", PASSWORD)
        engine.dispose()
        import socket

        with socket.socket() as sk:
            sk.bind(("127.0.0.1", 0))
            port = sk.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "provincial.admin", "--db", url_db, "serve", "--port", str(port),
                                 "--signin-account-failures", "0", "--signin-address-failures", "0"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/"
        for _ in range(300):
            try:
                if requests.get(url + "api/v1/hello", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        token = requests.post(url + "api/v1/auth/token", json={"account": "lixia", "password": PASSWORD}).json()["access_token"]
        alone = reads(url, token, args.seconds)
        stop = threading.Event()
        answers: list[int] = []
        lock = threading.Lock()

        def hammer(k: int) -> None:
            http = requests.Session()
            i = 0
            while not stop.is_set():
                r = http.post(url + "api/v1/auth/token", json={"account": f"flood{k}-{i}", "password": "x" * 9},
                              timeout=60)
                i += 1
                with lock:
                    answers.append(r.status_code)

        threads = [threading.Thread(target=hammer, args=(k,)) for k in range(args.threads)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        flooded = reads(url, token, args.seconds)
        stop.set()
        for t in threads:
            t.join()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
        shutil.rmtree(work, ignore_errors=True)
    p99 = lambda xs: sorted(xs)[min(len(xs) - 1, int(len(xs) * 0.99))]  # noqa: E731
    lines = [f"- Sign-in flood ({args.threads} threads of wrong passwords, lockout off; 2 hashing threads, 16 waiting "
             f"places): {answers.count(401):,} hashed (401), {answers.count(503):,} refused busy (503) in "
             f"{args.seconds:.0f} s. Feed reads alone: {stats(alone)}; during the flood: {stats(flooded)} → "
             f"p99 ×{p99(flooded) / p99(alone):.1f} (before: up to 3.8 s).", ]
    print("\n".join(lines))
    if args.append:
        cmd = " ".join([".venv/bin/python bench/bench_platform_signin.py", *sys.argv[1:]])
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(f"\n### Sign-in flood (issue 14)\n\n{time.strftime('%Y-%m-%d')}, 2-core Linux, loopback. "
                    f"Command: `{cmd}`\n\n" + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
