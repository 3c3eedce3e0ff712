"""执行裁定书（终结本次执行程序用）: compose the text from plain case data, then lay it out as a PDF.

Composition is pure (no SQL): the service layer gathers ``RulingData`` from the case's own nodes, measures,
inquiries and payments. Every sentence comes from ``resources/templates/ruling.toml``; the legal basis is
chosen by ruling date from the citation table (R11). ``RulingText.content_sha256`` identifies the draft an
approver signed: it covers everything except the signer block (which the approvals themselves determine).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable, Spacer

from execdesk.documents.fonts import cjk_fonts
from execdesk.documents.page import LEADING, SealedDate, Styles, build_pdf, para
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
class AssetData:
    debtor: str
    description: str
    value_fen: int
    reason: str | None = None
    disposed: bool = False


@dataclass(frozen=True)
class InterviewData:
    on: date
    method: str
    agreed: str


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
    known_private: tuple[str, ...] = field(default=())  # ID numbers, addresses, phones of the parties (公开版)

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


def party_paragraphs(parties: tuple[PartyData, ...], tpl: dict) -> list[str]:
    out: list[str] = []
    # 申请执行人 first, then 被执行人, each followed by its agents (DOMAIN §2.2 item 2).
    ordered = [p for p in parties if p.role == "申请执行人"] + [p for p in parties if p.role == "被执行人"]
    for p in ordered:
        if p.kind == "自然人":
            key = "natural" if p.id_number else "natural_no_id"
            out.append(tpl[key].format(role=p.role, name=p.name, sex=p.sex or "性别不详",
                                       birth=chinese_date(p.birth_date) if p.birth_date else "出生日期不详",
                                       ethnicity=p.ethnicity or "民族不详", id_number=p.id_number or "",
                                       address=p.address or "不详"))
        else:
            key = "entity" if p.id_number else "entity_no_id"
            out.append(tpl[key].format(role=p.role, name=p.name, address=p.address or "不详",
                                       id_number=p.id_number or ""))
            if p.legal_rep:
                org_word = "公司" if "公司" in p.name else ("单位" if p.kind == "法人" else "组织")
                rep_key = "legal_rep" if p.kind == "法人" else "principal"
                out.append(tpl[rep_key].format(legal_rep=p.legal_rep, org_word=org_word,
                                               title=p.legal_rep_title or "负责人"))
    for p in parties:
        if p.role == "委托代理人":
            out.append(tpl["agent"].format(name=p.name))
    return out


def compose(data: RulingData) -> RulingText:
    """The ruling's text, paragraph by paragraph, in the order of DOMAIN.md §2.2."""
    t = templates()
    b = t["body"]
    applicants = _names(data.parties, "申请执行人")
    debtors = _names(data.parties, "被执行人")
    claimed, claimed_upper = _amount(data.amount_claimed_fen)
    content_sentence = (b["content_sentence"].format(document_type=data.basis_document_type,
                                                     content=data.basis_content.rstrip("。"))
                        if data.basis_content else "")
    applied = b["applied_sentence"].format(applied_on=chinese_date(data.applied_on)) if data.applied_on else ""
    body = [b["origin"].format(applicants=applicants, debtors=debtors, cause=data.cause,
                               issuing_body=data.basis_issuing_body, document_number=data.basis_document_number,
                               document_type=data.basis_document_type, content_sentence=content_sentence,
                               applied_sentence=applied, filed_on=chinese_date(data.filed_on),
                               claimed=claimed, claimed_upper=claimed_upper)]
    events = sorted(data.events, key=lambda e: (e.on, e.kind))
    if events:
        body.append(b["course_intro"])
        for n, e in enumerate(events, 1):
            text = t["events"][e.kind].format(on=chinese_date(e.on), **dict(e.fields))
            body.append(b["course_item"].format(n=n, text=text))
    else:
        body.append(b["course_none"])
    for a in data.assets:
        value = format_yuan(a.value_fen)
        if a.disposed:
            body.append(b["found_asset_disposed"].format(debtor=a.debtor, description=a.description, value=value))
        else:
            body.append(b["found_asset"].format(debtor=a.debtor, description=a.description, value=value,
                                                reason=(a.reason or "").rstrip("。")))
    if data.applicant_requested:
        body.append(b["applicant_requested"].format(applicants=applicants))
    elif data.interview:
        agreed = data.interview.agreed.strip()
        opinion = (b["interview_agreed"] if agreed in ("是", "同意") else
                   b["interview_not_agreed"] if agreed in ("否", "不同意") else
                   b["interview_other"].format(agreed=agreed.rstrip("。")))
        body.append(b["interview"].format(on=chinese_date(data.interview.on), method=data.interview.method,
                                          applicants=applicants, opinion=opinion))
    realised, realised_upper = _amount(data.realised_fen)
    outstanding, outstanding_upper = _amount(max(data.outstanding_fen, 0))
    body.append(b["amounts"].format(realised=realised, realised_upper=realised_upper, outstanding=outstanding,
                                    outstanding_upper=outstanding_upper))
    undisposable = any(not a.disposed for a in data.assets)
    body.append(b["reasoning_undisposable"] if undisposable else b["reasoning_none"])
    body.append(b["legal_basis"].format(citations=citations_text(list(b["citation_keys"]), data.ruling_date)))
    operative = (b["operative"], b["rights"].format(debtors=debtors, outstanding=outstanding), b["duty"])
    private = tuple(v for p in data.parties for v in (p.id_number if p.kind == "自然人" else None, p.address,
                                                       p.phone) if v)
    return RulingText(court_name=data.court_name, title=t["title"], case_number=data.case_number,
                      parties=tuple(party_paragraphs(data.parties, t["party"])), body=tuple(body),
                      operative=operative, effect=b["effect"], signers=tuple(data.signers),
                      date_text=chinese_document_date(data.ruling_date), seal_text=b["seal"],
                      clerk=f"{b['clerk']}　{data.clerk_name}", known_private=private)


def render(text: RulingText, *, draft: bool = False) -> bytes:
    """Lay the ruling out on A4 in the court format; a draft carries a banner and a 草稿 watermark."""
    fonts = cjk_fonts()
    st = Styles(fonts)
    story: list[Flowable] = [para(text.court_name, st.court), para(text.title, st.title),
                             para(text.case_number, st.number)]
    story += [para(p, st.body) for p in text.parties]
    story += [para(p, st.body) for p in text.body]
    story += [para(p, st.body) for p in text.operative]
    story.append(para(text.effect, st.body))
    story.append(Spacer(1, LEADING))
    story += [para(line, st.right) for line in text.signer_lines()]
    story.append(SealedDate(text.date_text, text.seal_text, fonts.body))
    story.append(para(text.clerk, st.right))
    t = templates()
    return build_pdf(story, title=f"{text.case_number}{text.title}", fonts=fonts,
                     banner=t["draft_banner"] if draft else None, watermark="草稿" if draft else None)
