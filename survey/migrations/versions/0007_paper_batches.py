"""paper batches: key-in sittings as import batches, and a paper answer's key-in number

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 15:00:00.000000

Only columns are added (and dropped on downgrade), never a table copied: on SQLite, copying
import_batch or response in batch mode would drop a table that other rows refer to, which
fails with foreign keys on once any answer was imported or tagged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One statement both SQLite and PostgreSQL take: the column with its named CHECK.
    op.execute(
        "ALTER TABLE import_batch ADD COLUMN kind VARCHAR(8) DEFAULT 'file' NOT NULL"
        " CONSTRAINT ck_import_batch_kind CHECK (kind IN ('file', 'paper'))"
    )
    op.add_column("response", sa.Column("key_number", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Paper answers stay; only their key-in sittings go, which the old schema cannot tell apart.
    op.execute(
        "UPDATE response SET import_batch_id = NULL WHERE import_batch_id IN"
        " (SELECT id FROM import_batch WHERE kind = 'paper')"
    )
    op.execute("DELETE FROM import_batch WHERE kind = 'paper'")
    op.drop_column("response", "key_number")
    op.drop_column("import_batch", "kind")
