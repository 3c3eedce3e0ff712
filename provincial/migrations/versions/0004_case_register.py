"""Case register (issue 13 item 3): who handles a case and its state on the platform, unique 案号 per court,
an audited event log of transfers, handovers and 案号 corrections, and addressed feed items.

- ``p_cases`` gains ``handler`` / ``clerk`` (person refs "<法院代字>/<username>"), ``status``, ``registered_at``
  and a unique key (court_code, case_number). Older rows with a repeated number keep the first one; the later
  ones lose the number (NULL) and appear in the platform log, to be re-registered by their next push.
- ``p_case_events``: 移交 (handover), 移送 (transfer to another court), 更正案号 — who, when, from, to.
- ``p_feed_items.recipient``: a feed item for one person (移交 goes to the new handler). The approvals work of
  issue 13 adds the same column in its own migration; the lead keeps one of the two at merge.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT case_id, court_code, case_number FROM p_cases "
                                "WHERE case_number IS NOT NULL ORDER BY created_at, case_id")).all()
    seen: set[tuple[str, str]] = set()
    for case_id, court, number in rows:
        if (court, number) in seen:
            conn.execute(sa.text("UPDATE p_cases SET case_number = NULL WHERE case_id = :c"), {"c": case_id})
        seen.add((court, number))
    with op.batch_alter_table("p_cases") as t:
        t.add_column(sa.Column("handler", sa.String(96)))
        t.add_column(sa.Column("clerk", sa.String(96)))
        t.add_column(sa.Column("status", sa.String(8)))
        t.add_column(sa.Column("registered_at", TS))
        t.create_unique_constraint("uq_p_cases_court_number", ["court_code", "case_number"])
    op.create_table(
        "p_case_events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("court_code", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("actor", sa.String(96), nullable=False),
        sa.Column("change_id", sa.String(36)),
        sa.Column("at", TS, nullable=False))
    op.create_index("ix_p_case_events_case", "p_case_events", ["case_id", "at"])
    with op.batch_alter_table("p_feed_items") as t:
        t.add_column(sa.Column("recipient", sa.String(96)))


def downgrade() -> None:
    with op.batch_alter_table("p_feed_items") as t:
        t.drop_column("recipient")
    op.drop_index("ix_p_case_events_case", "p_case_events")
    op.drop_table("p_case_events")
    with op.batch_alter_table("p_cases") as t:
        t.drop_constraint("uq_p_cases_court_number", type_="unique")
        t.drop_column("registered_at")
        t.drop_column("status")
        t.drop_column("clerk")
        t.drop_column("handler")
