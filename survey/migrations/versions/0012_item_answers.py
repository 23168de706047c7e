"""item answers: answers to items added by later questionnaire versions, stored generically

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-29 16:00:00.000000

One new table; no column of ``response`` changes, so no table is copied on SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(CASE WHEN value IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN number IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN text IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_item_answer_one_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_item_answer_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_answer")),
    )
    op.create_index(
        "ix_item_answer_code_value", "item_answer", ["code", "value", "response_id"], unique=False
    )
    op.create_index(
        "ix_item_answer_response_code", "item_answer", ["response_id", "code"], unique=False
    )
    op.create_index(
        "ix_item_answer_code_number", "item_answer", ["code", "response_id", "number"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_item_answer_code_number", table_name="item_answer")
    op.drop_index("ix_item_answer_response_code", table_name="item_answer")
    op.drop_index("ix_item_answer_code_value", table_name="item_answer")
    op.drop_table("item_answer")
