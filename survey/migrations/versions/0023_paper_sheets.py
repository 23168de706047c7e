"""paper sheets: the names of saved blank key-in forms, so that none is saved twice

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 11:40:00.000000

New table ``paper_sheet`` (see survey.models.responses.PaperSheet): its primary key refuses
the same key-in page saved twice, also when a double click sends it twice at once. Forms
saved before this revision have no row; their pages are recognised no more.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "paper_sheet",
        sa.Column("name", sa.String(length=43), nullable=False),
        sa.Column("saved_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_paper_sheet")),
    )
    op.create_index(op.f("ix_paper_sheet_saved_on"), "paper_sheet", ["saved_on"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_paper_sheet_saved_on"), table_name="paper_sheet")
    op.drop_table("paper_sheet")
