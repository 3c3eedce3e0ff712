"""书面说明 for an overdue case (R36, DOMAIN.md §2.6; seed: 法定期限届满后要逐案书面说明原因).

Pure composition from plain data (the service gathers it): case data; the execution-limit computation with
each deducted period and each approved extension (from the deadline engine's ``explain_limit``); the measures
taken in date order (the same sentences as the ruling's 执行经过); the reasons (enumerated + free text); next
steps and planned closure; the handler's signature and the 执行局长's opinion. A batch puts every overdue case
of a handler or of the court into one PDF behind a cover list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.colors import Color
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from execdesk.documents.fonts import cjk_fonts
from execdesk.documents.page import LEADING, TEXT_WIDTH, Styles, build_pdf, para
from execdesk.documents.ruling import (
    AssetData,
    Event,
    InterviewData,
    asset_paragraph,
    course_paragraphs,
    interview_paragraph,
)
from execdesk.documents.ruling import templates as ruling_templates
from execdesk.resources import load_toml
from execdesk.rules.dates import chinese_date
from execdesk.rules.money import format_yuan


@dataclass(frozen=True)
class DeductionView:
    kinds: tuple[str, ...]
    start: date
    end: date
    days: int
    running: bool


@dataclass(frozen=True)
class ExtensionView:
    months: int
    counted_months: int
    approved_on: date
    applied_on: date
    high_court_filed: bool
    note: str = ""
    approver: str = ""  # 批准人 (院长 / 副院长)
    approving_body: str = ""  # 批准机关
    reason: str = ""  # 延长原因
    document_number: str = ""


@dataclass(frozen=True)
class ExtensionRecord:
    """An Extension row as plain data: who approved it, why (the deadline engine's lines carry only dates)."""

    applied_on: date
    approved_on: date
    months: int
    approver: str
    approving_body: str | None
    reason: str
    document_number: str | None


@dataclass(frozen=True)
class LimitView:
    """The parts of the deadline engine's LimitExplanation that the 书面说明 prints."""

    statutory_months: int
    basis: str
    start_day: date
    nominal_end: date
    deductions: tuple[DeductionView, ...]
    deduction_basis: str
    extensions: tuple[ExtensionView, ...]
    extension_basis: str
    due_on: date
    rolled_from: date | None
    provisional: bool
    provisional_note: str
    overdue_days: int
    paused: bool

    @staticmethod
    def of(lim, records: Sequence[ExtensionRecord] = ()) -> LimitView:
        """From ``rules.deadlines.LimitExplanation`` (read by attribute: the engine owns that type), each extension
        joined with its record (same application and approval dates and months) for 批准人/机关 and 原因."""
        pool = list(records)

        def record_of(e) -> ExtensionRecord | None:
            for r in pool:
                if (r.applied_on, r.approved_on, r.months) == (e.applied_on, e.approved_on, e.months):
                    pool.remove(r)
                    return r
            return None

        def view(e) -> ExtensionView:
            r = record_of(e)
            return ExtensionView(e.months, e.counted_months, e.approved_on, e.applied_on, e.high_court_filed, e.note,
                                 approver=r.approver if r else "", approving_body=(r.approving_body or "") if r else "",
                                 reason=r.reason if r else "", document_number=(r.document_number or "") if r else "")

        return LimitView(
            statutory_months=lim.statutory_months, basis=lim.basis, start_day=lim.start_day,
            nominal_end=lim.nominal_end,
            deductions=tuple(DeductionView(tuple(d.kinds), d.start, d.end, d.days, d.running) for d in lim.deductions),
            deduction_basis=lim.deduction_basis,
            extensions=tuple(view(e) for e in lim.extensions),
            extension_basis=lim.extension_basis, due_on=lim.due_on, rolled_from=lim.rolled_from,
            provisional=lim.provisional, provisional_note=lim.provisional_note, overdue_days=lim.overdue_days,
            paused=lim.paused)


@dataclass(frozen=True)
class ExplanationData:
    case_number: str
    cause: str
    applicants: str
    debtors: str
    filed_on: date
    claimed_fen: int
    realised_fen: int
    handler: str
    today: date
    limit: LimitView
    events: tuple[Event, ...] = ()
    assets: tuple[AssetData, ...] = ()
    interview: InterviewData | None = None
    reasons: tuple[str, ...] = ()  # labels, in list order
    reason_text: str | None = None
    next_steps: str | None = None
    planned_close_on: date | None = None
    planned_method: str | None = None
    director_opinion: str | None = None


@dataclass(frozen=True)
class ExplanationText:
    case_number: str
    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    signature: tuple[str, ...]  # right-aligned: 承办人, date
    director: tuple[str, ...]  # left: 执行局长意见, signature line
    handler: str = ""
    due_on: date | None = None
    overdue_days: int = 0
    reasons_short: str = ""

    def paragraphs(self) -> list[str]:
        out = [self.title]
        for heading, paras in self.sections:
            out.append(heading)
            out.extend(paras)
        return out + list(self.signature) + list(self.director)


def templates() -> dict:
    return load_toml("templates", "explanation.toml")


def compose(data: ExplanationData) -> ExplanationText:
    t = templates()
    tx, sec = t["text"], t["sections"]
    today = chinese_date(data.today)
    outstanding = max(data.claimed_fen - data.realised_fen, 0)
    case_p = tx["case"].format(applicants=data.applicants, debtors=data.debtors, cause=data.cause,
                               filed_on=chinese_date(data.filed_on), case_number=data.case_number,
                               claimed=format_yuan(data.claimed_fen), handler=data.handler, today=today,
                               realised=format_yuan(data.realised_fen), outstanding=format_yuan(outstanding))
    lim = data.limit
    limit_ps = [tx["limit_statutory"].format(months=lim.statutory_months, basis=lim.basis,
                                             start_day=chinese_date(lim.start_day),
                                             nominal_end=chinese_date(lim.nominal_end))]
    if lim.deductions:
        for d in lim.deductions:
            limit_ps.append(tx["deduction"].format(kinds="、".join(d.kinds), start=chinese_date(d.start),
                                                   end=chinese_date(d.end), days=d.days,
                                                   running=tx["deduction_running"] if d.running else "",
                                                   basis=lim.deduction_basis))
    else:
        limit_ps.append(tx["no_deduction"])
    if lim.extensions:
        for e in lim.extensions:
            note = f"，{e.note.rstrip('。')}" if e.note else ""
            approver = (tx["extension_approver"].format(approver=e.approver, body=e.approving_body)
                        if e.approver and e.approving_body else (e.approver or e.approving_body or "院长"))
            limit_ps.append(tx["extension"].format(
                approved_on=chinese_date(e.approved_on), months=e.months, applied_on=chinese_date(e.applied_on),
                reason=(e.reason or tx["extension_reason_missing"]).strip().rstrip("。"), approver=approver,
                document=tx["extension_document"].format(document=e.document_number) if e.document_number else "",
                high_court=tx["extension_high_court"] if e.high_court_filed else "", note=note))
    else:
        limit_ps.append(tx["no_extension"])
    rolled = tx["limit_rolled"].format(rolled_from=chinese_date(lim.rolled_from)) if lim.rolled_from else ""
    key = "limit_result" if lim.overdue_days > 0 else "limit_result_in_time"
    limit_ps.append(tx[key].format(due_on=chinese_date(lim.due_on), rolled=rolled, today=today,
                                   overdue=lim.overdue_days))
    if lim.paused:
        limit_ps.append(tx["limit_paused"])
    if lim.provisional:
        limit_ps.append(tx["limit_provisional"].format(note=lim.provisional_note.rstrip("。") or "该年度节假日安排尚未公布"))
    # Every measure, as the ruling tells it (grouped by channel and date), then the property found and the 约谈.
    rt = ruling_templates()
    course = course_paragraphs(data.events, data.debtors, rt["events"])
    course += [asset_paragraph(a, rt["body"]) for a in data.assets]
    if data.interview:
        course.append(interview_paragraph(data.interview, data.applicants, rt["body"]))
    measure_ps = [f"{n}．{text}" for n, text in enumerate(course, 1)] or [tx["measures_none"]]
    reason_ps = [tx["reasons_intro"]] + [tx["reason_item"].format(n=n, label=label.rstrip("。"))
                                         for n, label in enumerate(data.reasons, 1)]
    if (data.reason_text or "").strip():
        reason_ps.append(tx["reason_free"].format(text=data.reason_text.strip()))
    if len(reason_ps) == 1:
        reason_ps.append(tx["missing"])
    plan_ps = []
    if (data.next_steps or "").strip():
        plan_ps.append(tx["plan"].format(next_steps=data.next_steps.strip()))
    if data.planned_close_on:
        key = "planned_close" if data.planned_method else "planned_close_no_method"
        plan_ps.append(tx[key].format(planned_on=chinese_date(data.planned_close_on), method=data.planned_method))
    if not plan_ps:
        plan_ps.append(tx["missing"])
    director = ((tx["director"].format(opinion=data.director_opinion.strip()),) if (data.director_opinion or "").strip()
                else (tx["director_blank"],)) + (tx["director_sign"],)
    return ExplanationText(
        case_number=data.case_number, title=t["title"].format(case_number=data.case_number),
        sections=((sec["case"], (case_p,)), (sec["limit"], tuple(limit_ps)), (sec["measures"], tuple(measure_ps)),
                  (sec["reasons"], tuple(reason_ps)), (sec["plan"], tuple(plan_ps))),
        signature=(tx["signature"].format(handler=data.handler), tx["date"].format(today=today)),
        director=director, handler=data.handler, due_on=lim.due_on, overdue_days=lim.overdue_days,
        reasons_short=("；".join(r.rstrip("。") for r in data.reasons) or (data.reason_text or "").strip()[:40]
                       or tx["missing"]))


def _story(text: ExplanationText, st: Styles) -> list:
    story = [para(text.title, st.title_small), Spacer(1, LEADING / 2)]
    for heading, paras in text.sections:
        story.append(para(heading, st.heading))
        story.extend(para(p, st.body) for p in paras)
    story.append(Spacer(1, LEADING / 2))
    # 承办人 and the date are one block (never split across pages), kept with the 执行局长's opinion below.
    story.append(KeepTogether([para(line, st.right) for line in text.signature] + [Spacer(1, LEADING / 2)]
                              + [para(line, st.plain) for line in text.director]))
    return story


def _styles() -> Styles:
    return Styles(cjk_fonts())


def render(text: ExplanationText) -> bytes:
    st = _styles()
    return build_pdf(_story(text, st), title=text.title, fonts=st.fonts)


def batch_cover_rows(texts: Sequence[ExplanationText]) -> list[list[str]]:
    return [[str(n), t.case_number, t.handler, chinese_date(t.due_on) if t.due_on else "", str(t.overdue_days),
             t.reasons_short] for n, t in enumerate(texts, 1)]


@dataclass(frozen=True)
class BatchText:
    title: str
    scope: str
    summary: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = field(default=())


def compose_batch(texts: Sequence[ExplanationText], *, scope: str, today: date) -> BatchText:
    t = templates()
    return BatchText(title=t["batch_title"], scope=scope,
                     summary=t["batch_summary"].format(today=chinese_date(today), count=len(texts)),
                     header=tuple(t["batch_header"]), rows=tuple(tuple(r) for r in batch_cover_rows(texts)))


def render_batch(cover: BatchText, texts: Sequence[ExplanationText]) -> bytes:
    """One PDF: the cover list, then each case's explanation on its own pages."""
    st = _styles()
    cell = st.cell
    widths = [0.06, 0.29, 0.10, 0.20, 0.09, 0.26]
    table = Table([[para(h, cell) for h in cover.header]] + [[para(c, cell) for c in row] for row in cover.rows],
                  colWidths=[w * (TEXT_WIDTH - 12) for w in widths], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, Color(0.3, 0.3, 0.3)),
                               ("BACKGROUND", (0, 0), (-1, 0), Color(0.92, 0.92, 0.92)),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story = [para(cover.title, st.title_small), para(cover.scope, st.center), para(cover.summary, st.body),
             Spacer(1, LEADING / 3), table]
    for text in texts:
        story.append(PageBreak())
        story.extend(_story(text, st))
    return build_pdf(story, title=cover.title, fonts=st.fonts)
