"""month counts: the answer counts summed per month, kept by the same triggers

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 21:30:00.000000

New tables ``response_count_month`` and ``answer_count_month`` (see
survey.models.count_tables), filled from the day counts; the triggers of 0015 are made anew so
that every write of answers changes the counts of both grains in the same transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from survey.models.aggregates import COUNT_COLUMNS, DAY, MONTH, drop_ddl, rebuild_sql, trigger_ddl

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _cell() -> list[sa.Column]:
    return [
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("round_key", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=False),
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    key = ("place_id", "round_key", "month", "gender", "age_band")
    op.create_table(
        "answer_count_month",
        *_cell(),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*key, "code", "value", name="pk_answer_count_month"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "response_count_month",
        *_cell(),
        sa.Column("answers", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name, _code, _value in COUNT_COLUMNS),
        sa.PrimaryKeyConstraint(*key, name="pk_response_count_month"),
        sqlite_with_rowid=False,
    )
    for statement in [
        *drop_ddl(dialect),
        *rebuild_sql(dialect, [MONTH]),
        *trigger_ddl(dialect, [DAY, MONTH]),
    ]:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in [*drop_ddl(dialect), *trigger_ddl(dialect, [DAY])]:
        op.execute(statement)
    op.drop_table("answer_count_month")
    op.drop_table("response_count_month")
