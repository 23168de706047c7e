"""yearly crime counts: Brå's per-year figures per area and category

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crime_year_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "count IS NULL OR count >= 0", name=op.f("ck_crime_year_count_count_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_crime_year_count_area_id_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_year_count")),
        sa.UniqueConstraint("area_id", "category", "year", name="uq_crime_year_count_cell"),
    )


def downgrade() -> None:
    op.drop_table("crime_year_count")
