"""a CSV month's coverage names its category

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 11:40:00.000000

A crime counts CSV or a Brå monthly table used to replace the months it covered whole, every
category of them, so a file with one category (Brå's statistics database gives one table per
category) deleted the area's other categories in those months. A file now replaces, and
covers, only the categories it carries: each CSV month is covered per category. The coverage
stored before this revision keeps an empty category, which covers every category of the
month, as it did when it was written.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crime_coverage") as batch:
        batch.add_column(sa.Column("category", sa.String(length=120), nullable=True))


def downgrade() -> None:
    # A month covered per category becomes one covered whole, as before this revision.
    with op.batch_alter_table("crime_coverage") as batch:
        batch.drop_column("category")
