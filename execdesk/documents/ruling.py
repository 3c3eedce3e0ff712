"""执行裁定书（终结本次执行程序用）: compose the text from plain case data, then lay it out as a PDF.

Composition is pure (no SQL): the service layer gathers ``RulingData`` from the case's own nodes, measures,
inquiries and payments. Every sentence comes from ``resources/templates/ruling.toml``; the legal basis is
chosen by ruling date from the citation table (R11). ``RulingText.content_sha256`` identifies the draft an
approver signed: it covers everything except the signer block (which the approvals themselves determine).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date

from execdesk.documents.fonts import cjk_fonts
from execdesk.documents.page import SealedDate, SignOff, Styles, build_pdf, para
from execdesk.resources import load_toml
from execdesk.rules.approval import SignerLine
from execdesk.rules.citations import citations_text
from execdesk.rules.dates import chinese_date, chinese_document_date
from execdesk.rules.money import format_yuan, rmb_uppercase


@dataclass(frozen=True)
class PartyData:
    role: str  # 申请执行人 / 被执行人 / 委托代理人
    kind: str  # 自然人 / 法人 / 非法人组织
    name: str
    id_number: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    ethnicity: str | None = None
    address: str | None = None
    phone: str | None = None
    legal_rep: str | None = None
    legal_rep_title: str | None = None
    key: str = ""  # the party's id: what an agent's ``represents`` points to
    represents: str | None = None  # 委托代理人: the key of the party represented
    affiliation: str | None = None  # 委托代理人: firm and occupation, e.g. 山东泉城律师事务所律师


@dataclass(frozen=True)
class Event:
    """One dated step of the 执行经过; ``kind`` names a sentence in the template's [events] table."""

    on: date
    kind: str
    fields: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def of(on: date, kind: str, /, **fields: str) -> Event:
        return Event(on=on, kind=kind, fields=tuple(sorted(fields.items())))


@dataclass(frozen=True)
class SealData:
    kind: str  # 查封 / 扣押 / 冻结
    on: date
    document: str | None = None


@dataclass(frozen=True)
class AssetData:
    """A found asset (已查明财产) with its seal, the disposal attempts and its state (终本规定 arts 4 and 6(3))."""

    debtor: str
    description: str
    value_fen: int
    reason: str | None = None  # the lawful reason it cannot be disposed of
    disposed: bool = False
    seal: SealData | None = None
    attempts: tuple[str, ...] = ()  # e.g. "2026年6月1日第一次网络司法拍卖，流拍"


@dataclass(frozen=True)
class InterviewData:
    on: date
    method: str
    agreed: str
    place: str | None = None
    leads_deadline: str | None = None  # as printed: "2026年11月20日前" / "15日内"
    leads_given: bool = False  # the applicant gave a lead within that period


@dataclass(frozen=True)
class RulingData:
    court_name: str
    case_number: str
    ruling_date: date
    cause: str
    filed_on: date
    amount_claimed_fen: int
    realised_fen: int
    parties: tuple[PartyData, ...]
    basis_issuing_body: str = "本院"
    basis_document_type: str = ""
    basis_document_number: str = ""
    basis_content: str | None = None
    applied_on: date | None = None
    basis_effective_on: date | None = None
    events: tuple[Event, ...] = ()
    assets: tuple[AssetData, ...] = ()
    interview: InterviewData | None = None
    applicant_requested: bool = False
    signers: tuple[SignerLine, ...] = ()
    clerk_name: str = ""

    @property
    def outstanding_fen(self) -> int:
        return self.amount_claimed_fen - self.realised_fen


@dataclass(frozen=True)
class RulingText:
    court_name: str
    title: str
    case_number: str
    parties: tuple[str, ...]
    body: tuple[str, ...]
    operative: tuple[str, ...]
    effect: str
    signers: tuple[SignerLine, ...]
    date_text: str
    seal_text: str
    clerk: str
    known_private: tuple[str, ...] = field(default=())  # natural persons' ID numbers, addresses, phones (公开版)
    public_parties: tuple[str, ...] = field(default=())  # the party block as published (法释〔2016〕19号 art 11)
    aliases: tuple[tuple[str, str], ...] = field(default=())  # names published as 姓+某 (art 8, art 9)

    def paragraphs(self) -> list[str]:
        """Every text element in reading order (what pdftotext must give back)."""
        return [self.court_name, self.title, self.case_number, *self.parties, *self.body, *self.operative,
                self.effect, *self.signer_lines(), self.seal_text, self.date_text, self.clerk]

    def signer_lines(self) -> list[str]:
        return [f"{s.title}　{s.name}" for s in self.signers]

    def content_sha256(self) -> str:
        """SHA-256 of the draft's content without the signer block: what an approver signs."""
        payload = [self.court_name, self.title, self.case_number, *self.parties, *self.body, *self.operative,
                   self.effect, self.date_text]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def templates() -> dict:
    return load_toml("templates", "ruling.toml")


def _names(parties: tuple[PartyData, ...], role: str) -> str:
    return "、".join(p.name for p in parties if p.role == role)


def _amount(fen: int) -> tuple[str, str]:
    return format_yuan(fen), rmb_uppercase(fen)


def _natural(p: PartyData, tpl: dict, *, public: bool) -> str:
    sex = p.sex or "性别不详"
    birth = chinese_date(p.birth_date) if p.birth_date else "出生日期不详"
    ethnicity = p.ethnicity or "民族不详"
    if public:  # 法释〔2016〕19号 art 10(1), 11(1): name, sex, birth date, county of residence; no ID number
        from execdesk.documents.public import county_of

        return tpl["natural_no_id"].format(role=p.role, name=p.name, sex=sex, birth=birth, ethnicity=ethnicity,
                                           address=county_of(p.address) or "不详")
    key = "natural" if p.id_number else "natural_no_id"
    return tpl[key].format(role=p.role, name=p.name, sex=sex, birth=birth, ethnicity=ethnicity,
                           id_number=p.id_number or "", address=p.address or "不详")


def _agent(p: PartyData, tpl: dict) -> str:
    affiliation = (p.affiliation or "").strip().rstrip("。")
    return tpl["agent"].format(name=p.name, affiliation=affiliation) if affiliation else tpl["agent_bare"].format(
        name=p.name)


def party_paragraphs(parties: tuple[PartyData, ...], tpl: dict, *, public: bool = False) -> list[str]:
    """申请执行人 first, then 被执行人, each followed by its 法定代表人 and then its agents (DOMAIN §2.2 item 2).
    An agent whose party is not known is printed after the last party. The 公开版 keeps a legal person's
    住所地 and credit code and a natural person's county only (法释〔2016〕19号 art 11)."""
    out: list[str] = []
    ordered = [p for p in parties if p.role == "申请执行人"] + [p for p in parties if p.role == "被执行人"]
    keys = {p.key for p in ordered if p.key}
    for p in ordered:
        if p.kind == "自然人":
            out.append(_natural(p, tpl, public=public))
        else:
            key = "entity" if p.id_number else "entity_no_id"
            out.append(tpl[key].format(role=p.role, name=p.name, address=p.address or "不详",
                                       id_number=p.id_number or ""))
            if p.legal_rep:
                org_word = "公司" if "公司" in p.name else ("单位" if p.kind == "法人" else "组织")
                rep_key = "legal_rep" if p.kind == "法人" else "principal"
                out.append(tpl[rep_key].format(legal_rep=p.legal_rep, org_word=org_word,
                                               title=p.legal_rep_title or "负责人"))
        if p.key:
            out.extend(_agent(a, tpl) for a in parties if a.role == "委托代理人" and a.represents == p.key)
    out.extend(_agent(a, tpl) for a in parties if a.role == "委托代理人" and a.represents not in keys)
    return out


# The order of paragraphs that start on the same day: notice first, payments last.
_KIND_ORDER = {k: n for n, k in enumerate(("notice", "report_check", "network", "traditional", "lead", "coercive",
                                           "seal_measure", "search", "sanction", "other_measure", "payments"))}
_COERCIVE = ("limit", "credit", "credit_not")
_REPORT_KEYS = {"按时": "report_ok", "按期": "report_ok", "逾期": "report_late", "拒绝": "report_refused",
                "虚假": "report_false", "未报告": "report_none"}


def _report_sentence(e: Event, debtors: str, ev: dict) -> str:
    """The debtor's report in words: its status (按期/逾期/拒绝/虚假/未报告) and the 核查 note."""
    f = dict(e.fields)
    status = (f.get("status") or "").strip()
    note = (f.get("result") or "").strip().rstrip("。")
    key = _REPORT_KEYS.get(status)
    status_sentence = ev[key].format(debtors=debtors) if key else ""
    if not note:
        if key is None:
            return ev["report_unknown"].format(debtors=debtors)
        return status_sentence + (ev["report_checked"] if key in ("report_ok", "report_late") else "")
    said = any(w in note for w in ev["report_status_words"].get(status, []))
    return ("" if said else status_sentence) + ev["report_note"].format(note=note)


def course_paragraphs(events: tuple[Event, ...], debtors: str, ev: dict) -> list[str]:
    """The 执行经过 grouped by channel and date, each paragraph dated by its first step, in date order."""
    events = tuple(sorted(events, key=lambda e: (e.on, _KIND_ORDER.get(e.kind, 99), e.fields)))
    groups: list[tuple[date, str, str]] = []
    reports = [e for e in events if e.kind == "report_check"]
    notices = [e for e in events if e.kind == "notice"]
    for n, e in enumerate(notices):
        f = dict(e.fields)
        report = "".join(_report_sentence(r, debtors, ev) for r in reports) if n == 0 else ""
        text = ev["notice"].format(on=chinese_date(e.on), debtors=f.get("debtors", debtors),
                                   served=f.get("served", ""), report=report)
        groups.append((e.on, "notice", text))
    if not notices:
        for r in reports:
            groups.append((r.on, "report_check", f"{chinese_date(r.on)}，" + _report_sentence(r, debtors, ev)))
    coercive = [e for e in events if e.kind in _COERCIVE]
    if coercive:
        items = "；".join(ev[e.kind].format(on=chinese_date(e.on), **dict(e.fields)) for e in coercive)
        groups.append((coercive[0].on, "coercive", ev["coercive"].format(items=items)))
    payments = [e for e in events if e.kind == "payment"]
    if payments:
        items = "；".join(ev["payment"].format(on=chinese_date(e.on), **dict(e.fields)) for e in payments)
        groups.append((payments[0].on, "payments", ev["payments"].format(items=items)))
    repeated: dict[tuple, list[date]] = {}
    for e in events:
        if e.kind == "network":
            repeated.setdefault(e.fields, []).append(e.on)
    for fields, days in repeated.items():
        if len(days) < 2:
            continue
        f = dict(fields)
        result = f["result"]
        result = (ev["network_repeated_same"] if result.startswith("未") else ev["network_repeated_result"]).format(
            result=result)
        groups.append((days[0], "network", ev["network_repeated"].format(
            dates="、".join(chinese_date(d) for d in days), debtor=f["debtor"], scopes=f["scopes"], result=result)))
    for e in events:
        if e.kind in ("notice", "report_check", "payment", *_COERCIVE):
            continue
        if e.kind == "network" and len(repeated[e.fields]) > 1:
            continue
        groups.append((e.on, e.kind, ev[e.kind].format(on=chinese_date(e.on), **dict(e.fields))))
    groups.sort(key=lambda g: (g[0], _KIND_ORDER.get(g[1], 99)))
    return [text for _, _, text in groups]


def asset_paragraph(a: AssetData, b: dict) -> str:
    value = b["asset_value"].format(value=format_yuan(a.value_fen)) if a.value_fen else ""
    seal = (b["asset_seal"].format(on=chinese_date(a.seal.on), kind=a.seal.kind,
                                   document=f"，文号为{a.seal.document}" if a.seal.document else "")
            if a.seal else "")
    attempts = b["asset_attempts"].format(attempts="；".join(a.attempts)) if a.attempts else ""
    if a.disposed:
        state = b["asset_disposed"]
    elif (a.reason or "").strip():
        state = b["asset_reason"].format(reason=a.reason.strip().rstrip("。"))
    else:
        state = b["asset_pending"]
    return b["asset"].format(debtor=a.debtor, description=a.description.strip().rstrip("。"), value=value, seal=seal,
                             attempts=attempts, state=state)


_SETTLEMENT_DUTY = re.compile(r"应当?(?=于|在|向|给付|支付|偿还|返还|交付|履行)")


def basis_sentence(data: RulingData, b: dict, contents: dict) -> str:
    """The 执行依据's content in its own terms: a 调解书 records an agreement of the parties (who pays whom),
    so 原告/被告 become the parties' names and the judgment's "应" goes."""
    content = (data.basis_content or "").strip().rstrip("。")
    if not content:
        return ""
    doc_type = data.basis_document_type
    tpl = contents.get(doc_type, contents["default"])
    if "调解书" in doc_type:
        applicants = _names(data.parties, "申请执行人")
        debtors = _names(data.parties, "被执行人")
        content = content.replace("被告", f"被执行人{debtors}" if debtors not in content else "")
        content = content.replace("原告", f"申请执行人{applicants}" if applicants not in content else "")
        content = _SETTLEMENT_DUTY.sub("", content)
    return tpl.format(document_type=doc_type, content=content)


def interview_paragraph(iv: InterviewData, applicants: str, b: dict) -> str:
    agreed = iv.agreed.strip()
    opinion = (b["interview_agreed"] if agreed in ("是", "同意") else
               b["interview_not_agreed"] if agreed in ("否", "不同意") else
               b["interview_other"].format(agreed=agreed.rstrip("。")))
    leads = ""
    if iv.leads_deadline:
        leads = b["interview_leads"].format(deadline=iv.leads_deadline)
        if not iv.leads_given:
            leads += b["interview_leads_none"]
    place = b["interview_place"].format(place=iv.place.strip()) if (iv.place or "").strip() else ""
    return b["interview"].format(on=chinese_date(iv.on), place=place, method=iv.method, applicants=applicants,
                                 opinion=opinion, leads=leads)


def compose(data: RulingData) -> RulingText:
    """The ruling's text, paragraph by paragraph, in the order of DOMAIN.md §2.2."""
    t = templates()
    b = t["body"]
    applicants = _names(data.parties, "申请执行人")
    debtors = _names(data.parties, "被执行人")
    claimed, claimed_upper = _amount(data.amount_claimed_fen)
    applied = b["applied_sentence"].format(applied_on=chinese_date(data.applied_on)) if data.applied_on else ""
    effective = (b["effective_on"].format(effective_on=chinese_date(data.basis_effective_on))
                 if data.basis_effective_on else b["effective_unknown"])
    body = [b["origin"].format(applicants=applicants, debtors=debtors, cause=data.cause,
                               issuing_body=data.basis_issuing_body, document_number=data.basis_document_number,
                               document_type=data.basis_document_type, effective=effective,
                               content_sentence=basis_sentence(data, b, t["basis_content"]),
                               applied_sentence=applied, filed_on=chinese_date(data.filed_on),
                               claimed=claimed, claimed_upper=claimed_upper)]
    course = course_paragraphs(data.events, debtors, t["events"])
    if course:
        body.append(b["course_intro"])
        body.extend(b["course_item"].format(n=n, text=text) for n, text in enumerate(course, 1))
    else:
        body.append(b["course_none"])
    body.extend(asset_paragraph(a, b) for a in data.assets)
    if data.applicant_requested:
        body.append(b["applicant_requested"].format(applicants=applicants))
    elif data.interview:
        body.append(interview_paragraph(data.interview, applicants, b))
    realised, realised_upper = _amount(data.realised_fen)
    outstanding, outstanding_upper = _amount(max(data.outstanding_fen, 0))
    body.append(b["amounts"].format(realised=realised, realised_upper=realised_upper, outstanding=outstanding,
                                    outstanding_upper=outstanding_upper))
    if any(not a.disposed for a in data.assets):
        body.append(b["reasoning_undisposable"])
    else:
        body.append(b["reasoning_disposed"] if data.assets else b["reasoning_none"])
    body.append(b["legal_basis"].format(citations=citations_text(list(b["citation_keys"]), data.ruling_date)))
    operative = (b["operative"], b["rights"].format(debtors=debtors, outstanding=outstanding), b["duty"])
    private = tuple(v for p in data.parties for v in
                    ((p.id_number, p.address, p.phone) if p.kind == "自然人" else (p.phone,)) if v)
    from execdesk.documents.public import aliases_for

    return RulingText(court_name=data.court_name, title=t["title"], case_number=data.case_number,
                      parties=tuple(party_paragraphs(data.parties, t["party"])), body=tuple(body),
                      operative=operative, effect=b["effect"], signers=tuple(data.signers),
                      date_text=chinese_document_date(data.ruling_date), seal_text=b["seal"],
                      clerk=f"{b['clerk']}　{data.clerk_name}", known_private=private,
                      public_parties=tuple(party_paragraphs(data.parties, t["party"], public=True)),
                      aliases=aliases_for(data.cause, data.parties))


def render(text: RulingText, *, draft: bool = False) -> bytes:
    """Lay the ruling out on A4 in the court format; a draft carries a banner and a 草稿 watermark. The
    sign-off block is one unbreakable unit (``page.SignOff``)."""
    fonts = cjk_fonts()
    st = Styles(fonts)
    story = [para(text.court_name, st.court), para(text.title, st.title), para(text.case_number, st.number)]
    story += [para(p, st.body) for p in text.parties]
    story += [para(p, st.body) for p in text.body]
    story += [para(p, st.body) for p in text.operative]
    story.append(para(text.effect, st.body))
    story.append(SignOff([para(line, st.right) for line in text.signer_lines()],
                         SealedDate(text.date_text, text.seal_text, fonts.body), [para(text.clerk, st.right)],
                         mark_style=st.body))
    t = templates()
    return build_pdf(story, title=f"{text.case_number}{text.title}", fonts=fonts,
                     banner=t["draft_banner"] if draft else None, watermark="草稿" if draft else None)
