"""receipt codes: the hash of a web answer's receipt code, for erasure on request

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column without a default: existing answers simply have no receipt, and
    # SQLite adds it in place (no copy of what may be a large table).
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt_hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_response_receipt_hash", ["receipt_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_receipt_hash")
        batch_op.drop_column("receipt_hash")
