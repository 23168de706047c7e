"""answer counts: the situation picture's aggregate, kept by triggers on the answers

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 18:20:00.000000

New tables ``response_count`` and ``answer_count`` (see survey.models.aggregates), the triggers on ``response`` and
``item_answer`` that keep it in the same transaction as every write of answers, and the counts
of the answers already stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from survey.models.aggregates import COUNT_COLUMNS, DAY, drop_ddl, rebuild_sql, trigger_ddl

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "answer_count",
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("round_key", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "place_id",
            "round_key",
            "day",
            "gender",
            "age_band",
            "code",
            "value",
            name="pk_answer_count",
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "response_count",
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("round_key", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name, _code, _value in COUNT_COLUMNS),
        sa.PrimaryKeyConstraint(
            "place_id", "round_key", "day", "gender", "age_band", name="pk_response_count"
        ),
        sqlite_with_rowid=False,
    )
    # The day counts only: migration 0016 adds the month counts to the same triggers.
    for statement in [*rebuild_sql(dialect, [DAY]), *trigger_ddl(dialect, [DAY])]:
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_ddl(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("answer_count")
    op.drop_table("response_count")
