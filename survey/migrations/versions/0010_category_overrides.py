"""category overrides: admins' changes to the shipped crime category mapping

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "category_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=True),
        sa.Column("problems", sa.String(length=300), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('police', 'bra')", name=op.f("ck_category_override_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_override")),
        sa.UniqueConstraint("source", "key", name="uq_category_override_source_key"),
    )


def downgrade() -> None:
    op.drop_table("category_override")
