"""Corrections of what was typed wrong (issue 17 item 3): the 案号, the parties, payments, the execution basis.

Every correction follows ``services.cases``: one ``store.transaction()``, the row's ``snapshot`` before, the
change, ``record_change`` (audit + outbox in the same transaction, so it syncs), ``derived.refresh_case``
at the end. Nothing is deleted: an old 案号 is kept in ``cases.former_numbers`` (shown and searchable), a wrong
payment is marked 已冲正 with its reason and a corrected amount is a new row pointing at it (append-only, like
nodes: docs/decisions.md item 4).

Each function takes the ``expected_version`` of the row the form read; if someone saved that row since (a sync,
another window, a second ExecDesk), the correction is refused with a Chinese message instead of overwriting.
Each write lives in one ``_write_*`` block per function so it can move to a shared write pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.models import Case, ExecutionBasis, Party, Payment
from execdesk.models.database import Store
from execdesk.rules.case_number import parse_case_number
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import ValidationError
from execdesk.rules.money import format_yuan, parse_amount
from execdesk.services import derived
from execdesk.services.cases import NotFoundError, get_case, validate_basis, validate_party
from execdesk.services.changes import record_change, snapshot
from execdesk.services.context import Actor
from execdesk.services.inputs import BasisInput, PartyInput

VALID = "有效"
REVERSED = "已冲正"


class VersionConflictError(ValidationError):
    """The row changed since the form read it: nothing was written."""


def _check_version(obj, expected_version: int | None, what: str) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise VersionConflictError(f"{what}在您打开后已被修改（可能是同步或另一窗口保存的），为免覆盖，本次更正未保存。"
                                   "请关闭后重新打开再更正", what)


def _reason(reason: str | None, field: str = "更正原因") -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError("更正必须说明原因", field)
    return text


def search_text(case: Case, parties: list[Party]) -> str:
    """案号, every earlier 案号, party names and ID numbers (what ``services.search`` matches)."""
    parts = [case.case_number, *[n for n in (case.former_numbers or "").split("、") if n]]
    for p in parties:
        parts.append(p.name)
        if p.id_number:
            parts.append(p.id_number)
    return "|".join(parts).lower()


def _parties(session: Session, case_id: str) -> list[Party]:
    return list(session.scalars(select(Party).where(Party.case_id == case_id).order_by(Party.seq)))


# ---------------------------------------------------------------- 案号


def correct_case_number(store: Store, actor: Actor, case_id: str, new_number: str, reason: str, *,
                        expected_version: int | None, today: date | None = None) -> str:
    """A wrong 案号: the case gets the right one, the old one stays in ``former_numbers`` (searchable).
    Returns the canonical new 案号."""
    today = today or date.today()
    why = _reason(reason)
    number = parse_case_number(new_number, today=today)
    canonical = str(number)
    with store.transaction() as session:
        case = get_case(session, case_id)
        _check_version(case, expected_version, "案件")
        if canonical == case.case_number:
            raise ValidationError("与原案号相同，无需更正", "案号")
        if session.scalar(select(Case.id).where(Case.case_number == canonical)):
            raise ValidationError(f"{canonical} 已被另一件案件使用", "案号")
        before, base = snapshot(case), case.version
        former = [n for n in (case.former_numbers or "").split("、") if n]
        if case.case_number not in former:
            former.append(case.case_number)
        case.case_number, case.year, case.court_code = canonical, number.year, number.court_code
        case.type_code, case.serial = number.type_code, number.serial
        case.former_numbers = "、".join(former)
        case.notes = _append_note(case.notes, f"{today.isoformat()} 案号由{before['case_number']}更正为{canonical}：{why}")
        case.search_text = search_text(case, _parties(session, case.id))
        record_change(session, actor, case, "更正", before=before, base_version=base)
        derived.refresh_case(session, case, today=today)
        return canonical


def _append_note(notes: str | None, line: str) -> str:
    return f"{notes}\n{line}" if notes else line


# ---------------------------------------------------------------- parties


def add_party(store: Store, actor: Actor, case_id: str, data: PartyInput, *, expected_version: int | None,
              represents_party_id: str | None = None, today: date | None = None) -> str:
    """A party left out at registration (a second debtor, an agent of a party). Returns the party id."""
    today = today or date.today()
    v = validate_party(data, "新增当事人", today)
    if data.role == "委托代理人" and not represents_party_id:
        raise ValidationError("委托代理人须选择所代理的当事人", "被代理人")
    with store.transaction() as session:
        case = get_case(session, case_id)
        _check_version(case, expected_version, "案件")
        parties = _parties(session, case.id)
        if represents_party_id and all(p.id != represents_party_id for p in parties):
            raise ValidationError("所代理的当事人不属于本案", "被代理人")
        if v["id_number"] and any(p.id_number == v["id_number"] for p in parties):
            raise ValidationError("本案已有该证件号码的当事人", "证件号码")
        party = Party(case_id=case.id, seq=max((p.seq for p in parties), default=0) + 1,
                      represents_party_id=represents_party_id, **v)
        session.add(party)
        record_change(session, actor, party, "新建")
        before, base = snapshot(case), case.version
        case.search_text = search_text(case, [*parties, party])
        record_change(session, actor, case, "修改", before=before, base_version=base)
        derived.refresh_case(session, case, today=today)
        return party.id


PARTY_FIELDS = {"name": "名称", "address": "住所", "phone": "联系电话", "legal_rep": "法定代表人",
                "legal_rep_title": "法定代表人职务", "ethnicity": "民族", "deceased": "已死亡/注销",
                "id_number": "证件号码"}


def update_party(store: Store, actor: Actor, party_id: str, *, expected_version: int | None,
                 reason: str | None = None, today: date | None = None, **changes) -> None:
    """Change a party's address, phone and the like (a new address is a change, not a mistake: no reason needed;
    a corrected name or ID number needs one). Validated like registration."""
    today = today or date.today()
    unknown = set(changes) - set(PARTY_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改字段：{'、'.join(sorted(unknown))}", "当事人")
    with store.transaction() as session:
        party = session.get(Party, party_id)
        if party is None:
            raise NotFoundError("当事人不存在")
        _check_version(party, expected_version, "当事人")
        current = PartyInput(role=party.role, kind=party.kind, name=party.name, id_number=party.id_number,
                             sex=party.sex, birth_date=party.birth_date, ethnicity=party.ethnicity,
                             address=party.address, phone=party.phone, legal_rep=party.legal_rep,
                             legal_rep_title=party.legal_rep_title, deceased=party.deceased)
        for key, value in changes.items():
            setattr(current, key, value.strip() if isinstance(value, str) else value)
        if ("name" in changes and current.name != party.name) or \
                ("id_number" in changes and (current.id_number or None) != party.id_number):
            _reason(reason)
        v = validate_party(current, "当事人", today)
        before, base = snapshot(party), party.version
        for key, value in v.items():
            if key in ("role", "kind"):
                continue
            setattr(party, key, (value or None) if isinstance(value, str) else value)
        if before == snapshot(party):
            raise ValidationError("没有修改任何内容", "当事人")
        record_change(session, actor, party, "更正" if reason else "修改", before=before, base_version=base)
        case = get_case(session, party.case_id)
        if party.name != before["name"] or party.id_number != before["id_number"]:
            cb, cbase = snapshot(case), case.version
            case.search_text = search_text(case, _parties(session, case.id))
            record_change(session, actor, case, "修改", before=cb, base_version=cbase)
        derived.refresh_case(session, case, today=today)


# ---------------------------------------------------------------- payments


@dataclass(frozen=True)
class PaymentCheck:
    """What a new payment would do to the balance: ``question`` is set when it needs the clerk's confirmation."""

    outstanding_fen: int  # what this kind of payment can still cover
    amount_fen: int
    question: str | None


def check_payment(store: Store, case_id: str, *, kind: str, amount: str, exclude_id: str | None = None
                  ) -> PaymentCheck:
    """到账 beyond what is still owed (申请执行标的 − 已到账), or 发放 beyond what has arrived and is not yet paid
    out, asks first (it may be interest or costs, or a typing slip of a zero)."""
    fen = parse_amount(amount, "执行款金额", allow_zero=False)
    with store.read() as session:
        case = get_case(session, case_id)
        rows = [p for p in session.scalars(select(Payment).where(Payment.case_id == case_id,
                                                                   Payment.status == VALID)) if p.id != exclude_id]
    received = sum(p.amount_fen for p in rows if p.kind == "到账")
    paid = sum(p.amount_fen for p in rows if p.kind == "发放")
    if kind == "发放":
        left = max(0, received - paid)
        what = f"已到账未发放的执行款只有 {format_yuan(left)} 元"
    else:
        left = max(0, case.amount_claimed_fen - received)
        what = f"本案尚未执行到位的金额只有 {format_yuan(left)} 元（申请执行标的 {format_yuan(case.amount_claimed_fen)} 元，" \
               f"已到账 {format_yuan(received)} 元）"
    question = None
    if fen > left:
        question = (f"本次{kind} {format_yuan(fen)} 元，超过{what}。\n"
                    "如包含迟延履行利息、诉讼费等，请确认；如是录入错误，请返回修改。")
    return PaymentCheck(outstanding_fen=left, amount_fen=fen, question=question)


def reverse_payment(store: Store, actor: Actor, payment_id: str, reason: str, *, expected_version: int | None,
                    today: date | None = None) -> None:
    """冲正: the payment stays, marked 已冲正 with the reason; it no longer counts."""
    today = today or date.today()
    why = _reason(reason, "冲正原因")
    with store.transaction() as session:
        pay = _payment(session, payment_id, expected_version)
        _write_reversal(session, actor, pay, why)
        derived.refresh_case(session, get_case(session, pay.case_id), today=today)


def _payment(session: Session, payment_id: str, expected_version: int | None) -> Payment:
    pay = session.get(Payment, payment_id)
    if pay is None:
        raise NotFoundError("执行款记录不存在")
    _check_version(pay, expected_version, "执行款记录")
    if pay.status == REVERSED:
        raise ValidationError("该笔执行款已冲正，请更正最新的记录", "执行款")
    return pay


def _write_reversal(session: Session, actor: Actor, pay: Payment, why: str) -> None:
    before, base = snapshot(pay), pay.version
    pay.status, pay.reason = REVERSED, why
    record_change(session, actor, pay, "冲正", before=before, base_version=base)


def correct_payment(store: Store, actor: Actor, payment_id: str, *, amount: str, paid_on, reason: str,
                    expected_version: int | None, route: str | None = None, description: str | None = None,
                    today: date | None = None) -> str:
    """A wrong amount or date: the old row is marked 已冲正 and a new row with the right values points at it.
    Returns the new payment's id."""
    today = today or date.today()
    why = _reason(reason)
    with store.transaction() as session:
        old = _payment(session, payment_id, expected_version)
        case = get_case(session, old.case_id)
        fen = parse_amount(amount, "执行款金额", allow_zero=False)
        when = parse_date(paid_on, "执行款日期", not_after=today, not_before=case.filed_on)
        _write_reversal(session, actor, old, f"更正：{why}")
        new = Payment(case_id=case.id, kind=old.kind, amount_fen=fen, paid_on=when,
                      route=route if route is not None else old.route,
                      description=description if description is not None else old.description,
                      status=VALID, reason=why, corrects_id=old.id)
        session.add(new)
        record_change(session, actor, new, "更正")
        derived.refresh_case(session, case, today=today)
        return new.id


# ---------------------------------------------------------------- 执行依据


def correct_basis(store: Store, actor: Actor, case_id: str, data: BasisInput, reason: str, *,
                  expected_version: int | None, today: date | None = None) -> str:
    """The execution basis typed wrong (or missing): corrected with before/after in the audit log.
    ``expected_version`` is the basis row's version (None when the case had none). Returns the basis id."""
    today = today or date.today()
    why = _reason(reason)
    v = validate_basis(data, today)
    with store.transaction() as session:
        case = get_case(session, case_id)
        basis = session.scalar(select(ExecutionBasis).where(ExecutionBasis.case_id == case.id))
        if basis is None:
            basis = ExecutionBasis(case_id=case.id, **v)
            session.add(basis)
            record_change(session, actor, basis, "新建")
        else:
            _check_version(basis, expected_version, "执行依据")
            before, base = snapshot(basis), basis.version
            for key, value in v.items():
                setattr(basis, key, value)
            if snapshot(basis) == before:
                raise ValidationError("没有修改任何内容", "执行依据")
            record_change(session, actor, basis, "更正", before=before, base_version=base)
        cb, cbase = snapshot(case), case.version
        case.notes = _append_note(case.notes, f"{today.isoformat()} 更正执行依据：{why}")
        record_change(session, actor, case, "修改", before=cb, base_version=cbase)
        derived.refresh_case(session, case, today=today)
        return basis.id
