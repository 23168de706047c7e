"""survey rounds: where residents hand in paper questionnaires (printed on the form)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("survey_round") as batch:
        batch.add_column(sa.Column("paper_return", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_round") as batch:
        batch.drop_column("paper_return")
