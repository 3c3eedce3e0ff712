"""Approvals on the approver's own PC (issue 13 item 4), loopback, with a same-run baseline.

    .venv/bin/python bench/bench_approvals.py [--cases 8] [--empty-rounds 15] [--append]

The reference platform as its own process; three desktop databases in this process (承办人, 执行局长, 院长)
syncing through it with the real client (services.sync.run_sync). For each of ``--cases`` 终本 cases the draft
is submitted and approved by the 合议庭 and the 执行局长, so the 院长's step waits; then, per case:
  1. the 院长 decides on his PC and syncs (round 1: the decision goes up),
  2. the 承办人 syncs (round 2: the 审批结果 comes down and is written as the Approval row),
and the bench checks that the decision is visible on the 承办人's PC after those rounds (counted; target ≤ 2).
Baseline, measured in the same run and interleaved with the above: an empty round of the 承办人's PC and of the
院长's PC (nothing to send, nothing to pull). Reported: medians and the ratio of each approval round to the
empty round of the same PC (target ≤ 1.2×). With --append the results go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy.orm import Session  # noqa: E402

from execdesk.config import Settings  # noqa: E402
from execdesk.models.migrate import open_database  # noqa: E402
from execdesk.services import platform_approvals, sync  # noqa: E402
from execdesk.services.accounts import create_user, ensure_court  # noqa: E402
from execdesk.services.approvals import approval_status  # noqa: E402
from execdesk.services.context import Actor  # noqa: E402
from execdesk.services.supervision import list_items as _list_items  # noqa: E402
from execdesk.services.sync import reply_to_item  # noqa: E402
from execdesk.sync.client import device_id  # noqa: E402
from provincial import service  # noqa: E402
from provincial.models import make_engine  # noqa: E402

TODAY = date(2026, 11, 25)
PASSWORD = "password123"
PLATFORM_PASSWORD = "bench-password-1"
PEOPLE = (("zhangwei", "张伟", "承办人", "审判员"), ("liuyang", "刘洋", "书记员", None),
          ("zhaolei", "赵磊", "执行局长", "审判员"), ("sunli", "孙立", "院长", None), ("zhoumin", "周敏", "审判员", "审判员"))
APPROVERS = {"合议庭": "zhaolei", "执行局长": "zhaolei", "院长": "sunli"}


def list_items(store):
    with store.read() as session:
        return _list_items(session)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Desk:
    def __init__(self, path: Path, base: str, account: str):
        self.store = open_database(path)
        setup = Actor("setup", "设置")
        ensure_court(self.store, setup, code="鲁0102", name="济南市历下区人民法院")
        for username, name, role, title in PEOPLE:
            create_user(self.store, setup, username=username, display_name=name, role=role, password=PASSWORD,
                        title=title)
        platform_approvals.set_approval_mode(self.store, setup, "platform")
        self.settings = Settings(server_url=base, court_account=account)
        self.token = requests.post(base + "api/v1/auth/token", timeout=30, headers={"X-ExecDesk-Protocol": "2"},
                                   json={"account": account, "password": PLATFORM_PASSWORD,
                                         "device_id": device_id(self.store)}).json()["access_token"]

    def round(self) -> float:
        t = time.perf_counter()
        report = sync.run_sync(self.store, self.settings, token=self.token)
        assert report.status == "ok", report.message
        return time.perf_counter() - t

    def waiting(self, step: str) -> list:
        return [p for p in platform_approvals.pending_approvals(self.store) if p.state == "待审批" and p.step == step]

    def decide(self, item_id: str, username: str, opinion: str) -> None:
        platform_approvals.decide(self.store, Actor(username, username), item_id, username=username,
                                  password=PASSWORD, decision="同意", opinion=opinion, today=TODAY)


def run(cases: int, empty_rounds: int, work: Path) -> dict:
    from zb_fixtures import make_ready_case

    url = f"sqlite:///{work / 'platform.sqlite3'}"
    engine = make_engine(url)
    with Session(engine) as s, s.begin():
        service.create_court(s, "鲁0102", "济南市历下区人民法院")
        s.flush()
        for name, *_ in PEOPLE:
            service.create_account(s, name, "鲁0102", PLATFORM_PASSWORD)
    engine.dispose()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "provincial.admin", "--db", url, "serve", "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                if requests.get(base + "api/v1/hello", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        handler = Desk(work / "handler.sqlite3", base, "zhangwei")
        director = Desk(work / "director.sqlite3", base, "zhaolei")
        president = Desk(work / "president.sqlite3", base, "sunli")
        zhang = Actor("zhangwei", "张伟", role="承办人")
        ids = [make_ready_case(handler.store, zhang, f"（2026）鲁0102执{100 + i}号") for i in range(cases)]
        for cid in ids:
            platform_approvals.submit_ruling(handler.store, zhang, cid, approvers=APPROVERS,
                                             panel=["zhangwei", "zhoumin"], today=TODAY)
        handler.round()
        for step, opinion in (("合议庭", "经合议，符合终本条件"), ("执行局长", "同意")):
            director.round()
            for item in director.waiting(step):
                director.decide(item.id, "zhaolei", opinion)
        director.round()
        president.round()
        handler.round()
        assert len(president.waiting("院长")) == cases
        # Today's one-change round on the same PC, for comparison: the 院长's PC answering a 督办 (one change up).
        engine = make_engine(url, migrate=False)
        with Session(engine) as s, s.begin():
            service.issue_item(s, kind="督办", title="请报告终本案件审批情况", court_code="鲁0102", issued_by="中院")
        engine.dispose()
        president.round()
        [notice] = [i for i in list_items(president.store) if i.kind == "督办"]
        for _ in range(3):  # warm both PCs' paths
            handler.round()
            president.round()

        empty_h, empty_p, decide_p, pull_h, reply_p, rounds = [], [], [], [], [], []
        per_case = max(1, empty_rounds // cases)
        for cid in ids:
            for _ in range(per_case):
                empty_h.append(handler.round())
                empty_p.append(president.round())
            reply_to_item(president.store, Actor("sunli", "孙立", role="院长"), notice.id,
                          f"已审签{ids.index(cid) + 1}件终本裁定")
            reply_p.append(president.round())
            item = next(p for p in president.waiting("院长") if p.case_number and p.case_number.endswith(
                f"执{100 + ids.index(cid)}号"))
            president.decide(item.id, "sunli", "同意终结本次执行程序")
            n = 0
            decide_p.append(president.round())
            n += 1
            pull_h.append(handler.round())
            n += 1
            steps = approval_status(handler.store, cid, today=TODAY)
            while not steps[-1].done:  # not expected: count the extra rounds honestly
                handler.round()
                n += 1
                steps = approval_status(handler.store, cid, today=TODAY)
                if n > 6:
                    raise AssertionError("decision not visible after 6 rounds")
            rounds.append(n)
        med = statistics.median
        return {"cases": cases, "empty_h": med(empty_h) * 1000, "empty_p": med(empty_p) * 1000,
                "decide_p": med(decide_p) * 1000, "pull_h": med(pull_h) * 1000, "rounds_max": max(rounds),
                "ratio_p": med(decide_p) / med(empty_p), "ratio_h": med(pull_h) / med(empty_h),
                "reply_p": med(reply_p) * 1000, "ratio_reply": med(decide_p) / med(reply_p),
                "n_empty": len(empty_h)}
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=8)
    ap.add_argument("--empty-rounds", type=int, default=16)
    ap.add_argument("--append", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="execdesk-bench-approvals-"))
    r = run(args.cases, args.empty_rounds, work)
    lines = [
        f"- decision made on the 院长's PC visible on the 承办人's PC after at most **{r['rounds_max']}** sync rounds "
        f"(院长 1 + 承办人 1; target ≤ 2), {r['cases']} cases",
        f"- 院长's round pushing one decision: median {r['decide_p']:.0f} ms vs his empty round {r['empty_p']:.0f} ms "
        f"→ **{r['ratio_p']:.2f}×** (target ≤ 1.2×); against today's round pushing one ordinary change on the same "
        f"PC (a 督办 reply, median {r['reply_p']:.0f} ms) **{r['ratio_reply']:.2f}×**",
        f"- 承办人's round pulling and writing the result: median {r['pull_h']:.0f} ms vs her empty round "
        f"{r['empty_h']:.0f} ms → **{r['ratio_h']:.2f}×** (target ≤ 1.2×); {r['n_empty']} empty rounds per PC, "
        "interleaved",
    ]
    print("\n".join(lines))
    if args.append:
        cmd = " ".join(["bench/bench_approvals.py", *sys.argv[1:]])
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(f"\n### Approvals on the approver's own PC (issue 13 item 4, bench_approvals.py)\n\n"
                    f"{date.today().isoformat()}, 2-core Linux shared with other engineers, loopback, SQLite "
                    f"platform. Command: `.venv/bin/python {cmd}`\n\n" + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
