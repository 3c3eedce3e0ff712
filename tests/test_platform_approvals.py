"""Approvals on the approver's own PC (issue 13 item 4; R9, seed 一.4(1) 终本裁定书一律由院长审签; DOMAIN.md
终本 approval: 合议庭评议 → 执行局长审核 → 院长审签).

The real platform process on 127.0.0.1 and three desktops, each its own process on its own SQLite file
(tests/helpers/approval_desk.py): the 承办人's PC (张伟, holds the case), the 执行局长's PC (赵磊, who also
presides the 合议庭) and the 院长's PC (孙立). Neither approver's PC holds the case.
"""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from sync_harness import *  # noqa: F403
from sync_harness import (
    PASSWORD,
    PlatformProcess,
    fresh_platform_db,
    integrity_ok,
    platform_counts,
    platform_db,
)
from zb_fixtures import pdf_text, squeeze

from provincial import service as platform_service
from provincial.models import PApprovalDecision, PApprovalRequest, PChange, PFeedItem

HELPER = Path(__file__).resolve().parent / "helpers" / "approval_desk.py"
# Each desktop step is its own process (start-up, migrations check, sign-in): minutes on a loaded 2-core box.
pytestmark = pytest.mark.timeout(1500)
PEOPLE = ("zhangwei", "zhaolei", "sunli", "zhoumin")
_numbers = iter(range(900, 100000))


def desk(db: Path, *args: str, check: bool = True, timeout: float = 180) -> dict | list:
    proc = subprocess.run([sys.executable, str(HELPER), str(db), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=HELPER.parents[2])
    if check and proc.returncode != 0:
        raise AssertionError(f"desk {args} failed:\n{proc.stderr[-3000:]}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    return json.loads(lines[-1]) if lines else {"stderr": proc.stderr[-3000:]}


def person_accounts(db_url: str) -> None:
    """Platform accounts of the court's people (h13auth's person accounts stand in: account = username)."""
    with platform_db(db_url) as s:
        for name in PEOPLE:
            platform_service.create_account(s, name, "鲁0102", PASSWORD)


@pytest.fixture
def court(tmp_path, platform):
    """Three PCs of 鲁0102 and a platform of their own (a fresh database on the session's backend: the
    approvers' feeds hold only this test's requests); the 承办人's PC holds a 终本-ready case."""
    own = PlatformProcess(fresh_platform_db(platform.backend, tmp_path), tmp_path).start()
    person_accounts(own.db_url)
    pcs = {role: tmp_path / f"{role}.sqlite3" for role in ("handler", "director", "president")}
    for db in pcs.values():
        desk(db, "setup", "platform")
    case_id = desk(pcs["handler"], "make-case", f"（2026）鲁0102执{next(_numbers)}号")["case_id"]
    yield pcs, case_id, own
    own.stop()


def sync(db: Path, platform, account: str) -> dict:
    report = desk(db, "sync", platform.url, account)
    assert report["status"] == "ok", report
    return report


def waiting(db: Path) -> list[dict]:
    return [p for p in desk(db, "pending") if p["state"] == "待审批"]


def decide_next(db: Path, platform, account: str, step: str, decision: str = "同意", opinion: str | None = None) -> dict:
    """One process on the approver's PC: sync, find the step waiting in the 待审批 list, decide there, sync."""
    out = desk(db, "turn", platform.url, account, step, decision, *([opinion] if opinion else []))
    assert out["sync"]["status"] == "ok", out
    return out["item"]


def device_of(db: Path) -> str:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT value FROM sync_state WHERE key='device_id'").fetchone()[0]
    finally:
        con.close()


def platform_decisions(db_url: str, request_id: str) -> list[PApprovalDecision]:
    with platform_db(db_url) as s:
        return list(s.scalars(select(PApprovalDecision).where(PApprovalDecision.request_id == request_id)
                              .order_by(PApprovalDecision.received_at)))


def full_approval(pcs, platform) -> None:
    decide_next(pcs["director"], platform, "zhaolei", "合议庭", opinion="经合议，符合终本条件")
    decide_next(pcs["director"], platform, "zhaolei", "执行局长", opinion="同意")
    decide_next(pcs["president"], platform, "sunli", "院长", opinion="同意终结本次执行程序")


# ---------------------------------------------------------------- the whole route, each on their own PC


def test_full_zhongben_with_every_approval_on_its_own_pc(court, tmp_path):
    """R9 / 一.4(1): 合议庭 → 执行局长 → 院长, each deciding on their own PC; the issued ruling is exactly the
    approved text (pdftotext), and every approval is traceable (who, when, which sha, which device)."""
    pcs, case_id, platform = court
    request_id = desk(pcs["handler"], "submit", case_id)["request_id"]
    with pytest.raises(AssertionError, match="此草稿已提交审批"):  # the same draft is not submitted twice
        desk(pcs["handler"], "submit", case_id)
    sync(pcs["handler"], platform, "zhangwei")

    # Only the first step's approver has it; the 院长's turn comes after the 执行局长 (route order).
    sync(pcs["president"], platform, "sunli")
    assert waiting(pcs["president"]) == []
    item = decide_next(pcs["director"], platform, "zhaolei", "合议庭", opinion="经合议，符合终本条件")
    assert [c["status"] for c in item["checklist"]] and all(c["status"] != "未满足" for c in item["checklist"])
    decide_next(pcs["director"], platform, "zhaolei", "执行局长", opinion="同意")

    # The 院长's PC: the request with the preview rendered here from the carried text, marked 草稿.
    sync(pcs["president"], platform, "sunli")
    [mine] = waiting(pcs["president"])
    assert mine["step"] == "院长" and [e["step"] for e in mine["earlier"]] == ["合议庭", "执行局长"]
    preview = tmp_path / "preview.pdf"
    desk(pcs["president"], "preview", mine["id"], str(preview))
    shown = squeeze(pdf_text(preview.read_bytes()))
    assert "草稿" in shown and "终结本次执行程序" in shown
    with pytest.raises(AssertionError, match="用户名或密码不正确|此事项的审批人"):  # another person cannot sign
        desk(pcs["president"], "decide", mine["id"], "zhaolei", "同意")
    desk(pcs["president"], "decide", mine["id"], "sunli", "同意", "同意终结本次执行程序")
    sync(pcs["president"], platform, "sunli")
    assert desk(pcs["president"], "pending")[0]["state"] == "已确认"

    # Back on the 承办人's PC: one sync brings every result; the Approval rows are written once.
    sync(pcs["handler"], platform, "zhangwei")
    status = desk(pcs["handler"], "status", case_id)
    assert [s["done"] for s in status["steps"]] == [True, True, True]
    assert status["requests"][0]["state"] == "已同意"
    rows = status["approvals"]
    assert [(r["step"], r["approver_ref"], r["decision"]) for r in rows] == [
        ("合议庭", "鲁0102/zhaolei", "同意"), ("执行局长", "鲁0102/zhaolei", "同意"), ("院长", "鲁0102/sunli", "同意")]
    assert {r["device_id"] for r in rows[:2]} == {device_of(pcs["director"])}
    assert rows[2]["device_id"] == device_of(pcs["president"])
    assert len({r["draft_sha256"] for r in rows}) == 1 and all(r["decision_id"] for r in rows)

    issued = tmp_path / "issued.pdf"
    out = desk(pcs["handler"], "issue", case_id, str(issued))
    assert out["content_sha256"] == rows[0]["draft_sha256"]  # issued == the exact text approved
    with platform_db(platform.db_url) as s:
        draft = s.get(PApprovalRequest, request_id).draft
    text = squeeze(pdf_text(issued.read_bytes()))
    approved = [squeeze(p) for p in [draft["court_name"], draft["title"], draft["case_number"], *draft["parties"],
                                     *draft["body"], *draft["operative"], draft["effect"], draft["date_text"]]]
    pos = 0
    for para in approved:  # every approved paragraph, in order, nothing between them but the layout
        found = text.find(para, pos)
        assert found >= 0, para
        pos = found + len(para)
    assert "审判长赵磊审判员张伟审判员周敏" in text and "草稿" not in text

    # Later syncs never flip a decision back (Survey Solutions' bug): more rounds on every PC, same state.
    for db, account in ((pcs["handler"], "zhangwei"), (pcs["director"], "zhaolei"), (pcs["handler"], "zhangwei")):
        sync(db, platform, account)
    again = desk(pcs["handler"], "status", case_id)
    assert again["approvals"] == rows and [s["done"] for s in again["steps"]] == [True, True, True]
    decisions = platform_decisions(platform.db_url, request_id)
    assert [(d.step, d.approver, d.outcome) for d in decisions] == [
        ("合议庭", "鲁0102/zhaolei", "accepted"), ("执行局长", "鲁0102/zhaolei", "accepted"),
        ("院长", "鲁0102/sunli", "accepted")]
    assert all(platform_counts(platform.db_url, [d.change_id]) == {d.change_id: 1} for d in decisions)
    assert all(integrity_ok(db) for db in pcs.values())


def test_rejection_returns_with_its_reason_and_a_resubmission_goes_round_again(court):
    """A 不同意 reaches the 承办人 with its reason (never lost), returns the request and leaves the draft open;
    the changed draft is resubmitted and approved."""
    pcs, case_id, platform = court
    first = desk(pcs["handler"], "submit", case_id)["request_id"]
    sync(pcs["handler"], platform, "zhangwei")
    decide_next(pcs["director"], platform, "zhaolei", "合议庭", "不同意", "请再次实地调查被执行人经营场所")
    sync(pcs["handler"], platform, "zhangwei")
    status = desk(pcs["handler"], "status", case_id)
    [req] = status["requests"]
    assert req["state"] == "已退回" and "请再次实地调查被执行人经营场所" in req["note"]
    assert status["approvals"][0]["decision"] == "不同意"
    assert status["steps"][0]["decision"] == "不同意" and not status["steps"][0]["done"]
    # The 执行局长's own step never reached anyone: the request went back at the first step.
    assert not any(p["step"] == "执行局长" for p in desk(pcs["director"], "pending"))

    desk(pcs["handler"], "pay", case_id)  # the 承办人 works on the case: the draft changes
    second = desk(pcs["handler"], "submit", case_id)["request_id"]
    sync(pcs["handler"], platform, "zhangwei")
    full_approval(pcs, platform)
    sync(pcs["handler"], platform, "zhangwei")
    status = desk(pcs["handler"], "status", case_id)
    assert [r["state"] for r in status["requests"]] == ["已同意", "已退回"]
    assert [s["done"] for s in status["steps"]] == [True, True, True]
    with platform_db(platform.db_url) as s:
        assert s.get(PApprovalRequest, second).supersedes == first
        assert s.get(PApprovalRequest, first).draft_sha256 != s.get(PApprovalRequest, second).draft_sha256


def test_an_approval_of_a_changed_draft_is_refused_and_shown_on_both_pcs(court):
    """The 执行局长 approves the draft he pulled while the 承办人 had already changed and resubmitted it: the
    platform refuses it (rejected / superseded); his 待审批 list shows it 已作废 with the reason, the 承办人
    sees the refused stale approval; it never counts; the new draft waits for him."""
    pcs, case_id, platform = court
    desk(pcs["handler"], "submit", case_id)
    sync(pcs["handler"], platform, "zhangwei")
    sync(pcs["director"], platform, "zhaolei")  # he has v1 …
    [old] = waiting(pcs["director"])
    desk(pcs["handler"], "pay", case_id)  # … the 承办人 changes the draft and resubmits
    desk(pcs["handler"], "submit", case_id)
    sync(pcs["handler"], platform, "zhangwei")
    desk(pcs["director"], "decide", old["id"], "zhaolei", "同意", "同意")  # offline, on the old text
    report = sync(pcs["director"], platform, "zhaolei")
    assert report["rejected"] == 1 and report["pending_left"] == 0
    listed = {p["request_id"]: p for p in desk(pcs["director"], "pending")}
    assert listed[old["request_id"]]["state"] == "已作废"
    assert "已被承办人修改并重新提交" in listed[old["request_id"]]["note"]
    [new] = waiting(pcs["director"])
    assert new["request_id"] != old["request_id"] and new["draft_sha256"] != old["draft_sha256"]

    sync(pcs["handler"], platform, "zhangwei")
    status = desk(pcs["handler"], "status", case_id)
    assert status["approvals"] == []  # the refused approval never became an Approval row
    stale = next(r for r in status["requests"] if r["id"] == old["request_id"])
    assert stale["state"] == "已替换" and "被省平台拒收" in stale["note"]
    [d] = [d for d in platform_decisions(platform.db_url, old["request_id"])]
    assert (d.outcome, d.approver, d.draft_sha256) == ("superseded", "鲁0102/zhaolei", old["draft_sha256"])
    # The refused change does not hold the 执行局长's queue: his decision on the new draft goes through.
    desk(pcs["director"], "decide", new["id"], "zhaolei", "同意", "经合议，符合终本条件")
    assert sync(pcs["director"], platform, "zhaolei")["pushed"] == 1


def test_platform_accepts_a_decision_only_from_the_steps_approver_in_route_order(court):
    """The token says who decides: a decision for the 院长's step from another person is refused, the 院长's
    own before the 执行局长's too (route order), and a decision on another sha is refused as superseded."""
    pcs, case_id, platform = court
    request_id = desk(pcs["handler"], "submit", case_id)["request_id"]
    sync(pcs["handler"], platform, "zhangwei")
    with platform_db(platform.db_url) as s:
        sha = s.get(PApprovalRequest, request_id).draft_sha256

    def push(account: str, step: str, draft_sha: str = sha) -> dict:
        token = requests.post(platform.url + "api/v1/auth/token", json={"account": account, "password": PASSWORD},
                              headers={"X-ExecDesk-Protocol": "2"}).json()["access_token"]
        decision_id = f"d-{random.getrandbits(48):012x}"
        change = {"change_id": f"c-{random.getrandbits(64):016x}", "entity": "approval_decision",
                  "entity_id": decision_id, "case_id": case_id, "op": "upsert", "base_version": None,
                  "payload": {"schema": 2, "entity": "approval_decision", "id": decision_id, "case_id": case_id,
                              "version": 1, "fields": {"request_id": request_id, "step": step, "decision": "同意",
                                                       "opinion": None, "decided_on": "2026-11-25",
                                                       "draft_sha256": draft_sha}}}
        reply = requests.post(platform.url + "api/v1/changes", json={"changes": [change]},
                              headers={"Authorization": f"Bearer {token}", "X-ExecDesk-Protocol": "2"})
        return reply.json()["results"][0]

    assert push("zhangwei", "院长")["code"] == "not_approver"
    assert push("sunli", "院长")["code"] == "out_of_order"
    assert push("zhaolei", "合议庭", "0" * 64)["code"] == "superseded"
    refused = push("zhaolei", "合议庭", "0" * 64)
    assert "旧稿" in refused["reason"]
    assert push("zhaolei", "合议庭")["status"] == "accepted"
    assert push("zhaolei", "合议庭")["code"] == "already_decided"
    with platform_db(platform.db_url) as s:
        feed = s.scalars(select(PFeedItem).where(PFeedItem.kind == "审批请求",
                                                 PFeedItem.payload["request_id"].as_string() == request_id)).all()
    assert sorted(f.recipient for f in feed) == ["鲁0102/zhaolei", "鲁0102/zhaolei"]  # 合议庭, then 执行局长


def test_decisions_arriving_out_of_order_after_weeks_offline(court):
    """The 承办人's PC is offline for weeks while v1 is replaced by v2, a stale decision on v1 is refused and v2
    is approved step by step; one sync then brings everything at once: v2 approved, v1's refused approval
    shown, nothing applied twice (issue 13 item 6)."""
    pcs, case_id, platform = court
    desk(pcs["handler"], "submit", case_id)
    sync(pcs["handler"], platform, "zhangwei")
    sync(pcs["director"], platform, "zhaolei")
    [v1] = waiting(pcs["director"])
    desk(pcs["handler"], "pay", case_id)
    desk(pcs["handler"], "submit", case_id)
    sync(pcs["handler"], platform, "zhangwei")  # … and then the 承办人's PC is off for weeks
    desk(pcs["director"], "decide", v1["id"], "zhaolei", "同意", "同意")
    full_approval(pcs, platform)  # the first sync of it sends the stale v1 decision (refused), then v2 goes round
    report = sync(pcs["handler"], platform, "zhangwei")
    assert report["pulled"] == 4  # v1 refused + three v2 results
    status = desk(pcs["handler"], "status", case_id)
    assert [s["done"] for s in status["steps"]] == [True, True, True]
    assert len(status["approvals"]) == 3 and len({a["decision_id"] for a in status["approvals"]}) == 3
    assert [r["state"] for r in status["requests"]] == ["已同意", "已替换"]
    sync(pcs["handler"], platform, "zhangwei")
    assert desk(pcs["handler"], "status", case_id)["approvals"] == status["approvals"]


def test_the_directors_opinion_on_a_written_explanation_comes_from_his_own_pc(court, tmp_path):
    """R36 / DOMAIN §2.6 item 7: the 执行局长's opinion on a 书面说明 (an approver-only field) travels the same
    way: the draft reaches his PC, he writes his opinion there, it comes back into the draft and is printed."""
    pcs, case_id, platform = court
    desk(pcs["handler"], "explain", case_id)
    sync(pcs["handler"], platform, "zhangwei")
    item = decide_next(pcs["director"], platform, "zhaolei", "执行局长", "同意", "同意，督促承办人12月10日前结案")
    assert item["subject"] == "书面说明"
    preview = tmp_path / "explanation.pdf"
    desk(pcs["director"], "preview", item["id"], str(preview))
    assert "被执行人名下车辆登记查封后未能实际扣押" in squeeze(pdf_text(preview.read_bytes()))
    sync(pcs["handler"], platform, "zhangwei")
    got = desk(pcs["handler"], "explanation", case_id)
    assert got["director_opinion"] == "同意，督促承办人12月10日前结案"
    assert got["approvals"] == [["书面说明", "执行局长", "鲁0102/zhaolei", "同意，督促承办人12月10日前结案"]]


def test_an_extension_is_approved_by_the_president_on_his_own_pc(court, tmp_path):
    """R18 (院长 may extend the limit by up to 3 months): the application reaches the 院长's PC, his 同意 comes back
    as the Extension row with him as 批准人 and his date."""
    pcs, case_id, platform = court
    desk(pcs["handler"], "extend", case_id)
    sync(pcs["handler"], platform, "zhangwei")
    item = decide_next(pcs["president"], platform, "sunli", "院长", "同意", "同意延长三个月")
    assert item["subject"] == "延长执行期限"
    preview = tmp_path / "extension.pdf"
    desk(pcs["president"], "preview", item["id"], str(preview))
    assert "申请延长执行期限：3个月" in squeeze(pdf_text(preview.read_bytes()))
    sync(pcs["handler"], platform, "zhangwei")
    assert desk(pcs["handler"], "extensions", case_id) == [[3, "孙立", "2026-11-25", "被执行人财产正在评估拍卖"]]


# ---------------------------------------------------------------- kill -9 of a desktop and of the platform


def _kill_during_sync(db: Path, url: str, account: str, seed: int, trials: int) -> None:
    rnd = random.Random(seed)
    for _ in range(trials):
        proc = subprocess.Popen([sys.executable, str(HELPER), str(db), "sync", url, account],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=HELPER.parents[2])
        time.sleep(rnd.uniform(0.3, 2.5))  # start-up, sign-in, push, pull, apply: somewhere in there
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert integrity_ok(db)


def test_kill_9_of_desktops_and_the_platform_every_decision_exactly_once(tmp_path, platform, proxy_factory):
    """kill -9 of the 院长's desktop mid-sync, of the 承办人's mid-pull, and SIGKILL of the platform between:
    afterwards every decision is on the platform exactly once, each Approval row exists once, every local
    database passes PRAGMA integrity_check and every approval is traceable."""
    own = PlatformProcess(fresh_platform_db(platform.backend, tmp_path), tmp_path).start()
    person_accounts(own.db_url)
    # Answers reach the desktops 150 ms late: kills land between "applied on the platform" and "stored here".
    proxy = proxy_factory(lambda n, m, p: ("delay_after", 0.15) if p.startswith("/api/v1/") else None,
                          upstream_port=own.port)
    pcs = {role: tmp_path / f"{role}.sqlite3" for role in ("handler", "director", "president")}
    try:
        for db in pcs.values():
            desk(db, "setup", "platform")
        case_id = desk(pcs["handler"], "make-case", f"（2026）鲁0102执{next(_numbers)}号")["case_id"]
        request_id = desk(pcs["handler"], "submit", case_id)["request_id"]
        _kill_during_sync(pcs["handler"], proxy.url, "zhangwei", 1, 3)
        sync(pcs["handler"], proxy, "zhangwei")
        decide_next(pcs["director"], proxy, "zhaolei", "合议庭", opinion="经合议，符合终本条件")
        sync(pcs["director"], proxy, "zhaolei")
        [item] = waiting(pcs["director"])
        desk(pcs["director"], "decide", item["id"], "zhaolei", "同意", "同意")
        _kill_during_sync(pcs["director"], proxy.url, "zhaolei", 2, 4)
        own.kill()  # the platform dies with whatever was in flight
        failed = desk(pcs["director"], "sync", proxy.url, "zhaolei", check=False)
        assert failed.get("status") != "ok"
        own.start()
        sync(pcs["director"], proxy, "zhaolei")
        sync(pcs["president"], proxy, "sunli")
        [mine] = waiting(pcs["president"])
        desk(pcs["president"], "decide", mine["id"], "sunli", "同意", "同意终结本次执行程序")
        _kill_during_sync(pcs["president"], proxy.url, "sunli", 3, 4)
        sync(pcs["president"], proxy, "sunli")
        _kill_during_sync(pcs["handler"], proxy.url, "zhangwei", 4, 4)
        sync(pcs["handler"], proxy, "zhangwei")
        sync(pcs["handler"], proxy, "zhangwei")

        decisions = platform_decisions(own.db_url, request_id)
        assert [(d.step, d.outcome) for d in decisions] == [("合议庭", "accepted"), ("执行局长", "accepted"),
                                                           ("院长", "accepted")]
        with platform_db(own.db_url) as s:
            results = s.scalar(select(func.count()).select_from(PFeedItem).where(
                PFeedItem.kind == "审批结果", PFeedItem.payload["request_id"].as_string() == request_id))
            changes = s.scalar(select(func.count()).select_from(PChange).where(
                PChange.entity == "approval_decision", PChange.change_id.in_([d.change_id for d in decisions])))
        assert results == 3 and changes == 3
        status = desk(pcs["handler"], "status", case_id)
        assert [s["done"] for s in status["steps"]] == [True, True, True]
        rows = status["approvals"]
        assert len(rows) == 3 and {r["decision_id"] for r in rows} == {d.decision_id for d in decisions}
        assert all(r["approver_ref"] and r["device_id"] and r["draft_sha256"] and r["decided_at"] for r in rows)
        assert all(integrity_ok(db) for db in pcs.values())
        for db in (pcs["director"], pcs["president"]):
            assert all(p["state"] == "已确认" for p in desk(db, "pending"))
    finally:
        own.stop()


def test_same_pc_approval_is_a_court_setting_never_the_only_way(store, actor):
    """approval_mode: platform → same-PC approval refused with the reason; same_pc → no platform request;
    both → either. (Issue 13 item 4: same-PC approval stays available when a court chooses it.)"""
    from conftest import TODAY
    from zb_fixtures import add_judge, make_ready_case

    from execdesk.rules.errors import ValidationError
    from execdesk.services import platform_approvals
    from execdesk.services.approvals import approve_ruling

    add_judge(store, actor)
    cid = make_ready_case(store, actor)
    kw = dict(approvers={"合议庭": "zhaolei", "执行局长": "zhaolei", "院长": "sunli"}, panel=["zhangwei", "zhoumin"],
              today=TODAY)
    assert platform_approvals.approval_mode(store) == "both"
    platform_approvals.set_approval_mode(store, actor, "platform")
    with pytest.raises(ValidationError, match="审批人在本人电脑上审批"):
        approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", password="password123",
                       panel=["zhangwei", "zhoumin"], today=TODAY)
    platform_approvals.submit_ruling(store, actor, cid, **kw)
    platform_approvals.set_approval_mode(store, actor, "same_pc")
    with pytest.raises(ValidationError, match="未启用经省平台的审批流转"):
        platform_approvals.submit_ruling(store, actor, cid, **kw)
    approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", password="password123",
                   panel=["zhangwei", "zhoumin"], today=TODAY)
    with pytest.raises(ValidationError, match="应为"):
        platform_approvals.set_approval_mode(store, actor, "email")


def test_a_request_names_only_approvers_who_may_sign_each_step(store, actor):
    """R9: the route's roles hold for remote approval too, and a 承办人 never approves their own ruling."""
    from conftest import TODAY
    from zb_fixtures import add_judge, make_ready_case

    from execdesk.rules.errors import ValidationError
    from execdesk.services import platform_approvals

    add_judge(store, actor)
    cid = make_ready_case(store, actor)
    with pytest.raises(ValidationError, match="须由院长签署"):
        platform_approvals.submit_ruling(store, actor, cid, approvers={"合议庭": "zhaolei", "执行局长": "zhaolei",
                                                                      "院长": "liuyang"}, panel=["zhangwei", "zhoumin"],
                                         today=TODAY)
    add_judge(store, actor, "wuhan", "吴涵")
    own = make_ready_case(store, actor, "（2026）鲁0102执101号", handler_username="zhoumin")  # 周敏 handles it
    with pytest.raises(ValidationError, match="承办人不能审批自己"):
        platform_approvals.submit_ruling(store, actor, own, approvers={"合议庭": "zhoumin", "执行局长": "zhaolei",
                                                                      "院长": "sunli"}, panel=["zhangwei", "wuhan"],
                                         today=TODAY)
    with pytest.raises(ValidationError, match="请指定“院长审签”的审批人"):
        platform_approvals.submit_ruling(store, actor, cid, approvers={"合议庭": "zhaolei", "执行局长": "zhaolei"},
                                         panel=["zhangwei", "zhoumin"], today=TODAY)


def test_a_carried_text_that_does_not_hash_to_its_sha_cannot_be_decided_on(store, actor):
    """The decision is bound to the SHA-256 of the exact text: a request whose text was altered on the way
    (it no longer hashes to the sha the 承办人 submitted) is refused before anyone can approve it."""
    from conftest import TODAY
    from zb_fixtures import add_judge, make_ready_case

    from execdesk.models import ApprovalInboxItem, ApprovalRequest
    from execdesk.rules.errors import ValidationError
    from execdesk.services import platform_approvals

    add_judge(store, actor)
    cid = make_ready_case(store, actor)
    rid = platform_approvals.submit_ruling(store, actor, cid, approvers={"合议庭": "zhaolei", "执行局长": "zhaolei",
                                                                        "院长": "sunli"},
                                           panel=["zhangwei", "zhoumin"], today=TODAY)
    with store.transaction() as s:
        req = s.get(ApprovalRequest, rid)
        draft = dict(req.draft, operative=["终结本院（2026）鲁0102执100号案件的执行。"])  # altered
        s.add(ApprovalInboxItem(id="item-1", request_id=rid, step="合议庭", recipient="鲁0102/zhaolei", case_id=cid,
                                case_number="（2026）鲁0102执100号", subject="终本裁定", draft_sha256=req.draft_sha256,
                                request={"draft": draft, "checklist": req.checklist}, state="待审批"))
    with pytest.raises(ValidationError, match="草稿内容与其SHA-256不符"):
        platform_approvals.preview_pdf(store, "item-1")
    with pytest.raises(ValidationError, match="草稿内容与其SHA-256不符"):
        platform_approvals.decide(store, actor, "item-1", username="zhaolei", password="password123",
                                  decision="同意", today=TODAY)
    assert re.fullmatch(r"[0-9a-f]{64}", req.draft_sha256)
