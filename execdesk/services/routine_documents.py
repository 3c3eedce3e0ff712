"""The routine enforcement documents (issue 16): fill a template from the case, draft, approve, issue.

Field values come from the case through read-only queries (one read session per draft). Drafting never
writes. Approval, where the template names a route (resources/rules/document_routes.toml), is recorded as an
``approvals`` row with the SHA-256 of the draft's content, confirmed by the approver's own password, exactly
as for the 终本 ruling (rules/approval.py: who may sign, in route order, a 承办人 never approves their own
case). Issuing stores an immutable ``issued_documents`` row through ``services.documents.store_issued`` (same
versioning and audit as the ruling); the meta records the template, the document number, the subject (a
measure or an issued document) and the content hash, so the same document is handed out again unchanged.

Numbering (之一/之二): a 限制消费令, 失信 decision or 裁定书 gets the case's next sub-number — one more than
the highest 之N among the case's issued documents and the document numbers recorded on its measures; a
re-issue of the same document keeps its number. No schema change: the sequence is read from those rows inside
the issuing transaction.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

import cn2an
from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.documents import ruling as ruling_doc
from execdesk.documents import templated
from execdesk.models import Approval, Case, Extension, IssuedDocument, Measure, Node, Party, PropertyInquiry
from execdesk.models.database import Store
from execdesk.resources import load_toml, resource_path
from execdesk.rules import approval as approval_rules
from execdesk.rules.citations import citation
from execdesk.rules.dates import chinese_date, chinese_document_date, parse_date
from execdesk.rules.errors import ValidationError
from execdesk.rules.money import format_yuan, rmb_uppercase
from execdesk.rules.periods import add_months
from execdesk.services import pipeline
from execdesk.services.accounts import authenticate
from execdesk.services.cases import find_case_id, get_case
from execdesk.services.changes import record_change
from execdesk.services.context import Actor
from execdesk.services.documents import (
    RULING,
    RULING_SUBJECT,
    approval_facts,
    current_route,
    store_issued,
    verify_issued,
)
from execdesk.services.zhongben import evaluate_case, live_nodes, node_date, realised_fen

# slug → kind, in the order the UI lists them (the templates say the kind; this only orders and names files).
SLUGS = ("notice", "report_order", "limit_consumption", "limit_release", "credit_listing", "credit_removal",
         "seal_ruling", "seal_release", "seal_renewal", "assist_notice", "interview_record",
         "investigation_record", "service_receipt", "extension_form", "zhongben_form", "closure_notice",
         "restore_notice", "requery_notice")

# Fields a clerk types (the case does not hold them); anything else offered as an option is refused.
TYPED_FIELDS: dict[str, tuple[str, ...]] = {
    "解除限制消费令": ("release_reason",),
    "撤销纳入失信名单决定书": ("release_reason",),
    "解除查封冻结扣押裁定书": ("release_reason",),
    "纳入失信被执行人名单决定书": ("credit_ground",),
    "协助执行通知书": ("assist_body", "assist_action"),
    "送达回证": ("recipient", "recipient_address"),
    "结案通知书": ("recipient",),
    "恢复执行通知书": ("restore_reason", "recipient"),
    "约谈笔录": ("interview_place",),
    "终本后财产查询告知书": ("recipient",),
}

ASSIST_ACTIONS = ("措施", "解除", "续行")
SEAL_KINDS = ("查封", "扣押", "冻结")
_PLACEHOLDER = "　　　　"  # a blank to fill in by hand


class ApprovalPendingError(ValidationError):
    def __init__(self, kind: str, pending: list[str]):
        self.pending = pending
        super().__init__(f"{kind}尚未完成审批，不能出具：尚需" + "、".join(pending), "审批")


class NotIssuableError(ValidationError):
    def __init__(self, kind: str, missing: list[str]):
        self.missing = missing
        super().__init__(f"{kind}缺少必需的内容，不能出具：" + "；".join(missing), kind)


# ---------------------------------------------------------------- templates and court settings


def _info(slug: str) -> templated.Template:
    """The template of ``slug`` for naming and listing (kind, subject, route): the one in force, or — when a
    court's copy of it is broken — the shipped one. One broken copy must not hide the other kinds or the list
    (making that document still reports its error, and the start-up check names it)."""
    try:
        return templated.load_template(slug)
    except templated.TemplateError:
        shipped = resource_path("templates") / f"{slug}.toml"
        return templated.parse_template_file(shipped, slug=slug, source=f"{slug}.toml")


def slug_for(kind_or_slug: str) -> str:
    if kind_or_slug in SLUGS:
        return kind_or_slug
    for slug in SLUGS:
        if _info(slug).kind == kind_or_slug:
            return slug
    raise ValidationError(f"没有“{kind_or_slug}”这种文书（可选：{'、'.join(kind_names())}）", "文书种类")


def kind_names() -> list[str]:
    return [_info(s).kind for s in SLUGS]


def settings(user_dir: Path | None = None) -> dict:
    """resources/templates/settings.toml, overlaid key by key with the court's copy in the data folder
    (``user_dir``: another folder of court copies, as the self-test checks the real one)."""
    from execdesk.config import data_dir

    user = (user_dir if user_dir is not None else data_dir() / "templates") / "settings.toml"
    try:
        st = user.stat()
        key: tuple[str, int | None, int | None] = (str(user), st.st_mtime_ns, st.st_size)
    except OSError:
        key = (str(user), None, None)
    hit = _SETTINGS_CACHE.get(key)
    if hit is not None:
        return {k: dict(v) for k, v in hit.items()}
    base = {k: dict(v) for k, v in load_toml("templates", "settings.toml").items()}
    if key[1] is not None:
        try:
            extra = tomllib.loads(user.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValidationError(f"不是有效的TOML（{exc}）", "用户模板 templates/settings.toml") from None
        for section, values in extra.items():
            if isinstance(values, dict):
                base.setdefault(section, {}).update(values)
    _SETTINGS_CACHE[key] = base
    return {k: dict(v) for k, v in base.items()}


_SETTINGS_CACHE: dict[tuple, dict] = {}


def preset_for(case: Case, conf: dict | None = None) -> str | None:
    conf = conf or settings()
    province = case.court.province if case.court else None
    return conf.get("presets", {}).get(province or "")


def template(kind_or_slug: str, case: Case | None = None, conf: dict | None = None) -> templated.Template:
    return templated.load_template(slug_for(kind_or_slug), preset_for(case, conf) if case else None)


def check_templates(user_dir: Path | None = None) -> list[str]:
    """Start-up check of every template (shipped, presets, the court's copies in ``user_dir``, by default the
    data folder's templates/) and of the court settings; one Chinese line per problem naming the file and the
    field, never an exception: a broken court copy stops only its own document, never the program."""
    problems = templated.check_all_templates(user_dir)
    try:
        settings(user_dir)
    except ValidationError as exc:
        problems.append(str(exc))
    except Exception as exc:  # the shipped settings.toml itself unreadable: a broken install
        problems.append(f"文书设置templates/settings.toml无法读取（{type(exc).__name__}：{exc}）")
    return problems


def startup_check() -> list[str]:
    """check_templates() at start-up (the desktop's housekeeping worker, never the GUI thread): each problem
    logged; never raises — a bug in the check must not stop the backup and the deadline refresh after it."""
    import logging

    log = logging.getLogger(__name__)
    try:
        problems = check_templates()
    except Exception:
        log.exception("start-up template check failed")
        return []
    for line in problems:
        log.warning("文书模板检查未通过：%s", line)
    return problems


def document_route(tpl: templated.Template) -> approval_rules.Route | None:
    if not tpl.approval:
        return None
    spec = load_toml("rules", "document_routes.toml")["routes"][tpl.approval]
    steps = tuple(approval_rules.Step(code=s["code"], name=s["name"], roles=tuple(s["roles"]),
                                      self_allowed=bool(s.get("self_allowed", False))) for s in spec["steps"])
    return approval_rules.Route(name=tpl.approval, label=spec["label"], basis=spec["basis"],
                                signers=spec.get("signers", "handler"), steps=steps)


# ---------------------------------------------------------------- legal basis by date


def legal_basis(keys: Sequence[str], on: date) -> str:
    """Citations valid on ``on``, the articles of one instrument joined: 《A》第一条、第二条，《B》第三条."""
    groups: list[tuple[str, list[str]]] = []
    for key in keys:
        c = citation(key, on)
        if groups and groups[-1][0] == c.instrument:
            if c.article_text not in groups[-1][1]:
                groups[-1][1].append(c.article_text)
        else:
            groups.append((c.instrument, [c.article_text]))
    return "，".join(instrument + "、".join(arts) for instrument, arts in groups)


# ---------------------------------------------------------------- numbering (之一/之二)

_SUB = re.compile(r"之([〇零一二三四五六七八九十百]+)$")


def sub_number_of(number: str | None) -> int | None:
    m = _SUB.search(number or "")
    if not m:
        return None
    try:
        return int(cn2an.cn2an(m.group(1), "smart"))
    except ValueError:
        return None


def sub_number(case_number: str, n: int) -> str:
    return f"{case_number}之{cn2an.an2cn(n)}"


def _issued_rows(session: Session, case_id: str) -> list[IssuedDocument]:
    return list(session.scalars(select(IssuedDocument).where(IssuedDocument.case_id == case_id)
                                .order_by(IssuedDocument.issued_at)))


def _number_for(session: Session, case: Case, tpl: templated.Template, subject_key: str,
                measure: Measure | None) -> str:
    if tpl.numbering == "case":
        return case.case_number
    rows = _issued_rows(session, case.id)
    for d in rows:  # a re-issue keeps its number
        if d.kind == tpl.kind and (d.meta or {}).get("subject") == subject_key and d.meta.get("document_number"):
            return d.meta["document_number"]
    if measure is not None and measure.document_number and tpl.kind in (
            "限制消费令", "纳入失信被执行人名单决定书", "查封冻结扣押裁定书"):
        return measure.document_number  # the number the measure was recorded with
    used = [sub_number_of((d.meta or {}).get("document_number")) for d in rows]
    used += [sub_number_of(n) for n in session.scalars(select(Measure.document_number)
                                                       .where(Measure.case_id == case.id))]
    return sub_number(case.case_number, max([u for u in used if u] + [0]) + 1)


# ---------------------------------------------------------------- gathering the values


@dataclass
class _Gathered:
    values: dict
    subject_key: str
    measure: Measure | None = None
    meta: dict = field(default_factory=dict)  # what the issued row's meta records besides number and hash


def _parties(session: Session, case_id: str) -> list[Party]:
    pre = session.info.get("rd_prefetch")
    if pre is not None and case_id in pre["parties"]:
        return pre["parties"][case_id]
    return list(session.scalars(select(Party).where(Party.case_id == case_id).order_by(Party.seq)))


def _realised(session: Session, case_id: str) -> int:
    pre = session.info.get("rd_prefetch")
    if pre is not None and case_id in pre["realised"]:
        return pre["realised"][case_id]
    return realised_fen(session, case_id)


def _prefetch(session: Session, case_ids: Sequence[str]) -> None:
    """A batch reads its cases, their court/handler/clerk/执行依据, parties and money in three queries (the
    same values the per-case queries give; the identity map then serves ``session.get``)."""
    from sqlalchemy import func
    from sqlalchemy.orm import joinedload

    from execdesk.models import Payment

    ids = list(case_ids)
    # The identity map holds objects weakly: keep the loaded cases here so session.get finds them.
    pre: dict[str, Any] = {"parties": {cid: [] for cid in ids}, "realised": {cid: 0 for cid in ids}, "cases": []}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        pre["cases"] += list(session.scalars(select(Case).where(Case.id.in_(chunk))
                             .options(joinedload(Case.court), joinedload(Case.handler), joinedload(Case.clerk),
                                      joinedload(Case.basis))))
        for p in session.scalars(select(Party).where(Party.case_id.in_(chunk)).order_by(Party.case_id, Party.seq)):
            pre["parties"][p.case_id].append(p)
        for cid, total in session.execute(select(Payment.case_id, func.coalesce(func.sum(Payment.amount_fen), 0))
                                          .where(Payment.case_id.in_(chunk), Payment.kind == "到账")
                                          .group_by(Payment.case_id)):
            pre["realised"][cid] = int(total)
    session.info["rd_prefetch"] = pre


def _fingerprints(session: Session, case_ids: Sequence[str]) -> dict[str, int]:
    """The newest audit entry per case: every change to case data, every approval and every issue is audited in
    the same transaction, so an unchanged value means a document composed from the case is still current."""
    from sqlalchemy import func

    from execdesk.models import AuditEntry

    ids = list(case_ids)
    out = {cid: 0 for cid in ids}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for cid, top in session.execute(select(AuditEntry.case_id, func.max(AuditEntry.id))
                                        .where(AuditEntry.case_id.in_(chunk)).group_by(AuditEntry.case_id)):
            assert cid is not None  # case_id IN (…)
            out[cid] = top or 0
    return out


def _party_lines(parties: Sequence[Party]) -> list[dict]:
    data = tuple(ruling_doc.PartyData(role=p.role, kind=p.kind, name=p.name, id_number=p.id_number, sex=p.sex,
                                      birth_date=p.birth_date, ethnicity=p.ethnicity, address=p.address,
                                      phone=p.phone, legal_rep=p.legal_rep, legal_rep_title=p.legal_rep_title)
                 for p in parties)
    return [{"line": line} for line in ruling_doc.party_paragraphs(data, ruling_doc.templates()["party"])]


def _account_number(case: Case, conf: dict) -> str:
    acc = conf.get("account", {})
    if not acc.get("account_name"):
        return ""
    fmt = acc.get("case_number_format") or "{prefix}{year}{serial:06d}"
    digits = re.sub(r"\D", "", case.court_code or "")
    try:
        return fmt.format(prefix=acc.get("prefix", ""), year=case.year, serial=case.serial,
                          court_digits=digits, type_code=case.type_code)
    except (KeyError, ValueError, IndexError) as exc:
        raise ValidationError(f"case_number_format 无法使用（{exc}）", "用户模板 templates/settings.toml") from None


def _days_text(n: int) -> str:
    return cn2an.an2cn(int(n))


def common_values(session: Session, case: Case, when: date, conf: dict, parties: list[Party]) -> dict:
    applicants = [p for p in parties if p.role == "申请执行人"]
    debtors = [p for p in parties if p.role == "被执行人"]
    basis = case.basis
    realised = _realised(session, case.id)
    outstanding = max(case.amount_claimed_fen - realised, 0)
    acc = conf.get("account", {})
    number = _account_number(case, conf)
    court = conf.get("court", {})
    handler = case.handler
    content = (basis.content or "").strip().rstrip("。；;") if basis else ""
    return {
        "court_name": case.court.name if case.court else "",
        "court_short": "本院",
        "case_number": case.case_number,
        "document_number": case.case_number,
        "date_text": chinese_document_date(when),
        "document_date": chinese_date(when),
        "applicants": "、".join(p.name for p in applicants),
        "debtors": "、".join(p.name for p in debtors),
        "cause": case.cause,
        "filed_on": chinese_date(case.filed_on),
        "basis_issuing_body": basis.issuing_body if basis else "本院",
        "basis_document_type": basis.document_type if basis else "生效法律文书",
        "basis_document_number": basis.document_number if basis else "",
        "basis_effective_on": chinese_date(basis.effective_on) if basis and basis.effective_on else "",
        "obligation": content or (f"向申请执行人支付人民币{format_yuan(case.amount_claimed_fen)}元"
                                  if case.amount_claimed_fen else "履行生效法律文书确定的义务"),
        "money": case.amount_claimed_fen > 0,
        "amount_claimed": format_yuan(case.amount_claimed_fen),
        "amount_claimed_upper": rmb_uppercase(case.amount_claimed_fen),
        "realised": format_yuan(realised),
        "outstanding": format_yuan(outstanding),
        "outstanding_upper": rmb_uppercase(outstanding),
        "account_name": acc.get("account_name", ""),
        "account_bank": acc.get("bank", ""),
        "account_number": number,
        "has_account": bool(number and acc.get("bank")),
        "handler": handler.display_name if handler else _PLACEHOLDER,
        "handler_title": (handler.title or "审判员") if handler else "审判员",
        "clerk": case.clerk.display_name if case.clerk else _PLACEHOLDER,
        "court_address": court.get("address", ""),
        "court_phone": court.get("phone", ""),
        "legal_basis": "",
        "applicant_parties": _party_lines(applicants),
        "debtor_parties": _party_lines(debtors),
    }


def _measure(session: Session, case: Case, subject_id: str | None, kinds: Sequence[str], doc: str) -> Measure:
    if not subject_id:
        raise ValidationError(f"请选择{doc}所针对的措施（{'/'.join(kinds)}）", "措施")
    m = session.get(Measure, subject_id)
    if m is None or m.case_id != case.id:
        raise ValidationError("本案没有这项措施", "措施")
    if m.kind not in kinds:
        raise ValidationError(f"所选措施是“{m.kind}”，{doc}只能针对{'/'.join(kinds)}", "措施")
    return m


def _party_of(session: Session, m: Measure, parties: list[Party]) -> list[Party]:
    if m.party_id:
        return [p for p in parties if p.id == m.party_id]
    return [p for p in parties if p.role == "被执行人"]


def _approval_rows(facts: Sequence[approval_rules.ApprovalFact], rt: approval_rules.Route | None,
                   sha: str | None = None) -> list[dict]:
    """One row per step of the route: the latest decision on it (on this draft when ``sha`` is given)."""
    if rt is None:
        return []
    pool = [f for f in facts if sha is None or f.draft_sha256 == sha]
    latest = approval_rules.latest_decisions(pool)
    out = []
    for s in rt.steps:
        f = latest.get(s.code)
        out.append({"step": s.name, "approver": f.approver_name if f else "",
                    "decision": f.decision if f else "", "opinion": (f.opinion or "") if f else "",
                    "decided_on": chinese_date(_local_day(f.decided_at)) if f else ""})
    return out


def _local_day(at) -> date:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone().date()


def _seal_period(asset_kind: str | None) -> tuple[int | None, str]:
    months = load_toml("rules", "limits_national.toml")["seals"]["max_months"].get(asset_kind or "")
    if not months:
        return None, ""
    return months, f"{cn2an.an2cn(months // 12)}年" if months % 12 == 0 else f"{cn2an.an2cn(months)}个月"


def _dated(node: Node) -> date:
    """The date of a node kept for having one (the ``node_date(n)`` filters)."""
    on = node_date(node)
    assert on is not None
    return on


def _closure(session: Session, case: Case) -> tuple[date, str | None] | None:
    """(date, method) of the case's closure: the 结案 node N27 as recorded, else the case's own fields."""
    n27 = [n for n in live_nodes(session, case.id, "N27") if node_date(n)]
    if n27:
        return _dated(n27[-1]), (n27[-1].data or {}).get("method") or case.closure_method
    if case.status == "已结" and case.closed_on:
        return case.closed_on, case.closure_method
    return None


def _origin_doc(session: Session, case: Case, kind: str, subject_key: str) -> IssuedDocument | None:
    rows = [d for d in _issued_rows(session, case.id) if d.kind == kind and (d.meta or {}).get("subject") == subject_key]
    return rows[-1] if rows else None


def gather(session: Session, case: Case, tpl: templated.Template, when: date, *, subject_id: str | None,
           options: dict, conf: dict) -> _Gathered:
    """Every field of the template's kind, from the case's own rows (read-only) and the typed options."""
    parties = _parties(session, case.id)
    v = common_values(session, case, when, conf, parties)
    kind = tpl.kind
    subject_key = "case"
    measure: Measure | None = None
    extra_meta: dict = {}
    periods = conf.get("periods", {})
    if kind == "执行通知书":
        v["performance_days"] = _days_text(periods.get("performance_days", 3))
    elif kind == "报告财产令":
        days = int(periods.get("report_days", 5))
        v["report_days"] = _days_text(days)
        notices = [n for n in live_nodes(session, case.id, "N04") if (n.data or {}).get("served_on")]
        v["report_deadline"] = ""
        if notices:
            on = parse_date(notices[-1].data["served_on"], "送达日期")
            v["report_deadline"] = chinese_date(on + timedelta(days=days))
    elif kind in ("限制消费令", "解除限制消费令", "纳入失信被执行人名单决定书", "撤销纳入失信名单决定书"):
        mk = "限制消费" if "限制消费" in kind else "失信"
        measure = _measure(session, case, subject_id, (mk,), kind)
        who = _party_of(session, measure, parties)
        v["debtor"] = "、".join(p.name for p in who)
        v["debtor_party"] = _party_lines(who)
        if kind == "限制消费令":
            entity = [p for p in who if p.kind != "自然人"]
            v["debtor_is_entity"] = bool(entity)
            v["legal_rep"] = "、".join(p.legal_rep for p in entity if p.legal_rep) or _PLACEHOLDER
        elif kind == "纳入失信被执行人名单决定书":
            if measure.not_applicable_reason:
                raise ValidationError("该失信记录是“不符合纳入条件”的审查记录，不能据此作出纳入决定", "措施")
            v["credit_ground"] = (measure.description or "").strip().rstrip("。") or \
                "有履行能力而拒不履行生效法律文书确定的义务"
        else:
            original = "限制消费令" if mk == "限制消费" else "纳入失信被执行人名单决定书"
            origin = _origin_doc(session, case, original, f"measure:{measure.id}")
            v["original_number"] = measure.document_number or (origin.meta.get("document_number") if origin else "")
            v["original_date"] = chinese_date(measure.started_on)
            v["release_reason"] = ""
    elif kind in ("查封冻结扣押裁定书", "解除查封冻结扣押裁定书", "续行查封冻结扣押裁定书", "协助执行通知书"):
        measure = _measure(session, case, subject_id, SEAL_KINDS, kind)
        who = _party_of(session, measure, parties)
        v["debtor"] = "、".join(p.name for p in who)
        v["measure_kind"] = measure.kind
        v["asset_description"] = (measure.description or measure.asset_kind or "财产").strip().rstrip("。")
        v["asset_kind"] = measure.asset_kind or ""
        months, period = _seal_period(measure.asset_kind)
        expires = measure.expires_on or (add_months(measure.started_on, months) if months else None)
        v["period_text"] = period or _PLACEHOLDER
        v["started_on"] = chinese_date(measure.started_on)
        renewals = [d for d in _issued_rows(session, case.id) if d.kind == RENEWAL_KIND
                    and (d.meta or {}).get("subject") == f"measure:{measure.id}" and d.meta.get("renewed_from")]
        if renewals:  # the measure runs to its renewed expiry; the ruling's own period ended at the first one
            expires = date.fromisoformat(renewals[0].meta["renewed_from"])
        v["expires_on"] = chinese_date(expires) if expires else _PLACEHOLDER
        v["amount"] = format_yuan(measure.amount_fen) if measure.amount_fen else ""
        v["has_amount"] = bool(measure.amount_fen)
        ruling = _origin_doc(session, case, "查封冻结扣押裁定书", f"measure:{measure.id}")
        ruling_number = measure.document_number or (ruling.meta.get("document_number") if ruling else "")
        if kind in ("解除查封冻结扣押裁定书", "续行查封冻结扣押裁定书"):
            v["original_number"] = ruling_number or _PLACEHOLDER
            v["original_date"] = chinese_date(measure.started_on)
            v["release_reason"] = ""
        if kind == "续行查封冻结扣押裁定书":
            if measure.released_on:
                raise ValidationError(f"该{measure.kind}已于{chinese_date(measure.released_on)}解除，不能续行", "措施")
            old_expiry, new_expiry = _renewal_period(session, case, measure, when)
            if when > old_expiry:
                raise ValidationError(f"{measure.kind}已于{chinese_date(old_expiry)}届满，续行须在届满前办理；"
                                      f"届满后应重新{measure.kind}（民诉法解释第四百八十五条，R26）", "续行日期")
            v["original_expires_on"] = chinese_date(old_expiry)
            v["new_expires_on"] = chinese_date(new_expiry)
            v["expires_on"] = chinese_date(old_expiry)
            extra_meta = {"renewed_from": old_expiry.isoformat(), "renewed_to": new_expiry.isoformat()}
        if kind == "协助执行通知书":
            action = options.get("assist_action") or "措施"
            if action not in ASSIST_ACTIONS:
                raise ValidationError(f"应为{'、'.join(ASSIST_ACTIONS)}之一", "协助事项")
            v["is_release"] = action == "解除"
            v["is_renewal"] = action == "续行"
            v["assist_action"] = {"措施": measure.kind, "解除": f"解除{measure.kind}",
                                  "续行": f"续行{measure.kind}"}[action]
            v["assist_body"] = conf.get("assist_bodies", {}).get(measure.asset_kind or "", "") or _PLACEHOLDER
            v["ruling_number"] = ruling_number or _PLACEHOLDER
            if action == "续行":
                v["expires_on"] = chinese_date(_renewal_period(session, case, measure, when)[1])
            subject_key = f"measure:{measure.id}:{action}:{options.get('assist_body') or v['assist_body']}"
    elif kind == "约谈笔录":
        done = [n for n in live_nodes(session, case.id, "N22")]
        n = done[-1] if done else None
        data = (n.data or {}) if n else {}
        v["interview_on"] = chinese_date(_dated(n)) if n and node_date(n) else _PLACEHOLDER
        v["interview_method"] = data.get("method") or _PLACEHOLDER
        v["interview_place"] = data.get("place") or _PLACEHOLDER
        v["attendees"] = data.get("attendees") or _PLACEHOLDER
        v["agreed"] = data.get("agreed") or _PLACEHOLDER
    elif kind == "财产调查笔录":
        debtors = [p for p in parties if p.role == "被执行人"]
        if subject_id:
            debtors = [p for p in debtors if p.id == subject_id] or debtors
        v["debtor"] = "、".join(p.name for p in debtors)
        v["debtor_address"] = "；".join(p.address for p in debtors if p.address) or _PLACEHOLDER
        subject_key = f"party:{subject_id}" if subject_id else "case"
    elif kind == "送达回证":
        served = []
        if subject_id:
            d = session.get(IssuedDocument, subject_id)
            if d is None or d.case_id != case.id:
                raise ValidationError("本案没有这份已出具的文书", "送达文书")
            served.append(f"{d.kind}（{d.meta.get('document_number') or case.case_number}）")
            subject_key = f"document:{d.id}"
        else:
            kinds = {d.kind for d in _issued_rows(session, case.id)}
            served = [k for k in ("执行通知书", "报告财产令") if k in kinds] or ["执行通知书", "报告财产令"]
            served = ["、".join(served) + f"（{case.case_number}）"]
        v["served_documents"] = "；".join(served)
        debtors = [p for p in parties if p.role == "被执行人"]
        v["recipient"] = "、".join(p.name for p in debtors)
        v["recipient_address"] = "；".join(p.address for p in debtors if p.address) or _PLACEHOLDER
    elif kind == "延长执行期限审批表":
        ext = list(session.scalars(select(Extension).where(Extension.case_id == case.id)
                                   .order_by(Extension.applied_on)))
        e = ext[-1] if ext else None
        if subject_id:
            e = next((x for x in ext if x.id == subject_id), None)
            if e is None:
                raise ValidationError("本案没有这条延长执行期限记录", "延长记录")
        v["limit_due_on"] = chinese_date(case.limit_due_on) if case.limit_due_on else _PLACEHOLDER
        v["ext_reason"] = e.reason if e else _PLACEHOLDER
        v["ext_months"] = str(e.months) if e else _PLACEHOLDER
        v["applied_on"] = chinese_date(e.applied_on) if e else _PLACEHOLDER
        v["new_due_on"] = chinese_date(case.limit_due_on) if e and case.limit_due_on else _PLACEHOLDER
        subject_key = f"extension:{e.id}" if e else "case"
        rt = document_route(tpl)
        v["route_label"] = rt.label if rt else ""
        v["approvals"] = []  # filled after the content hash is known (see _with_approvals)
    elif kind == "终本审批表":
        rt = current_route(case)
        v["route_label"] = f"{rt.name}（{rt.label}）"
        facts = approval_facts(session, case.id, RULING_SUBJECT)
        from execdesk.services.documents import ruling_text  # the ruling's own content hash

        sha = ruling_text(session, case, when).content_sha256()
        v["approvals"] = _approval_rows(facts, rt, sha)
        readiness = evaluate_case(session, case, when)
        v["readiness"] = [{"item": i.title, "status": str(i.status), "detail": i.detail} for i in readiness.items]
        n22 = live_nodes(session, case.id, "N22")
        v["interview_summary"] = (f"{chinese_date(_dated(n22[-1]))}以{(n22[-1].data or {}).get('method') or '面谈'}"
                                  f"方式约谈，是否同意终本：{(n22[-1].data or {}).get('agreed') or '未记录'}"
                                  if n22 and node_date(n22[-1]) else "未约谈")
    elif kind == "结案通知书":
        closure = _closure(session, case)
        if closure is None:
            raise ValidationError("本案尚未结案（没有结案节点），不能出具结案通知书", "结案")
        v["closure_method"] = closure[1] or "结案"
        v["closed_on"] = chinese_date(closure[0])
        v["recipient"] = v["applicants"]
    elif kind == "恢复执行通知书":
        origin_case = session.get(Case, case.origin_case_id) if case.origin_case_id else None
        if origin_case is None:
            raise ValidationError("本案不是恢复执行案件（没有关联原案），不能出具恢复执行通知书", "原案号")
        v["origin_case_number"] = origin_case.case_number
        closure = _closure(session, origin_case)
        v["origin_closure"] = (f"于{chinese_date(closure[0])}以{closure[1] or '终结本次执行程序'}方式结案"
                               if closure else "已终结本次执行程序")
        v["restore_reason"] = "申请执行人申请恢复执行，经审查符合恢复执行的条件"
        v["recipient"] = "、".join(x for x in (v["applicants"], v["debtors"]) if x)
    elif kind == "终本后财产查询告知书":
        rows = [d for d in _issued_rows(session, case.id) if d.kind == RULING]
        zb_on = rows[-1].document_date if rows else case.closed_on
        if zb_on is None:
            raise ValidationError("本案尚未终结本次执行程序，无需终本后定期查询告知", "终本")
        q = session.scalars(select(PropertyInquiry).where(PropertyInquiry.case_id == case.id,
                                                          PropertyInquiry.method == "网络查控",
                                                          PropertyInquiry.queried_on > zb_on)
                            .order_by(PropertyInquiry.queried_on.desc())).first()
        if subject_id:
            q = session.get(PropertyInquiry, subject_id)
            if q is None or q.case_id != case.id:
                raise ValidationError("本案没有这次查询记录", "查询")
        if q is None:
            raise ValidationError(f"终本（{chinese_date(zb_on)}）后尚未记录网络查控，请先记录本次查询结果（R14）", "查询")
        v["zhongben_on"] = chinese_date(zb_on)
        v["query_on"] = chinese_date(q.queried_on)
        v["query_scopes"] = "、".join(q.scopes or []) or "存款、车辆、不动产、证券等"
        v["query_result"] = (q.result or "").strip().rstrip("。") or "未发现可供执行的财产"
        v["found_property"] = bool(q.found_property)
        nxt = add_months(q.queried_on, 6)
        v["next_query_on"] = chinese_date(nxt) if nxt <= add_months(zb_on, 60) else ""
        v["recipient"] = v["applicants"]
        subject_key = f"inquiry:{q.id}"
    if measure is not None and not subject_key.startswith("measure:"):
        subject_key = f"measure:{measure.id}"
    allowed = TYPED_FIELDS.get(kind, ())
    for name, value in options.items():
        if name not in allowed:
            raise ValidationError(f"{kind}没有可填写的“{name}”（可填写：{'、'.join(allowed) or '无'}）", "文书字段")
        if name == "assist_action":
            continue
        text = str(value or "").strip()
        if text:
            v[name] = text.rstrip("。") if name.endswith("reason") else text
    if kind in ("解除限制消费令", "撤销纳入失信名单决定书", "解除查封冻结扣押裁定书") and not v.get("release_reason"):
        v["release_reason"] = _PLACEHOLDER
    v["legal_basis"] = legal_basis(tpl.citations, when) if tpl.citations else ""
    v["document_number"] = _number_for(session, case, tpl, subject_key, measure)
    if tpl.numbering == "ruling":
        v["document_number"] = v.get("ruling_number") or case.case_number
    return _Gathered(values=v, subject_key=subject_key, measure=measure, meta=extra_meta)


# ---------------------------------------------------------------- draft, approve, issue


@dataclass(frozen=True)
class Draft:
    kind: str
    slug: str
    pdf: bytes
    text: templated.Composed
    content_sha256: str
    document_number: str
    document_date: date
    subject: str
    pending: list[str]  # approval steps still needed
    missing: list[str]  # required content still empty (cannot be issued yet)
    values: dict = field(repr=False, default_factory=dict)


def _compose(session: Session, case: Case, tpl: templated.Template, when: date, subject_id, options, conf):
    g = gather(session, case, tpl, when, subject_id=subject_id, options=options, conf=conf)
    composed = templated.compose(tpl, g.values)
    if tpl.kind == "延长执行期限审批表":  # the form shows the decisions on this very content
        rt = document_route(tpl)
        sha = composed.content_sha256()
        g.values["approvals"] = _approval_rows(_doc_facts(session, case.id, tpl.kind), rt, sha)
        return g, templated.compose(tpl, g.values), sha
    return g, composed, composed.content_sha256()


def _doc_facts(session: Session, case_id: str, kind: str) -> list[approval_rules.ApprovalFact]:
    return approval_facts(session, case_id, kind[:16])


def _pending(session: Session, case: Case, tpl: templated.Template, sha: str) -> list[str]:
    rt = document_route(tpl)
    if rt is None:
        return []
    facts = [f for f in _doc_facts(session, case.id, tpl.kind) if f.draft_sha256 == sha]
    return [s.name for s in approval_rules.pending_steps(rt, facts, sha)]


def _when(value, today: date) -> date:
    return parse_date(value, "文书日期") if value else today


def _load_case(session: Session, case_id: str) -> Case:
    """The case with its court, handler, clerk and 执行依据 in one query (a batch reads 100 of them)."""
    from sqlalchemy.orm import joinedload

    pre = session.info.get("rd_prefetch")
    if pre is not None and case_id in pre["parties"]:
        case = session.get(Case, case_id)  # from the identity map, relationships already loaded
    else:
        case = session.get(Case, case_id, options=[joinedload(Case.court), joinedload(Case.handler),
                                                    joinedload(Case.clerk), joinedload(Case.basis)])
    return case if case is not None else get_case(session, case_id)  # get_case raises the Chinese error


def _render_draft(session: Session, case_id: str, kind: str, when: date, subject_id, options, conf) -> Draft:
    case = _load_case(session, case_id)
    tpl = template(kind, case, conf)
    g, composed, sha = _compose(session, case, tpl, when, subject_id, options, conf)
    return Draft(kind=tpl.kind, slug=tpl.slug, pdf=b"", text=composed, content_sha256=sha,
                 document_number=g.values["document_number"], document_date=when, subject=g.subject_key,
                 pending=_pending(session, case, tpl, sha), missing=templated.missing_required(tpl, g.values),
                 values=g.values)


def draft(store: Store, kind: str, case_id: str, *, subject_id: str | None = None, document_date=None,
          options: dict | None = None, today: date | None = None) -> Draft:
    """A 草稿 for reading and approval (banner + watermark), never stored."""
    today = today or date.today()
    when = _when(document_date, today)
    conf = settings()
    with store.read() as session:
        d = _render_draft(session, case_id, kind, when, subject_id, dict(options or {}), conf)
    return _replace_pdf(d, templated.render(d.text, draft=True))


def _replace_pdf(d: Draft, pdf: bytes) -> Draft:
    from dataclasses import replace

    return replace(d, pdf=pdf)


def approve(store: Store, actor: Actor, kind: str, case_id: str, *, step: str, approver_username: str,
            password: str, decision: str = approval_rules.APPROVE, opinion: str | None = None,
            subject_id: str | None = None, document_date=None, options: dict | None = None,
            today: date | None = None) -> str:
    """Record one step's decision on the current draft (its content SHA-256), with the approver's password."""
    today = today or date.today()
    when = _when(document_date, today)
    if decision not in approval_rules.DECISIONS:
        raise ValidationError(f"应为{'或'.join(approval_rules.DECISIONS)}", "审批意见")
    if decision == approval_rules.REJECT and not (opinion or "").strip():
        raise ValidationError("不同意时必须写明理由", "审批意见")
    approver = authenticate(store, approver_username, password)
    assert approver.user_id is not None  # authenticate returns a stored profile
    conf = settings()
    with store.transaction() as session:
        case = get_case(session, case_id)
        tpl = template(kind, case, conf)
        rt = document_route(tpl)
        if rt is None:
            raise ValidationError(f"{tpl.kind}按本院规定无需审批，可直接出具", "审批")
        st = approval_rules.check_signer(rt, step, approver_id=approver.user_id, approver_role=approver.role,
                                         handler_id=case.handler_id)
        _, _, sha = _compose(session, case, tpl, when, subject_id, dict(options or {}), conf)
        facts = [f for f in _doc_facts(session, case.id, tpl.kind) if f.draft_sha256 == sha]
        if decision == approval_rules.APPROVE:
            approval_rules.check_order(rt, step, facts, sha)
        row = Approval(case_id=case.id, subject=tpl.kind[:16], route=rt.name, step=st.code,
                       approver_id=approver.user_id, approver_name=approver.display_name, decision=decision,
                       opinion=(opinion or "").strip() or None, draft_sha256=sha)
        session.add(row)
        record_change(session, actor, row, "审批")
        return row.id


@dataclass(frozen=True)
class IssuedRoutine:
    id: str
    kind: str
    version_no: int
    sha256: str
    content_sha256: str
    document_number: str
    document_date: date
    pdf: bytes
    state: str  # 新出具 / 已出具 (the same content was issued before and is handed out again)


def _approved_date(session: Session, case: Case, tpl: templated.Template, today: date, subject_id, options,
                   conf) -> date:
    """The date whose draft the approvers signed (their local day ±1, newest first), else today."""
    facts = _doc_facts(session, case.id, tpl.kind)
    days = {today}
    for f in facts:
        d = _local_day(f.decided_at)
        days |= {d - timedelta(days=1), d, d + timedelta(days=1)}
    for d in sorted(days, reverse=True):
        try:
            _, _, sha = _compose(session, case, tpl, d, subject_id, options, conf)
        except ValidationError:
            continue
        if not _pending(session, case, tpl, sha):
            return d
    return today


def _existing(session: Session, case_id: str, kind: str, subject: str, sha: str) -> IssuedDocument | None:
    rows = [d for d in _issued_rows(session, case_id)
            if d.kind == kind and (d.meta or {}).get("subject") == subject and d.meta.get("content_sha256") == sha]
    return max(rows, key=lambda d: d.version_no) if rows else None


def _act_writer(session: Session, actor: Actor, today: date, write):
    return write if write is not None else pipeline.in_session(session, actor, today)


def _issue_in(session: Session, actor: Actor, case_id: str, kind: str, when: date | None, subject_id, options,
              conf, today: date, *, reissue: bool = False, pdf: bytes | None = None,
              composed: templated.Composed | None = None, write=None) -> IssuedRoutine:
    """Issue inside the caller's transaction. The procedural act the document is gets recorded through the write
    pipeline: with ``write`` (a batch's one writer, finished by the batch) or a writer of its own, finished here."""
    case = get_case(session, case_id)
    tpl = template(kind, case, conf)
    if when is None:
        when = _approved_date(session, case, tpl, today, subject_id, options, conf) if tpl.approval else today
    g, text, sha = _compose(session, case, tpl, when, subject_id, options, conf)
    missing = templated.missing_required(tpl, g.values)
    if missing:
        raise NotIssuableError(tpl.kind, [f"{m}（请在用户数据目录的 templates/settings.toml 中配置）"
                                          if m.startswith("是否已配置") else m for m in missing])
    pending = _pending(session, case, tpl, sha)
    if pending:
        raise ApprovalPendingError(tpl.kind, pending)
    current = _existing(session, case.id, tpl.kind, g.subject_key, sha)
    if current is not None and not reissue:
        return IssuedRoutine(id=current.id, kind=current.kind, version_no=current.version_no, sha256=current.sha256,
                             content_sha256=sha, document_number=current.meta.get("document_number", ""),
                             document_date=current.document_date, pdf=current.content, state="已出具")
    if composed is not None and composed.content_sha256() != sha:
        raise ValidationError("案件内容在生成期间发生变化，请重新生成", "文书")
    pdf = pdf if pdf is not None else templated.render(text)
    rt = document_route(tpl)
    meta = {"document_number": g.values["document_number"], "subject": g.subject_key, "content_sha256": sha,
            "template": tpl.source, "slug": tpl.slug, "document_date": when.isoformat(),
            "route": rt.name if rt else "", **g.meta}
    doc = store_issued(session, actor, case_id=case.id, kind=tpl.kind, pdf=pdf, document_date=when, meta=meta)
    w = _act_writer(session, actor, today, write)
    _record_act(w, case, tpl.kind, when, conf, g.subject_key)
    if write is None:
        pipeline.finish(w)
    return IssuedRoutine(id=doc.id, kind=doc.kind, version_no=doc.version_no, sha256=doc.sha256,
                         content_sha256=sha, document_number=meta["document_number"], document_date=when, pdf=pdf,
                         state="新出具")


def issue(store: Store, actor: Actor, kind: str, case_id: str, *, subject_id: str | None = None,
          document_date=None, options: dict | None = None, reissue: bool = False,
          today: date | None = None) -> IssuedRoutine:
    """Issue the document as an immutable version (or hand out the issued one if the content is unchanged).
    Refuses while required content is missing or any approval step of its route has not approved this draft."""
    today = today or date.today()
    when = parse_date(document_date, "文书日期") if document_date else None
    conf = settings()
    with store.transaction() as session:
        return _issue_in(session, actor, case_id, kind, when, subject_id, dict(options or {}), conf, today,
                         reissue=reissue)


def status(store: Store, kind: str, case_id: str, **kw) -> Draft:
    """The draft's approval state without rendering (for the UI and the CLI's --status)."""
    today = kw.pop("today", None) or date.today()
    when = _when(kw.pop("document_date", None), today)
    with store.read() as session:
        return _render_draft(session, case_id, kind, when, kw.get("subject_id"), dict(kw.get("options") or {}),
                             settings())


@dataclass(frozen=True)
class Output:
    pdf: bytes
    state: str  # 草稿 / 新出具 / 已出具
    kind: str
    document_number: str
    version_no: int | None
    sha256: str
    pending: list[str]
    missing: list[str]


def produce(store: Store, actor: Actor, kind: str, case_id: str, *, subject_id: str | None = None,
            document_date=None, options: dict | None = None, draft_only: bool = False, reissue: bool = False,
            today: date | None = None) -> Output:
    """What ``execdesk doc`` hands out: the issued document, or a 草稿 while approvals or content are missing."""
    today = today or date.today()
    d = status(store, kind, case_id, subject_id=subject_id, document_date=document_date, options=options,
               today=today)
    if draft_only or d.pending or d.missing:
        dd = draft(store, kind, case_id, subject_id=subject_id, document_date=document_date, options=options,
                   today=today)
        return Output(pdf=dd.pdf, state="草稿", kind=dd.kind, document_number=dd.document_number, version_no=None,
                      sha256=hashlib.sha256(dd.pdf).hexdigest(), pending=dd.pending, missing=dd.missing)
    r = issue(store, actor, kind, case_id, subject_id=subject_id, document_date=document_date, options=options,
              reissue=reissue, today=today)
    return Output(pdf=r.pdf, state=r.state, kind=r.kind, document_number=r.document_number,
                  version_no=r.version_no, sha256=r.sha256, pending=[], missing=[])


# ---------------------------------------------------------------- the procedural act a document is

# Issuing these documents is itself a step of the procedure (one fact, one record: issue 11). The act is recorded
# through the write pipeline in the issuing transaction, once: a re-issue (or a second document of the pair
# 执行通知书/报告财产令, which share node N04) finds it recorded and records nothing. The other kinds are about a
# fact recorded before them (the measure of a 限制消费令, 失信 decision or 查封 ruling; the 结案 node of a 结案通知书;
# the extension of its 审批表) or are forms and notices that change no fact.
RELEASE_KINDS = ("解除限制消费令", "撤销纳入失信名单决定书", "解除查封冻结扣押裁定书")
RENEWAL_KIND = "续行查封冻结扣押裁定书"
REQUERY_NODE = "N26"


def _record_act(w, case: Case, kind: str, when: date, conf: dict, subject: str) -> None:
    try:
        _record_act_in(w, case, kind, when, conf, subject)
    except ValidationError as exc:  # e.g. a document dated after today: its node cannot be recorded either
        raise ValidationError(f"出具{kind}即记录该执行行为，但{exc}", "文书日期") from None


def _record_act_in(w, case: Case, kind: str, when: date, conf: dict, subject: str) -> None:
    from execdesk.services.cases import add_node
    from execdesk.services.inputs import NodeInput

    session = w.session
    if kind in ("执行通知书", "报告财产令"):
        _record_notice_node(w, case, kind, when, conf)
    elif kind in RELEASE_KINDS or kind == RENEWAL_KIND:
        m = session.get(Measure, subject.split(":")[1]) if subject.startswith("measure:") else None
        if m is None:
            return
        if kind in RELEASE_KINDS and m.released_on is None:  # the decision/ruling releases the measure that day
            # (the description is printed in the documents about the measure: left as it is)
            w.change(m, {"released_on": when}, action="解除", labels={"released_on": "解除日期"},
                     what=f"{m.kind}措施（{kind}）")
        elif kind == RENEWAL_KIND:
            old, new = _renewal_period(session, case, m, when)
            if m.expires_on != new:  # the seal now runs to the renewed expiry (R26); its deadline moves with it
                w.change(m, {"expires_on": new}, action="续行", labels={"expires_on": "届满日期"},
                         what=f"{m.kind}措施（原届满日{old.isoformat()}）")
    elif kind == "终本后财产查询告知书" and subject.startswith("inquiry:"):
        q = session.get(PropertyInquiry, subject.split(":")[1])
        if q is None:
            return
        done = {node_date(n) for n in live_nodes(session, case.id, REQUERY_NODE)}
        if q.queried_on not in done:  # R14: this 6-monthly query made and the applicant told
            add_node(w, case, NodeInput(code=REQUERY_NODE, started_on=q.queried_on, ended_on=q.queried_on,
                                        description=f"终本后网络查控（{chinese_date(q.queried_on)}），"
                                                    f"已出具{kind}（{chinese_date(when)}）告知申请执行人"))


def _record_notice_node(w, case: Case, kind: str, when: date, conf: dict) -> None:
    """N04 执行通知书及报告财产令: recorded by the first of the two documents; the 报告财产令 adds its date and
    the end of the reporting period (from the service date when N04 has one, else from the order's date — the
    day a notice and order handed over at the court are served), which the deadline engine then follows."""
    from execdesk.services.cases import add_node
    from execdesk.services.inputs import NodeInput

    nodes = live_nodes(w.session, case.id, "N04")
    node = nodes[-1] if nodes else None
    data = dict(node.data or {}) if node is not None else {}
    if kind == "报告财产令" and not data.get("report_order_on"):
        days = int(conf.get("periods", {}).get("report_days", 5))
        base = parse_date(data["served_on"], "送达日期") if data.get("served_on") else when
        data.update(report_order_on=when.isoformat(), report_deadline=(base + timedelta(days=days)).isoformat())
    elif node is not None:
        return  # already recorded: one fact, one record
    text = f"出具{kind}（{chinese_date(when)}）"
    if node is None:
        add_node(w, case, NodeInput(code="N04", started_on=when, ended_on=when, description=text, data=data))
        return
    # The notice's N04 exists without the order: corrected append-only (the old row marked 已更正), as a clerk's
    # correction is, so the node keeps one live row with both documents' facts.
    w.change(node, {"status": "已更正", "description": (node.description or "") + f"［已更正：{text}］"},
             action="更正")
    add_node(w, case, NodeInput(code="N04", started_on=node.started_on, ended_on=node.ended_on,
                                description=((node.description or "") + "；" + text).lstrip("；"),
                                handler_name=node.handler_name, document_number=node.document_number, data=data),
             corrects=node)


def _renewal_period(session: Session, case: Case, m: Measure, when: date) -> tuple[date, date]:
    """(the expiry a 续行 ruling dated ``when`` renews, the new expiry). The same renewal asked again — the
    measure already runs to what an issued 续行 ruling set, and its new period has not begun — is that renewal,
    not another one (a second click never renews twice); a renewal during the renewed period renews that."""
    months, _ = _seal_period(m.asset_kind)
    expires = m.expires_on or (add_months(m.started_on, months) if months else None)
    if expires is None or months is None:
        raise ValidationError("该措施没有届满日期，也无法按财产类别推算，不能续行", "届满日期")
    for d in reversed(_issued_rows(session, case.id)):
        meta = d.meta or {}
        if d.kind == RENEWAL_KIND and meta.get("subject") == f"measure:{m.id}" and meta.get("renewed_to"):
            renewed_from = date.fromisoformat(meta["renewed_from"])
            if meta["renewed_to"] == expires.isoformat() and when <= renewed_from:
                return renewed_from, expires
            break
    return expires, add_months(expires, months)


# ---------------------------------------------------------------- what the UI and the CLI list


@dataclass(frozen=True)
class KindInfo:
    slug: str
    kind: str
    subject: str  # case / measure / document
    approval: str
    description: str


def kinds() -> list[KindInfo]:
    out = []
    for s in SLUGS:
        t = _info(s)
        out.append(KindInfo(slug=s, kind=t.kind, subject=t.subject, approval=t.approval, description=t.description))
    return out


_SUBJECT_KINDS = {"限制消费令": ("限制消费",), "解除限制消费令": ("限制消费",),
                  "纳入失信被执行人名单决定书": ("失信",), "撤销纳入失信名单决定书": ("失信",),
                  "查封冻结扣押裁定书": SEAL_KINDS, "解除查封冻结扣押裁定书": SEAL_KINDS,
                  "续行查封冻结扣押裁定书": SEAL_KINDS, "协助执行通知书": SEAL_KINDS}


def subjects(store: Store, kind: str, case_id: str) -> list[tuple[str, str]]:
    """(id, label) of what a document of ``kind`` can be about in this case (measures, issued documents)."""
    tpl = _info(slug_for(kind))
    with store.read() as session:
        if tpl.kind in _SUBJECT_KINDS:
            rows = session.scalars(select(Measure).where(Measure.case_id == case_id,
                                                         Measure.kind.in_(_SUBJECT_KINDS[tpl.kind]))
                                   .order_by(Measure.started_on))
            names = {p.id: p.name for p in _parties(session, case_id)}
            return [(m.id, f"{m.started_on.isoformat()} {m.kind} {names.get(m.party_id or '', '')} "
                           f"{(m.description or m.asset_kind or '').strip()[:30]}".strip()) for m in rows]
        if tpl.kind == "送达回证":
            return [(d.id, f"{d.kind} 第{d.version_no}版 {d.meta.get('document_number') or ''}".strip())
                    for d in _issued_rows(session, case_id)]
        if tpl.kind == "财产调查笔录":
            return [(p.id, p.name) for p in _parties(session, case_id) if p.role == "被执行人"]
    return []


def issued_list(store: Store, case_id: str) -> list[dict]:
    """The case's issued routine documents (and rulings), newest first, as plain values for the UI."""
    with store.read() as session:
        rows = _issued_rows(session, case_id)
        return [{"id": d.id, "kind": d.kind, "version_no": d.version_no, "document_date": d.document_date,
                 "document_number": (d.meta or {}).get("document_number", ""), "sha256": d.sha256,
                 "verified": verify_issued(d), "sealed": bool((d.meta or {}).get("sealed_of"))}
                for d in reversed(rows)]


# ---------------------------------------------------------------- batch


class BatchCancelled(Exception):
    """The batch was cancelled before anything was stored or written."""


@dataclass(frozen=True)
class BatchItem:
    case_id: str
    case_number: str
    state: str  # 新出具 / 已出具 / 草稿 / 失败
    path: Path | None
    message: str = ""
    document_id: str | None = None


@dataclass(frozen=True)
class BatchResult:
    kind: str
    items: list[BatchItem]
    print_file: Path | None

    @property
    def issued(self) -> int:
        return sum(1 for i in self.items if i.state in ("新出具", "已出具"))


def new_today_case_ids(store: Store, today: date | None = None) -> list[str]:
    """Cases filed on ``today`` (the 执行通知书 for today's new cases), oldest serial first."""
    today = today or date.today()
    with store.read() as session:
        return list(session.scalars(select(Case.id).where(Case.filed_on == today).order_by(Case.serial)))


def case_ids_for(store: Store, numbers: Sequence[str]) -> list[str]:
    with store.read() as session:
        return [find_case_id(session, n) for n in numbers]


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_")


def _store_prepared(session: Session, actor: Actor, cid: str, d: Draft, pdf: bytes, changed: bool, rows: list,
                    conf: dict, today: date, w) -> IssuedRoutine:
    """Issue a document prepared outside the transaction; composed again only if the case changed meanwhile.
    ``rows`` are the case's issued rows of this kind (id, version_no, sha256, meta); ``w`` the batch's writer."""
    if changed:
        return _issue_in(session, actor, cid, d.slug, d.document_date, None, {}, conf, today, write=w)
    same = [r for r in rows if (r.meta or {}).get("subject") == d.subject
            and r.meta.get("content_sha256") == d.content_sha256]
    if same:
        r = max(same, key=lambda r: r.version_no)
        return IssuedRoutine(id=r.id, kind=d.kind, version_no=r.version_no, sha256=r.sha256,
                             content_sha256=d.content_sha256, document_number=r.meta.get("document_number", ""),
                             document_date=d.document_date, pdf=session.get_one(IssuedDocument, r.id).content,
                             state="已出具")
    tpl = templated.load_template(d.slug)
    rt = document_route(tpl)
    meta = {"document_number": d.document_number, "subject": d.subject, "content_sha256": d.content_sha256,
            "template": d.text.meta.get("template", tpl.source), "slug": d.slug,
            "document_date": d.document_date.isoformat(), "route": rt.name if rt else ""}
    doc = store_issued(session, actor, case_id=cid, kind=d.kind, pdf=pdf, document_date=d.document_date, meta=meta)
    _record_act(w, get_case(session, cid), d.kind, d.document_date, conf, d.subject)
    return IssuedRoutine(id=doc.id, kind=d.kind, version_no=doc.version_no, sha256=doc.sha256,
                         content_sha256=d.content_sha256, document_number=d.document_number,
                         document_date=d.document_date, pdf=pdf, state="新出具")


def batch(store: Store, actor: Actor, kind: str, case_ids: Sequence[str], out_dir: Path, *,
          document_date=None, today: date | None = None,
          progress: Callable[[int, int, str], None] | None = None,
          cancelled: Callable[[], bool] | None = None) -> BatchResult:
    """One document kind for many cases: one PDF per case plus one print file with all of them.

    Every PDF is composed and rendered first, in memory, from one read snapshot; a cancel before the end stores
    nothing and writes nothing (BatchCancelled). Then one transaction issues them all (a case changed meanwhile,
    seen by its audit trail, is composed again) and the files are written into a fresh temporary folder whose
    files are moved into ``out_dir`` only when complete. A case whose document cannot be issued (approval pending,
    content missing, not applicable) is reported, not issued, and does not stop the others."""
    today = today or date.today()
    when = _when(document_date, today)
    conf = settings()
    total = len(case_ids)
    slug = slug_for(kind)
    tpl_kind = _info(slug).kind
    prepared: list[tuple[str, str, Draft | None, bytes | None, str]] = []
    with store.read() as session:
        fingerprints = _fingerprints(session, case_ids)
        _prefetch(session, case_ids)
        for n, cid in enumerate(case_ids, 1):
            if cancelled and cancelled():
                raise BatchCancelled()
            try:
                d = _render_draft(session, cid, slug, when, None, {}, conf)
            except ValidationError as exc:
                number = get_case(session, cid).case_number
                prepared.append((cid, number, None, None, str(exc)))
            else:
                issuable = not d.pending and not d.missing
                pdf = templated.render(d.text, draft=not issuable)
                why = "" if issuable else "；".join([*(f"尚需{p}" for p in d.pending), *d.missing])
                prepared.append((cid, d.text.case_number, d, pdf, why))
            if progress:
                progress(n, total + 1, f"生成 {prepared[-1][1]}")
    if cancelled and cancelled():
        raise BatchCancelled()
    items: list[BatchItem] = []
    outputs: list[tuple[str, bytes]] = []
    with store.transaction() as session:
        w = pipeline.in_session(session, actor, today)  # the acts the documents are (N04 …), refreshed once
        now = _fingerprints(session, case_ids)
        existing: dict[str, list] = {}
        for r in session.execute(select(IssuedDocument.case_id, IssuedDocument.id, IssuedDocument.version_no,
                                        IssuedDocument.sha256, IssuedDocument.meta)
                                 .where(IssuedDocument.kind == tpl_kind, IssuedDocument.case_id.in_(list(case_ids)))):
            existing.setdefault(r.case_id, []).append(r)
        for cid, number, draft, draft_pdf, why in prepared:
            name = f"{_safe_name(number)}_{tpl_kind}"
            if draft is None or draft_pdf is None:
                items.append(BatchItem(cid, number, "失败", None, why))
                continue
            if why:
                outputs.append((f"{name}_草稿.pdf", draft_pdf))
                items.append(BatchItem(cid, number, "草稿", None, why))
                continue
            stored = _store_prepared(session, actor, cid, draft, draft_pdf, now[cid] != fingerprints[cid],
                                     existing.get(cid, []), conf, today, w)
            outputs.append((f"{name}.pdf", stored.pdf))
            items.append(BatchItem(cid, number, stored.state, None, "", stored.id))
        if cancelled and cancelled():  # still nothing committed: the transaction rolls back
            raise BatchCancelled()
        pipeline.finish(w)  # the derived values of the cases whose acts were recorded, before the commit
    out_dir = Path(out_dir)
    final_items = _write_outputs(out_dir, items, outputs, tpl_kind, when)
    if progress:
        progress(total + 1, total + 1, "完成")
    issued_pdfs = [pdf for (fname, pdf) in outputs if not fname.endswith("_草稿.pdf")]
    print_path = out_dir / f"{_safe_name(tpl_kind)}_{when.isoformat()}_打印.pdf" if issued_pdfs else None
    return BatchResult(kind=tpl_kind, items=final_items, print_file=print_path)


def batch_in_process(db_path: Path, actor: Actor, kind: str, case_ids: Sequence[str], out_dir: Path, *,
                     document_date=None, today: date | None = None,
                     progress: Callable[[int, int, str], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> BatchResult:
    """``batch`` in a child process of its own (multiprocessing, spawn: the same on Windows, in the frozen app and
    here), for the desktop. Rendering 100 documents is pure Python: in a thread of the GUI process it holds the
    GIL, and whenever the machine is busy the OS preempts it while it holds it, so the window could not run
    Python (paint the case list, answer a click) for 40–100 ms at a time. In a child process the GUI keeps its
    own interpreter; this call only relays progress (blocking reads, the GIL released) and the cancel.

    Same results and guarantees as ``batch``: a cancel before the end stores and writes nothing
    (BatchCancelled); an error in the child comes back as a Chinese ValidationError (a person's mistake) or a
    RuntimeError (a bug; its traceback is in the log)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    stop = ctx.Event()
    child = ctx.Process(target=_batch_child, name="execdesk-batch", daemon=True,
                        args=(send, stop, str(db_path), actor, kind, list(case_ids), str(out_dir), document_date,
                              today or date.today()))
    child.start()
    send.close()  # the child holds the only writing end: EOF when it ends
    try:
        while True:
            if cancelled and cancelled():
                stop.set()
            if not receive.poll(0.05):
                continue
            try:
                msg = receive.recv()
            except EOFError:
                raise RuntimeError("批量生成进程意外退出（详见日志文件）") from None
            if msg[0] == "progress":
                if progress:
                    progress(*msg[1:])
            elif msg[0] == "done":
                return msg[1]
            elif msg[0] == "cancelled":
                raise BatchCancelled()
            elif msg[0] == "user_error":
                raise ValidationError(msg[1], msg[2])
            else:
                raise RuntimeError(f"批量生成出错：{msg[1]}")
    finally:
        receive.close()
        child.join(timeout=30)


def _batch_child(send, stop, db_path: str, actor: Actor, kind: str, case_ids: list[str], out_dir: str,
                 document_date, today: date) -> None:
    """The child of ``batch_in_process``: the real batch on its own connection to the same database."""
    import logging

    from execdesk.logging_setup import log_file
    from execdesk.rules.errors import UserError

    # Warnings and errors to the app's log, appended (no rotation: the GUI process owns rotating that file).
    handler = logging.FileHandler(log_file(), encoding="utf-8")
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [batch]: %(message)s"))
    logging.getLogger().addHandler(handler)
    store = Store(db_path)
    try:
        result = batch(store, actor, kind, case_ids, Path(out_dir), document_date=document_date, today=today,
                       progress=lambda done, total, text: send.send(("progress", done, total, text)),
                       cancelled=stop.is_set)
    except BatchCancelled:
        send.send(("cancelled",))
    except UserError as exc:
        send.send(("user_error", str(exc), getattr(exc, "field", "批量生成")))
    except Exception as exc:  # a bug: the traceback in the log, the message to the window
        logging.getLogger(__name__).exception("batch in a child process failed")
        send.send(("error", f"{type(exc).__name__}：{exc}"))
    else:
        send.send(("done", result))
    finally:
        store.close()
        send.close()


def _write_outputs(out_dir: Path, items: list[BatchItem], outputs: list[tuple[str, bytes]], kind: str,
                   when: date) -> list[BatchItem]:
    import os
    import shutil
    import tempfile

    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".batch-", dir=out_dir))
    try:
        for fname, pdf in outputs:
            (tmp / fname).write_bytes(pdf)
        issued = [pdf for fname, pdf in outputs if not fname.endswith("_草稿.pdf")]
        if issued:
            (tmp / f"{_safe_name(kind)}_{when.isoformat()}_打印.pdf").write_bytes(templated.merge_pdfs(issued))
        for f in tmp.iterdir():
            os.replace(f, out_dir / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    names = iter(fname for fname, _ in outputs)
    out: list[BatchItem] = []
    for it in items:
        path = out_dir / next(names) if it.state != "失败" else None
        out.append(BatchItem(it.case_id, it.case_number, it.state, path, it.message, it.document_id))
    return out


def bundled_resource(*parts: str) -> Path:
    return resource_path(*parts)


# ---------------------------------------------------------------- 送签包 (seal system hand-over)

SEALED_SUFFIX = "签章件"


def _issued_doc(session: Session, case_id: str, kind: str, version_no: int | None) -> IssuedDocument:
    q = select(IssuedDocument).where(IssuedDocument.case_id == case_id, IssuedDocument.kind == kind)
    q = q.where(IssuedDocument.version_no == version_no) if version_no else \
        q.order_by(IssuedDocument.version_no.desc()).limit(1)
    doc = session.scalar(q)
    if doc is None:
        raise ValidationError(f"本案没有已出具的{kind}" + (f"第{version_no}版" if version_no else "") +
                              "（只有已出具的文书才能送签）", "送签包")
    if not verify_issued(doc):
        raise ValidationError(f"{kind}第{doc.version_no}版的存储内容与其SHA-256不符，不能送签", "送签包")
    return doc


def _chain(session: Session, case: Case, doc: IssuedDocument):
    from execdesk.documents.seal_package import ApprovalLink

    meta = doc.meta or {}
    sha = meta.get("content_sha256")
    if doc.kind in (RULING, "终本裁定书公开版"):
        rt: approval_rules.Route | None = approval_rules.route(
            meta.get("route") or (case.court.approval_route if case.court else None))
        facts = approval_facts(session, case.id, RULING_SUBJECT)
    else:
        tpl = _info(meta["slug"]) if meta.get("slug") else None
        rt = document_route(tpl) if tpl else None
        facts = _doc_facts(session, case.id, doc.kind) if rt else []
    names = {s.code: s.name for s in rt.steps} if rt else {}
    links = [ApprovalLink(step=f.step, step_name=names.get(f.step, f.step), approver=f.approver_name,
                          approver_id=f.approver_id,
                          decided_at=(f.decided_at if f.decided_at.tzinfo else f.decided_at.replace(tzinfo=UTC))
                          .isoformat(), decision=f.decision, opinion=f.opinion, approved_sha256=f.draft_sha256)
             for f in facts if f.draft_sha256 == sha]
    route = {"route": rt.name, "label": rt.label, "basis": rt.basis,
             "steps": [{"code": s.code, "name": s.name} for s in rt.steps]} if rt else None
    return links, route


def export_seal_package(store: Store, actor: Actor, case_id: str, kind: str, target: Path, *,
                        version_no: int | None = None, pades_pkcs12: bytes | None = None,
                        pades_passphrase: str | None = None) -> Path:
    """Write the 送签包 of an issued document (folder, or zip when ``target`` ends in .zip); audited. With a
    court certificate (PKCS#12) the package also holds ``document.pades.pdf``: the PDF with a PAdES signature."""
    from datetime import datetime

    from execdesk.documents import seal_package as sp
    from execdesk.services.changes import audit_only

    if kind not in (RULING, "终本裁定书公开版"):
        kind = _info(slug_for(kind)).kind
    with store.transaction() as session:
        case = get_case(session, case_id)
        doc = _issued_doc(session, case.id, kind, version_no)
        chain, route = _chain(session, case, doc)
        meta = doc.meta or {}
        files = sp.build_files(
            doc.content,
            court={"name": case.court.name if case.court else "", "code": case.court_code},
            case={"case_number": case.case_number, "case_id": case.id, "cause": case.cause},
            document={"issued_id": doc.id, "kind": doc.kind, "version_no": doc.version_no,
                      "document_number": meta.get("document_number") or case.case_number,
                      "document_date": doc.document_date.isoformat(), "issued_by": doc.issued_by,
                      "issued_at": (doc.issued_at if doc.issued_at.tzinfo else doc.issued_at.replace(tzinfo=UTC))
                      .isoformat(), "content_sha256": meta.get("content_sha256", "")},
            route=route, chain=chain, created_at=datetime.now(UTC).isoformat(), created_by=actor.username)
        if pades_pkcs12 is not None:
            signed = sp.pades_sign(doc.content, pades_pkcs12,
                                   pades_passphrase.encode("utf-8") if pades_passphrase else None,
                                   location=case.court.name if case.court else "")
            files = sp.add_file(files, sp.PADES_NAME, signed)
        path = sp.write_package(Path(target), files)
        audit_only(session, actor, "导出送签包", "issued_document", doc.id, case.id,
                   {"kind": doc.kind, "version_no": doc.version_no, "sha256": doc.sha256, "path": str(path)})
        return path


def import_sealed(store: Store, actor: Actor, package: Path, sealed: bytes) -> IssuedRoutine:
    """Check a sealed PDF from the seal system against its package and the stored issued original, then store
    it as the sealed original (an immutable issued row of kind “<kind>签章件”). A tampered PDF is refused."""
    from execdesk.documents import seal_package as sp

    pkg = sp.read_package(package)
    d = pkg.manifest["document"]
    with store.transaction() as session:
        doc = session.get(IssuedDocument, d["issued_id"])
        if doc is None or doc.case_id != pkg.manifest["case"]["case_id"]:
            raise ValidationError("本数据库中没有送签包所指的已出具文书（请在出具该文书的电脑上导入）", "送签包")
        if not verify_issued(doc) or doc.sha256 != d["sha256"] or doc.content != pkg.pdf:
            raise ValidationError("送签包中的文书与本系统保存的已出具文书不一致", "送签包")
        check = sp.verify_sealed(doc.content, sealed, approved_sha256=doc.sha256)
        kind = f"{doc.kind}{SEALED_SUFFIX}"
        for row in session.scalars(select(IssuedDocument).where(IssuedDocument.case_id == doc.case_id,
                                                               IssuedDocument.kind == kind)):
            if row.sha256 == check.sealed_sha256:
                return IssuedRoutine(id=row.id, kind=kind, version_no=row.version_no, sha256=row.sha256,
                                     content_sha256=row.meta.get("content_sha256", ""),
                                     document_number=row.meta.get("document_number", ""),
                                     document_date=row.document_date, pdf=row.content, state="已出具")
        meta = {"sealed_of": doc.id, "original_sha256": doc.sha256, "original_version_no": doc.version_no,
                "document_number": (doc.meta or {}).get("document_number", ""),
                "content_sha256": (doc.meta or {}).get("content_sha256", ""), "appended_bytes": check.appended_bytes,
                "package_manifest_sha256": sp.sha256(json_bytes(pkg.manifest))}
        row = store_issued(session, actor, case_id=doc.case_id, kind=kind, pdf=sealed,
                           document_date=doc.document_date, meta=meta)
        return IssuedRoutine(id=row.id, kind=kind, version_no=row.version_no, sha256=row.sha256,
                             content_sha256=meta["content_sha256"], document_number=meta["document_number"],
                             document_date=row.document_date, pdf=sealed, state="新出具")


def json_bytes(data) -> bytes:
    import json

    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
