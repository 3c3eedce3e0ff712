"""Draft and issue the court's documents. Issued PDFs are immutable rows of ``issued_documents`` with their
SHA-256 and a version number per (case, kind); re-issuing inserts a new version; the audit log records who
issued what. A ruling is issued only when the case is ready (终本 conditions) and every step of the court's
approval route has approved exactly this draft (its content SHA-256).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from execdesk.documents import ruling as ruling_doc
from execdesk.documents.public import public_copy
from execdesk.models import (
    Approval,
    Case,
    FoundAsset,
    IssuedDocument,
    Measure,
    Party,
    Payment,
    PropertyInquiry,
    PropertyLead,
)
from execdesk.models.database import Store
from execdesk.rules import approval as approval_rules
from execdesk.rules import zhongben as zb_rules
from execdesk.rules.dates import chinese_date, parse_date
from execdesk.rules.errors import ValidationError
from execdesk.rules.money import format_yuan
from execdesk.services.cases import get_case
from execdesk.services.changes import audit_only
from execdesk.services.context import Actor
from execdesk.services import derived, records
from execdesk.services.zhongben import evaluate_case, live_nodes, node_date, realised_fen

RULING = "终本裁定书"
RULING_PUBLIC = "终本裁定书公开版"
RULING_SUBJECT = "终本裁定"
PLACEHOLDER = "×××"


class NotReadyError(ValidationError):
    """The case does not meet the 终本 conditions; ``unmet`` lists each one in Chinese."""

    def __init__(self, unmet: list[str]):
        self.unmet = unmet
        super().__init__("本案尚不符合终结本次执行程序的条件：" + "；".join(unmet), "终本条件")


class ApprovalMissingError(ValidationError):
    def __init__(self, pending: list[str]):
        self.pending = pending
        super().__init__("裁定尚未完成审批，不能出具：尚需" + "、".join(pending), "审批")


# Issued documents are immutable: the ORM refuses any UPDATE or DELETE of an issued row.
@event.listens_for(IssuedDocument, "before_update")
def _refuse_update(_mapper, _conn, _target) -> None:
    raise ValidationError("已出具的文书不可修改，如需更正请重新出具（生成新版本）", "已出具文书")


@event.listens_for(IssuedDocument, "before_delete")
def _refuse_delete(_mapper, _conn, _target) -> None:
    raise ValidationError("已出具的文书不可删除", "已出具文书")


# ---------------------------------------------------------------- gathering the ruling's data


def _strip(text: str | None) -> str:
    return (text or "").strip().rstrip("。；;，,")


def _doc(number: str | None) -> str:
    """A document number after a measure: "，文号为（2026）鲁0102执100号之三" (no nested brackets)."""
    return f"，文号为{number}" if number else ""


def _debtor_name(parties: dict[str, Party], party_id: str | None, all_debtors: str) -> str:
    p = parties.get(party_id) if party_id else None
    return p.name if p else all_debtors


_DOC_NODES = ("N04", "N08", "N22", "N23")


def _doc_nodes(session: Session, case_id: str) -> dict[str, list]:
    """The completed nodes the documents read, by code, oldest first (one query)."""
    out: dict[str, list] = {code: [] for code in _DOC_NODES}
    for n in live_nodes(session, case_id, *_DOC_NODES):
        out[n.code].append(n)
    return out


def ruling_events(session: Session, case: Case, ruling_date: date, parties: dict[str, Party],
                  nodes: dict[str, list] | None = None) -> list[ruling_doc.Event]:
    """The 执行经过 from the case's own records, each with its date and result (DOMAIN §2.3)."""
    E = ruling_doc.Event.of
    nodes = nodes if nodes is not None else _doc_nodes(session, case.id)
    debtors = "、".join(p.name for p in parties.values() if p.role == "被执行人")
    events: list[ruling_doc.Event] = []
    for n in nodes["N04"][:1]:
        method = (n.data or {}).get("service_method")
        events.append(E(node_date(n), "notice", debtors=debtors, served=f"（{method}）" if method else ""))
    for n in nodes["N08"]:
        status = (n.data or {}).get("report_status")
        result = _strip(n.description) or (f"被执行人报告情况为{status}" if status else "核查完毕")
        events.append(E(node_date(n), "report_check", result=result))
    for q in session.scalars(select(PropertyInquiry).where(PropertyInquiry.case_id == case.id)):
        if q.queried_on > ruling_date:
            continue
        name = _debtor_name(parties, q.party_id, debtors)
        result = _strip(q.result) or "未发现可供执行的财产"
        if q.method == "网络查控":
            events.append(E(q.queried_on, "network", debtor=name, scopes="、".join(q.scopes or ["存款"]), result=result))
        else:
            events.append(E(q.queried_on, "traditional", debtor=name, result=result))
    for lead in session.scalars(select(PropertyLead).where(PropertyLead.case_id == case.id)):
        if lead.verified_on and lead.verified_on <= ruling_date:
            events.append(E(lead.given_on, "lead", content=_strip(lead.content), verified_on=chinese_date(lead.verified_on),
                            result=_strip(lead.result) or "核实完毕"))
    for m in session.scalars(select(Measure).where(Measure.case_id == case.id)):
        if m.started_on > ruling_date:
            continue
        name = _debtor_name(parties, m.party_id, debtors)
        desc = _strip(m.description)
        if m.kind == "限制消费":
            events.append(E(m.started_on, "limit", debtor=name, document=m.document_number or ""))
        elif m.kind == "失信" and m.not_applicable_reason:
            events.append(E(m.started_on, "credit_not", debtor=name, reason=_strip(m.not_applicable_reason)))
        elif m.kind == "失信":
            events.append(E(m.started_on, "credit", debtor=name, document=m.document_number or ""))
        elif m.kind in ("查封", "扣押", "冻结"):
            events.append(E(m.started_on, "seal_measure", kind=m.kind, debtor=name,
                            description=desc or (m.asset_kind or "财产"), document=_doc(m.document_number)))
        elif m.kind in ("罚款", "拘留", "移送拒执罪", "拘传", "传唤"):
            amount = f"人民币{format_yuan(m.amount_fen)}元" if m.kind == "罚款" and m.amount_fen else ""
            events.append(E(m.started_on, "sanction", debtor=name, kind=m.kind, amount=amount,
                            document=_doc(m.document_number), description=f"，{desc}" if desc else ""))
        elif m.kind == "查找":
            events.append(E(m.started_on, "search", debtor=name, description=desc or "未能查明其下落"))
        else:
            events.append(E(m.started_on, "other_measure", debtor=name, kind=m.kind,
                            description=f"，{desc}" if desc else ""))
    for p in session.scalars(select(Payment).where(Payment.case_id == case.id, Payment.kind == "到账")):
        if p.paid_on <= ruling_date:
            events.append(E(p.paid_on, "payment", amount=format_yuan(p.amount_fen),
                            route=f"（{p.route}）" if p.route else ""))
    return merge_debtors(events)


def merge_debtors(events: list[ruling_doc.Event]) -> list[ruling_doc.Event]:
    """One sentence for the same measure on the same day against several debtors ("对被执行人甲、乙…")."""
    merged: dict[tuple, list[str]] = {}
    order: list[tuple] = []
    for e in events:
        fields = dict(e.fields)
        debtor = fields.pop("debtor", None)
        key = (e.on, e.kind, tuple(sorted(fields.items())))
        if key not in merged:
            merged[key] = []
            order.append(key)
        if debtor and debtor not in merged[key]:
            merged[key].append(debtor)
    out = []
    for on, kind, fields in order:
        names = merged[(on, kind, fields)]
        extra = {"debtor": "、".join(names)} if names else {}
        out.append(ruling_doc.Event(on=on, kind=kind, fields=tuple(sorted((*fields, *extra.items())))))
    return out


def current_route(case: Case) -> approval_rules.Route:
    return approval_rules.route(case.court.approval_route if case.court else None)


def approval_facts(session: Session, case_id: str, subject: str = RULING_SUBJECT) -> list[approval_rules.ApprovalFact]:
    rows = session.scalars(select(Approval).where(Approval.case_id == case_id, Approval.subject == subject)
                           .order_by(Approval.decided_at))
    return [approval_rules.ApprovalFact(step=a.step, approver_id=a.approver_id, approver_name=a.approver_name,
                                        decision=a.decision, draft_sha256=a.draft_sha256, decided_at=a.decided_at,
                                        opinion=a.opinion)
            for a in rows]


def _panel(session: Session, case: Case, nodes: dict[str, list] | None = None) -> list[str]:
    """The 合议庭 recorded with the latest approving 合议庭 step (node N23 linked to the approval)."""
    n23 = nodes["N23"] if nodes is not None else live_nodes(session, case.id, "N23")
    for n in reversed(n23):
        if n.linked_entity != "approval" or not n.linked_id:
            continue
        a = session.get(Approval, n.linked_id)
        if a is not None and a.decision == approval_rules.APPROVE:
            return list((n.data or {}).get("panel") or [])
    return []


def signers(session: Session, case: Case, *, strict: bool,
            nodes: dict[str, list] | None = None) -> list[approval_rules.SignerLine]:
    rt = current_route(case)
    handler = case.handler
    try:
        return approval_rules.signer_block(rt, panel=_panel(session, case, nodes),
                                           handler_name=handler.display_name if handler else None,
                                           handler_title=handler.title if handler else None)
    except ValidationError:
        if strict:
            raise
        presiding, member, size = approval_rules.panel_titles()
        if rt.signers == "panel":  # a draft before the 合议: the 2009 template's placeholders
            return [approval_rules.SignerLine(presiding, PLACEHOLDER)] + [
                approval_rules.SignerLine(member, PLACEHOLDER) for _ in range(size - 1)]
        return [approval_rules.SignerLine("审判员", PLACEHOLDER)]


def ruling_data(session: Session, case: Case, ruling_date: date, *, strict_signers: bool = False) -> ruling_doc.RulingData:
    party_rows = list(session.scalars(select(Party).where(Party.case_id == case.id).order_by(Party.seq)))
    parties = {p.id: p for p in party_rows}
    nodes = _doc_nodes(session, case.id)
    interview = None
    done = [n for n in nodes["N22"]
            if node_date(n) and node_date(n) <= ruling_date and ((n.data or {}).get("agreed") or "").strip()]
    if done:
        n = max(done, key=node_date)
        interview = ruling_doc.InterviewData(on=node_date(n), method=(n.data or {}).get("method") or "面谈",
                                             agreed=n.data["agreed"])
    assets = []
    for a in session.scalars(select(FoundAsset).where(FoundAsset.case_id == case.id)):
        name = _debtor_name(parties, a.party_id, "、".join(p.name for p in party_rows if p.role == "被执行人"))
        reason = "；".join(x for x in (a.cannot_dispose_reason, a.not_executable_reason) if x) or None
        if not reason and zb_rules.small_balance_exempt(
                zb_rules.AssetFacts(asset_id=a.id, kind=a.kind, asset_class=records.asset_classes().get(a.kind, a.kind),
                                    description=a.description, value_fen=a.value_fen), case.amount_claimed_fen):
            reason = "系小额余额，不具处置价值"
        assets.append(ruling_doc.AssetData(debtor=name, description=a.description, value_fen=a.value_fen,
                                           reason=reason, disposed=a.disposed))
    basis = case.basis
    clerk = case.clerk.display_name if case.clerk else PLACEHOLDER
    return ruling_doc.RulingData(
        court_name=case.court.name, case_number=case.case_number, ruling_date=ruling_date, cause=case.cause,
        filed_on=case.filed_on, amount_claimed_fen=case.amount_claimed_fen,
        realised_fen=realised_fen(session, case.id),
        parties=tuple(ruling_doc.PartyData(role=p.role, kind=p.kind, name=p.name, id_number=p.id_number, sex=p.sex,
                                           birth_date=p.birth_date, ethnicity=p.ethnicity, address=p.address,
                                           phone=p.phone, legal_rep=p.legal_rep, legal_rep_title=p.legal_rep_title)
                      for p in party_rows),
        basis_issuing_body=basis.issuing_body if basis else "本院",
        basis_document_type=basis.document_type if basis else "生效法律文书",
        basis_document_number=basis.document_number if basis else "",
        basis_content=basis.content if basis else None, applied_on=basis.applied_on if basis else None,
        events=tuple(ruling_events(session, case, ruling_date, parties, nodes)), assets=tuple(assets),
        interview=interview, applicant_requested=case.applicant_requested_zhongben,
        signers=tuple(signers(session, case, strict=strict_signers, nodes=nodes)), clerk_name=clerk)


def ruling_text(session: Session, case: Case, ruling_date: date, *, strict_signers: bool = False) -> ruling_doc.RulingText:
    return ruling_doc.compose(ruling_data(session, case, ruling_date, strict_signers=strict_signers))


# ---------------------------------------------------------------- draft and issue


@dataclass(frozen=True)
class RulingDraft:
    pdf: bytes
    text: ruling_doc.RulingText
    content_sha256: str
    pending: list[str]  # approval steps still needed for this draft
    unmet: list[str]  # 终本 conditions not met (empty when ready)


def _ruling_date(value, today: date) -> date:
    return parse_date(value, "裁定日期") if value else today


def pending_steps(session: Session, case: Case, content_sha: str) -> list[str]:
    rt = current_route(case)
    return [s.name for s in approval_rules.pending_steps(rt, approval_facts(session, case.id), content_sha)]


def draft_ruling(store: Store, case_id: str, *, ruling_date=None, public: bool = False,
                 today: date | None = None) -> RulingDraft:
    """A 草稿 for reading and approval: marked as a draft, never stored as issued."""
    today = today or date.today()
    when = _ruling_date(ruling_date, today)
    with store.read() as session:
        case = get_case(session, case_id)
        readiness = evaluate_case(session, case, when)
        text = ruling_text(session, case, when)
        sha = text.content_sha256()
        pending = pending_steps(session, case, sha)
    shown = public_copy(text) if public else text
    return RulingDraft(pdf=ruling_doc.render(shown, draft=True), text=shown, content_sha256=sha, pending=pending,
                       unmet=zb_rules.describe_unmet(readiness))


@dataclass(frozen=True)
class Issued:
    original_id: str
    public_id: str
    version_no: int
    sha256: str  # of the original PDF
    public_sha256: str
    content_sha256: str
    original: bytes
    public: bytes


def _next_version(session: Session, case_id: str | None, kind: str) -> int:
    current = session.scalar(select(func.max(IssuedDocument.version_no))
                             .where(IssuedDocument.case_id == case_id, IssuedDocument.kind == kind))
    return (current or 0) + 1


def store_issued(session: Session, actor: Actor, *, case_id: str | None, kind: str, pdf: bytes, document_date: date,
                 meta: dict) -> IssuedDocument:
    """Insert one immutable issued version and audit it (who issued which version with which hash)."""
    doc = IssuedDocument(case_id=case_id, kind=kind, version_no=_next_version(session, case_id, kind),
                         document_date=document_date, sha256=hashlib.sha256(pdf).hexdigest(), content=pdf,
                         issued_by=actor.username, issued_at=datetime.now(UTC), meta=meta)
    session.add(doc)
    session.flush()
    audit_only(session, actor, "出具", "issued_document", doc.id, case_id,
               {"kind": kind, "version_no": doc.version_no, "sha256": doc.sha256, "bytes": len(pdf), **meta})
    return doc


def approved_ruling_date(session: Session, case: Case, today: date) -> date:
    """The ruling date the approvers signed: the date whose draft matches the latest approvals."""
    facts = approval_facts(session, case.id)
    # Timestamps are stored in UTC (SQLite hands them back naive); the ruling date is a local calendar day, and a
    # draft may be dated a day either side of the signing: try those days, newest first, then today.
    days: set[date] = {today}
    for f in facts:
        local = (f.decided_at if f.decided_at.tzinfo else f.decided_at.replace(tzinfo=UTC)).astimezone().date()
        days |= {local - timedelta(days=1), local, local + timedelta(days=1)}
    candidates = sorted(days, reverse=True)
    rt = current_route(case)
    for d in candidates:
        sha = ruling_text(session, case, d).content_sha256()
        if not approval_rules.pending_steps(rt, facts, sha):
            return d
    return today


def issue_ruling(store: Store, actor: Actor, case_id: str, *, ruling_date=None, today: date | None = None) -> Issued:
    """Issue the ruling and its 公开版 as a new immutable version. Refuses when the case is not ready or
    when any approval step of the court's route has not approved exactly this draft."""
    today = today or date.today()
    with store.transaction() as session:
        case = get_case(session, case_id)
        when = parse_date(ruling_date, "裁定日期") if ruling_date else approved_ruling_date(session, case, today)
        readiness = evaluate_case(session, case, when)
        if not readiness.ready:
            raise NotReadyError(zb_rules.describe_unmet(readiness))
        text = ruling_text(session, case, when)
        sha = text.content_sha256()
        pending = pending_steps(session, case, sha)
        if pending:
            raise ApprovalMissingError(pending)
        text = ruling_text(session, case, when, strict_signers=True)
        original = ruling_doc.render(text)
        public = ruling_doc.render(public_copy(text))
        meta = {"ruling_date": when.isoformat(), "content_sha256": sha, "route": current_route(case).name}
        doc = store_issued(session, actor, case_id=case.id, kind=RULING, pdf=original, document_date=when, meta=meta)
        pub = store_issued(session, actor, case_id=case.id, kind=RULING_PUBLIC, pdf=public, document_date=when,
                           meta={**meta, "original_id": doc.id})
        derived.refresh_case(session, case, today=today)
        return Issued(original_id=doc.id, public_id=pub.id, version_no=doc.version_no, sha256=doc.sha256,
                      public_sha256=pub.sha256, content_sha256=sha, original=original, public=public)


def latest_issued(store: Store, case_id: str | None, kind: str) -> IssuedDocument | None:
    with store.read() as session:
        return session.scalar(select(IssuedDocument).where(IssuedDocument.case_id == case_id,
                                                           IssuedDocument.kind == kind)
                              .order_by(IssuedDocument.version_no.desc()).limit(1))


def issued_versions(store: Store, case_id: str | None, kind: str) -> list[IssuedDocument]:
    with store.read() as session:
        return list(session.scalars(select(IssuedDocument).where(IssuedDocument.case_id == case_id,
                                                                 IssuedDocument.kind == kind)
                                    .order_by(IssuedDocument.version_no)))


def verify_issued(doc: IssuedDocument) -> bool:
    """The stored bytes still hash to the stored SHA-256."""
    return hashlib.sha256(doc.content).hexdigest() == doc.sha256


@dataclass(frozen=True)
class RulingOutput:
    """What ``execdesk ruling`` hands out: an issued version (new or the current one) or a marked draft."""

    pdf: bytes
    state: str  # 草稿 / 新出具 / 已出具
    version_no: int | None
    sha256: str
    ruling_date: date
    pending: list[str]


def produce_ruling(store: Store, actor: Actor, case_id: str, *, ruling_date=None, public: bool = False,
                   draft: bool = False, reissue: bool = False, today: date | None = None) -> RulingOutput:
    """The ruling to hand out. Not ready → NotReadyError (each unmet condition). Approvals pending (or
    ``draft``) → a 草稿 marked as such, never stored. Approved → the issued version whose content is current,
    issuing a new version only when none exists, the content changed, or ``reissue`` is asked for."""
    today = today or date.today()
    with store.read() as session:
        case = get_case(session, case_id)
        when = parse_date(ruling_date, "裁定日期") if ruling_date else approved_ruling_date(session, case, today)
        readiness = evaluate_case(session, case, when)
        if not readiness.ready:
            raise NotReadyError(zb_rules.describe_unmet(readiness))
        sha = ruling_text(session, case, when).content_sha256()
        pending = pending_steps(session, case, sha)
    if draft or pending:
        d = draft_ruling(store, case_id, ruling_date=when, public=public, today=today)
        return RulingOutput(pdf=d.pdf, state="草稿", version_no=None, sha256=hashlib.sha256(d.pdf).hexdigest(),
                            ruling_date=when, pending=pending)
    kind = RULING_PUBLIC if public else RULING
    current = latest_issued(store, case_id, kind)
    if current is not None and not reissue and current.meta.get("content_sha256") == sha:
        return RulingOutput(pdf=current.content, state="已出具", version_no=current.version_no, sha256=current.sha256,
                            ruling_date=when, pending=[])
    issued = issue_ruling(store, actor, case_id, ruling_date=when, today=today)
    pdf, digest = (issued.public, issued.public_sha256) if public else (issued.original, issued.sha256)
    return RulingOutput(pdf=pdf, state="新出具", version_no=issued.version_no, sha256=digest, ruling_date=when,
                        pending=[])
