"""case list indexes: the default order (立案日期, newest first) straight from an index (issue 6)

Revision ID: 0003_case_list_indexes
Revises: 0002_issued_immutable
Create Date: 2026-11-25 11:20:00

The case list opens on 未结 cases, newest first, for everyone ("全部案件") or for one handler ("我的案件").
Without an index on the order SQLite sorted every open case for the first page (105 ms at 100,000 cases);
with (status, filed_on), (handler_id, status, filed_on) and (filed_on) for the 全部案件 view it reads the page
in index order (5 ms). The party names of a page come from a covering (case_id, seq, role, name) index,
which replaces the plain case_id one. The new handler
index starts with the old (handler_id, status) one, which it replaces.
"""
from alembic import op

revision = "0003_case_list_indexes"
down_revision = "0002_issued_immutable"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_status_filed", "cases", ["status", "filed_on"])
    op.create_index("ix_cases_handler_status_filed", "cases", ["handler_id", "status", "filed_on"])
    op.create_index("ix_cases_filed", "cases", ["filed_on"])
    op.drop_index("ix_cases_handler_status", table_name="cases")
    op.create_index("ix_parties_list", "parties", ["case_id", "seq", "role", "name"])
    op.drop_index("ix_parties_case_id", table_name="parties")


def downgrade() -> None:
    op.create_index("ix_parties_case_id", "parties", ["case_id"])
    op.drop_index("ix_parties_list", table_name="parties")
    op.create_index("ix_cases_handler_status", "cases", ["handler_id", "status"])
    op.drop_index("ix_cases_filed", table_name="cases")
    op.drop_index("ix_cases_handler_status_filed", table_name="cases")
    op.drop_index("ix_cases_status_filed", table_name="cases")
