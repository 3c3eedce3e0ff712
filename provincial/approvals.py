"""Approvals relayed between a court's desktops (issue 13 item 4): the 承办人's PC pushes an
``approval_request``, each approver's PC a ``approval_decision``; the platform routes them as feed items
addressed to one person (``PFeedItem.recipient``).

Rules the platform enforces (the token says who is calling, never the body):
- a request belongs to the caller's court and one of its cases; its approvers are people of that court;
  submitting a changed draft for the same case and subject supersedes every open earlier request;
- a decision is accepted only from the step's approver, only for the request's current SHA-256 (a decision on
  a superseded draft is answered ``rejected`` / ``superseded``, and the 承办人 is told), once per step, and in
  route order when the request says the route is ordered (合议庭 → 执行局长 → 院长);
- every answered decision is kept (``PApprovalDecision``: who, which device, which sha, when) in the same
  transaction as the change's answer and the feed items it causes: exactly once, like every change.

Feed items: ``审批请求`` to the approver whose turn it is (payload: the request with the exact text, checklist and
earlier decisions), ``审批结果`` to the requester for every answered decision (``outcome`` accepted /
superseded) and to an approver whose open request was withdrawn by a resubmission (``outcome`` withdrawn).
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from provincial.models import PApprovalDecision, PApprovalRequest, PFeedItem, utcnow

if TYPE_CHECKING:
    from provincial.service import Caller

REQUEST_ENTITY = "approval_request"
DECISION_ENTITY = "approval_decision"
ENTITIES = (REQUEST_ENTITY, DECISION_ENTITY)
REQUEST_KIND = "审批请求"
RESULT_KIND = "审批结果"
KINDS = (REQUEST_KIND, RESULT_KIND)
APPROVE, REJECT = "同意", "不同意"
OPEN, APPROVED, RETURNED, SUPERSEDED = "待审批", "已同意", "已退回", "已替换"
MAX_STEPS = 10
_REF = re.compile(r"^([^/\s]{1,16})/([A-Za-z0-9_.]{1,32})$")
_SHA = re.compile(r"^[0-9a-f]{64}$")

SUPERSEDED_REASON = "该草稿已被承办人修改并重新提交，此审批针对的是旧稿，平台不予接受；请审阅新稿后再审批"


def _reject(change_id: str, code: str, reason: str) -> dict[str, Any]:
    return {"change_id": change_id, "status": "rejected", "code": code, "reason": reason}


def _accepted(change_id: str) -> dict[str, Any]:
    return {"change_id": change_id, "status": "accepted"}


def handle(session: Session, c: dict[str, Any], caller: Caller, owners: dict[str, str]) -> dict[str, Any]:
    """Answer one approval change (the caller's push transaction; ``owners`` is the batch's case → court map,
    which already holds cases created earlier in the same batch)."""
    from provincial.service import _check_shape

    bad = _check_shape(c)
    if bad:
        return _reject(c["change_id"], *bad)
    if c["entity"] == REQUEST_ENTITY:
        return _request(session, c, caller, owners)
    return _decision(session, c, caller)


# ---------------------------------------------------------------- requests


def _check_steps(steps: list[Any], court_code: str) -> str | None:
    if not steps or len(steps) > MAX_STEPS:
        return f"审批步骤应为1至{MAX_STEPS}步"
    seen: set[str] = set()
    for s in steps:
        if not isinstance(s, dict) or not isinstance(s.get("step"), str) or not isinstance(s.get("approver"), str):
            return "审批步骤应写明步骤和审批人"
        if not s["step"].strip() or len(s["step"]) > 16 or s["step"] in seen:
            return f"审批步骤“{s['step'][:16]}”无效或重复"
        seen.add(s["step"])
        m = _REF.match(s["approver"])
        if m is None:
            return f"审批人“{s['approver'][:40]}”应为“法院代字/用户名”"
        if m.group(1) != court_code:
            return f"审批人“{s['approver']}”不是本院人员"
    return None


def _request(session: Session, c: dict[str, Any], caller: Caller, owners: dict[str, str]) -> dict[str, Any]:
    from provincial.service import UNKNOWN_CASE, caller_person

    cid, fields = c["change_id"], c["payload"]["fields"]
    if not c.get("case_id") or owners.get(c["case_id"]) != caller.court_code:
        return _reject(cid, *UNKNOWN_CASE)
    if session.get(PApprovalRequest, c["entity_id"]) is not None:
        return _reject(cid, "id_unavailable", "此审批请求编号已被使用")
    if not _SHA.match(fields["draft_sha256"]):
        return _reject(cid, "invalid", "字段 draft_sha256 应为64位十六进制")
    problem = _check_steps(fields["steps"], caller.court_code)
    if problem:
        return _reject(cid, "invalid", problem)
    requester = caller_person(caller)
    extra = {"ruling_date": fields.get("ruling_date"), "panel": fields.get("panel") or [],
             "ordered": fields.get("ordered") is not False, "requester_name": fields.get("requester_name")}
    steps = [{"step": s["step"], "approver": s["approver"], "name": str(s.get("name") or "")[:32],
              "label": str(s.get("label") or s["step"])[:32]} for s in fields["steps"]]
    req = PApprovalRequest(
        id=c["entity_id"], court_code=caller.court_code, case_id=c["case_id"], case_number=fields["case_number"],
        subject=fields["subject"], draft_sha256=fields["draft_sha256"], draft={**fields["draft"], "_request": extra},
        checklist=fields["checklist"], steps=steps, supersedes=fields.get("supersedes"), requester=requester,
        device_id=caller.device_id, state=OPEN, change_id=cid, created_at=utcnow())
    # Every open request of the same case and subject is superseded by this one (whatever ``supersedes`` says):
    # an approval can only ever count for the newest draft.
    for old in session.scalars(select(PApprovalRequest).where(
            PApprovalRequest.court_code == caller.court_code, PApprovalRequest.case_id == c["case_id"],
            PApprovalRequest.subject == fields["subject"], PApprovalRequest.state == OPEN)):
        old.state, old.superseded_by = SUPERSEDED, req.id
        for step in _waiting_steps(session, old):
            _issue(session, old, RESULT_KIND, step["approver"],
                   f"审批请求已撤回：{old.subject}（{old.case_number}）", "承办人已修改草稿并重新提交，原审批请求作废。",
                   {"outcome": "withdrawn", "request_id": old.id, "step": step["step"], "superseded_by": req.id,
                    "case_id": old.case_id, "case_number": old.case_number, "subject": old.subject,
                    "draft_sha256": old.draft_sha256})
    session.add(req)
    session.flush()
    for step in _waiting_steps(session, req, extra["ordered"]):
        _issue_request(session, req, step, extra)
    return _accepted(cid)


def _extra(req: PApprovalRequest) -> dict[str, Any]:
    """The request's other fields (ruling date, panel, route order, requester's name), kept beside the text."""
    return (req.draft or {}).get("_request") or {}


def _decisions(session: Session, req: PApprovalRequest) -> list[PApprovalDecision]:
    return list(session.scalars(select(PApprovalDecision).where(
        PApprovalDecision.request_id == req.id, PApprovalDecision.outcome == "accepted")
        .order_by(PApprovalDecision.received_at)))


def _waiting_steps(session: Session, req: PApprovalRequest, ordered: bool | None = None) -> list[dict[str, Any]]:
    """Steps that hold (or are due) a 审批请求 item and have not decided: the next one when ordered, else all."""
    if ordered is None:
        ordered = _extra(req).get("ordered", True) is not False
    done = {d.step for d in _decisions(session, req)}
    open_steps = [s for s in req.steps if s["step"] not in done]
    return open_steps[:1] if ordered else open_steps


def _issue(session: Session, req: PApprovalRequest, kind: str, recipient: str, title: str, body: str,
           payload: dict[str, Any]) -> None:
    from provincial.service import _next_feed_seq

    # Written directly (not through issue_item): the case may have been created earlier in this very batch,
    # so its p_cases row is not there yet; the request already proved the case is the caller's court's.
    session.add(PFeedItem(id=str(uuid.uuid4()), court_code=req.court_code, seq=_next_feed_seq(session, req.court_code),
                          kind=kind, case_id=req.case_id, case_number=req.case_number, title=title[:128], body=body,
                          issued_by="省平台审批流转", due_on=None, payload=payload, recipient=recipient))
    session.flush()


def _issue_request(session: Session, req: PApprovalRequest, step: dict[str, Any], extra: dict[str, Any]) -> None:
    earlier = [{"step": d.step, "approver": d.approver, "decision": d.decision, "opinion": d.opinion,
                "decided_on": d.decided_on} for d in _decisions(session, req)]
    label = step.get("label") or step["step"]
    _issue(session, req, REQUEST_KIND, step["approver"], f"待审批：{req.subject}（{req.case_number}）{label}",
           f"{req.requester}提交{req.subject}草稿，请审批（{label}）。",
           {"request_id": req.id, "step": step["step"], "label": label, "case_id": req.case_id,
            "case_number": req.case_number, "subject": req.subject, "draft_sha256": req.draft_sha256,
            "draft": {k: v for k, v in (req.draft or {}).items() if k != "_request"}, "checklist": req.checklist,
            "steps": req.steps, "requester": req.requester, "requester_name": extra.get("requester_name"),
            "ruling_date": extra.get("ruling_date"), "panel": extra.get("panel") or [], "earlier": earlier,
            "supersedes": req.supersedes})


# ---------------------------------------------------------------- decisions


def _decision(session: Session, c: dict[str, Any], caller: Caller) -> dict[str, Any]:
    from provincial.service import caller_person

    cid, fields = c["change_id"], c["payload"]["fields"]
    req = session.get(PApprovalRequest, fields["request_id"])
    if req is None or req.court_code != caller.court_code:  # another court's request looks like none at all
        return _reject(cid, "unknown_request", "平台上没有这条审批请求")
    if c.get("case_id") not in (None, req.case_id):
        return _reject(cid, "invalid", "审批决定与审批请求的案件不一致")
    step = next((s for s in req.steps if s["step"] == fields["step"]), None)
    if step is None:
        return _reject(cid, "invalid", f"审批请求中没有“{fields['step']}”这一步")
    person = caller_person(caller)
    if step["approver"] != person:
        return _reject(cid, "not_approver", f"“{step.get('label') or step['step']}”的审批人是{step['approver']}，"
                                            f"当前登录的是{person}，平台不予接受")
    if fields["decision"] not in (APPROVE, REJECT):
        return _reject(cid, "invalid", "字段 decision 应为同意或不同意")
    if fields["decision"] == REJECT and not (fields.get("opinion") or "").strip():
        return _reject(cid, "invalid", "不同意时必须写明理由（opinion）")

    def record(outcome: str) -> PApprovalDecision:
        row = PApprovalDecision(
            change_id=cid, decision_id=c["entity_id"], request_id=req.id, court_code=req.court_code,
            step=step["step"], approver=person, device_id=caller.device_id, decision=fields["decision"],
            opinion=(fields.get("opinion") or "").strip() or None, decided_on=fields["decided_on"],
            draft_sha256=fields["draft_sha256"], outcome=outcome, received_at=utcnow())
        session.add(row)
        session.flush()
        return row

    if req.state == SUPERSEDED or fields["draft_sha256"] != req.draft_sha256:
        row = record("superseded")
        _result(session, req, row, fields, outcome="superseded")
        return _reject(cid, "superseded", SUPERSEDED_REASON)
    if req.state == RETURNED:
        return _reject(cid, "closed", "此审批请求已被退回，请等待承办人修改后重新提交")
    done = {d.step: d for d in _decisions(session, req)}
    if step["step"] in done:
        return _reject(cid, "already_decided", f"“{step.get('label') or step['step']}”已审批过此稿，平台保留首次的决定")
    if _extra(req).get("ordered", True) is not False:
        for s in req.steps:
            if s["step"] == step["step"]:
                break
            if s["step"] not in done:
                return _reject(cid, "out_of_order", f"须先完成“{s.get('label') or s['step']}”，才能进行此步审批")
    row = record("accepted")
    _result(session, req, row, fields, outcome="accepted")
    if row.decision == REJECT:
        req.state = RETURNED
    else:
        remaining = _waiting_steps(session, req)
        if not remaining:
            req.state = APPROVED
        elif _extra(req).get("ordered", True) is not False:
            _issue_request(session, req, remaining[0], _extra(req))
    return _accepted(cid)


def _result(session: Session, req: PApprovalRequest, row: PApprovalDecision, fields: dict[str, Any], *,
            outcome: str) -> None:
    step = next(s for s in req.steps if s["step"] == row.step)
    label = step.get("label") or row.step
    if outcome == "superseded":
        title = f"审批被拒收（旧稿）：{req.subject}（{req.case_number}）{label}"
        body = f"{row.approver}对已被替换的草稿作出的“{row.decision}”被平台拒收：{SUPERSEDED_REASON}"
    else:
        title = f"审批结果：{req.subject}（{req.case_number}）{label} {row.decision}"
        body = f"{row.approver}：{row.decision}" + (f"。意见：{row.opinion}" if row.opinion else "")
    _issue(session, req, RESULT_KIND, req.requester, title, body, {
        "outcome": outcome, "request_id": req.id, "decision_id": row.decision_id, "step": row.step, "label": label,
        "decision": row.decision, "opinion": row.opinion, "decided_on": row.decided_on, "approver": row.approver,
        "approver_name": str(fields.get("approver_name") or step.get("name") or "")[:32],
        "device_id": row.device_id, "draft_sha256": row.draft_sha256, "request_sha256": req.draft_sha256,
        "panel": fields.get("panel") or [], "received_at": row.received_at.isoformat(), "case_id": req.case_id,
        "case_number": req.case_number, "subject": req.subject})

