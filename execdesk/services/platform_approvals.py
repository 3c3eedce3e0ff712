"""Approvals on the approver's own PC, relayed by the provincial platform (issue 13 item 4; R9, seed 一.4(1)
院长审签; DOMAIN.md 终本 approval).

The 承办人's PC **submits** a draft: an ``approval_request`` change carrying the exact text the ruling will
print, its SHA-256 (``RulingText.content_sha256``, what an approver signs), the readiness checklist and the
court's route with each step's approver as a person ref ``"<court_code>/<username>"``. Submitting a changed
draft supersedes the earlier request (on the platform too: a decision on the old text is refused there).

The platform sends each approver, at their next sync, a ``审批请求`` feed item; this PC keeps it in
``approval_inbox`` (the case need not be here). The approver reads the draft's PDF — rendered here from the
carried text with the same document engine, marked 草稿 — and the checklist, signs in as themselves (their
own password, on their own PC) and **decides** with opinion and date: an ``approval_decision`` change bound to
the SHA-256 of the exact text (the carried text is re-hashed here first; a text that does not hash to the
request's SHA-256 cannot be decided on).

The platform answers every decision with a ``审批结果`` item to the requester. On the 承办人's PC
``apply_items`` writes each accepted decision as an ``Approval`` row through the write pipeline, once (the
platform's decision id is unique), never flipping it back; a 不同意 returns the request (已退回) with its reason
and the draft is open for changes and resubmission; a refused stale approval is kept and shown. Items are
processed after every sync round (``services.sync.run_sync``).

Person refs: built by ``person_ref`` here until h13id's ``services/identity_refs`` lands (then replace it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.documents import ruling as ruling_doc
from execdesk.models import (
    Approval,
    ApprovalInboxItem,
    ApprovalRequest,
    Case,
    Court,
    OutboxEntry,
    SupervisionItem,
    User,
    new_id,
    utcnow,
)
from execdesk.models.database import Store
from execdesk.rules import approval as rules
from execdesk.rules.dates import chinese_date, parse_date
from execdesk.rules.errors import ValidationError
from execdesk.services import pipeline, records
from execdesk.services.accounts import authenticate
from execdesk.services.approvals import check_same_pc_allowed, panel_users  # noqa: F401  (re-exported)
from execdesk.services.changes import PAYLOAD_SCHEMA_VERSION, audit_only
from execdesk.services.context import Actor
from execdesk.services.documents import RULING_SUBJECT, current_route, ruling_text
from execdesk.services.identity_refs import make_ref
from execdesk.services.lookup import get_case
from execdesk.services.readiness import evaluate_case
from execdesk.services.writer import write_pending_logs

log = logging.getLogger(__name__)

REQUEST_ENTITY = "approval_request"
DECISION_ENTITY = "approval_decision"
REQUEST_KIND = "审批请求"
RESULT_KIND = "审批结果"
KINDS = (REQUEST_KIND, RESULT_KIND)
MODES = {"platform": "各审批人在本人电脑上审批（经省平台流转）", "same_pc": "审批人在承办人电脑上输入本人密码审批",
         "both": "两种方式均可"}
OPEN, APPROVED, RETURNED, SUPERSEDED = "待审批", "已同意", "已退回", "已替换"
SENT, CONFIRMED, VOID, REFUSED = "已提交", "已确认", "已作废", "被拒收"
DONE_ITEM = "已应用"  # a 审批请求/审批结果 feed item this PC has taken in


# ---------------------------------------------------------------- person refs and the court setting


def _court(session: Session) -> Court:
    court = session.scalar(select(Court).order_by(Court.created_at).limit(1))
    if court is None:
        raise ValidationError("请先设置法院", "法院")
    return court


def approval_mode(store: Store) -> str:
    with store.read() as session:
        return _court(session).approval_mode or "both"


def set_approval_mode(store: Store, actor: Actor, mode: str) -> None:
    """Court setting: ``platform`` | ``same_pc`` | ``both`` (audited)."""
    if mode not in MODES:
        raise ValidationError(f"应为{'、'.join(MODES)}之一", "审批方式")
    with store.transaction() as session:
        court = _court(session)
        before = court.approval_mode
        court.approval_mode = mode
        audit_only(session, actor, "设置审批方式", "court", court.id, None, {"before": before, "after": mode})


# ---------------------------------------------------------------- the carried text


def carry_text(text: ruling_doc.RulingText) -> dict[str, Any]:
    """The paragraphs the ruling will print, as data (what the approver's PC renders and re-hashes)."""
    return {"kind": "ruling", "court_name": text.court_name, "title": text.title, "case_number": text.case_number,
            "parties": list(text.parties), "body": list(text.body), "operative": list(text.operative),
            "effect": text.effect, "signers": [[s.title, s.name] for s in text.signers], "date_text": text.date_text,
            "seal_text": text.seal_text, "clerk": text.clerk}


EXPLANATION_SUBJECT = "书面说明"


def carry_explanation(text) -> dict[str, Any]:
    """A 书面说明's text as data (the 执行局长's opinion block is what he adds, so it is not part of it)."""
    return {"kind": "explanation", "case_number": text.case_number, "title": text.title,
            "sections": [[h, list(p)] for h, p in text.sections], "signature": list(text.signature),
            "director": list(text.director), "handler": text.handler}


def explanation_sha256(data: dict[str, Any]) -> str:
    import hashlib
    import json

    payload = [data["case_number"], data["title"], data["sections"], data["signature"]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


EXTENSION_SUBJECT = "延长执行期限"


def carry_extension(case_number: str, court_name: str, handler: str, reason: str, months: int,
                    applied_on: date) -> dict[str, Any]:
    """A 延长执行期限 application as the approver reads it (R18: 院长 may extend by up to 3 months)."""
    return {"kind": "extension", "court_name": court_name, "title": "延长执行期限审批表", "case_number": case_number,
            "paragraphs": [f"案号：{case_number}", f"承办人：{handler}", f"申请延长执行期限：{months}个月",
                           f"延长原因：{reason}", f"申请日期：{chinese_date(applied_on)}"],
            "months": months, "reason": reason, "applied_on": applied_on.isoformat()}


def extension_sha256(data: dict[str, Any]) -> str:
    import hashlib
    import json

    payload = [data["court_name"], data["title"], data["case_number"], data["paragraphs"], data["months"],
               data["reason"], data["applied_on"]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def _carried_sha256(data: dict[str, Any]) -> str:
    if data.get("kind") == "extension":
        try:
            return extension_sha256(data)
        except KeyError as exc:
            raise ValidationError("审批请求中的延期申请内容不完整，无法显示", "草稿") from exc
    if data.get("kind") == "explanation":
        try:
            return explanation_sha256(data)
        except KeyError as exc:
            raise ValidationError("审批请求中的书面说明内容不完整，无法显示", "草稿") from exc
    return text_from_carry(data).content_sha256()


def _carried_pdf(data: dict[str, Any]) -> bytes:
    if data.get("kind") == "extension":
        from execdesk.documents.fonts import cjk_fonts
        from execdesk.documents.page import Styles, build_pdf, para

        fonts = cjk_fonts()
        st = Styles(fonts)
        story = [para(str(data["court_name"]), st.court), para(str(data["title"]), st.title)]
        story += [para(str(p), st.body) for p in data["paragraphs"]]
        return build_pdf(story, title=str(data["title"]), fonts=fonts, banner="草稿（待院长审批）", watermark="草稿")
    if data.get("kind") == "explanation":
        from execdesk.documents import explanation as explanation_doc

        text = explanation_doc.ExplanationText(
            case_number=str(data["case_number"]), title=str(data["title"]) + "（草稿）",
            sections=tuple((str(h), tuple(map(str, p))) for h, p in data["sections"]),
            signature=tuple(map(str, data["signature"])), director=tuple(map(str, data["director"])),
            handler=str(data.get("handler") or ""))
        return explanation_doc.render(text)
    return ruling_doc.render(text_from_carry(data), draft=True)


def text_from_carry(data: dict[str, Any]) -> ruling_doc.RulingText:
    try:
        return ruling_doc.RulingText(
            court_name=str(data["court_name"]), title=str(data["title"]), case_number=str(data["case_number"]),
            parties=tuple(map(str, data["parties"])), body=tuple(map(str, data["body"])),
            operative=tuple(map(str, data["operative"])), effect=str(data["effect"]),
            signers=tuple(rules.SignerLine(str(t), str(n)) for t, n in data["signers"]),
            date_text=str(data["date_text"]), seal_text=str(data["seal_text"]), clerk=str(data["clerk"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError("审批请求中的草稿内容不完整，无法显示", "草稿") from exc


def checklist_of(readiness) -> list[dict[str, Any]]:
    return [{"code": i.code, "title": i.title, "status": str(i.status), "detail": i.detail, "basis": i.basis,
             "advisory": i.advisory} for i in readiness.items]


# ---------------------------------------------------------------- submit (the 承办人's PC)


def _queue(session: Session, actor: Actor, entity: str, entity_id: str, case_id: str, fields: dict[str, Any]) -> str:
    write_pending_logs(session)  # after the changes this transaction made before it (causal order)
    change_id = new_id()
    session.add(OutboxEntry(
        change_id=change_id, entity=entity, entity_id=entity_id, case_id=case_id, op="upsert", base_version=None,
        payload={"schema": PAYLOAD_SCHEMA_VERSION, "entity": entity, "id": entity_id, "case_id": case_id,
                 "version": 1, "fields": fields, "actor": actor.username},
        schema_version=PAYLOAD_SCHEMA_VERSION))
    return change_id


def submit_ruling(store: Store, actor: Actor, case_id: str, *, approvers: dict[str, str],
                  panel: list[str] | None = None, ruling_date=None, today: date | None = None) -> str:
    """Submit the current 终本 draft for approval on the approvers' own PCs. ``approvers`` maps each step of the
    court's route to the approver's username (local profiles of this court); ``panel`` names the two other
    members of the 合议庭 (the 合议庭 step's approver presides). Returns the request id."""
    today = today or date.today()
    when = parse_date(ruling_date, "裁定日期") if ruling_date else today
    with store.transaction() as session:
        court = _court(session)
        if (court.approval_mode or "both") == "same_pc":
            raise ValidationError("本院设置为在承办人电脑上审批，未启用经省平台的审批流转", "审批方式")
        case = get_case(session, case_id)
        rt = current_route(case)
        readiness = evaluate_case(session, case, when)
        if not readiness.ready:
            from execdesk.rules import zhongben as zb_rules

            raise ValidationError("本案尚不符合终结本次执行程序的条件，不能提交审批："
                                  + "；".join(zb_rules.describe_unmet(readiness)), "终本条件")
        text = ruling_text(session, case, when)
        sha = text.content_sha256()
        steps: list[dict[str, str]] = []
        names: list[str] = []
        for s in rt.steps:
            username = (approvers.get(s.code) or "").strip()
            if not username:
                raise ValidationError(f"请指定“{s.name}”的审批人", "审批人")
            u = session.scalar(select(User).where(User.username == username))
            if u is None:
                raise ValidationError(f"本地没有账号“{username}”", f"{s.name}审批人")
            rules.check_signer(rt, s.code, approver_id=u.id, approver_role=u.role, handler_id=case.handler_id)
            steps.append({"step": s.code, "label": s.name, "approver": make_ref(court.code, u.username),
                          "name": u.display_name})
            if s.records_panel:
                names = panel_users(session, u, list(panel or []))
        # The request this one replaces: an open one (superseded now) or one returned with a 不同意.
        previous = session.scalar(select(ApprovalRequest).where(
            ApprovalRequest.case_id == case.id, ApprovalRequest.subject == RULING_SUBJECT,
            ApprovalRequest.state.in_((OPEN, RETURNED))).order_by(ApprovalRequest.submitted_at.desc()).limit(1))
        if previous is not None and previous.state == OPEN and previous.draft_sha256 == sha \
                and previous.steps == steps:
            raise ValidationError("此草稿已提交审批，正在等待审批结果", "审批请求")
        if previous is not None and previous.state == OPEN:
            previous.state = SUPERSEDED
            previous.note = "草稿已修改并重新提交，原请求作废"
        handler = session.get(User, case.handler_id) if case.handler_id else None
        requester = make_ref(court.code, handler.username if handler else actor.username)
        req = ApprovalRequest(id=new_id(), case_id=case.id, subject=RULING_SUBJECT, draft_sha256=sha, ruling_date=when,
                              draft=carry_text(text), checklist=checklist_of(readiness), steps=steps, panel=names,
                              supersedes=previous.id if previous else None, requester_ref=requester, state=OPEN)
        session.add(req)
        session.flush()
        req.change_id = _queue(session, actor, REQUEST_ENTITY, req.id, case.id, {
            "case_number": case.case_number, "subject": RULING_SUBJECT, "draft_sha256": sha, "draft": req.draft,
            "checklist": req.checklist, "steps": steps, "supersedes": req.supersedes, "ruling_date": when.isoformat(),
            "panel": names, "ordered": True, "requester_name": actor.display_name[:32]})
        audit_only(session, actor, "提交审批", "approval_request", req.id, case.id,
                   {"draft_sha256": sha, "steps": steps, "supersedes": req.supersedes, "change_id": req.change_id})
        return req.id


def submit_explanation(store: Store, actor: Actor, case_id: str, *, director_username: str,
                       today: date | None = None) -> str:
    """Send the case's 书面说明 draft to the 执行局长's PC for his opinion (DOMAIN §2.6 item 7): the same
    mechanism as a ruling, one step. His opinion comes back as the explanation's ``director_opinion`` (the
    approver-only field, written only from his platform-relayed decision) and an Approval row."""
    from execdesk.documents import explanation as explanation_doc
    from execdesk.services import explanations

    today = today or date.today()
    with store.transaction() as session:
        court = _court(session)
        if (court.approval_mode or "both") == "same_pc":
            raise ValidationError("本院设置为在承办人电脑上审批，未启用经省平台的审批流转", "审批方式")
        case = get_case(session, case_id)
        row = explanations._latest(session, case.id)
        if row is None or row.status == explanations.ISSUED:
            raise ValidationError("请先由承办人填写书面说明草稿", "书面说明")
        u = session.scalar(select(User).where(User.username == director_username.strip()))
        if u is None:
            raise ValidationError(f"本地没有账号“{director_username}”", "执行局长")
        roles = explanations._reasons_table()["opinion"]["roles"]
        if u.role not in roles:
            raise ValidationError(f"须由{'、'.join(roles)}签署意见，{u.display_name}的角色是{u.role}", "执行局长")
        if u.id == case.handler_id:
            raise ValidationError("承办人不能为自己的书面说明签署审核意见", "执行局长")
        text = explanation_doc.compose(explanations.explanation_data(session, case, row, today))
        draft = carry_explanation(text)
        sha = explanation_sha256(draft)
        previous = session.scalar(select(ApprovalRequest).where(
            ApprovalRequest.case_id == case.id, ApprovalRequest.subject == EXPLANATION_SUBJECT,
            ApprovalRequest.state.in_((OPEN, RETURNED))).order_by(ApprovalRequest.submitted_at.desc()).limit(1))
        if previous is not None and previous.state == OPEN and previous.draft_sha256 == sha:
            raise ValidationError("此书面说明已提交执行局长审核，正在等待意见", "审批请求")
        if previous is not None and previous.state == OPEN:
            previous.state, previous.note = SUPERSEDED, "书面说明已修改并重新提交，原请求作废"
        steps = [{"step": "执行局长", "label": "执行局长意见", "approver": make_ref(court.code, u.username),
                  "name": u.display_name}]
        handler = session.get(User, case.handler_id) if case.handler_id else None
        req = ApprovalRequest(id=new_id(), case_id=case.id, subject=EXPLANATION_SUBJECT, draft_sha256=sha,
                              ruling_date=today, draft=draft, checklist=[], steps=steps, panel=[],
                              supersedes=previous.id if previous else None,
                              requester_ref=make_ref(court.code, handler.username if handler else actor.username),
                              state=OPEN)
        session.add(req)
        session.flush()
        req.change_id = _queue(session, actor, REQUEST_ENTITY, req.id, case.id, {
            "case_number": case.case_number, "subject": EXPLANATION_SUBJECT, "draft_sha256": sha, "draft": draft,
            "checklist": [], "steps": steps, "supersedes": req.supersedes, "ruling_date": today.isoformat(),
            "panel": [], "ordered": True, "requester_name": actor.display_name[:32]})
        audit_only(session, actor, "提交审批", "approval_request", req.id, case.id,
                   {"subject": EXPLANATION_SUBJECT, "draft_sha256": sha, "steps": steps, "change_id": req.change_id})
        return req.id


def route_steps(store: Store, case_id: str) -> list[rules.Step]:
    """The steps of the court's route for this case (what a submission names an approver for)."""
    with store.read() as session:
        return list(current_route(get_case(session, case_id)).steps)


def submit_extension(store: Store, actor: Actor, case_id: str, *, reason: str, months: int, applied_on=None,
                     approver_username: str, today: date | None = None) -> str:
    """Apply for 延长执行期限 (R18) to the 院长 on his own PC; his 同意 comes back as the Extension row (批准人,
    批准日期 = his decision), which extends the limit on this PC."""
    from execdesk.models import Extension

    today = today or date.today()
    applied = parse_date(applied_on, "申请日期") if applied_on else today
    if not (reason or "").strip():
        raise ValidationError("不能为空", "延长原因")
    if not isinstance(months, int) or isinstance(months, bool) or months <= 0:
        raise ValidationError("应为正整数（月）", "延长期间")
    if applied > today:
        raise ValidationError("不能晚于今天", "申请日期")
    with store.transaction() as session:
        court = _court(session)
        if (court.approval_mode or "both") == "same_pc":
            raise ValidationError("本院设置为在承办人电脑上审批，未启用经省平台的审批流转", "审批方式")
        case = get_case(session, case_id)
        if applied < case.filed_on:
            raise ValidationError("不能早于立案日期", "申请日期")
        already = sum(e.months for e in session.scalars(select(Extension).where(Extension.case_id == case.id)))
        if already + months > 3:
            raise ValidationError(f"院长批准延长累计不得超过3个月（已延长{already}个月）；超过须层报高院备案", "延长期间")
        u = session.scalar(select(User).where(User.username == approver_username.strip()))
        if u is None:
            raise ValidationError(f"本地没有账号“{approver_username}”", "批准人")
        if u.role not in ("院长", "副院长"):
            raise ValidationError(f"延长执行期限须由院长批准，{u.display_name}的角色是{u.role}", "批准人")
        handler = session.get(User, case.handler_id) if case.handler_id else None
        draft = carry_extension(case.case_number, court.name, handler.display_name if handler else actor.display_name,
                                reason.strip(), months, applied)
        sha = extension_sha256(draft)
        steps = [{"step": "院长", "label": "院长批准延长", "approver": make_ref(court.code, u.username),
                  "name": u.display_name}]
        req = ApprovalRequest(id=new_id(), case_id=case.id, subject=EXTENSION_SUBJECT, draft_sha256=sha,
                              ruling_date=applied, draft=draft, checklist=[], steps=steps, panel=[],
                              requester_ref=make_ref(court.code, handler.username if handler else actor.username),
                              state=OPEN)
        session.add(req)
        session.flush()
        req.change_id = _queue(session, actor, REQUEST_ENTITY, req.id, case.id, {
            "case_number": case.case_number, "subject": EXTENSION_SUBJECT, "draft_sha256": sha, "draft": draft,
            "checklist": [], "steps": steps, "supersedes": None, "ruling_date": applied.isoformat(), "panel": [],
            "ordered": True, "requester_name": actor.display_name[:32]})
        audit_only(session, actor, "提交审批", "approval_request", req.id, case.id,
                   {"subject": EXTENSION_SUBJECT, "draft_sha256": sha, "steps": steps, "change_id": req.change_id})
        return req.id


@dataclass(frozen=True)
class RequestView:
    id: str
    case_id: str
    subject: str
    state: str
    draft_sha256: str
    submitted_at: datetime
    steps: list[dict[str, Any]]
    note: str | None
    sent: bool  # the platform accepted the request


def my_requests(store: Store, case_id: str | None = None) -> list[RequestView]:
    """Requests submitted from this PC (newest first), with the state the platform's answers brought."""
    with store.read() as session:
        q = select(ApprovalRequest).order_by(ApprovalRequest.submitted_at.desc())
        if case_id:
            q = q.where(ApprovalRequest.case_id == case_id)
        out = []
        for r in session.scalars(q):
            done = session.scalar(select(OutboxEntry.state).where(OutboxEntry.change_id == r.change_id)) == "done"
            out.append(RequestView(id=r.id, case_id=r.case_id, subject=r.subject, state=r.state,
                                   draft_sha256=r.draft_sha256, submitted_at=r.submitted_at, steps=list(r.steps),
                                   note=r.note, sent=done))
        return out


# ---------------------------------------------------------------- the approver's PC


@dataclass(frozen=True)
class PendingApproval:
    id: str  # the inbox item (feed item) id
    request_id: str
    step: str
    label: str
    case_number: str | None
    subject: str
    requester: str
    received_at: datetime
    state: str
    decision: str | None
    opinion: str | None
    decided_on: date | None
    note: str | None
    draft_sha256: str
    checklist: list[dict[str, Any]]
    earlier: list[dict[str, Any]]


def _view(row: ApprovalInboxItem, sent_state: str | None = None) -> PendingApproval:
    req = row.request or {}
    state, note = row.state, row.note
    if state == SENT and sent_state == "done":  # the platform accepted it (its answer is on the outbox row)
        state, note = CONFIRMED, "省平台已接收此审批决定"
    return PendingApproval(
        id=row.id, request_id=row.request_id, step=row.step, label=str(req.get("label") or row.step),
        case_number=row.case_number, subject=row.subject,
        requester=str(req.get("requester_name") or req.get("requester") or ""), received_at=row.received_at,
        state=state, decision=row.decision, opinion=row.opinion, decided_on=row.decided_on, note=note,
        draft_sha256=row.draft_sha256, checklist=list(req.get("checklist") or []),
        earlier=list(req.get("earlier") or []))


def pending_approvals(store: Store, *, include_done: bool = True) -> list[PendingApproval]:
    """The 待审批 list of this PC: waiting first, then decided / void ones (newest first)."""
    with store.read() as session:
        q = select(ApprovalInboxItem, OutboxEntry.state).outerjoin(
            OutboxEntry, OutboxEntry.change_id == ApprovalInboxItem.decision_change_id)
        if not include_done:
            q = q.where(ApprovalInboxItem.state == OPEN)
        rows = sorted(session.execute(q).all(), key=lambda r: (r[0].state != OPEN, -r[0].received_at.timestamp()))
        return [_view(r, sent) for r, sent in rows]


def preview_pdf(store: Store, item_id: str) -> bytes:
    """The draft's PDF, rendered on this PC from the carried text (same engine), marked 草稿."""
    with store.read() as session:
        row = _inbox(session, item_id)
        data = _verified_text(row)
    return _carried_pdf(data)


def _inbox(session: Session, item_id: str) -> ApprovalInboxItem:
    row = session.get(ApprovalInboxItem, item_id)
    if row is None:
        raise ValidationError("没有这条待审批事项", "待审批")
    return row


def _verified_text(row: ApprovalInboxItem) -> dict[str, Any]:
    data = (row.request or {}).get("draft") or {}
    if _carried_sha256(data) != row.draft_sha256:
        raise ValidationError("草稿内容与其SHA-256不符（传输中被改动），不能据此审批", "草稿")
    return data


def decide(store: Store, actor: Actor, item_id: str, *, username: str, password: str, decision: str,
           opinion: str | None = None, decided_on=None, today: date | None = None) -> str:
    """The approver decides on their own PC, confirmed with their own password; the decision is bound to the
    SHA-256 of the exact text they read and queued for the platform. Returns the decision id."""
    today = today or date.today()
    when = parse_date(decided_on, "审批日期") if decided_on else today
    if decision not in rules.DECISIONS:
        raise ValidationError(f"应为{'或'.join(rules.DECISIONS)}", "审批意见")
    if decision == rules.REJECT and not (opinion or "").strip():
        raise ValidationError("不同意时必须写明理由", "审批意见")
    if when > today:
        raise ValidationError("不能晚于今天", "审批日期")
    approver = authenticate(store, username, password)
    with store.transaction() as session:
        row = _inbox(session, item_id)
        court = _court(session)
        me = make_ref(court.code, approver.username)
        if me != row.recipient:
            raise ValidationError(f"此事项的审批人是{row.recipient}，当前登录的是{me}", "审批人")
        if row.state != OPEN:
            raise ValidationError(f"此事项{row.state}，不能再审批", "待审批")
        _verified_text(row)
        if row.subject == EXPLANATION_SUBJECT and not (opinion or "").strip():
            raise ValidationError("请写明执行局长意见", "审批意见")
        decision_id = new_id()
        panel = list((row.request or {}).get("panel") or [])
        said: str | None = (opinion or "").strip() or None
        fields: dict[str, Any] = {"request_id": row.request_id, "step": row.step, "decision": decision,
                                  "opinion": said, "decided_on": when.isoformat(), "draft_sha256": row.draft_sha256,
                                  "approver_name": approver.display_name[:32], "panel": panel}
        row.decision_change_id = _queue(session, actor, DECISION_ENTITY, decision_id, row.case_id, fields)
        row.state, row.decision, row.opinion = SENT, decision, said
        row.decided_on, row.decided_by = when, approver.display_name
        row.note = "已签署，等待同步上报省平台"
        audit_only(session, Actor(approver.username, approver.display_name, approver.role, approver.user_id),
                   "审批（本人电脑）", "approval_inbox", row.id, None,
                   {**fields, "decision_id": decision_id, "recipient": row.recipient,
                    "change_id": row.decision_change_id})
        return decision_id


# ---------------------------------------------------------------- after each sync round


SYSTEM = Actor("sync", "省平台同步", role="系统")


def apply_pulled(session: Session, items: list[dict[str, Any]]) -> None:
    """The sync client's item hook: take in this page's 审批请求 / 审批结果 in the transaction that stores the
    page (one commit; a crash leaves both or neither). Each item in a savepoint: one that cannot be applied
    (logged) stays for ``apply_items`` after the round and never blocks the pull."""
    ids = [str(i.get("id")) for i in items if i.get("kind") in KINDS]
    if not ids:
        return
    session.flush()
    for item_id in ids:
        item = session.get(SupervisionItem, item_id)
        if item is None or item.state == DONE_ITEM:
            continue
        try:
            with session.begin_nested():
                _take(session, item, date.today())
                item.state = DONE_ITEM
        except Exception:  # noqa: BLE001 - kept for apply_items, which reports it; the page still commits
            log.exception("approval item %s not applied with its page", item_id)


def _take(session: Session, item: SupervisionItem, today: date) -> None:
    payload = (item.payload or {}).get("payload") or {}
    if item.kind == REQUEST_KIND:
        _take_request(session, item, payload)
    else:
        _take_result(session, item, payload, today)


def apply_items(store: Store, *, today: date | None = None) -> int:
    """Take in the 审批请求 / 审批结果 items the last pull brought, and the platform's answers to this PC's
    decisions. Each item is handled in its own transaction and marked, so a crash part-way is harmless."""
    today = today or date.today()
    with store.read() as session:  # normally empty: the pull's item hook took them in with their page
        ids = list(session.scalars(select(SupervisionItem.id).where(
            SupervisionItem.kind.in_(KINDS), SupervisionItem.state != DONE_ITEM).order_by(SupervisionItem.server_seq)))
    for item_id in ids:
        with store.transaction() as session:
            item = session.get_one(SupervisionItem, item_id)
            if item.state == DONE_ITEM:
                continue
            _take(session, item, today)
            item.state = DONE_ITEM
    reconcile_decisions(store)
    return len(ids)


def _take_request(session: Session, item: SupervisionItem, p: dict[str, Any]) -> None:
    recipient = str((item.payload or {}).get("recipient") or "")
    exists = session.scalar(select(ApprovalInboxItem.id).where(
        ApprovalInboxItem.request_id == str(p.get("request_id")), ApprovalInboxItem.step == str(p.get("step"))))
    if exists or not p.get("request_id") or not p.get("draft_sha256"):
        return
    session.add(ApprovalInboxItem(
        id=item.id, request_id=str(p["request_id"]), step=str(p.get("step"))[:16], recipient=recipient[:80],
        case_id=str(p.get("case_id") or item.case_id or "")[:36], case_number=p.get("case_number"),
        subject=str(p.get("subject") or RULING_SUBJECT)[:16], draft_sha256=str(p["draft_sha256"])[:64], request=p,
        state=OPEN))
    audit_only(session, SYSTEM, "收到审批请求", "approval_inbox", item.id, None,
               {"request_id": p["request_id"], "step": p.get("step"), "draft_sha256": p["draft_sha256"]})


def _take_result(session: Session, item: SupervisionItem, p: dict[str, Any], today: date) -> None:
    outcome = p.get("outcome")
    request_id = str(p.get("request_id") or "")
    if outcome == "withdrawn":  # on an approver's PC: the request they held was replaced by a new draft
        for held in session.scalars(select(ApprovalInboxItem).where(ApprovalInboxItem.request_id == request_id,
                                                                    ApprovalInboxItem.step == p.get("step"))):
            if held.state == OPEN:  # a decision already signed is answered by the platform (reconcile_decisions)
                held.state, held.note = VOID, "承办人已修改草稿并重新提交，此请求作废（请审阅新稿）"
        return
    req = session.get(ApprovalRequest, request_id)
    if req is None:
        return  # not a request of this PC (e.g. the case was handed over): the platform keeps the record
    if outcome == "superseded":
        req.note = (f"{p.get('approver_name') or p.get('approver')}对旧稿（{str(p.get('draft_sha256'))[:12]}…）的"
                    f"“{p.get('decision')}”被省平台拒收：草稿已修改并重新提交")
        audit_only(session, SYSTEM, "审批被拒收（旧稿）", "approval_request", req.id, req.case_id, p)
        return
    if outcome != "accepted":
        return
    decision_id = str(p.get("decision_id") or "")
    if not decision_id or session.scalar(select(Approval.id).where(Approval.decision_id == decision_id)):
        return  # written before: a decision is applied exactly once and never flips back
    if str(p.get("draft_sha256")) != req.draft_sha256:
        return  # the platform binds decisions to the request's sha; anything else is not a decision on it
    case = session.get(Case, req.case_id)
    if case is None:
        return
    approver_ref = str(p.get("approver") or "")
    username = approver_ref.partition("/")[2]
    local = session.scalar(select(User).where(User.username == username)) if username else None
    name = str(p.get("approver_name") or (local.display_name if local else username))[:32]
    received = p.get("received_at")
    try:
        decided_at = datetime.fromisoformat(received) if isinstance(received, str) else utcnow()
    except ValueError:
        decided_at = utcnow()
    if decided_at.tzinfo is None:
        decided_at = decided_at.replace(tzinfo=UTC)
    decision = str(p.get("decision"))
    opinion = (p.get("opinion") or None)
    actor = Actor(username or "platform", name, role="审批人", user_id=local.id if local else None)
    w = pipeline.in_session(session, actor, today)
    route = current_route(case).name if req.subject == RULING_SUBJECT else req.subject
    row = Approval(case_id=case.id, subject=req.subject, route=route, step=str(p.get("step"))[:16],
                   approver_id=local.id if local else None, approver_name=name, decision=decision, opinion=opinion,
                   decided_at=decided_at, draft_sha256=req.draft_sha256, request_id=req.id,
                   approver_ref=approver_ref[:80], device_id=(str(p.get("device_id") or "") or None),
                   decision_id=decision_id)
    w.add(row, "审批（审批人本人电脑）")
    if req.subject == EXPLANATION_SUBJECT:
        _write_director_opinion(session, actor, case, req, decision, opinion)
    if req.subject == EXTENSION_SUBJECT and decision == rules.APPROVE:
        _write_extension(w, case, req, name, p.get("decided_on"))
    step = None if req.subject != RULING_SUBJECT else next((s for s in rt_steps(case) if s.code == row.step), None)
    panel = [str(n) for n in (p.get("panel") or req.panel or [])]
    if step is not None and step.records_panel and decision == rules.APPROVE and panel:
        node = records.write_node(
            w, case, "N23", started_on=today, ended_on=today, status="已完成",
            fields={"panel": panel, "ruling_date": req.ruling_date.isoformat() if req.ruling_date else None,
                    "draft_sha256": req.draft_sha256},
            handler_name=name, description=f"合议庭评议：审判长{panel[0]}，审判员{'、'.join(panel[1:])}，意见：{decision}")
        node.linked_entity, node.linked_id = "approval", row.id
    pipeline.finish(w)
    if decision == rules.REJECT:
        req.state = RETURNED
        req.note = f"{p.get('label') or row.step}不同意（{name}，{_day(p.get('decided_on'))}）：{opinion or ''}"
    else:
        approved = {a for (a,) in session.execute(select(Approval.step).where(
            Approval.request_id == req.id, Approval.decision == rules.APPROVE))}
        if all(s["step"] in approved for s in req.steps):
            req.state, req.note = APPROVED, "全部审批完成，可以出具"
        else:
            req.note = f"{p.get('label') or row.step}已同意（{name}）"


def _write_director_opinion(session: Session, actor: Actor, case: Case, req: ApprovalRequest, decision: str,
                            opinion: str | None) -> None:
    """The 执行局长's opinion, relayed from his own PC (the platform checked the token's person is the step's
    approver): written into the draft it was given on, only while that draft is unchanged and not issued."""
    from execdesk.services import explanations
    from execdesk.services.changes import record_change, snapshot

    row = explanations._latest(session, case.id)
    if row is None or row.status == explanations.ISSUED or decision != rules.APPROVE or not opinion:
        return
    current = carry_explanation(_explanation_text(session, case, row, req.ruling_date or date.today()))
    if explanation_sha256(current) != req.draft_sha256:
        req.note = "书面说明在审核期间已修改，执行局长意见未写入，请重新提交审核"
        return
    before, base = snapshot(row), row.version
    row.director_opinion = opinion.strip()
    record_change(session, actor, row, "修改", before=before, base_version=base)


def _write_extension(w, case: Case, req: ApprovalRequest, approver_name: str, decided_on: Any) -> None:
    """The approved extension as the Extension row (R18): 批准人 = the 院长, 批准日期 = his decision's date."""
    from execdesk.models import Extension

    d = req.draft or {}
    try:
        approved = date.fromisoformat(str(decided_on))
    except ValueError:
        approved = w.today
    already = sum(e.months for e in w.session.scalars(select(Extension).where(Extension.case_id == case.id)))
    if already + int(d["months"]) > 3:
        req.note = f"院长已同意，但本案已延长{already}个月，累计将超过3个月，须层报高院备案；延期未记录"
        return
    w.add(Extension(case_id=case.id, reason=str(d["reason"]), applied_on=date.fromisoformat(d["applied_on"]),
                    approver=approver_name, approving_body=_court(w.session).name, approved_on=approved,
                    months=int(d["months"]), high_court_filed=False), "延长执行期限（院长本人电脑批准）")


def _explanation_text(session: Session, case: Case, row, today: date):
    from execdesk.documents import explanation as explanation_doc
    from execdesk.services import explanations

    return explanation_doc.compose(explanations.explanation_data(session, case, row, today))


def rt_steps(case: Case):
    return current_route(case).steps


def _day(value: Any) -> str:
    try:
        return chinese_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def reconcile_decisions(store: Store) -> None:
    """This PC's decisions after the platform answered them: accepted → shown 已确认 (from the outbox row, no
    write); refused → shown in the
    待审批 list with the platform's reason (已作废 for a superseded draft) and put aside in the outbox
    (resolved, audited), so a refused decision never holds the queue and is never lost."""
    refused = (select(ApprovalInboxItem, OutboxEntry).join(
        OutboxEntry, OutboxEntry.change_id == ApprovalInboxItem.decision_change_id)
        .where(ApprovalInboxItem.state == SENT, OutboxEntry.state == "quarantined", OutboxEntry.resolved_at.is_(None)))
    with store.read() as session:  # the common case: nothing refused, no write transaction (an accepted
        if session.execute(refused.limit(1)).first() is None:  # decision is shown from its outbox row)
            return
    with store.transaction() as session:
        for item, out in session.execute(refused).all():
            result = out.result or {}
            code = result.get("code")
            item.state = VOID if code == "superseded" else REFUSED
            item.note = f"省平台拒收：{result.get('reason') or out.last_error or ''}"
            out.resolved_at = utcnow()
            audit_only(session, SYSTEM, "审批决定被拒收", "approval_inbox", item.id, None,
                       {"change_id": out.change_id, "code": code, "reason": result.get("reason")})
