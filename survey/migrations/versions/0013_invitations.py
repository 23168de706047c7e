"""invitation rounds: a flag on the round and the codes of its letters (hashed)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_round") as batch:
        batch.add_column(
            sa.Column("by_invitation", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "invitation_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_invitation_code_number")),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_invitation_code_area_id_area")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["survey_round.id"],
            name=op.f("fk_invitation_code_round_id_survey_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invitation_code_code_hash")),
        sa.UniqueConstraint(
            "round_id", "area_id", "number", name="uq_invitation_code_round_area_number"
        ),
    )
    op.create_index(
        op.f("ix_invitation_code_area_id"), "invitation_code", ["area_id"], unique=False
    )
    op.create_index(
        op.f("ix_invitation_code_round_id"), "invitation_code", ["round_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_invitation_code_round_id"), table_name="invitation_code")
    op.drop_index(op.f("ix_invitation_code_area_id"), table_name="invitation_code")
    op.drop_table("invitation_code")
    with op.batch_alter_table("survey_round") as batch:
        batch.drop_column("by_invitation")
