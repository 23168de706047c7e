"""situation picture: crime counts, promises, activities, population margins

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 20:32:35.287860
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "population_margin",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "population >= 0", name=op.f("ck_population_margin_population_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_population_margin_area_id_area")
        ),
        sa.PrimaryKeyConstraint("area_id", "age_band", "gender", name=op.f("pk_population_margin")),
    )
    op.create_table(
        "promise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("problems", sa.String(length=300), nullable=True),
        sa.Column("times", sa.String(length=64), nullable=True),
        sa.Column("baseline_round_id", sa.Integer(), nullable=True),
        sa.Column("followup_round_id", sa.Integer(), nullable=True),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_promise_period")),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_promise_area_id_area")),
        sa.ForeignKeyConstraint(
            ["baseline_round_id"],
            ["survey_round.id"],
            name=op.f("fk_promise_baseline_round_id_survey_round"),
        ),
        sa.ForeignKeyConstraint(
            ["followup_round_id"],
            ["survey_round.id"],
            name=op.f("fk_promise_followup_round_id_survey_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise")),
    )
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_promise_area_id"), ["area_id"], unique=False)

    op.create_table(
        "crime_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('csv', 'events')", name=op.f("ck_crime_count_source")),
        sa.CheckConstraint(
            "count IS NULL OR count >= 0", name=op.f("ck_crime_count_count_not_negative")
        ),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_crime_count_area_id_area")),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_crime_count_place_id_place")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_count")),
    )
    with op.batch_alter_table("crime_count", schema=None) as batch_op:
        batch_op.create_index(
            "ix_crime_count_area_category_month", ["area_id", "category", "month"], unique=False
        )

    op.create_table(
        "promise_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("hours", sa.Double(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('presence_patrol', 'alcohol_ban', 'drug_intervention', 'traffic_check', 'dialogue', 'environment', 'other')",
            name=op.f("ck_promise_activity_kind"),
        ),
        sa.CheckConstraint(
            "count IS NULL OR count >= 0", name=op.f("ck_promise_activity_count_not_negative")
        ),
        sa.CheckConstraint(
            "hours IS NULL OR hours >= 0", name=op.f("ck_promise_activity_hours_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_promise_activity_place_id_place")
        ),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promise.id"],
            name=op.f("fk_promise_activity_promise_id_promise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise_activity")),
    )
    with op.batch_alter_table("promise_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_promise_activity_promise_id"), ["promise_id"], unique=False
        )

    op.create_table(
        "promise_place",
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_promise_place_place_id_place")
        ),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promise.id"],
            name=op.f("fk_promise_place_promise_id_promise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("promise_id", "place_id", name=op.f("pk_promise_place")),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index(
            "ix_response_place_round_date", ["place_id", "round_id", "submitted_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_place_round_date")

    op.drop_table("promise_place")
    with op.batch_alter_table("promise_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promise_activity_promise_id"))

    op.drop_table("promise_activity")
    with op.batch_alter_table("crime_count", schema=None) as batch_op:
        batch_op.drop_index("ix_crime_count_area_category_month")

    op.drop_table("crime_count")
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promise_area_id"))

    op.drop_table("promise")
    op.drop_table("population_margin")
