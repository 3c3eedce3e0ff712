"""Finding cases by id or 案号 (shared by every service; imports no other service, so no import circles)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.models import Case
from execdesk.rules.case_number import parse_case_number
from execdesk.rules.errors import NotFoundError


def get_case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError(f"案件不存在（id {case_id}）")
    return case


def find_case_id(session: Session, case_number: str) -> str:
    canonical = str(parse_case_number(case_number))
    case_id = session.scalar(select(Case.id).where(Case.case_number == canonical))
    if case_id is None:
        raise NotFoundError(f"本地没有案号为{canonical}的案件")
    return case_id
