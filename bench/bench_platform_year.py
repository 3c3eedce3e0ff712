"""A province-year platform database on PostgreSQL (issue 14): feed page and digest check latency.

    .venv/bin/python bench/bench_platform_year.py [--pg URL] [--cases 1000000] [--nodes-per-case 30]
                                                  [--budget-s 600] [--append]

Generates, in a schema of its own (dropped at the end), 150 courts, ``--cases`` cases (p_cases and a
``case`` row in p_entities each), ``nodes-per-case`` node rows per case in p_entities (30 M for a
province-year) and 2,000 feed items per court — in bulk with INSERT … SELECT generate_series, secondary
indexes built after the load. Node generation stops at ``--budget-s`` seconds; what was generated is
reported, nothing is extrapolated. Then, through the real platform over loopback: a feed page (200 items
from a cursor in the middle of a court's feed) and digest checks (20 cases — a sync round's touched
cases — and 500 cases, the client's chunk), median and p99 of 30 each, with the authenticated /hello in
the same run as the baseline and the SQL's EXPLAIN ANALYZE execution time.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from provincial.models import make_engine  # noqa: E402
from provincial.service import _token_hash  # noqa: E402

COURTS = 150
FEED_PER_COURT = 2000
SECONDARY = {  # built after the bulk load (same definitions as the migrations)
    "ix_p_entities_digest": "CREATE INDEX ix_p_entities_digest ON p_entities (case_id, entity_id, entity, version)",
    "ix_p_entities_court_entity": "CREATE INDEX ix_p_entities_court_entity ON p_entities (court_code, entity)",
    "ix_p_cases_court_code": "CREATE INDEX ix_p_cases_court_code ON p_cases (court_code)",
}


def court(i_expr: str) -> str:
    return f"'鲁' || lpad((1000 + ({i_expr}) % {COURTS})::text, 4, '0')"


def generate(conn_url: str, cases: int, per_case: int, budget_s: float) -> dict:
    eng = create_engine(conn_url, isolation_level="AUTOCOMMIT")
    out: dict = {}
    with eng.connect() as c:
        c.execute(text("SET maintenance_work_mem = '512MB'"))
        for name in SECONDARY:
            c.execute(text(f"DROP INDEX IF EXISTS {name}"))
        t0 = time.perf_counter()
        c.execute(text(f"INSERT INTO p_courts (code, name, last_seq, created_at) SELECT {court('i')}, "
                       f"'测试法院' || i, 0, now() FROM generate_series(0, {COURTS - 1}) i"))
        c.execute(text(f"INSERT INTO p_feed_counters (court_code, last_seq) SELECT code, {FEED_PER_COURT} FROM p_courts"))
        c.execute(text("INSERT INTO p_accounts (name, court_code, password_hash, active, created_at) "
                       "SELECT 'acct' || code, code, 'x', true, now() FROM p_courts"))
        c.execute(text(f"INSERT INTO p_cases (case_id, court_code, case_number, created_at) SELECT "
                       f"md5('c' || i)::uuid::text, {court('i')}, '（2026）' || {court('i')} || '执' || i || '号', now() "
                       f"FROM generate_series(1, {cases}) i"))
        c.execute(text(f"INSERT INTO p_entities (entity_id, entity, case_id, court_code, version, fields, "
                       f"last_change_id, updated_at, account) SELECT md5('c' || i)::uuid::text, 'case', "
                       f"md5('c' || i)::uuid::text, {court('i')}, 1, "
                       "'{\"status\": \"未结\", \"filed_on\": \"2026-03-02\"}'::json, md5('x' || i)::uuid::text, now(), "
                       f"'bench' FROM generate_series(1, {cases}) i"))
        c.execute(text(f"INSERT INTO p_feed_items (id, court_code, seq, kind, case_id, case_number, title, payload, "
                       f"created_at) SELECT md5('f' || c.code || s)::uuid::text, c.code, s, '督办', NULL, NULL, "
                       f"'请报告执行进展', '{{}}'::json, now() FROM p_courts c, generate_series(1, {FEED_PER_COURT}) s"))
        out["base_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        chunk = 50_000
        done_cases = 0
        for start in range(1, cases + 1, chunk):
            if time.perf_counter() - t1 > budget_s:
                break
            end = min(cases, start + chunk - 1)
            c.execute(text(
                f"INSERT INTO p_entities (entity_id, entity, case_id, court_code, version, fields, last_change_id, "
                f"updated_at, account) SELECT md5('n' || i || '-' || k)::uuid::text, 'node', md5('c' || i)::uuid::text, "
                f"{court('i')}, 1, ('{{\"code\": \"N06\", \"seq\": ' || k || ', \"status\": \"已完成\"}}')::json, "
                f"md5('m' || i || '-' || k)::uuid::text, now(), 'bench' "
                f"FROM generate_series({start}, {end}) i, generate_series(1, {per_case}) k"))
            done_cases = end
        out["node_cases"] = done_cases
        out["nodes"] = done_cases * per_case
        out["nodes_s"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        for ddl in SECONDARY.values():
            c.execute(text(ddl))
        out["index_s"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        c.execute(text("VACUUM ANALYZE p_entities"))
        c.execute(text("VACUUM ANALYZE p_cases"))
        c.execute(text("VACUUM ANALYZE p_feed_items"))
        out["vacuum_s"] = time.perf_counter() - t3
        out["entities"] = c.execute(text("SELECT count(*) FROM p_entities")).scalar()
        out["size"] = c.execute(text("SELECT pg_size_pretty(sum(pg_total_relation_size(oid))) FROM pg_class "
                                     "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'")).scalar()
    eng.dispose()
    return out


def token_for(conn_url: str, code: str) -> str:
    tok = secrets.token_urlsafe(32)
    eng = create_engine(conn_url)
    with eng.begin() as c:
        c.execute(text("INSERT INTO p_tokens (token_hash, account, court_code, device_id, expires_at, created_at) "
                       "VALUES (:h, :a, :c, 'bench', now() + interval '6 hours', now())"),
                  {"h": _token_hash(tok), "a": "acct" + code, "c": code})
    eng.dispose()
    return tok


def timed(fn, n: int = 30) -> tuple[float, float]:
    fn()
    xs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        xs.append(time.perf_counter() - t)
    xs.sort()
    return statistics.median(xs) * 1000, xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", default=os.environ.get("EXECDESK_TEST_PG_URL"))
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--nodes-per-case", type=int, default=30)
    ap.add_argument("--budget-s", type=float, default=600)
    ap.add_argument("--append", action="store_true")
    args = ap.parse_args()
    if not args.pg:
        print("需要 PostgreSQL：--pg URL 或 EXECDESK_TEST_PG_URL", file=sys.stderr)
        return 2
    schema = f"bench_year_{os.getpid()}"
    admin = create_engine(args.pg)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = args.pg + ("&" if "?" in args.pg else "?") + f"options=-csearch_path%3D{schema}"
    proc = None
    try:
        make_engine(url).dispose()  # migrations
        gen = generate(url, args.cases, args.nodes_per_case, args.budget_s)
        print(f"generated: {gen}", flush=True)
        code = "鲁1007"
        tok = token_for(url, code)
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "provincial.admin", "--db", url, "serve", "--port", str(port)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}/"
        for _ in range(300):
            try:
                if requests.get(base + "api/v1/hello", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        http = requests.Session()
        auth = {"Authorization": f"Bearer {tok}"}
        eng = create_engine(url)
        with eng.connect() as c:
            ids = [r[0] for r in c.execute(text("SELECT case_id FROM p_cases WHERE court_code = :c AND case_id IN "
                                                "(SELECT case_id FROM p_entities WHERE entity = 'node' AND court_code = :c "
                                                "LIMIT 20000)"), {"c": code})]
        rng = random.Random(14)
        hello = timed(lambda: http.get(base + "api/v1/hello").raise_for_status())
        feed = timed(lambda: http.get(base + "api/v1/feed", params={"cursor": rng.randint(0, FEED_PER_COURT - 200),
                                                                    "limit": 200}, headers=auth).raise_for_status())
        dig20 = timed(lambda: http.post(base + "api/v1/digests", json={"case_ids": rng.sample(ids, min(20, len(ids)))},
                                        headers=auth).raise_for_status())
        dig500 = timed(lambda: http.post(base + "api/v1/digests", json={"case_ids": rng.sample(ids, min(500, len(ids)))},
                                         headers=auth).raise_for_status())
        assert len(http.get(base + "api/v1/feed", params={"cursor": 1000, "limit": 200}, headers=auth).json()["items"]) == 200
        with eng.connect() as c:
            sample = rng.sample(ids, min(500, len(ids)))
            plan = c.execute(text("EXPLAIN (ANALYZE, FORMAT JSON) SELECT entity, entity_id, case_id, version FROM p_entities "
                                  "WHERE case_id = ANY(:ids)"), {"ids": sample}).scalar()
            digest_sql_ms = plan[0]["Execution Time"]
            node = plan[0]["Plan"].get("Node Type")
            plan = c.execute(text("EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM p_feed_items WHERE court_code = :c "
                                  "AND seq > 1000 ORDER BY seq LIMIT 201"), {"c": code}).scalar()
            feed_sql_ms = plan[0]["Execution Time"]
        eng.dispose()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    full = gen["nodes"] == args.cases * args.nodes_per_case
    lines = [
        f"- Generated in bulk (INSERT … SELECT generate_series, indexes after): {COURTS} courts, {args.cases:,} cases, "
        f"**{gen['nodes']:,} node rows** ({'all' if full else 'budget reached: not the full'} "
        f"{args.cases * args.nodes_per_case:,}; {gen['entities']:,} entity rows in all), "
        f"{COURTS * FEED_PER_COURT:,} feed items; {gen['size']} of tables and indexes; base {gen['base_s']:.0f} s, "
        f"nodes {gen['nodes_s']:.0f} s, indexes {gen['index_s']:.0f} s, VACUUM ANALYZE {gen['vacuum_s']:.0f} s.",
        f"- Through the platform over loopback (1 worker), one court of the {COURTS} "
        f"(≈{args.cases // COURTS:,} cases, ≈{gen['nodes'] // COURTS:,} nodes): feed page of 200 from the middle "
        f"median **{feed[0]:.1f} ms** (p99 {feed[1]:.1f}); digest check of 20 cases median **{dig20[0]:.1f} ms** "
        f"(p99 {dig20[1]:.1f}); of 500 cases (the client's chunk, ≈{500 * (args.nodes_per_case + 1):,} rows hashed) "
        f"median **{dig500[0]:.1f} ms** (p99 {dig500[1]:.1f}). Baseline /hello median {hello[0]:.1f} ms → feed "
        f"×{feed[0] / hello[0]:.1f}, digest-20 ×{dig20[0] / hello[0]:.1f}, digest-500 ×{dig500[0] / hello[0]:.1f}. "
        f"SQL alone (EXPLAIN ANALYZE): feed page {feed_sql_ms:.2f} ms, 500-case digest rows {digest_sql_ms:.1f} ms "
        f"({node}).",
    ]
    print("\n".join(lines))
    if args.append:
        cmd = " ".join([".venv/bin/python bench/bench_platform_year.py", *sys.argv[1:]]).replace(args.pg, "$PG")
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(f"\n### Province-year database (issue 14)\n\n{time.strftime('%Y-%m-%d')}, 2-core Linux, "
                    f"PostgreSQL 15. Command: `{cmd}`\n\n" + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
