"""Write-pipeline benchmarks (issue 11). Run:  .venv/bin/python bench/bench_pipeline.py [--cases 100000]

1. A node save through the one write pipeline (typed-field validation, the business record it evidences, audit +
   outbox for both, and the refresh of every derived value of the case: deadlines, warning level, asset disposal
   states, 终本 readiness, then the commit) on the 100,000-case demo database kept as the app keeps it (derived
   values current): a network inquiry (N06 → inquiry), a 划拨 (N14 → payment) and a 查封 (N11 → measure + found
   asset). Median and p90 of wall time and of CPU time per save. Target: ≤ 5 ms median.
   Baselines in the same run, on the same disk: the fsync floor (4 KB write + fsync of a file beside the
   database), an empty write transaction (BEGIN IMMEDIATE; COMMIT) and a bare one-row INSERT + COMMIT with the
   app's PRAGMAs (WAL, synchronous=FULL: the cheapest durable save there is). Each save is also measured on a
   second connection with synchronous=NORMAL (no fsync at commit), interleaved save by save with the app's own,
   to show the save time without the commit's fsync. The app itself always runs synchronous=FULL
   (DESIGN.md §2: nothing typed is lost on a power cut); NORMAL here is a measurement, never a setting.
   ``--compare-commit C``: the same saves also by commit C's code (git archive), C and this tree each in its own
   process on the same file, alternating save by save — the before/after of a change under the same load.
2. The full recompute against its time before issue 11: the recompute of the commit before issue 11's pipeline
   (``--baseline-commit``, extracted with ``git archive`` into a temporary folder: ``deadlines.recompute_all``,
   which then did deadlines only) against today's ``derived.recompute_all`` (deadlines + asset disposal states +
   终本 readiness of every case), each in its own process, interleaved before/after, each round on a fresh copy of
   the same database and the next day (so warning levels move); each version starts from the derived values it
   computed itself for the day before (built once and cached). Both single-process (workers=1). The "after" run
   also reports its deadline phase alone, so the cost of the added phases is visible. Target ≤ 1.2×.

The 100,000-case database is generated once (bench_deadlines.demo_file, cached in /tmp/execdesk-bench) and
brought to the app's state once (derived.recompute_all; cached beside it). Prints the machine load at start and
end; these machines are shared, so read medians, CPU times and same-run ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("EXECDESK_DATA_DIR", tempfile.mkdtemp(prefix="execdesk-bench-data-"))

from bench_deadlines import TODAY, demo_file  # noqa: E402

# The commit before issue 11's write pipeline (git log: "WIP issue 11: write pipeline …" is its child).
BASELINE_COMMIT = "6dc4c6f"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def median_p90(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def settled_copy(source: Path, target: Path) -> float:
    """Copy the database and wait until the copy is on the disk (fsync): otherwise the measured saves' own fsyncs
    queue behind gigabytes of the copy's write-back and measure the copy, not the save. Returns the seconds."""
    t0 = time.perf_counter()
    shutil.copy(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - t0


def derived_file(source: Path) -> Path:
    """The demo database with every derived value computed (as the app keeps it), built once."""
    from execdesk.models.migrate import open_database
    from execdesk.services import derived

    path = source.with_name(source.stem + "-derived.sqlite3")
    if not path.exists():
        tmp = path.with_suffix(".building")
        shutil.copy(source, tmp)
        t0 = time.perf_counter()
        store = open_database(tmp)
        derived.recompute_all(store, today=TODAY)
        store.close()
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        os.replace(tmp, path)
        print(f"derived values of {source.name} computed in {time.perf_counter() - t0:.1f} s → {path}")
    return path


# ---------------------------------------------------------------- 1. node saves


def fsync_floor_ms(folder: Path, runs: int) -> float:
    path = folder / "fsync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    times = []
    try:
        for i in range(runs):
            t0 = time.perf_counter()
            os.pwrite(fd, os.urandom(4096), (i % 16) * 4096)
            os.fsync(fd)
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    return statistics.median(times)


def sqlite_floor_ms(path: Path, case_id: str, runs: int, synchronous: str, *, empty: bool = False) -> float:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={synchronous}")
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        if not empty:
            con.execute("INSERT INTO nodes (id, version, created_at, updated_at, case_id, code, seq, name, status, "
                        "data) VALUES (?, 1, '2026-01-01', '2026-01-01', ?, 'N06', ?, '网络查控', '已完成', '{}')",
                        (f"bench-{synchronous}-{i}-{time.time_ns()}", case_id, 100_000 + i))
        con.execute("COMMIT")
        times.append((time.perf_counter() - t0) * 1000)
    if not empty:
        con.execute("DELETE FROM nodes WHERE id LIKE 'bench-%'")
    con.close()
    return statistics.median(times)


def node_inputs(store, case_ids: list[str]):
    from sqlalchemy import select

    from execdesk.models import Party
    from execdesk.services.inputs import NodeInput

    day = date(2026, 11, 20)
    with store.read() as s:
        debtors = {cid: s.scalar(select(Party.id).where(Party.case_id == cid, Party.role == "被执行人"))
                   for cid in case_ids}
    return {
        "N06 网络查控 → 财产查控": lambda cid: NodeInput(code="N06", ended_on=day, data={
            "scopes": ["商业银行", "不动产"], "party": debtors[cid]}),
        "N14 划拨 → 执行款": lambda cid: NodeInput(code="N14", ended_on=day, data={"amount": "1,000.00", "route": "划拨"}),
        "N11 查封 → 措施 + 已查明财产": lambda cid: NodeInput(code="N11", ended_on=day, data={
            "seal_kind": "查封", "asset_kind": "车辆", "asset_description": "鲁A00000小型轿车", "value": "50,000"}),
    }


def without_commit_fsync(path: Path):
    """A second store on the same file whose connections commit with synchronous=NORMAL (measurement only)."""
    from sqlalchemy import event

    from execdesk.models.database import Store

    store = Store(path)
    event.listen(store.engine, "connect", lambda con, _rec: con.execute("PRAGMA synchronous=NORMAL"))
    return store


def saves(path: Path, case_ids: list[str], runs: int, profile: Path | None) -> None:
    from execdesk.models.database import Store
    from execdesk.services import cases as svc
    from execdesk.services.context import Actor

    actor = Actor("bench", "基准")
    full, normal = Store(path), without_commit_fsync(path)
    with full.read() as s:  # the synchronous setting each store really uses
        assert s.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with normal.read() as s:
        assert s.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    kinds = node_inputs(full, case_ids)
    for make in kinds.values():  # warm-up: imports, caches, the first statement of each kind
        for store in (full, normal):
            svc.record_node(store, actor, case_ids[-1], make(case_ids[-1]), today=TODAY)
    prof = None
    if profile is not None:
        import cProfile

        prof = cProfile.Profile()
    half = len(case_ids) // 2
    for name, make in kinds.items():
        wall: dict[str, list[float]] = {"FULL": [], "NORMAL": []}
        cpu: dict[str, list[float]] = {"FULL": [], "NORMAL": []}
        for i in range(runs):
            for label, store, cid in (("FULL", full, case_ids[i % half]), ("NORMAL", normal, case_ids[half + i % half])):
                data = make(cid)
                if prof is not None and label == "FULL":
                    prof.enable()
                c0, t0 = time.process_time(), time.perf_counter()
                svc.record_node(store, actor, cid, data, today=TODAY)
                wall[label].append((time.perf_counter() - t0) * 1000)
                cpu[label].append((time.process_time() - c0) * 1000)
                if prof is not None and label == "FULL":
                    prof.disable()
        med, p90 = median_p90(wall["FULL"])
        cmed, _ = median_p90(cpu["FULL"])
        nmed, np90 = median_p90(wall["NORMAL"])
        print(f"  {name}: median {med:.2f} ms, p90 {p90:.2f} ms (CPU median {cmed:.2f} ms); without the commit "
              f"fsync (synchronous=NORMAL, measurement only) median {nmed:.2f} ms, p90 {np90:.2f} ms", flush=True)
        yield name, med, p90, cmed, nmed
    full.close()
    normal.close()
    if prof is not None:
        prof.dump_stats(profile)
        print(f"  profile of the synchronous=FULL saves → {profile} (python -m pstats)")


SAVER = r"""
import json, sys, time
from datetime import date
root, path, today = sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3])
sys.path.insert(0, root)
from execdesk.models.database import Store
from execdesk.services import cases as svc
from execdesk.services.context import Actor
from execdesk.services.inputs import NodeInput
store, actor, day = Store(path), Actor("bench", "基准"), date(2026, 11, 20)
make = {
    "N06": lambda d: NodeInput(code="N06", ended_on=day, data={"scopes": ["商业银行", "不动产"], "party": d}),
    "N14": lambda d: NodeInput(code="N14", ended_on=day, data={"amount": "1,000.00", "route": "划拨"}),
    "N11": lambda d: NodeInput(code="N11", ended_on=day, data={"seal_kind": "查封", "asset_kind": "车辆",
                                                            "asset_description": "鲁A00000小型轿车", "value": "50,000"}),
}
print("ready", flush=True)
for line in sys.stdin:
    kind, cid, debtor = line.split()
    data = make[kind](debtor)
    c0, t0 = time.process_time(), time.perf_counter()
    svc.record_node(store, actor, cid, data, today=today)
    print(json.dumps([(time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000]), flush=True)
"""


def compare_saves(path: Path, case_ids: list[str], runs: int, commit: str, work: Path) -> None:
    """The same node saves by the code of ``commit`` and by this tree, each in its own process on the same
    database, alternating save by save (so both see the same machine load)."""
    tree = baseline_tree(commit, work)
    con = sqlite3.connect(path)
    debtors = {cid: con.execute("SELECT id FROM parties WHERE case_id = ? AND role = '被执行人' ORDER BY seq",
                                (cid,)).fetchone()[0] for cid in case_ids}
    con.close()
    procs = {}
    for label, root in ((commit, tree), ("this tree", ROOT)):
        p = subprocess.Popen([sys.executable, "-c", SAVER, str(root), str(path), TODAY.isoformat()],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": ""})
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        procs[label] = p

    def save(label: str, kind: str, cid: str) -> list[float]:
        p = procs[label]
        assert p.stdin is not None and p.stdout is not None
        p.stdin.write(f"{kind} {cid} {debtors[cid]}\n")
        p.stdin.flush()
        return json.loads(p.stdout.readline())

    half = len(case_ids) // 2
    print(f"the same saves by {commit} and by this tree, alternating save by save ({runs} of each kind):")
    try:
        for kind in ("N06", "N14", "N11"):
            for label in procs:  # warm-up
                save(label, kind, case_ids[-1])
            got: dict[str, list[list[float]]] = {label: [] for label in procs}
            for i in range(runs):
                order = list(procs) if i % 2 == 0 else list(reversed(procs))
                for j, label in enumerate(order):
                    got[label].append(save(label, kind, case_ids[(i % half) + (half if j else 0)]))
            (a, b) = (got[commit], got["this tree"])
            wa, ca = median_p90([x[0] for x in a]), statistics.median(x[1] for x in a)
            wb, cb = median_p90([x[0] for x in b]), statistics.median(x[1] for x in b)
            print(f"  {kind}: {commit} median {wa[0]:.2f} ms (p90 {wa[1]:.2f}, CPU {ca:.2f}); this tree median "
                  f"{wb[0]:.2f} ms (p90 {wb[1]:.2f}, CPU {cb:.2f}); this tree / {commit}: wall {wb[0] / wa[0]:.2f}×, "
                  f"CPU {cb / ca:.2f}×", flush=True)
    finally:
        for p in procs.values():
            assert p.stdin is not None
            p.stdin.close()
            p.wait(timeout=60)


# ---------------------------------------------------------------- 2. full recompute, before vs after issue 11

DRIVER = r"""
import json, os, sys, time
from datetime import date
root, path, day, kind = sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3]), sys.argv[4]
sys.path.insert(0, root)
from execdesk.models.database import Store
from execdesk.services import deadlines
store = Store(path)
phase = {}
if kind == "before":
    fn = deadlines.recompute_all          # the full recompute before issue 11: deadlines only
else:
    from execdesk.services import derived
    fn = derived.recompute_all            # deadlines + asset disposal states + 终本 readiness
    inner = deadlines.store_all_deadlines
    def timed(*a, **k):                   # the deadline phase alone, for the breakdown
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            phase.update(deadlines_wall=time.perf_counter() - t0, deadlines_cpu=time.process_time() - c0)
    deadlines.store_all_deadlines = timed
c0, t0 = time.process_time(), time.perf_counter()
stats = fn(store, today=day, workers=1)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
store.close()
print(json.dumps({"wall": wall, "cpu": cpu, "changed": stats.changed_cases, **phase}))
"""


def baseline_tree(commit: str, into: Path) -> Path:
    tree = into / f"execdesk-{commit}"
    if tree.exists():
        return tree
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "execdesk"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


PREPARE = r"""
import sys
from datetime import date
root, path, day = sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3])
sys.path.insert(0, root)
from execdesk.models.database import Store
from execdesk.services import deadlines
store = Store(path)
deadlines.recompute_all(store, today=day, workers=1)
store.close()
"""


def baseline_derived_file(demo: Path, commit: str, tree: Path) -> Path:
    """The demo database with the derived values the baseline commit computes (its own deadline rules), built
    once: each version's recompute then starts from the state that version itself keeps."""
    path = demo.with_name(f"{demo.stem}-derived-{commit}.sqlite3")
    if not path.exists():
        tmp = path.with_suffix(".building")
        shutil.copy(demo, tmp)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", PREPARE, str(tree), str(tmp), TODAY.isoformat()], check=True,
                       env={**os.environ, "PYTHONPATH": ""})
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        os.replace(tmp, path)
        print(f"derived values of the baseline ({commit}) computed in {time.perf_counter() - t0:.1f} s → {path}")
    return path


def recompute(demo: Path, after_source: Path, work: Path, rounds: int, commit: str) -> None:
    base = baseline_tree(commit, work)
    sources = {"before": baseline_derived_file(demo, commit, base), "after": after_source}
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for r in range(rounds):
        day = TODAY + timedelta(days=r + 1)
        order = ("before", "after") if r % 2 == 0 else ("after", "before")
        for label in order:
            copy = work / f"{label}-{r}.sqlite3"
            settled_copy(sources[label], copy)
            root = base if label == "before" else ROOT
            out = subprocess.run([sys.executable, "-c", DRIVER, str(root), str(copy), day.isoformat(), label],
                                 check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
            result = json.loads(out.stdout.strip().splitlines()[-1])
            runs[label].append(result)
            extra = (f"; its deadline phase {result['deadlines_wall']:.1f} s wall / {result['deadlines_cpu']:.1f} s CPU"
                     if "deadlines_wall" in result else "")
            print(f"  round {r + 1} ({day}) {label}: {result['wall']:.1f} s wall, {result['cpu']:.1f} s CPU, "
                  f"{result['changed']} cases changed{extra}; {load()}", flush=True)
            for suffix in ("", "-wal", "-shm"):
                Path(str(copy) + suffix).unlink(missing_ok=True)
    for measure in ("wall", "cpu"):
        ratios = [a[measure] / b[measure] for a, b in zip(runs["after"], runs["before"], strict=True)]
        print(f"full recompute {measure}: before issue 11 ({commit}) median "
              f"{statistics.median(b[measure] for b in runs['before']):.1f} s; now median "
              f"{statistics.median(a[measure] for a in runs['after']):.1f} s; after/before per round "
              f"{', '.join(f'{x:.2f}' for x in ratios)} → median {statistics.median(ratios):.2f}× (target ≤ 1.2×)")
    phase = [a["deadlines_cpu"] / b["cpu"] for a, b in zip(runs["after"], runs["before"], strict=True)]
    print(f"  of which now's deadline phase alone / before (CPU): {', '.join(f'{x:.2f}' for x in phase)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=100, help="saves of each kind (and as many without the fsync)")
    ap.add_argument("--rounds", type=int, default=2, help="before/after pairs of the full recompute (0: skip)")
    ap.add_argument("--baseline-commit", default=BASELINE_COMMIT)
    ap.add_argument("--profile", type=Path, help="write a cProfile of the synchronous=FULL saves to this file")
    ap.add_argument("--compare-commit", help="also run the same saves with this commit's code, alternating")
    ap.add_argument("--skip-saves", action="store_true", help="only the full recompute")
    args = ap.parse_args()
    print(f"start: {load()} on {os.cpu_count()} cores", flush=True)
    demo = demo_file(args.cases)
    source = derived_file(demo)
    work = Path(tempfile.mkdtemp(prefix="execdesk-bench-pipeline-", dir=source.parent))
    try:
        path = work / "db.sqlite3"
        print(f"copied the database and waited for its write-back: {settled_copy(source, path):.1f} s", flush=True)
        con = sqlite3.connect(path)
        case_ids = [r[0] for r in con.execute("SELECT id FROM cases WHERE status = '未结' ORDER BY rowid LIMIT 400")]
        con.close()
        runs = args.runs
        if not args.skip_saves:
            fsync = fsync_floor_ms(work, runs)
            empty = sqlite_floor_ms(path, case_ids[0], runs, "FULL", empty=True)
            bare = sqlite_floor_ms(path, case_ids[0], runs, "FULL")
            bare_normal = sqlite_floor_ms(path, case_ids[0], runs, "NORMAL")
            print(f"{args.cases} cases; baselines (medians of {runs}): fsync of 4 KB {fsync:.2f} ms; empty write "
                  f"transaction {empty:.3f} ms; one-row INSERT + COMMIT, synchronous=FULL {bare:.2f} ms, "
                  f"synchronous=NORMAL {bare_normal:.3f} ms", flush=True)
            print(f"node save through the pipeline ({runs} saves of each kind on {len(case_ids) // 2} cases):")
            for name, med, _p90, cpu, nmed in list(saves(path, case_ids, runs, args.profile)):
                print(f"    {name} → {med / bare:.1f}× the durable one-row INSERT, {med / fsync:.1f}× the fsync; "
                      f"without the "
                      f"commit fsync {nmed:.2f} ms = {nmed / max(bare_normal, 1e-6):.0f}× the NORMAL INSERT; CPU "
                      f"{cpu:.2f} ms; target ≤ 5 ms median: {'met' if med <= 5 else f'missed by {med - 5:.2f} ms'}")
            if args.compare_commit:
                compare_saves(path, case_ids, runs, args.compare_commit, work)
        print(f"after the saves: {load()}", flush=True)
        path.unlink()
        if args.rounds:
            recompute(demo, source, work, args.rounds, args.baseline_commit)
        print(f"end: {load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
