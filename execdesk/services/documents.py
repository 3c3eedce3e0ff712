"""Draft and issue the court's documents. Issued PDFs are immutable rows of ``issued_documents`` with their
SHA-256 and a version number per (case, kind); re-issuing inserts a new version; the audit log records who
issued what. A ruling is issued only when the case is ready (终本 conditions) and every step of the court's
approval route has approved exactly this draft (its content SHA-256).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, bindparam, event, func, select
from sqlalchemy.orm import Session, aliased

from execdesk.documents import ruling as ruling_doc
from execdesk.documents.public import public_copy
from execdesk.models import (
    Approval,
    Case,
    Court,
    ExecutionBasis,
    FoundAsset,
    IssuedDocument,
    Measure,
    Node,
    Party,
    Payment,
    PropertyInquiry,
    PropertyLead,
    User,
)
from execdesk.models.database import Store
from execdesk.rules import approval as approval_rules
from execdesk.rules import panel as panel_rules
from execdesk.rules import zhongben as zb_rules
from execdesk.rules.dates import chinese_date, parse_date
from execdesk.rules.errors import ValidationError
from execdesk.rules.money import format_yuan
from execdesk.services import derived, records
from execdesk.services.cases import get_case
from execdesk.services.changes import audit_only
from execdesk.services.context import Actor
from execdesk.services.zhongben import evaluate_case

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


# Who may sit on the 合议庭 is checked when the panel is recorded (node N23 with its panel, written by the 合议
# step of the approval route, an import or a correction): a panel the ruling could not lawfully be signed by is
# refused there, with the reason (rules.panel; 法院组织法 art 30), not found out when issuing.
@event.listens_for(Node, "before_insert")
def _check_recorded_panel(_mapper, connection, target) -> None:
    names = list((target.data or {}).get("panel") or []) if target.code == "N23" else []
    if names:
        court_id = connection.execute(select(Case.court_id).where(Case.id == target.case_id)).scalar()
        rows = connection.execute(_stmt("members"), {"names": names}).all()
        known = {r[0] for r in rows}
        if all(n in known for n in names):
            panel_rules.panel_signers(_members_of(rows, court_id, names))
        else:  # a panel from elsewhere (an import) naming people with no account here: check those we know
            panel_rules.check_known_members([m for m in _members_of(rows, court_id, names) if m.name in known],
                                            presiding=names[0])


# ---------------------------------------------------------------- gathering the ruling's data
#
# Facts come from the business records (FoundAsset, Measure, Payment, PropertyInquiry, PropertyLead) and the few
# nodes that are the record of a step (N04 通知, N08 核查, N22 约谈, N23 合议, N24 作出). Everything is read with
# plain column selects (no ORM objects, no lazy loads): the ruling's gathering used to cost more than its layout.


def _strip(text: str | None) -> str:
    return (text or "").strip().rstrip("。；;，,")


def _doc(number: str | None) -> str:
    """A document number after a measure: "，文号为（2026）鲁0102执100号之三" (no nested brackets)."""
    return f"，文号为{number}" if number else ""


def _debtor_name(parties: dict, party_id: str | None, all_debtors: str) -> str:
    p = parties.get(party_id) if party_id else None
    return p.name if p else all_debtors


_DOC_NODES = ("N04", "N08", "N12", "N13", "N22", "N23", "N24")


@functools.cache
def _stmt(name: str):
    """The gathering's statements, built once per process with bound parameters (case_id, day, …) and run on the
    session's connection as plain Core selects: building an ORM select per call cost more than the query."""
    case_id: BindParameter[str] = bindparam("case_id")
    day: BindParameter[date] = bindparam("day")
    if name == "nodes":
        return (select(Node.code, Node.ended_on, Node.started_on, Node.description, Node.data, Node.linked_entity,
                       Node.linked_id)
                .where(Node.case_id == case_id, Node.status == "已完成", Node.code.in_(_DOC_NODES)).order_by(Node.seq))
    if name == "inquiries":
        return (select(PropertyInquiry.party_id, PropertyInquiry.method, PropertyInquiry.scopes,
                       PropertyInquiry.queried_on, PropertyInquiry.result)
                .where(PropertyInquiry.case_id == case_id, PropertyInquiry.queried_on <= day)
                .order_by(PropertyInquiry.queried_on))
    if name == "leads":
        return (select(PropertyLead.given_on, PropertyLead.content, PropertyLead.verified_on, PropertyLead.result)
                .where(PropertyLead.case_id == case_id, PropertyLead.verified_on <= day))
    if name == "leads_given":
        return (select(func.count()).select_from(PropertyLead)
                .where(PropertyLead.case_id == case_id, PropertyLead.given_on >= bindparam("since"),
                       PropertyLead.given_on <= day))
    if name == "measures":
        return (select(Measure.id, Measure.party_id, Measure.kind, Measure.asset_kind, Measure.started_on,
                       Measure.document_number, Measure.amount_fen, Measure.description, Measure.not_applicable_reason)
                .where(Measure.case_id == case_id, Measure.started_on <= day).order_by(Measure.started_on))
    if name == "payments":
        return (select(Payment.paid_on, Payment.amount_fen, Payment.route)
                .where(Payment.case_id == case_id, Payment.kind == "到账", Payment.status == "有效",
                       Payment.paid_on <= day)
                .order_by(Payment.paid_on))
    if name == "parties":
        return select(*_party_columns()).where(Party.case_id == case_id).order_by(Party.seq)
    if name == "assets":
        return select(*_asset_columns()).where(FoundAsset.case_id == case_id)
    if name == "head":
        handler_u, clerk_u = aliased(User), aliased(User)
        return (select(Court.name, Court.approval_route, handler_u.display_name, handler_u.title, handler_u.role,
                       clerk_u.display_name, ExecutionBasis.issuing_body, ExecutionBasis.document_type,
                       ExecutionBasis.document_number, ExecutionBasis.content, ExecutionBasis.applied_on,
                       ExecutionBasis.effective_on)
                .select_from(Case).join(Court, Court.id == Case.court_id)
                .outerjoin(handler_u, handler_u.id == Case.handler_id).outerjoin(clerk_u, clerk_u.id == Case.clerk_id)
                .outerjoin(ExecutionBasis, ExecutionBasis.case_id == Case.id).where(Case.id == case_id))
    if name == "decision":
        return select(Approval.decision).where(Approval.id == bindparam("id"))
    if name == "members":
        return (select(User.display_name, User.title, User.role, User.court_id)
                .where(User.display_name.in_(bindparam("names", expanding=True)))
                .order_by(User.active.desc(), User.created_at))
    if name == "handler":
        return select(User.title, User.role, User.display_name).where(User.id == bindparam("id"))
    raise KeyError(name)


def _rows(session: Session, name: str, **params) -> Sequence[Any]:
    if session.autoflush:  # as an ORM query would: pending changes of the caller's transaction are seen
        session.flush()
    return session.connection().execute(_stmt(name), params).all()


@dataclass(frozen=True)
class NodeFact:
    code: str
    on: date | None
    description: str | None
    data: dict
    linked_entity: str | None
    linked_id: str | None
    started: date | None = None


def _on(n: NodeFact) -> date:
    """The date of a node kept for having one (the ``n.on and …`` filters)."""
    assert n.on is not None
    return n.on


def _doc_nodes(session: Session, case_id: str) -> dict[str, list[NodeFact]]:
    """The completed nodes the documents read, by code, oldest first (one column select)."""
    out: dict[str, list[NodeFact]] = {code: [] for code in _DOC_NODES}
    rows = _rows(session, "nodes", case_id=case_id)
    for code, ended, started, desc, data, entity, linked in rows:
        out[code].append(NodeFact(code, ended or started, desc, data or {}, entity, linked, started))
    return out


@dataclass(frozen=True)
class PartyFact:
    id: str
    role: str
    kind: str
    name: str


# FoundAsset's disposal columns: the lead's model (issue 11) has disposal_state (derived), cannot_dispose_reason (a
# value of the closed list) with not_executable_reason as its written detail, and measure_id; the older schema has
# disposed / not_executable_reason only. This is the one place that knows which (DOMAIN §1.4, 终本规定 art 4).
_DISPOSED_STATES = frozenset({"已处置", "已变价", "已以物抵债", "已划拨", "已拍卖成交", "已变卖", "已执行"})


def _asset_columns() -> list:
    cols = [FoundAsset.id, FoundAsset.party_id, FoundAsset.kind, FoundAsset.description, FoundAsset.value_fen,
            FoundAsset.not_executable_reason, FoundAsset.disposed]
    cols += [getattr(FoundAsset, c) for c in ("disposal_state", "cannot_dispose_reason", "measure_id")
             if hasattr(FoundAsset, c)]
    return cols


def asset_disposal(row) -> tuple[bool, str | None, str | None]:
    """(disposed, the lawful reason it cannot be disposed of as the ruling words it, linked seal/freeze measure id)
    of a FoundAsset row."""
    m = row._mapping
    state = m.get("disposal_state")
    disposed = bool(m["disposed"]) or (state is not None and str(state) in _DISPOSED_STATES)
    code = (m.get("cannot_dispose_reason") or "").strip()
    detail = (m["not_executable_reason"] or "").strip().rstrip("。")
    phrase = ruling_doc.templates()["asset_reasons"].get(code, code) if code else ""
    reason = f"{phrase}（{detail}）" if phrase and detail and detail not in phrase else (phrase or detail)
    return disposed, (reason or None), m.get("measure_id")


_SEALS = ("查封", "扣押", "冻结")
_SEAL_ASSET_KINDS = {"存款": ("存款", "银行存款", "资金"), "不动产": ("不动产", "房产", "土地"),
                     "动产": ("车辆", "动产", "机动车", "船舶")}


def _seal_for(asset_kind: str, party_id: str | None, seals: Sequence[Any]) -> Any | None:
    """The seal/freeze of a found asset when the record does not link it: the one seal of that debtor on that
    kind of property (存款 / 不动产 / 动产), if there is exactly one."""
    hits = [m for m in seals if m.party_id == party_id
            and any(asset_kind in kinds for group, kinds in _SEAL_ASSET_KINDS.items() if group == (m.asset_kind or ""))]
    return hits[0] if len(hits) == 1 else None


def _attempt_phrases(nodes: dict[str, list[NodeFact]], asset_id: str, ruling_date: date) -> list[str]:
    """The disposal steps recorded for this asset (评估, each 拍卖/变卖 round and its result), in date order."""
    out = []
    tpl = ruling_doc.templates()["disposal"]
    auctions = 0
    for n in sorted((n for code in ("N12", "N13") for n in nodes.get(code, ())
                     if (n.linked_id == asset_id or n.data.get("asset_id") == asset_id)
                     and n.on and n.on <= ruling_date), key=_on):
        d = n.data
        if n.code == "N12":
            # (The evaluated value is the asset's own value, printed with it; the node's money field is not re-read.)
            out.append(tpl["evaluated"].format(on=chinese_date(_on(n)))
                       + (f"，{_strip(n.description)}" if n.description else ""))
            continue
        method = (d.get("method") or "拍卖").strip()
        result = (d.get("result") or "").strip()
        raw = d.get("auction_on")
        when = parse_date(raw, "拍卖日期") if isinstance(raw, str) and raw else (raw if isinstance(raw, date) else _on(n))
        if method in ("网络司法拍卖", "委托拍卖", "拍卖"):
            auctions += 1
            rnd = str(d.get("round") or "").strip()
            out.append(tpl["auction"].format(on=chinese_date(when), round=rnd if rnd.isdigit() else auctions,
                                             method=method, result=tpl["results"].get(result, result)))
        else:
            key = f"{method}:{result}"
            out.append(tpl.get(key, tpl["other"]).format(on=chinese_date(when), method=method,
                                                         result=tpl["results"].get(result, result)))
    return out


def _leads_deadline(raw, interviewed_on: date) -> tuple[str | None, date | None]:
    """提供线索期限 as printed ("2026年11月20日前" / "15日内") and as a day, from a date or a number of days."""
    text = str(raw or "").strip()
    if not text:
        return None, None
    tpl = ruling_doc.templates()["body"]
    digits = text.rstrip("日天内").strip()
    if digits.isdigit():
        days = int(digits)
        return tpl["leads_within_days"].format(days=days), interviewed_on + timedelta(days=days)
    try:
        day = parse_date(text, "提供线索期限")
    except ValidationError:
        return text, None
    return tpl["leads_by_date"].format(deadline=chinese_date(day)), day


def ruling_events(session: Session, case: Case, ruling_date: date, parties: dict,
                  nodes: dict[str, list[NodeFact]] | None = None,
                  skip_measures: frozenset[str] = frozenset(), *, measures: Sequence[Any] | None = None,
                  payments: list | None = None) -> list[ruling_doc.Event]:
    """The 执行经过 from the case's own records up to the ruling date, each with its date and result (§2.3)."""
    E = ruling_doc.Event.of
    nodes = nodes if nodes is not None else _doc_nodes(session, case.id)
    debtors = "、".join(p.name for p in parties.values() if p.role == "被执行人")
    events: list[ruling_doc.Event] = []
    for n in [n for n in nodes["N04"] if n.on and n.on <= ruling_date][:1]:
        method = n.data.get("service_method")
        events.append(E(_on(n), "notice", debtors=debtors, served=f"（{method}）" if method else ""))
    for n in nodes["N08"]:
        if n.on and n.on <= ruling_date:
            events.append(E(n.on, "report_check", status=str(n.data.get("report_status") or ""),
                            result=_strip(n.description)))
    network: dict[date, list] = {}
    inquiries = _rows(session, "inquiries", case_id=case.id, day=ruling_date)
    for party_id, method, scopes, queried_on, result in inquiries:
        name = _debtor_name(parties, party_id, debtors)
        result = _strip(result) or "未发现可供执行的财产"
        if method == "网络查控":
            network.setdefault(queried_on, []).append((name, list(scopes or ["存款"]), result))
        else:
            events.append(E(queried_on, "traditional", debtor=name, result=result))
    ev = ruling_doc.templates()["events"]
    for on, rows in network.items():  # one paragraph per network inquiry date, every debtor and scope in it
        names = list(dict.fromkeys(r[0] for r in rows))
        scopes = list(dict.fromkeys(s for r in rows for s in r[1]))
        results = list(dict.fromkeys(r[2] for r in rows))
        result = results[0] if len(results) == 1 else "；".join(
            ev["network_split"].format(debtor=name, result=res) for name, _, res in rows)
        events.append(E(on, "network", debtor="、".join(names), scopes="、".join(scopes), result=result))
    leads = _rows(session, "leads", case_id=case.id, day=ruling_date)
    for given_on, content, verified_on, result in leads:
        events.append(E(given_on, "lead", content=_strip(content), verified_on=chinese_date(verified_on),
                        result=_strip(result) or "核实完毕"))
    if measures is None:
        measures = _rows(session, "measures", case_id=case.id, day=ruling_date)
    if payments is None:
        payments = _payments(session, case.id, ruling_date)
    for m in measures:
        if m.id in skip_measures:
            continue  # told in the found asset's own paragraph
        name = _debtor_name(parties, m.party_id, debtors)
        desc = _strip(m.description)
        if m.kind == "限制消费":
            events.append(E(m.started_on, "limit", debtor=name, document=_doc(m.document_number)))
        elif m.kind == "失信" and m.not_applicable_reason:
            events.append(E(m.started_on, "credit_not", debtor=name, reason=_strip(m.not_applicable_reason)))
        elif m.kind == "失信":
            events.append(E(m.started_on, "credit", debtor=name, document=_doc(m.document_number)))
        elif m.kind in _SEALS:
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
    for paid_on, amount_fen, route in payments:
        events.append(E(paid_on, "payment", amount=format_yuan(amount_fen), route=_strip(route) or "到账"))
    return merge_debtors(events)


def _payments(session: Session, case_id: str, ruling_date: date) -> list[tuple[date, int, str | None]]:
    """执行款到账 up to the ruling date: the recovered money (发放 is paying it out, not recovering it)."""
    return [tuple(r) for r in _rows(session, "payments", case_id=case_id, day=ruling_date)]


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


def _panel(session: Session, case: Case, nodes: dict[str, list[NodeFact]] | None = None) -> list[str]:
    """The 合议庭 recorded with the latest approving 合议庭 step (node N23 linked to the approval)."""
    n23 = nodes["N23"] if nodes is not None else _doc_nodes(session, case.id)["N23"]
    for n in reversed(n23):
        if n.linked_entity != "approval" or not n.linked_id:
            continue
        decision = next(iter(_rows(session, "decision", id=n.linked_id)), (None,))[0]
        if decision == approval_rules.APPROVE:
            return list(n.data.get("panel") or [])
    return []


def _members(session: Session, court_id: str | None, names: list[str]) -> list[panel_rules.Member]:
    """Each panel member with their post (User.title) and role, by the name the 合议 recorded."""
    return _members_of(_rows(session, "members", names=list(names)) if names else [], court_id, names)


def _members_of(rows, court_id: str | None, names: list[str]) -> list[panel_rules.Member]:
    posts: dict[str, tuple[str | None, str | None]] = {}
    for name, title, role, court in rows:
        if name not in posts or (court == court_id and posts[name] == (None, None)):
            posts[name] = (title, role)
    return [panel_rules.Member(n, *posts.get(n, (None, None))) for n in names]


def panel_signers(session: Session, court_id: str, names: list[str]) -> list[approval_rules.SignerLine]:
    """The rule of who may sit on the 合议庭 and how each is titled (rules.panel), for the recorded names."""
    return panel_rules.panel_signers(_members(session, court_id, names))


def signers(session: Session, case: Case, *, strict: bool, nodes: dict[str, list[NodeFact]] | None = None,
            route_name: str | None = None, handler: panel_rules.Member | None = None) -> list[approval_rules.SignerLine]:
    """The signer block per the route (R9): the 合议庭 titled by each member's post, or the 承办人 alone."""
    if route_name is None:
        route_name = case.court.approval_route if case.court else None
    rt = approval_rules.route(route_name)
    if handler is None and case.handler_id:
        title, role, name = _rows(session, "handler", id=case.handler_id)[0]
        handler = panel_rules.Member(name, title, role)
    try:
        if rt.signers == "panel":
            return panel_signers(session, case.court_id, _panel(session, case, nodes))
        return panel_rules.single_signer(handler)
    except ValidationError:
        if strict:
            raise
        presiding, member, size = approval_rules.panel_titles()
        if rt.signers == "panel":  # a draft before the 合议: the 2009 template's placeholders
            return [approval_rules.SignerLine(presiding, PLACEHOLDER)] + [
                approval_rules.SignerLine(member, PLACEHOLDER) for _ in range(size - 1)]
        return [approval_rules.SignerLine("审判员", PLACEHOLDER)]


def _agent_affiliation(row) -> str | None:
    """An agent's firm and occupation: ``affiliation`` once the model has it; until then the 职务 field
    (legal_rep_title) of the 委托代理人's party row, e.g. 山东泉城律师事务所律师."""
    m = row._mapping
    return m.get("affiliation") or m["legal_rep_title"]


def _party_columns() -> list:
    cols = [Party.id, Party.role, Party.kind, Party.name, Party.id_number, Party.sex, Party.birth_date,
            Party.ethnicity, Party.address, Party.phone, Party.legal_rep, Party.legal_rep_title,
            Party.represents_party_id]
    return cols + ([Party.affiliation] if hasattr(Party, "affiliation") else [])


def ruling_data(session: Session, case: Case, ruling_date: date, *, strict_signers: bool = False) -> ruling_doc.RulingData:
    party_rows = _rows(session, "parties", case_id=case.id)
    parties = {p.id: PartyFact(p.id, p.role, p.kind, p.name) for p in party_rows}
    all_debtors = "、".join(p.name for p in parties.values() if p.role == "被执行人")
    nodes = _doc_nodes(session, case.id)
    head = _rows(session, "head", case_id=case.id)[0]
    (court_name, route_name, h_name, h_title, h_role, clerk_name, issuing_body, doc_type, doc_number, content,
     applied_on, effective_on) = head
    interview = None
    done = [n for n in nodes["N22"] if n.on and n.on <= ruling_date and (n.data.get("agreed") or "").strip()]
    if done:
        n = max(done, key=_on)
        printed, until = _leads_deadline(n.data.get("leads_deadline"), _on(n))
        given = _rows(session, "leads_given", case_id=case.id, since=n.on,
                      day=min(until or ruling_date, ruling_date))[0][0]
        interview = ruling_doc.InterviewData(on=_on(n), method=n.data.get("method") or "面谈", agreed=n.data["agreed"],
                                             place=(n.data.get("place") or "").strip() or None,
                                             leads_deadline=printed, leads_given=bool(given))
    measures = _rows(session, "measures", case_id=case.id, day=ruling_date)
    payments = _payments(session, case.id, ruling_date)
    seals = [m for m in measures if m.kind in _SEALS]
    by_id = {m.id: m for m in seals}
    assets, told = [], set()
    for a in _rows(session, "assets", case_id=case.id):
        disposed, reason, measure_id = asset_disposal(a)
        if not disposed and not reason and zb_rules.small_balance_exempt(
                zb_rules.AssetFacts(asset_id=a.id, kind=a.kind, asset_class=records.asset_classes().get(a.kind, a.kind),
                                    description=a.description, value_fen=a.value_fen), case.amount_claimed_fen):
            reason = ruling_doc.templates()["body"]["asset_small"]
        seal = by_id.get(measure_id) if measure_id else _seal_for(a.kind, a.party_id, seals)
        if seal is not None:
            told.add(seal.id)
        assets.append(ruling_doc.AssetData(
            debtor=_debtor_name(parties, a.party_id, all_debtors), description=a.description, value_fen=a.value_fen,
            reason=reason, disposed=disposed,
            seal=ruling_doc.SealData(seal.kind, seal.started_on, seal.document_number) if seal else None,
            attempts=tuple(_attempt_phrases(nodes, a.id, ruling_date))))
    realised = sum(amount for _, amount, _ in payments)
    return ruling_doc.RulingData(
        court_name=court_name, case_number=case.case_number, ruling_date=ruling_date, cause=case.cause,
        filed_on=case.filed_on, amount_claimed_fen=case.amount_claimed_fen, realised_fen=realised,
        parties=tuple(ruling_doc.PartyData(role=p.role, kind=p.kind, name=p.name, id_number=p.id_number, sex=p.sex,
                                           birth_date=p.birth_date, ethnicity=p.ethnicity, address=p.address,
                                           phone=p.phone, legal_rep=p.legal_rep, legal_rep_title=p.legal_rep_title,
                                           key=p.id, represents=p.represents_party_id,
                                           affiliation=_agent_affiliation(p) if p.role == "委托代理人" else None)
                      for p in party_rows),
        basis_issuing_body=issuing_body or "本院", basis_document_type=doc_type or "生效法律文书",
        basis_document_number=doc_number or "", basis_content=content, applied_on=applied_on,
        basis_effective_on=effective_on,
        events=tuple(ruling_events(session, case, ruling_date, parties, nodes, frozenset(told), measures=measures,
                                   payments=payments)),
        assets=tuple(assets), interview=interview, applicant_requested=case.applicant_requested_zhongben,
        signers=tuple(signers(session, case, strict=strict_signers, nodes=nodes, route_name=route_name,
                              handler=panel_rules.Member(h_name, h_title, h_role) if h_name else None)),
        clerk_name=clerk_name or PLACEHOLDER)


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
    # Marked 草稿（未经审批） only while it is one: once every step approved this text, the preview is the ruling
    # as it will be issued (issue 17 item 8).
    return RulingDraft(pdf=ruling_doc.render(shown, draft=bool(pending or zb_rules.describe_unmet(readiness))),
                       text=shown, content_sha256=sha, pending=pending,
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
    """The ruling date the approvers signed: the date whose draft matches the latest approvals. The 合议 step
    records the ruling date it approved (node N23); that date is tried first, then the days around each
    decision (stored in UTC, the ruling date is a local calendar day), newest first, then today."""
    facts = approval_facts(session, case.id)
    rt = current_route(case)
    days: list[date] = []
    for n in reversed(_doc_nodes(session, case.id)["N23"]):
        raw = n.data.get("ruling_date")
        if raw and n.linked_entity == "approval":
            try:
                days.append(parse_date(raw, "裁定日期"))
            except ValidationError:
                continue
    around: set[date] = set()
    for f in facts:
        local = (f.decided_at if f.decided_at.tzinfo else f.decided_at.replace(tzinfo=UTC)).astimezone().date()
        around |= {local - timedelta(days=1), local, local + timedelta(days=1)}
    for d in [*days, *sorted(around, reverse=True), today]:
        if facts and not approval_rules.pending_steps(rt, facts, ruling_text(session, case, d).content_sha256()):
            return d
    return today


ZHONGBEN_CLOSURE = "终结本次执行程序"


def default_ruling_date(session: Session, case: Case, today: date) -> date:
    """What ``execdesk ruling`` uses without --date (its --help): the approved ruling date; for a 终本 case that
    was closed without a stored ruling (imported, or the demo's closed cases), the day its ruling was made —
    node N24 (作出/送达), else the 合议 N23 — so the ruling lists only what happened before it; else today."""
    if case.status == "已结" and (case.closure_method in (None, ZHONGBEN_CLOSURE)):
        stored = session.scalar(select(func.count()).select_from(IssuedDocument)
                                .where(IssuedDocument.case_id == case.id, IssuedDocument.kind == RULING))
        if not stored and not approval_facts(session, case.id):
            nodes = _doc_nodes(session, case.id)
            for code in ("N24", "N23"):
                dated = [n.started or n.on for n in nodes[code] if n.on]  # N24 starts on the day it is made
                if dated:
                    return dated[-1] if code == "N23" else dated[0]
    return approved_ruling_date(session, case, today)


def ruling_date_for(store: Store, case_id: str, ruling_date=None, *, today: date | None = None) -> date:
    """The ruling date a command means: the one given, else ``default_ruling_date``."""
    today = today or date.today()
    if ruling_date:
        return parse_date(ruling_date, "裁定日期")
    with store.read() as session:
        return default_ruling_date(session, get_case(session, case_id), today)


def issue_ruling(store: Store, actor: Actor, case_id: str, *, ruling_date=None, today: date | None = None) -> Issued:
    """Issue the ruling and its 公开版 as a new immutable version. Refuses when the case is not ready or
    when any approval step of the court's route has not approved exactly this draft."""
    today = today or date.today()
    with store.transaction() as session:
        case = get_case(session, case_id)
        when = parse_date(ruling_date, "裁定日期") if ruling_date else default_ruling_date(session, case, today)
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
        when = parse_date(ruling_date, "裁定日期") if ruling_date else default_ruling_date(session, case, today)
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
