"""corrections: earlier 案号 kept on the case, payments reversed or corrected append-only (issue 17)

Revision ID: 0005_corrections
Revises: 0004_one_fact_one_record
Create Date: 2026-12-01 22:30:00

A wrong 案号 is corrected in place (the unique key) and the old one is kept in ``cases.former_numbers``
(shown, and in the search text). A wrong payment is never deleted or overwritten: it is marked 已冲正 with the
reason (``payments.status``, ``payments.reason``); a corrected amount is a new row that points at it
(``payments.corrects_id``). The 书记员's 我的案件 reads (clerk_id, status, filed_on) in index order.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_corrections"
down_revision = "0004_one_fact_one_record"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("former_numbers", sa.Text(), nullable=True))
    op.create_index("ix_cases_clerk_status_filed", "cases", ["clerk_id", "status", "filed_on"])
    op.add_column("payments", sa.Column("status", sa.String(length=8), server_default="有效", nullable=False))
    op.add_column("payments", sa.Column("reason", sa.Text(), nullable=True))
    op.add_column("payments", sa.Column("corrects_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("corrects_id")
        batch.drop_column("reason")
        batch.drop_column("status")
    op.drop_index("ix_cases_clerk_status_filed", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("former_numbers")
