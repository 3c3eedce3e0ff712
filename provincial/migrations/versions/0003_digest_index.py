"""Digest checks read (entity_id, entity, version) of a case's rows: one index holding all four columns lets
PostgreSQL answer from the index alone (an index-only scan), so a digest costs what its cases hold, not the
table's size. Replaces the plain case_id index.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_p_entities_digest", "p_entities", ["case_id", "entity_id", "entity", "version"])
    op.drop_index("ix_p_entities_case", "p_entities")


def downgrade() -> None:
    op.create_index("ix_p_entities_case", "p_entities", ["case_id"])
    op.drop_index("ix_p_entities_digest", "p_entities")
