"""Read model of one case for the workspace: every tab's rows as plain records, read in one session.

Plain ``Rec`` objects (attribute access, no ORM state) so the UI can keep them after the session closes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import LargeBinary, inspect, select
from sqlalchemy.orm import Session

from execdesk.models import (
    AuditEntry,
    Base,
    Case,
    Deadline,
    Deduction,
    ExecutionBasis,
    Extension,
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
from execdesk.models.database import dbapi_connection
from execdesk.rules.dates import chinese_date
from execdesk.services import deadlines
from execdesk.services.cases import get_case


class Rec(SimpleNamespace):
    """A row's column values, detached from any session."""

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


def rec(obj: Base, **extra: Any) -> Rec:
    mapper = inspect(obj).mapper
    # Binary columns (issued PDFs) stay in the database; the workspace lists documents without their bytes.
    values = {a.key: getattr(obj, a.key) for a in mapper.column_attrs
              if not isinstance(a.columns[0].type, LargeBinary)}
    values.update(extra)
    return Rec(**values)


@dataclass
class CaseView:
    case: Rec
    handler_name: str
    clerk_name: str
    parties: list[Rec] = field(default_factory=list)
    basis: Rec | None = None
    nodes: list[Rec] = field(default_factory=list)
    leads: list[Rec] = field(default_factory=list)
    inquiries: list[Rec] = field(default_factory=list)
    assets: list[Rec] = field(default_factory=list)
    measures: list[Rec] = field(default_factory=list)
    payments: list[Rec] = field(default_factory=list)
    deductions: list[Rec] = field(default_factory=list)
    extensions: list[Rec] = field(default_factory=list)
    deadlines: list[Rec] = field(default_factory=list)
    documents: list[Rec] = field(default_factory=list)
    audit: list[Rec] = field(default_factory=list)
    limit_summary: str = ""  # how the execution limit is computed, every deduction included (R16–R19)

    @property
    def received_fen(self) -> int:
        return sum(p.amount_fen for p in self.payments if p.kind == "到账" and p.status == "有效")

    @property
    def paid_out_fen(self) -> int:
        return sum(p.amount_fen for p in self.payments if p.kind == "发放" and p.status == "有效")

    @property
    def outstanding_fen(self) -> int:
        return max(0, self.case.amount_claimed_fen - self.received_fen)

    def party_name(self, party_id: str | None) -> str:
        for p in self.parties:
            if p.id == party_id:
                return p.name
        return ""


def _all(session: Session, model, case_id: str, *order) -> list[Rec]:
    return [rec(o) for o in session.scalars(select(model).where(model.case_id == case_id).order_by(*order))]


def load_case_view(session: Session, case_id: str, *, audit_limit: int = 500) -> CaseView:
    case = get_case(session, case_id)
    names = {}
    for uid in {case.handler_id, case.clerk_id} - {None}:
        u = session.get(User, uid)
        names[uid] = u.display_name if u else ""
    basis = session.scalar(select(ExecutionBasis).where(ExecutionBasis.case_id == case_id))
    audit = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                            .order_by(AuditEntry.id.desc()).limit(audit_limit))
    docs = session.execute(select(IssuedDocument.id, IssuedDocument.kind, IssuedDocument.version_no,
                                  IssuedDocument.document_date, IssuedDocument.sha256, IssuedDocument.issued_by,
                                  IssuedDocument.issued_at)
                           .where(IssuedDocument.case_id == case_id)
                           .order_by(IssuedDocument.issued_at.desc())).all()
    return CaseView(
        case=rec(case), handler_name=names.get(case.handler_id, ""), clerk_name=names.get(case.clerk_id, ""),
        parties=_all(session, Party, case_id, Party.seq),
        basis=rec(basis) if basis else None,
        nodes=_all(session, Node, case_id, Node.seq),
        leads=_all(session, PropertyLead, case_id, PropertyLead.given_on),
        inquiries=_all(session, PropertyInquiry, case_id, PropertyInquiry.queried_on),
        assets=_all(session, FoundAsset, case_id, FoundAsset.created_at),
        measures=_all(session, Measure, case_id, Measure.started_on),
        payments=_all(session, Payment, case_id, Payment.paid_on),
        deductions=_all(session, Deduction, case_id, Deduction.started_on),
        extensions=_all(session, Extension, case_id, Extension.applied_on),
        deadlines=_all(session, Deadline, case_id, Deadline.due_on),
        documents=[Rec(id=d[0], kind=d[1], version_no=d[2], document_date=d[3], sha256=d[4], issued_by=d[5],
                       issued_at=d[6]) for d in docs],
        audit=[rec(a) for a in audit],
        limit_summary=limit_summary(deadlines.explain_limit(session, case)),
    )


def limit_summary(e) -> str:
    """One paragraph for the deadlines tab: statutory months, counting start, each deducted period — whether it
    comes from a 扣除 record or from a node's own span (评估, 拍卖 …) — extensions, and the resulting last day."""
    parts = [f"执行期限{e.statutory_months}个月，自{chinese_date(e.start_day)}起算，名义届满{chinese_date(e.nominal_end)}"]
    if e.deductions:
        spans = "；".join(f"{'、'.join(d.kinds)} {chinese_date(d.start)}至{chinese_date(d.end)}"
                         f"{'（进行中）' if d.running else ''}共{d.days}日" for d in e.deductions)
        parts.append(f"依法扣除{e.deducted_days}日（{spans}）")
    if e.extensions:
        parts.append(f"延长{sum(x.months for x in e.extensions)}个月")
    last = f"届满日{chinese_date(e.due_on)}"
    if e.rolled_from:
        last += f"（{chinese_date(e.rolled_from)}为节假日，顺延）"
    if e.provisional:
        last += "（暂定：该年度节假日安排尚未公布）"
    parts.append(last)
    return "，".join(parts) + "。"


# ---------------------------------------------------------------- dashboard counts


AGE_BUCKETS = [(0, 90, "3个月以内"), (91, 180, "3–6个月"), (181, 365, "6个月–1年"), (366, 730, "1–2年"),
               (731, 100_000, "2年以上")]


@dataclass
class DashboardFigures:
    open_cases: int
    overdue: int  # past the execution limit: the case list's 执行期限已超期, the report's 超期案件数
    warnings: int  # a deadline in its warning window: the case list's 预警（10日内到期）
    closed_this_year: int
    by_handler: list[tuple[str, int, int, int]]  # (handler, overdue, warnings, open)
    by_age: list[tuple[str, int]]  # (age bucket, open cases)
    node_overdue: int = 0  # within the limit, a node deadline passed: the list's 节点超期


def dashboard_figures(session: Session, today) -> DashboardFigures:
    """Counts for the dashboard charts, with the very conditions of the case list's views (services.search),
    so the status bar, the list's filter counts and 统计 show the same numbers."""
    from datetime import timedelta

    from sqlalchemy import func

    from execdesk.services.search import view_condition

    params: dict = {}
    over = view_condition("overdue", today, params)
    warn = view_condition("warn10", today, params)
    node = view_condition("node_overdue", today, params)
    con = dbapi_connection(session)
    rows = con.execute(
        f"SELECT coalesce(u.display_name, '（未指定）'), sum(CASE WHEN {over} THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN {warn} THEN 1 ELSE 0 END), count(*), sum(CASE WHEN {node} THEN 1 ELSE 0 END) "
        "FROM cases c LEFT JOIN users u ON u.id = c.handler_id WHERE c.status = '未结' "
        "GROUP BY u.display_name ORDER BY count(*) DESC", params).fetchall()
    by_handler = [(r[0], int(r[1] or 0), int(r[2] or 0), int(r[3])) for r in rows]
    open_ = Case.status == "未结"
    ages = []
    for lo, hi, label in AGE_BUCKETS:
        n = session.scalar(select(func.count()).select_from(Case).where(
            open_, Case.filed_on <= today - timedelta(days=lo), Case.filed_on >= today - timedelta(days=hi))) or 0
        ages.append((label, n))
    closed = session.scalar(select(func.count()).select_from(Case).where(
        Case.status == "已结", Case.closed_on >= today.replace(month=1, day=1))) or 0
    return DashboardFigures(open_cases=sum(r[3] for r in by_handler), overdue=sum(r[1] for r in by_handler),
                            warnings=sum(r[2] for r in by_handler), closed_this_year=closed,
                            by_handler=by_handler, by_age=ages, node_overdue=sum(int(r[4] or 0) for r in rows))


def latest_explanation(session: Session, case_id: str) -> Rec | None:
    """The case's latest 书面说明 (draft or issued) as a plain record."""
    from execdesk.models import Explanation

    row = session.scalar(select(Explanation).where(Explanation.case_id == case_id)
                         .order_by(Explanation.created_at.desc()).limit(1))
    return rec(row) if row else None


def issued_content(session: Session, document_id: str) -> tuple[bytes, str, int] | None:
    """An issued PDF's bytes, kind and version."""
    doc = session.get(IssuedDocument, document_id)
    return (doc.content, doc.kind, doc.version_no) if doc else None


@dataclass(frozen=True)
class NodeFormContext:
    """The choices a node form offers for its party and asset fields, and the case version the form read."""

    debtors: list[tuple[str, str]]
    assets: list[tuple[str, str]]
    case_version: int


def node_form_context(store, case_id: str) -> NodeFormContext:
    from execdesk.services import records

    with store.read() as session:
        case = get_case(session, case_id)
        ctx = records.form_context(session, case_id)
        return NodeFormContext(debtors=list(ctx.debtors), assets=list(ctx.assets), case_version=case.version)
