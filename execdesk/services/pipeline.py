"""The one write pipeline (issue 11): every change to case data goes through ``write()``.

    with pipeline.write(store, actor, today=today) as w:
        w.add(row)                                   # a new row: audit + outbox, its case marked touched
        w.change(row, {"field": value}, expected_version=v)   # stale form → ConflictError, nothing written
    # on leaving the block, before commit: derived.refresh_cases(touched) — deadlines, warning levels,
    # asset disposal states, 终本 readiness, explanation owed — then one commit.

Validation of typed fields happens before (rules/fields.py via services/records.py); data + audit + outbox are
written by ``add``/``change`` in the same transaction; derived values are refreshed by one function
(services/derived.py) for exactly the cases touched. The UI, the CLI, the JSON and Excel imports and the sync
pull all write through here, so no derived value has a second writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import Session

from execdesk.models.database import Store
from execdesk.services import derived
from execdesk.services.context import Actor
from execdesk.services.writer import Write

__all__ = ["Write", "write", "in_session", "finish"]


def finish(w: Write) -> None:
    """Refresh every derived value of the cases ``w`` touched, in its transaction, before commit."""
    w.write_log()  # one flush of the rows, then their audit and outbox entries in two multi-row INSERTs
    if w.touched:
        w.session.flush()
        derived.refresh_cases(w.session, sorted(w.touched), today=w.today)


@contextmanager
def write(store: Store, actor: Actor, *, today: date | None = None) -> Iterator[Write]:
    """One transaction through the pipeline (BEGIN IMMEDIATE; rolled back whole on any error)."""
    with store.transaction() as session:
        w = Write(session, actor, today or date.today())
        yield w
        finish(w)


def in_session(session: Session, actor: Actor, today: date) -> Write:
    """A pipeline writer inside a transaction the caller already holds (bulk imports, the 合议 node of an
    approval). The caller must call ``finish(w)`` before its commit."""
    return Write(session, actor, today)
