"""crime events: police events stored once by id, coverage, area aliases and districts

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.add_column(sa.Column("municipality", sa.String(length=200), nullable=True))
    with op.batch_alter_table("crime_count", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("by_text", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "area_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_area_alias_area_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_alias")),
        sa.UniqueConstraint("key", name=op.f("uq_area_alias_key")),
    )
    op.create_index(op.f("ix_area_alias_area_id"), "area_alias", ["area_id"], unique=False)
    op.create_table(
        "crime_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("type", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("municipality", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_crime_event_event_id")),
    )
    op.create_index("ix_crime_event_month", "crime_event", ["month"], unique=False)
    op.create_table(
        "crime_event_area",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("by_text", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_crime_event_area_area_id_area")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["crime_event.id"],
            name=op.f("fk_crime_event_area_event_id_crime_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "area_id", name=op.f("pk_crime_event_area")),
    )
    op.create_index(
        op.f("ix_crime_event_area_area_id"), "crime_event_area", ["area_id"], unique=False
    )
    op.create_table(
        "crime_coverage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("starts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=255), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('csv', 'events')", name=op.f("ck_crime_coverage_source")),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_crime_coverage_area_id_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_coverage")),
    )
    op.create_index(op.f("ix_crime_coverage_area_id"), "crime_coverage", ["area_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_crime_coverage_area_id"), table_name="crime_coverage")
    op.drop_table("crime_coverage")
    op.drop_index(op.f("ix_crime_event_area_area_id"), table_name="crime_event_area")
    op.drop_table("crime_event_area")
    op.drop_index("ix_crime_event_month", table_name="crime_event")
    op.drop_table("crime_event")
    op.drop_index(op.f("ix_area_alias_area_id"), table_name="area_alias")
    op.drop_table("area_alias")
    with op.batch_alter_table("crime_count", schema=None) as batch_op:
        batch_op.drop_column("by_text")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_column("municipality")
