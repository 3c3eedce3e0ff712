"""Baseline: the platform's tables as they were created before migrations existed (create_all).

A database created by an earlier platform (tables, no alembic_version) is stamped at this revision and then
upgraded; a new database is built from here.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "p_courts",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("created_at", TS, nullable=False))
    op.create_table(
        "p_accounts",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("court_code", sa.String(16), sa.ForeignKey("p_courts.code"), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False))
    op.create_table(
        "p_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("account", sa.String(64), sa.ForeignKey("p_accounts.name"), nullable=False),
        sa.Column("court_code", sa.String(16), nullable=False),
        sa.Column("device_id", sa.String(64)),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False))
    op.create_table(
        "p_changes",
        sa.Column("change_id", sa.String(36), primary_key=True),
        sa.Column("court_code", sa.String(16), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(64)),
        sa.Column("device_seq", sa.BigInteger),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("server_seq", sa.BigInteger),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.UniqueConstraint("court_code", "server_seq", name="uq_court_seq"))
    op.create_index("ix_p_changes_case", "p_changes", ["case_id"])
    op.create_table(
        "p_cases",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("court_code", sa.String(16), sa.ForeignKey("p_courts.code"), nullable=False),
        sa.Column("case_number", sa.String(40)),
        sa.Column("created_at", TS, nullable=False))
    op.create_index("ix_p_cases_court_code", "p_cases", ["court_code"])
    op.create_table(
        "p_entities",
        sa.Column("entity_id", sa.String(36), primary_key=True),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("court_code", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("last_change_id", sa.String(36), nullable=False),
        sa.Column("updated_at", TS, nullable=False))
    op.create_index("ix_p_entities_case", "p_entities", ["case_id"])
    op.create_table(
        "p_feed_counters",
        sa.Column("court_code", sa.String(16), sa.ForeignKey("p_courts.code"), primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False))
    op.create_table(
        "p_feed_items",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("court_code", sa.String(16), sa.ForeignKey("p_courts.code"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(36)),
        sa.Column("case_number", sa.String(40)),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("issued_by", sa.String(64)),
        sa.Column("due_on", sa.String(10)),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("reply", sa.Text),
        sa.Column("replied_by", sa.String(64)),
        sa.Column("replied_at", TS),
        sa.Column("reply_change_id", sa.String(36)),
        sa.UniqueConstraint("court_code", "seq", name="uq_feed_court_seq"))


def downgrade() -> None:
    for table in ("p_feed_items", "p_feed_counters", "p_entities", "p_cases", "p_changes", "p_tokens",
                  "p_accounts", "p_courts"):
        op.drop_table(table)
