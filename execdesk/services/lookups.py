"""Small read-only questions the desktop asks while a person types or clicks (issue 11: ui/ reaches data only
through services). Each opens its own read snapshot; none writes."""

from __future__ import annotations

from sqlalchemy import select

from execdesk.models import Case, IssuedDocument
from execdesk.models.database import Store
from execdesk.rules.errors import NotFoundError


def case_number_taken(store: Store, case_number: str) -> bool:
    """Is this (canonical) 案号 already registered in this database?"""
    with store.read() as s:
        return s.scalar(select(Case.id).where(Case.case_number == case_number)) is not None


def case_type_code(store: Store, case_id: str) -> str:
    """The case's 类型代字 (执 / 执恢 / 执保 …), which decides the nodes that apply to it."""
    with store.read() as s:
        code = s.scalar(select(Case.type_code).where(Case.id == case_id))
    if code is None:
        raise NotFoundError(f"案件不存在（id {case_id}）")
    return code


def issued_document_pdf(store: Store, doc_id: str) -> tuple[bytes, str]:
    """The bytes of an issued document and a file name for saving it (案号 + 文书 + 版本)."""
    with store.read() as s:
        doc = s.get(IssuedDocument, doc_id)
        if doc is None:
            raise NotFoundError("文书不存在")
        case = s.get(Case, doc.case_id) if doc.case_id else None
        number = case.case_number if case else ""
        return doc.content, f"{number}{doc.kind}v{doc.version_no}.pdf"
