"""platform approvals: requests sent for approval on the approvers' own PCs, their inbox, decision provenance
(issue 13 item 4)

Revision ID: 0007_platform_approvals
Revises: 0005_corrections
Create Date: 2026-12-02 02:00:00

``approval_requests`` keeps, on the 承办人's PC, each draft submitted through the platform (its exact text,
SHA-256, readiness checklist and route steps with the approvers as person refs). ``approval_inbox`` keeps, on an
approver's PC, what waits for them (the case need not be on that PC). An ``approvals`` row written from a
platform decision records the request, the approver's person ref and device, and the platform's decision id
(unique: exactly once). ``courts.approval_mode`` says where approvers decide: platform / same_pc / both.
The lead chains this after 0006_person_refs at merge.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_platform_approvals"
down_revision = "0006_person_refs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("courts", sa.Column("approval_mode", sa.String(length=8), server_default="both", nullable=False))
    with op.batch_alter_table("approvals") as batch:
        batch.add_column(sa.Column("request_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("approver_ref", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("device_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("decision_id", sa.String(length=36), nullable=True))
        batch.create_unique_constraint("uq_approvals_decision_id", ["decision_id"])
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("case_id", sa.String(length=36), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("draft_sha256", sa.String(length=64), nullable=False),
        sa.Column("ruling_date", sa.Date(), nullable=True),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("panel", sa.JSON(), nullable=False),
        sa.Column("supersedes", sa.String(length=36), nullable=True),
        sa.Column("requester_ref", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("change_id", sa.String(length=36), nullable=True),
        sa.Column("submitted_at", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_approval_requests_case", "approval_requests", ["case_id", "subject", "state"])
    op.create_table(
        "approval_inbox",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=80), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=True),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("draft_sha256", sa.String(length=64), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decision_change_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.UniqueConstraint("request_id", "step", name="uq_approval_inbox_step"),
    )


def downgrade() -> None:
    op.drop_table("approval_inbox")
    op.drop_index("ix_approval_requests_case", table_name="approval_requests")
    op.drop_table("approval_requests")
    with op.batch_alter_table("approvals") as batch:
        batch.drop_constraint("uq_approvals_decision_id", type_="unique")
        batch.drop_column("decision_id")
        batch.drop_column("device_id")
        batch.drop_column("approver_ref")
        batch.drop_column("request_id")
    with op.batch_alter_table("courts") as batch:
        batch.drop_column("approval_mode")
