"""releases: immutable, audited public snapshots of an area's situation picture

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 13:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "public_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("round_key", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_cutoff", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_by_name", sa.String(length=120), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("audited", sa.Text(), nullable=False),
        sa.Column("audit_summary", sa.Text(), nullable=False),
        sa.CheckConstraint("sequence >= 1", name=op.f("ck_public_release_sequence_positive")),
        sa.CheckConstraint(
            "published_by_id IS NOT NULL OR published_by_name IS NOT NULL",
            name=op.f("ck_public_release_publisher"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_public_release_area_id_area")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["survey_round.id"], name=op.f("fk_public_release_round_id_survey_round")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_public_release_published_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_release")),
        sa.UniqueConstraint(
            "area_id", "round_key", "sequence", name=op.f("uq_public_release_area_id")
        ),
    )
    op.create_index(op.f("ix_public_release_area_id"), "public_release", ["area_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_public_release_area_id"), table_name="public_release")
    op.drop_table("public_release")
