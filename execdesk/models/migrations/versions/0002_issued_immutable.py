"""issued documents are immutable at the storage layer (issue 4)

Revision ID: 0002_issued_immutable
Revises: 0001
Create Date: 2026-11-25 09:10:00

An issued PDF (终本裁定书, 公开版, 书面说明) is evidence of what the court handed out: its row may never change
or disappear. The services already refuse through the ORM; these triggers make the database itself refuse,
whatever writes to it. A re-issue inserts a new version row.
"""
from alembic import op

revision = "0002_issued_immutable"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TRIGGER issued_documents_no_update BEFORE UPDATE ON issued_documents
        BEGIN SELECT RAISE(ABORT, '已出具的文书不可修改，如需更正请重新出具（生成新版本）'); END
    """)
    op.execute("""
        CREATE TRIGGER issued_documents_no_delete BEFORE DELETE ON issued_documents
        BEGIN SELECT RAISE(ABORT, '已出具的文书不可删除'); END
    """)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS issued_documents_no_delete")
    op.execute("DROP TRIGGER IF EXISTS issued_documents_no_update")
