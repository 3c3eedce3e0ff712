"""A province-year platform database on PostgreSQL (issue 14): feed page and digest check latency.

    .venv/bin/python bench/bench_platform_year.py [--pg URL] [--cases 1000000] [--nodes-per-case 30]
                                                  [--budget-s 600] [--append]

Generates, in a schema of its own (dropped at the end), 150 courts, ``--cases`` cases (p_cases and a
``case`` row in p_entities each), ``nodes-per-case`` node rows per case in p_entities (30 M for a
province-year) and 2,000 feed items per court — in bulk with PostgreSQL COPY (psycopg's ``cursor.copy``),
p_entities' primary key and the secondary indexes built after the load. Node generation stops at ``--budget-s`` seconds; what was generated is
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


def court_code(i: int) -> str:
    return f"鲁{1000 + i % COURTS:04d}"


def _uuids(n: int) -> list[str]:
    """``n`` random UUID-shaped ids (as the desktop's uuid4 ids spread over the key space), from one
    os.urandom call: no per-id Python object but the string."""
    h = os.urandom(16 * n).hex()
    return [f"{h[j:j + 8]}-{h[j + 8:j + 12]}-4{h[j + 13:j + 16]}-8{h[j + 17:j + 20]}-{h[j + 20:j + 32]}"
            for j in range(0, 32 * n, 32)]


def _copy(cur, table: str, columns: str, lines: list[str]) -> int:
    data = "".join(lines).encode()
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
        cp.write(data)
    return len(data)


NODE_CODES = ("N01", "N02", "N03", "N04", "N05", "N06", "N07", "N08", "N09", "N10")


def generate(conn_url: str, cases: int, per_case: int, budget_s: float) -> dict:
    """Bulk load with COPY (psycopg ``cursor.copy``): the tables' secondary indexes *and* p_entities' primary
    key are dropped first and built after the load (one sort each instead of 30 M random B-tree inserts)."""
    import psycopg

    dsn = conn_url.replace("postgresql+psycopg://", "postgresql://")
    out: dict = {"copied_bytes": 0}
    with psycopg.connect(dsn, autocommit=True) as pg:
        cur = pg.cursor()
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET synchronous_commit = off")  # the load only: nothing here is a platform answer
        for name in SECONDARY:
            cur.execute(f"DROP INDEX IF EXISTS {name}")
        cur.execute("ALTER TABLE p_entities DROP CONSTRAINT IF EXISTS p_entities_pkey")
        t0 = time.perf_counter()
        now = "2026-06-01 08:00:00+00"
        out["copied_bytes"] += _copy(cur, "p_courts", "code, name, last_seq, created_at",
                                     [f"{court_code(i)}\t测试法院{i}\t0\t{now}\n" for i in range(COURTS)])
        out["copied_bytes"] += _copy(cur, "p_feed_counters", "court_code, last_seq",
                                     [f"{court_code(i)}\t{FEED_PER_COURT}\n" for i in range(COURTS)])
        out["copied_bytes"] += _copy(cur, "p_accounts", "name, court_code, password_hash, active, created_at",
                                     [f"acct{court_code(i)}\t{court_code(i)}\tx\tt\t{now}\n" for i in range(COURTS)])
        feed = []
        for i in range(COURTS):
            ids = _uuids(FEED_PER_COURT)
            feed.extend(f"{ids[s - 1]}\t{court_code(i)}\t{s}\t督办\t\\N\t\\N\t请报告执行进展\t{{}}\t{now}\n"
                        for s in range(1, FEED_PER_COURT + 1))
        out["copied_bytes"] += _copy(cur, "p_feed_items", "id, court_code, seq, kind, case_id, case_number, title, "
                                                          "payload, created_at", feed)
        del feed
        out["base_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        chunk = 20_000
        done_cases = 0
        ent_cols = "entity_id, entity, case_id, court_code, version, fields, last_change_id, updated_at, account"
        case_fields = '{"status": "未结", "filed_on": "2026-03-02"}'
        node_fields = [f'{{"code": "{NODE_CODES[k % 10]}", "seq": {k}, "status": "已完成"}}' for k in range(per_case + 1)]
        for start in range(1, cases + 1, chunk):
            if time.perf_counter() - t1 > budget_s:
                break
            end = min(cases, start + chunk - 1)
            n = end - start + 1
            case_ids = _uuids(n)
            cases_lines, ents = [], []
            for j, cid in enumerate(case_ids):
                i = start + j
                code = court_code(i)
                cases_lines.append(f"{cid}\t{code}\t（2026）{code}执{i}号\t{now}\n")
                tail = f"\t{code}\t1\t"
                ents.append(f"{cid}\tcase\t{cid}{tail}{case_fields}\tc{cid[1:]}\t{now}\tbench\n")
                head = cid[:24]  # node ids: UUID-shaped, unique (the case's random prefix + a counter)
                ents.extend(f"{head}{k:012x}\tnode\t{cid}{tail}{node_fields[k]}\tm{head[1:]}{k:012x}\t{now}\tbench\n"
                            for k in range(1, per_case + 1))
            out["copied_bytes"] += _copy(cur, "p_cases", "case_id, court_code, case_number, created_at", cases_lines)
            out["copied_bytes"] += _copy(cur, "p_entities", ent_cols, ents)
            done_cases = end
        out["node_cases"] = done_cases
        out["nodes"] = done_cases * per_case
        out["nodes_s"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        cur.execute("ALTER TABLE p_entities ADD CONSTRAINT p_entities_pkey PRIMARY KEY (entity_id)")
        for ddl in SECONDARY.values():
            cur.execute(ddl)
        out["index_s"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        for table in ("p_entities", "p_cases", "p_feed_items"):
            cur.execute(f"VACUUM ANALYZE {table}")
        out["vacuum_s"] = time.perf_counter() - t3
        cur.execute("SELECT count(*) FROM p_entities")
        out["entities"] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(sum(pg_total_relation_size(oid))) FROM pg_class "
                    "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'")
        out["size"] = cur.fetchone()[0]
    return out


def reused(conn_url: str, cases: int, per_case: int) -> dict:
    """The figures of a database generated by an earlier run (for measuring again without generating)."""
    eng = create_engine(conn_url)
    with eng.connect() as c:
        nodes = c.execute(text("SELECT count(*) FROM p_entities WHERE entity = 'node'")).scalar()
        out = {"copied_bytes": 0, "base_s": 0.0, "nodes_s": 0.0, "index_s": 0.0, "vacuum_s": 0.0, "nodes": nodes,
               "node_cases": nodes // per_case, "entities": c.execute(text("SELECT count(*) FROM p_entities")).scalar(),
               "size": c.execute(text("SELECT pg_size_pretty(sum(pg_total_relation_size(oid))) FROM pg_class WHERE "
                                      "relnamespace = current_schema()::regnamespace AND relkind = 'r'")).scalar()}
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
    ap.add_argument("--schema", default=None, help="generate into this schema, or measure again if it exists")
    ap.add_argument("--keep", action="store_true", help="keep the schema (12 GB for a province-year) afterwards")
    ap.add_argument("--append", action="store_true")
    args = ap.parse_args()
    if not args.pg:
        print("需要 PostgreSQL：--pg URL 或 EXECDESK_TEST_PG_URL", file=sys.stderr)
        return 2
    schema = args.schema or f"bench_year_{os.getpid()}"
    admin = create_engine(args.pg)
    with admin.begin() as c:
        reuse = bool(args.schema) and c.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"),
                                                {"s": schema}).first() is not None
        if not reuse:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = args.pg + ("&" if "?" in args.pg else "?") + f"options=-csearch_path%3D{schema}"
    proc = None
    try:
        make_engine(url).dispose()  # migrations
        if reuse:  # measure again on a database generated earlier (--schema NAME --keep)
            gen = reused(url, args.cases, args.nodes_per_case)
        else:
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
            if not args.keep:
                c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    full = gen["nodes"] == args.cases * args.nodes_per_case
    lines = [
        f"- Generated in bulk (COPY, {gen['copied_bytes'] / 1e9:.1f} GB of rows; primary key and indexes after): {COURTS} courts, {args.cases:,} cases, "
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
