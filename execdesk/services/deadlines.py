"""Deadline engine entry points (issue 3 fills in the rules). Called inside the same transaction as the change."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from execdesk.models import Case


def recompute_case(session: Session, case: Case, *, today: date | None = None) -> None:
    """Recompute the case's deadline cache. Placeholder until the deadline engine lands (issue 3)."""
    return None
