"""书面说明 for overdue cases (R36; seed: 法定期限届满后要逐案书面说明原因): drafts, issue, batch print.

Reasons come from the enumerated list in ``resources/rules/explanation_reasons.toml`` plus free text. The
deadline computation is the deadline engine's own (``services.deadlines.explain_limit``), so the paper says
exactly what the warnings said. Issuing stores an immutable PDF version and marks the explanation 已出具,
which the deadline engine reads to clear ``explanation_owed``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.documents import explanation as doc
from execdesk.models import Approval, Case, Court, Explanation, Extension, User
from execdesk.models.database import Store
from execdesk.resources import load_toml
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import ConflictError, ErrorCollector, FieldDiff, ValidationError
from execdesk.services import deadlines, derived, documents, pipeline
from execdesk.services.accounts import authenticate
from execdesk.services.cases import get_case
from execdesk.services.changes import record_change, refuse_approver_only, snapshot
from execdesk.services.context import Actor
from execdesk.services.documents import store_issued
from execdesk.services.writer import show_value

EXPLANATION = "书面说明"
EXPLANATION_BATCH = "书面说明汇总"
DRAFT, ISSUED = "草稿", "已出具"


def _reasons_table() -> dict:
    return load_toml("rules", "explanation_reasons.toml")


REASONS: dict[str, str] = {r["code"]: r["label"] for r in _reasons_table()["reasons"]}
PLANNED_METHODS: list[str] = list(_reasons_table()["methods"]["planned"])


def get_draft(store: Store, case_id: str) -> Explanation | None:
    """The case's latest explanation (draft or issued), or None."""
    with store.read() as session:
        return _latest(session, case_id)


def _latest(session: Session, case_id: str) -> Explanation | None:
    return session.scalar(select(Explanation).where(Explanation.case_id == case_id)
                          .order_by(Explanation.created_at.desc()).limit(1))


def _validate(reasons, reason_text, next_steps, planned_close_on, planned_method, today: date, *,
              complete: bool) -> tuple[list[str], date | None]:
    errs = ErrorCollector()
    codes = list(dict.fromkeys(reasons or []))
    unknown = [c for c in codes if c not in REASONS]
    if unknown:
        errs.add("超期原因", f"不在原因目录中：{'、'.join(unknown)}")
    if "other" in codes and not (reason_text or "").strip():
        errs.add("具体情况", "选择“其他原因”时必须写明具体情况")
    planned = None
    if planned_close_on:
        planned = errs.check(parse_date, planned_close_on, "计划结案日期", not_before=today)
    if planned_method and planned_method not in PLANNED_METHODS:
        errs.add("计划结案方式", f"应为{'、'.join(PLANNED_METHODS)}之一")
    if complete:
        if not codes and not (reason_text or "").strip():
            errs.add("超期原因", "至少选择一项原因或填写具体情况")
        if not (next_steps or "").strip():
            errs.add("下一步工作安排", "不能为空")
        if planned is None and not errs.errors:
            errs.add("计划结案日期", "不能为空")
    errs.raise_if_any()
    return codes, planned


FIELD_LABELS = {"reasons": "超期原因", "reason_text": "具体情况", "next_steps": "下一步工作安排",
                "planned_close_on": "计划结案日期", "planned_method": "计划结案方式"}


def draft_version(row) -> int:
    """The version of the editable draft in ``row`` (the case's latest explanation, as read by a form): its
    version while it is a draft, 0 when there is none or the latest one is issued (saving starts a new draft).
    The form passes this to ``save_draft`` as ``expected_version``."""
    return int(row.version) if row is not None and row.status == DRAFT else 0


def _shown(key: str, value) -> object:
    if key == "reasons":
        return [REASONS.get(c, c) for c in (value or [])]
    return value


def save_draft(store: Store, actor: Actor, case_id: str, *, reasons=(), reason_text: str | None = None,
               next_steps: str | None = None, planned_close_on=None, planned_method: str | None = None,
               director_opinion: str | None = None, today: date | None = None,
               expected_version: int | None = None) -> str:
    """Create or update the case's draft (an issued explanation is never edited: a new draft is started).

    ``expected_version`` is the draft version the form read (``draft_version``: 0 when it showed no draft); when
    the stored draft is another version — someone saved, started or issued the draft meanwhile — nothing is
    written and ``ConflictError`` names both versions and each field whose stored value differs from the typed
    one (issue 11: a stale form is a conflict, never an overwrite). None means unchecked (the CLI writes what
    its command line says, reading and writing in one call).

    The 执行局长's opinion is not a draft field: only ``record_director_opinion`` (the director's password)
    writes it; passing one here is refused, and saving a draft keeps the signed opinion as it is."""
    today = today or date.today()
    refuse_approver_only("explanation", {"director_opinion": director_opinion}, "书面说明编辑")
    codes, planned = _validate(reasons, reason_text, next_steps, planned_close_on, planned_method, today,
                               complete=False)
    with pipeline.write(store, actor, today=today) as w:
        case = get_case(w.session, case_id)
        row = _latest(w.session, case.id)
        draft = row if row is not None and row.status == DRAFT else None
        fields = dict(reasons=codes, reason_text=(reason_text or "").strip() or None,
                      next_steps=(next_steps or "").strip() or None, planned_close_on=planned,
                      planned_method=planned_method or None)
        what = f"案件{case.case_number}的书面说明草稿"
        current = draft_version(row)
        if expected_version is not None and int(expected_version) != current:
            diffs = [FieldDiff(FIELD_LABELS[k], show_value(_shown(k, v)),
                               show_value(_shown(k, getattr(draft, k) if draft is not None else None)))
                     for k, v in fields.items()
                     if show_value(_shown(k, v)) != show_value(_shown(k, getattr(draft, k) if draft else None))]
            raise ConflictError(what, read_version=int(expected_version), current_version=current,
                                changed_by=w.last_actor(row) if row is not None else None, diffs=diffs)
        if draft is None:
            new = Explanation(case_id=case.id, status=DRAFT, **fields)
            w.add(new)
            return new.id
        w.change(draft, fields, labels=FIELD_LABELS, what=what)
        return draft.id


def record_director_opinion(store: Store, actor: Actor, case_id: str, *, approver_username: str, password: str,
                            opinion: str, today: date | None = None) -> str:
    """The 执行局长's opinion on the draft (DOMAIN §2.6 item 7), confirmed by their own password; printed on the
    explanation and kept as an Approval row (subject 书面说明) for the record. Returns the approval id."""
    if not (opinion or "").strip():
        raise ValidationError("不能为空", "执行局长意见")
    approver = authenticate(store, approver_username, password)
    roles = _reasons_table()["opinion"]["roles"]
    if approver.role not in roles:
        raise ValidationError(f"须由{'、'.join(roles)}签署意见，当前账号的角色是{approver.role}", "执行局长意见")
    with store.transaction() as session:
        case = get_case(session, case_id)
        if approver.user_id and approver.user_id == case.handler_id:
            raise ValidationError("承办人不能为自己的书面说明签署审核意见", "执行局长意见")
        row = _latest(session, case.id)
        if row is None or row.status == ISSUED:
            raise ValidationError("请先由承办人填写书面说明草稿", "书面说明")
        before, base = snapshot(row), row.version
        row.director_opinion = opinion.strip()
        record_change(session, actor, row, "修改", before=before, base_version=base)
        approval = Approval(case_id=case.id, subject=EXPLANATION, route=EXPLANATION, step="执行局长",
                            approver_id=approver.user_id, approver_name=approver.display_name, decision="同意",
                            opinion=opinion.strip())
        session.add(approval)
        record_change(session, actor, approval, "审批")
        return approval.id


def _extension_records(session: Session, case_id: str) -> list[doc.ExtensionRecord]:
    rows = session.execute(select(Extension.applied_on, Extension.approved_on, Extension.months, Extension.approver,
                                  Extension.approving_body, Extension.reason, Extension.document_number)
                           .where(Extension.case_id == case_id).order_by(Extension.applied_on))
    return [doc.ExtensionRecord(*r) for r in rows]


def explanation_data(session: Session, case: Case, row: Explanation | None, today: date) -> doc.ExplanationData:
    """The explanation's facts as of ``today``: the ruling's own gathering (every measure, the property found, the
    约谈) and the deadline engine's computation, each extension with its 批准人/机关 and 原因 (R18, §2.6)."""
    lim = deadlines.explain_limit(session, case, today=today)
    facts = documents.ruling_data(session, case, today)
    names = {r: "、".join(p.name for p in facts.parties if p.role == r) for r in ("申请执行人", "被执行人")}
    return doc.ExplanationData(
        case_number=case.case_number, cause=case.cause, applicants=names["申请执行人"], debtors=names["被执行人"],
        filed_on=case.filed_on, claimed_fen=case.amount_claimed_fen, realised_fen=facts.realised_fen,
        handler=case.handler.display_name if case.handler else "（未指定）", today=today,
        limit=doc.LimitView.of(lim, _extension_records(session, case.id)), events=facts.events, assets=facts.assets,
        interview=facts.interview,
        reasons=tuple(REASONS[c] for c in REASONS if row and c in (row.reasons or [])),
        reason_text=row.reason_text if row else None, next_steps=row.next_steps if row else None,
        planned_close_on=row.planned_close_on if row else None, planned_method=row.planned_method if row else None,
        director_opinion=row.director_opinion if row else None)


def draft_pdf(store: Store, case_id: str, *, today: date | None = None) -> bytes:
    """The explanation as it would print now (the draft's reasons may still be empty)."""
    today = today or date.today()
    with store.read() as session:
        case = get_case(session, case_id)
        return doc.render(doc.compose(explanation_data(session, case, _latest(session, case.id), today)))


def issue_explanation(store: Store, actor: Actor, case_id: str, *, today: date | None = None) -> str:
    """Issue the case's explanation: complete draft required; stores the PDF as a new immutable version and
    marks the explanation 已出具 (the deadline engine then stops asking for one). Returns the document id."""
    today = today or date.today()
    with store.transaction() as session:
        case = get_case(session, case_id)
        row = _latest(session, case.id)
        if row is None or row.status == ISSUED:
            raise ValidationError("请先填写书面说明（超期原因、下一步工作安排、计划结案日期）", "书面说明")
        _validate(row.reasons, row.reason_text, row.next_steps, row.planned_close_on, row.planned_method, today,
                  complete=True)
        data = explanation_data(session, case, row, today)
        if data.limit.overdue_days <= 0:
            raise ValidationError(f"本案未超过执行期限（届满日{data.limit.due_on.isoformat()}），无须出具超期说明",
                                  "书面说明")
        pdf = doc.render(doc.compose(data))
        issued = store_issued(session, actor, case_id=case.id, kind=EXPLANATION, pdf=pdf, document_date=today,
                              meta={"explanation_id": row.id, "overdue_days": data.limit.overdue_days})
        before, base = snapshot(row), row.version
        row.status = ISSUED
        record_change(session, actor, row, "出具", before=before, base_version=base)
        derived.refresh_case(session, case, today=today)
        return issued.id


def overdue_case_ids(session: Session, *, handler_username: str | None = None) -> list[str]:
    """Open cases past their execution limit (cached by the deadline engine), most overdue first."""
    q = select(Case.id).where(Case.status == "未结", Case.overdue_days > 0)
    if handler_username:
        user = session.scalar(select(User).where(User.username == handler_username))
        if user is None:
            raise ValidationError(f"本地没有账号“{handler_username}”", "承办人")
        q = q.where(Case.handler_id == user.id)
    return list(session.scalars(q.order_by(Case.overdue_days.desc(), Case.case_number)))


def batch_pdf(store: Store, *, handler_username: str | None = None, today: date | None = None,
              progress=None, limit: int | None = None) -> tuple[bytes, int]:
    """Every overdue case of a handler (or of the court) in one PDF behind a cover list. Returns (pdf, count)."""
    today = today or date.today()
    with store.read() as session:
        ids = overdue_case_ids(session, handler_username=handler_username)[:limit]
        if not ids:
            raise ValidationError("没有超过执行期限的未结案件", "书面说明")
        texts = []
        for n, cid in enumerate(ids, 1):
            case = session.get_one(Case, cid)
            texts.append(doc.compose(explanation_data(session, case, _latest(session, cid), today)))
            if progress:
                progress(n, len(ids))
        if handler_username:
            user = session.scalars(select(User).where(User.username == handler_username)).one()
            scope = doc.templates()["batch_scope_handler"].format(handler=user.display_name)
        else:
            court = session.scalar(select(Court).order_by(Court.created_at).limit(1))
            scope = doc.templates()["batch_scope_court"].format(court=court.name if court else "本院")
    return doc.render_batch(doc.compose_batch(texts, scope=scope, today=today), texts), len(texts)


def issue_batch(store: Store, actor: Actor, *, handler_username: str | None = None, today: date | None = None) -> str:
    """Store the batch PDF as an issued 书面说明汇总 (one immutable version per print run)."""
    today = today or date.today()
    pdf, count = batch_pdf(store, handler_username=handler_username, today=today)
    with store.transaction() as session:
        issued = store_issued(session, actor, case_id=None, kind=EXPLANATION_BATCH, pdf=pdf, document_date=today,
                              meta={"cases": count, "handler": handler_username})
        return issued.id
