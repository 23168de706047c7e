"""crime import runs: each import recorded with what it replaced, so that it can be undone

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 21:00:00.000000

New tables ``crime_import`` (one row per import run) and ``crime_import_row`` (the rows as
they were before a run changed them; see survey.models.crime_imports). Imports made before
this revision were not recorded and cannot be undone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crime_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=254), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("undoable", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=254), nullable=True),
        sa.CheckConstraint(
            "added >= 0 AND changed >= 0 AND unchanged >= 0 AND skipped >= 0",
            name=op.f("ck_crime_import_counts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_import")),
    )
    op.create_table(
        "crime_import_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('event', 'new_event', 'count', 'year_count', 'coverage')",
            name=op.f("ck_crime_import_row_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["crime_import.id"],
            name=op.f("fk_crime_import_row_import_id_crime_import"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_import_row")),
    )
    op.create_index(
        op.f("ix_crime_import_row_import_id"), "crime_import_row", ["import_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_crime_import_row_import_id"), table_name="crime_import_row")
    op.drop_table("crime_import_row")
    op.drop_table("crime_import")
