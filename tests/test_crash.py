"""Power-cut safety (issue 2 §8): a process recording cases is killed with SIGKILL at random moments.

Afterwards the file passes PRAGMA integrity_check, every change whose commit had returned is present, and
every change has both its audit and its outbox row — never one without the other.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from execdesk.models.migrate import open_database

WORKER = Path(__file__).parent / "helpers" / "crash_worker.py"
TRIALS = int(os.environ.get("EXECDESK_CRASH_TRIALS", "20"))


def _prepare(db: Path) -> None:
    from execdesk.services.accounts import create_user, ensure_court
    from execdesk.services.context import Actor

    store = open_database(db)
    a = Actor("setup", "准备")
    ensure_court(store, a, code="鲁0102", name="济南市历下区人民法院")
    create_user(store, a, username="zhangwei", display_name="张伟", role="承办人")
    create_user(store, a, username="liuyang", display_name="刘洋", role="书记员")
    store.close()


def test_sigkill_at_random_moments_loses_nothing_committed_and_never_splits_audit_from_outbox(tmp_path):
    db = tmp_path / "crash.sqlite3"
    _prepare(db)
    rnd = random.Random(1234)
    acknowledged: dict[str, set[str]] = {"case": set(), "node": set()}
    killed_mid_output = 0
    for trial in range(TRIALS):
        proc = subprocess.Popen([sys.executable, str(WORKER), str(db), str(1000 * (trial + 1))],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Wait until the worker is past start-up, then kill it at a random moment of its write loop.
        first = proc.stdout.readline()
        assert first, proc.stderr.read()
        time.sleep(rnd.uniform(0.0, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        for line in (first + out).splitlines():
            kind, _, ident = line.partition(" ")
            if len(ident) == 36:
                acknowledged[kind].add(ident)
            else:
                killed_mid_output += 1
        con = sqlite3.connect(db)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            cases = {r[0] for r in con.execute("SELECT id FROM cases")}
            nodes = {r[0] for r in con.execute("SELECT id FROM nodes")}
            assert acknowledged["case"] <= cases, "a case whose commit returned is missing"
            assert acknowledged["node"] <= nodes, "a node whose commit returned is missing"
            audit_changes = {r[0] for r in con.execute("SELECT change_id FROM audit_entries WHERE change_id IS NOT NULL")}
            outbox_changes = {r[0] for r in con.execute("SELECT change_id FROM outbox")}
            assert audit_changes == outbox_changes, "an audit row without its outbox row, or the reverse"
            # Every synced row has at least its creating change in both logs.
            for table, entity in (("cases", "case"), ("nodes", "node"), ("parties", "party")):
                orphan = con.execute(
                    f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
                    f"(SELECT 1 FROM outbox o WHERE o.entity=? AND o.entity_id=t.id)", (entity,)).fetchone()[0]
                assert orphan == 0
            # A case is never half-registered: each has its parties and its N01 node.
            half = con.execute("SELECT count(*) FROM cases c WHERE (SELECT count(*) FROM parties p WHERE p.case_id=c.id) < 2 "
                               "OR NOT EXISTS (SELECT 1 FROM nodes n WHERE n.case_id=c.id AND n.code='N01')").fetchone()[0]
            assert half == 0
        finally:
            con.close()
    assert len(acknowledged["case"]) >= TRIALS  # every trial got at least one commit acknowledged
