"""Approval routing (issue 13 item 4): the index for feed items addressed to one person (``recipient``, a person
ref "<court_code>/<username>", added by 0004), approval requests and the decisions on them.

A request carries the draft's exact text and SHA-256; a decision is accepted only from the step's approver
(from the token), only for the request's current SHA-256 and in route order. Every decision the platform
answered is kept with who, which device, which sha and when (p_approval_decisions, keyed by the change id:
exactly once).

Revision ID: 0006_approval_routing
Revises: 0005 (person accounts); the feed's recipient column comes from 0004 (case register)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_approval_routing"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # p_feed_items.recipient itself is added by 0004_case_register (移交 items are addressed too).
    op.create_index("ix_p_feed_items_court_recipient_seq", "p_feed_items", ["court_code", "recipient", "seq"])
    op.create_table(
        "p_approval_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("court_code", sa.String(16), sa.ForeignKey("p_courts.code"), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("case_number", sa.String(40)),
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("draft_sha256", sa.String(64), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("supersedes", sa.String(36)),
        sa.Column("superseded_by", sa.String(36)),
        sa.Column("requester", sa.String(80), nullable=False),
        sa.Column("device_id", sa.String(64)),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("change_id", sa.String(36), nullable=False),
        sa.Column("created_at", TS, nullable=False))
    op.create_index("ix_p_approval_requests_case", "p_approval_requests", ["court_code", "case_id", "subject"])
    op.create_table(
        "p_approval_decisions",
        sa.Column("change_id", sa.String(36), primary_key=True),
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("court_code", sa.String(16), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("approver", sa.String(80), nullable=False),
        sa.Column("device_id", sa.String(64)),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("opinion", sa.Text()),
        sa.Column("decided_on", sa.String(10)),
        sa.Column("draft_sha256", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("received_at", TS, nullable=False))
    op.create_index("ix_p_approval_decisions_request", "p_approval_decisions", ["request_id", "step"])


def downgrade() -> None:
    op.drop_index("ix_p_approval_decisions_request", "p_approval_decisions")
    op.drop_table("p_approval_decisions")
    op.drop_index("ix_p_approval_requests_case", "p_approval_requests")
    op.drop_table("p_approval_requests")
    op.drop_index("ix_p_feed_items_court_recipient_seq", "p_feed_items")
