"""Per-person accounts and device tokens with refresh (issue 13 item 2, provincial/auth.py).

- p_accounts: username, display_name, role (法院 for the accounts made before: one per court, kept
  working, deprecated), tokens_valid_after (a reset or deactivation ends every token issued before).
  Existing rows get username = name, so their person ref is "<court_code>/<name>".
- p_tokens: family_id (the device sign-in an access token belongs to), pw_tag (which password it was
  issued under: a password changed even directly in the database ends it).
- p_refresh_tokens: rotating refresh tokens, one family per device sign-in (reuse detection).
- p_auth_events: the authentication audit.

Revision ID: 0005
Revises: 0003 (the lead re-points this to 0004 when merging issue 13's branches)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("p_accounts") as t:
        t.add_column(sa.Column("username", sa.String(64)))
        t.add_column(sa.Column("display_name", sa.String(64)))
        t.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="法院"))
        t.add_column(sa.Column("tokens_valid_after", TS))
    op.execute("UPDATE p_accounts SET username = name WHERE username IS NULL")
    with op.batch_alter_table("p_tokens") as t:
        t.add_column(sa.Column("family_id", sa.String(36)))
        t.add_column(sa.Column("pw_tag", sa.String(16)))
    op.create_index("ix_p_tokens_family_id", "p_tokens", ["family_id"])
    op.create_table(
        "p_refresh_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.String(36), nullable=False),
        sa.Column("account", sa.String(64), sa.ForeignKey("p_accounts.name"), nullable=False),
        sa.Column("court_code", sa.String(16), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("pw_tag", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("family_started_at", TS, nullable=False),
        sa.Column("rotated_at", TS),
        sa.Column("revoked_at", TS),
        sa.Column("revoked_reason", sa.String(32)))
    op.create_index("ix_p_refresh_account_device", "p_refresh_tokens", ["account", "device_id"])
    op.create_index("ix_p_refresh_family", "p_refresh_tokens", ["family_id"])
    op.create_table(
        "p_auth_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("event", sa.String(24), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(64)),
        sa.Column("address", sa.String(64)),
        sa.Column("detail", sa.String(256)))
    op.create_index("ix_p_auth_events_account_at", "p_auth_events", ["account", "at"])
    op.create_index("ix_p_auth_events_at", "p_auth_events", ["at"])


def downgrade() -> None:
    op.drop_table("p_auth_events")
    op.drop_table("p_refresh_tokens")
    op.drop_index("ix_p_tokens_family_id", "p_tokens")
    with op.batch_alter_table("p_tokens") as t:
        t.drop_column("pw_tag")
        t.drop_column("family_id")
    with op.batch_alter_table("p_accounts") as t:
        t.drop_column("tokens_valid_after")
        t.drop_column("role")
        t.drop_column("display_name")
        t.drop_column("username")
