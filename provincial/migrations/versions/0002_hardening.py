"""Hardening (issue 14): change fingerprints (change_id_reused), the pushing account on entity rows, the
reply's signed name, sign-in audit/throttling, 指挥中心 staff, jurisdictions and web sessions, and the
indexes the 指挥中心 and the feed read by.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("p_changes") as t:
        t.add_column(sa.Column("fingerprint", sa.String(64)))
    op.create_index("ix_p_changes_court_received", "p_changes", ["court_code", "received_at"])
    with op.batch_alter_table("p_entities") as t:
        t.add_column(sa.Column("account", sa.String(64)))
    op.create_index("ix_p_entities_court_entity", "p_entities", ["court_code", "entity"])
    with op.batch_alter_table("p_feed_items") as t:
        t.add_column(sa.Column("reply_signed_name", sa.String(64)))
    op.create_index("ix_p_tokens_account", "p_tokens", ["account"])
    op.create_table(
        "p_signin_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False))
    op.create_index("ix_p_signin_account_at", "p_signin_attempts", ["kind", "account", "at"])
    op.create_index("ix_p_signin_address_at", "p_signin_attempts", ["address", "at"])
    op.create_table(
        "p_staff",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False))
    op.create_table(
        "p_staff_courts",
        sa.Column("staff_name", sa.String(64), sa.ForeignKey("p_staff.name"), primary_key=True),
        sa.Column("court_code", sa.String(16), sa.ForeignKey("p_courts.code"), primary_key=True))
    op.create_table(
        "p_web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("staff_name", sa.String(64), sa.ForeignKey("p_staff.name"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False))


def downgrade() -> None:
    for table in ("p_web_sessions", "p_staff_courts", "p_staff", "p_signin_attempts"):
        op.drop_table(table)
    op.drop_index("ix_p_tokens_account", "p_tokens")
    op.drop_index("ix_p_entities_court_entity", "p_entities")
    op.drop_index("ix_p_changes_court_received", "p_changes")
    with op.batch_alter_table("p_feed_items") as t:
        t.drop_column("reply_signed_name")
    with op.batch_alter_table("p_entities") as t:
        t.drop_column("account")
    with op.batch_alter_table("p_changes") as t:
        t.drop_column("fingerprint")
