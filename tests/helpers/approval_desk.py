"""One court desktop as its own process, for the approval tests (issue 13 item 4): the 承办人's, the
执行局长's and the 院长's PC each run this script on their own SQLite file. Every command goes through the real
services; the answer is one JSON line on stdout.

    approval_desk.py DB setup                       a court 鲁0102 with its people (each PC has the profiles)
    approval_desk.py DB make-case                   a 终本-ready case (the 承办人's PC only)
    approval_desk.py DB submit CASE                 submit the draft (合议庭 赵磊+张伟+周敏, 执行局长 赵磊, 院长 孙立)
    approval_desk.py DB sync URL ACCOUNT            sign in as ACCOUNT (the PC's person) and run one sync round
    approval_desk.py DB turn URL ACCOUNT STEP DECISION [OPINION]
                                                    sync, decide the waiting STEP as ACCOUNT, sync again
    approval_desk.py DB pending                     the 待审批 list
    approval_desk.py DB decide ITEM USER DECISION [OPINION]
    approval_desk.py DB preview ITEM OUT.pdf
    approval_desk.py DB status CASE                 approval steps, requests, Approval rows
    approval_desk.py DB explain CASE                write the 书面说明 draft and send it to the 执行局长
    approval_desk.py DB explanation CASE            the draft's 执行局长意见 and its Approval rows
    approval_desk.py DB pay CASE                    record a payment (the draft changes)
    approval_desk.py DB issue CASE OUT.pdf          issue the ruling
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TODAY = date(2026, 11, 25)
PASSWORD = "password123"
PLATFORM_PASSWORD = "platform-pass-1"
PEOPLE = (("zhangwei", "张伟", "承办人", "审判员"), ("liuyang", "刘洋", "书记员", None),
          ("zhaolei", "赵磊", "执行局长", "审判员"), ("sunli", "孙立", "院长", None), ("zhoumin", "周敏", "审判员", "审判员"))
APPROVERS = {"合议庭": "zhaolei", "执行局长": "zhaolei", "院长": "sunli"}


def out(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def _sync(store, url: str, account: str) -> dict:
    """Sign in as ACCOUNT (this PC's person) and run one sync round through the real services."""
    import requests

    from execdesk.config import Settings
    from execdesk.services import sync
    from execdesk.sync.client import device_id

    token = requests.post(url + "api/v1/auth/token", json={"account": account, "password": PLATFORM_PASSWORD,
                                                           "device_id": device_id(store)},
                          headers={"X-ExecDesk-Protocol": "2"}, timeout=30).json()["access_token"]
    report = sync.run_sync(store, Settings(server_url=url, court_account=account), token=token)
    return {"status": report.status, "pushed": report.pushed, "pulled": report.pulled, "rejected": report.rejected,
            "duplicates": report.duplicates, "pending_left": report.pending_left}


def main(argv: list[str]) -> None:
    from execdesk.models.migrate import open_database
    from execdesk.services.context import Actor

    db, cmd, args = argv[0], argv[1], argv[2:]
    store = open_database(db)
    handler = Actor("zhangwei", "张伟", role="承办人")
    if cmd == "setup":
        from execdesk.services.accounts import create_user, ensure_court

        ensure_court(store, handler, code="鲁0102", name="济南市历下区人民法院")
        for username, name, role, title in PEOPLE:
            create_user(store, handler, username=username, display_name=name, role=role, password=PASSWORD,
                        title=title)
        if args:
            from execdesk.services import platform_approvals

            platform_approvals.set_approval_mode(store, handler, args[0])
        out({"ok": True})
    elif cmd == "make-case":
        from zb_fixtures import make_ready_case

        out({"case_id": make_ready_case(store, handler, *args[:1])})
    elif cmd == "submit":
        from execdesk.services import platform_approvals

        out({"request_id": platform_approvals.submit_ruling(store, handler, args[0], approvers=APPROVERS,
                                                            panel=["zhangwei", "zhoumin"], today=TODAY)})
    elif cmd == "sync":
        out(_sync(store, args[0], args[1]))
    elif cmd == "turn":
        from execdesk.services import platform_approvals

        url, account, step, decision = args[:4]
        first = _sync(store, url, account)
        items = [p for p in platform_approvals.pending_approvals(store) if p.state == "待审批" and p.step == step]
        if len(items) != 1:
            out({"error": f"{len(items)} items waiting for {step}", "sync": first})
            raise SystemExit(1)
        platform_approvals.decide(store, Actor(account, account, role="审批人"), items[0].id, username=account,
                                  password=PASSWORD, decision=decision, opinion=args[4] if len(args) > 4 else None,
                                  today=TODAY)
        out({"item": items[0].__dict__, "sync": _sync(store, url, account)})
    elif cmd == "pending":
        from execdesk.services import platform_approvals

        out([p.__dict__ for p in platform_approvals.pending_approvals(store)])
    elif cmd == "decide":
        from execdesk.services import platform_approvals

        item, user, decision = args[0], args[1], args[2]
        opinion = args[3] if len(args) > 3 else None
        me = Actor(user, user, role="审批人")
        out({"decision_id": platform_approvals.decide(store, me, item, username=user, password=PASSWORD,
                                                      decision=decision, opinion=opinion, today=TODAY)})
    elif cmd == "preview":
        from execdesk.services import platform_approvals

        Path(args[1]).write_bytes(platform_approvals.preview_pdf(store, args[0]))
        out({"ok": True})
    elif cmd == "status":
        from sqlalchemy import select

        from execdesk.models import Approval
        from execdesk.services import platform_approvals
        from execdesk.services.approvals import approval_status

        steps = approval_status(store, args[0], today=TODAY)
        with store.read() as s:
            rows = [{"step": a.step, "decision": a.decision, "approver_name": a.approver_name,
                     "approver_ref": a.approver_ref, "device_id": a.device_id, "draft_sha256": a.draft_sha256,
                     "decision_id": a.decision_id, "request_id": a.request_id, "opinion": a.opinion,
                     "decided_at": a.decided_at.isoformat()}
                    for a in s.scalars(select(Approval).where(Approval.case_id == args[0]).order_by(Approval.decided_at))]
        out({"steps": [{"code": x.code, "done": x.done, "decision": x.decision, "stale": x.stale} for x in steps],
             "requests": [r.__dict__ for r in platform_approvals.my_requests(store, args[0])], "approvals": rows})
    elif cmd == "explain":
        from execdesk.services import cases, explanations, platform_approvals

        cases.record_deduction(store, handler, args[0], kind="评估", started_on=date(2026, 5, 1),
                               ended_on=date(2026, 5, 30), document_number="（2026）鲁0102执100号之三",
                               reason="委托评估", today=TODAY)
        explanations.save_draft(store, handler, args[0], reasons=["disposal", "awaiting_zhongben"],
                                reason_text="被执行人名下车辆登记查封后未能实际扣押。",
                                next_steps="12月10日前完成院长审签并送达终本裁定。", planned_close_on="2026-12-31",
                                planned_method="终结本次执行程序", today=TODAY)
        out({"request_id": platform_approvals.submit_explanation(store, handler, args[0], director_username="zhaolei",
                                                                 today=TODAY)})
    elif cmd == "extend":
        from execdesk.services import platform_approvals

        out({"request_id": platform_approvals.submit_extension(store, handler, args[0], reason="被执行人财产正在评估拍卖",
                                                               months=3, approver_username="sunli", today=TODAY)})
    elif cmd == "extensions":
        from sqlalchemy import select

        from execdesk.models import Extension

        with store.read() as s:
            out([(e.months, e.approver, e.approved_on.isoformat(), e.reason)
                 for e in s.scalars(select(Extension).where(Extension.case_id == args[0]))])
    elif cmd == "explanation":
        from sqlalchemy import select

        from execdesk.models import Approval
        from execdesk.services import explanations

        row = explanations.get_draft(store, args[0])
        with store.read() as s:
            rows = [(a.subject, a.step, a.approver_ref, a.opinion) for a in s.scalars(
                select(Approval).where(Approval.case_id == args[0], Approval.subject == "书面说明"))]
        out({"director_opinion": row.director_opinion if row else None, "approvals": rows})
    elif cmd == "pay":
        from execdesk.services import cases

        cases.record_payment(store, handler, args[0], kind="到账", amount="500.00", paid_on=date(2026, 11, 20),
                             today=TODAY)
        out({"ok": True})
    elif cmd == "issue":
        from execdesk.services import documents

        issued = documents.issue_ruling(store, handler, args[0], today=TODAY)
        Path(args[1]).write_bytes(issued.original)
        out({"version_no": issued.version_no, "content_sha256": issued.content_sha256})
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv[1:])
