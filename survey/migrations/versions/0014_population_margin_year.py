"""population margins by year: the year joins the key, so each year's margins stay apart

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 18:00:00.000000

Margins stored before this revision had no year; they are given the previous calendar year
(Statistics Sweden's population counts are as of 31 December, published the spring after).
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite cannot change a primary key in place: the batch copies the table there.
    with op.batch_alter_table("population_margin", recreate="always") as batch:
        batch.add_column(
            sa.Column(
                "year",
                sa.Integer(),
                nullable=False,
                server_default=sa.text(str(dt.date.today().year - 1)),
            )
        )
        batch.drop_constraint("pk_population_margin", type_="primary")
        batch.create_primary_key("pk_population_margin", ["area_id", "year", "age_band", "gender"])
        batch.create_check_constraint("year_range", "year BETWEEN 1900 AND 2100")
    with op.batch_alter_table("population_margin") as batch:
        batch.alter_column("year", server_default=None)


def downgrade() -> None:
    # Only the newest year of each area fits the old key.
    op.execute(
        "DELETE FROM population_margin WHERE year < ("
        "SELECT max(newer.year) FROM population_margin AS newer"
        " WHERE newer.area_id = population_margin.area_id)"
    )
    with op.batch_alter_table("population_margin", recreate="always") as batch:
        batch.drop_constraint("ck_population_margin_year_range", type_="check")
        batch.drop_constraint("pk_population_margin", type_="primary")
        batch.create_primary_key("pk_population_margin", ["area_id", "age_band", "gender"])
        batch.drop_column("year")
