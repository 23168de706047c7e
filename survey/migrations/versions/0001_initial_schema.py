"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 20:02:45.052403
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "police_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_police_area")),
        sa.UniqueConstraint("slug", name=op.f("uq_police_area_slug")),
    )
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("police_area_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["police_area_id"], ["police_area.id"], name=op.f("fk_area_police_area_id_police_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("slug", name=op.f("uq_area_slug")),
    )
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_area_police_area_id"), ["police_area_id"], unique=False
        )

    op.create_table(
        "place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_place_area_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place")),
        sa.UniqueConstraint("slug", name=op.f("uq_place_slug")),
    )
    with op.batch_alter_table("place", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_area_id"), ["area_id"], unique=False)

    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=True),
        sa.Column("safety_day", sa.String(length=16), nullable=True),
        sa.Column("safety_afternoon", sa.String(length=16), nullable=True),
        sa.Column("safety_evening", sa.String(length=16), nullable=True),
        sa.Column("safety_night", sa.String(length=16), nullable=True),
        sa.Column("problem_alcohol", sa.String(length=16), nullable=True),
        sa.Column("problem_drug_dealing", sa.String(length=16), nullable=True),
        sa.Column("problem_drug_use", sa.String(length=16), nullable=True),
        sa.Column("problem_groups", sa.String(length=16), nullable=True),
        sa.Column("problem_harassment", sa.String(length=16), nullable=True),
        sa.Column("problem_violence", sa.String(length=16), nullable=True),
        sa.Column("problem_theft", sa.String(length=16), nullable=True),
        sa.Column("problem_vandalism", sa.String(length=16), nullable=True),
        sa.Column("problem_litter", sa.String(length=16), nullable=True),
        sa.Column("problem_lighting", sa.String(length=16), nullable=True),
        sa.Column("problem_traffic", sa.String(length=16), nullable=True),
        sa.Column("worry", sa.String(length=16), nullable=True),
        sa.Column("avoided", sa.String(length=16), nullable=True),
        sa.Column("victim", sa.String(length=16), nullable=True),
        sa.Column("reported", sa.String(length=16), nullable=True),
        sa.Column("police_priority", sa.String(length=200), nullable=True),
        sa.Column("police_cares", sa.String(length=16), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("age_band", sa.String(length=16), nullable=True),
        sa.Column("gender", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "age_band IN ('16-24', '25-44', '45-64', '65+', 'na')",
            name=op.f("ck_response_age_band"),
        ),
        sa.CheckConstraint("avoided IN ('yes', 'no')", name=op.f("ck_response_avoided")),
        sa.CheckConstraint(
            "gender IN ('woman', 'man', 'other', 'na')", name=op.f("ck_response_gender")
        ),
        sa.CheckConstraint(
            "police_cares IN ('1', '2', '3', '4', 'dk')", name=op.f("ck_response_police_cares")
        ),
        sa.CheckConstraint(
            "problem_alcohol IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_alcohol"),
        ),
        sa.CheckConstraint(
            "problem_drug_dealing IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_drug_dealing"),
        ),
        sa.CheckConstraint(
            "problem_drug_use IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_drug_use"),
        ),
        sa.CheckConstraint(
            "problem_groups IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_groups"),
        ),
        sa.CheckConstraint(
            "problem_harassment IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_harassment"),
        ),
        sa.CheckConstraint(
            "problem_lighting IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_lighting"),
        ),
        sa.CheckConstraint(
            "problem_litter IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_litter"),
        ),
        sa.CheckConstraint(
            "problem_theft IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_theft"),
        ),
        sa.CheckConstraint(
            "problem_traffic IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_traffic"),
        ),
        sa.CheckConstraint(
            "problem_vandalism IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_vandalism"),
        ),
        sa.CheckConstraint(
            "problem_violence IN ('0', '1', '2', '3', '4', 'dk')",
            name=op.f("ck_response_problem_violence"),
        ),
        sa.CheckConstraint(
            "relation IN ('live', 'work', 'study', 'visit', 'pass')",
            name=op.f("ck_response_relation"),
        ),
        sa.CheckConstraint("reported IN ('yes', 'no')", name=op.f("ck_response_reported")),
        sa.CheckConstraint(
            "safety_afternoon IN ('1', '2', '3', '4', 'avoid', 'na', 'dk')",
            name=op.f("ck_response_safety_afternoon"),
        ),
        sa.CheckConstraint(
            "safety_day IN ('1', '2', '3', '4', 'avoid', 'na', 'dk')",
            name=op.f("ck_response_safety_day"),
        ),
        sa.CheckConstraint(
            "safety_evening IN ('1', '2', '3', '4', 'avoid', 'na', 'dk')",
            name=op.f("ck_response_safety_evening"),
        ),
        sa.CheckConstraint(
            "safety_night IN ('1', '2', '3', '4', 'avoid', 'na', 'dk')",
            name=op.f("ck_response_safety_night"),
        ),
        sa.CheckConstraint("source IN ('web', 'paper', 'import')", name=op.f("ck_response_source")),
        sa.CheckConstraint("victim IN ('yes', 'no', 'dk')", name=op.f("ck_response_victim")),
        sa.CheckConstraint("worry IN ('1', '2', '3', '4', 'dk')", name=op.f("ck_response_worry")),
        sa.CheckConstraint("length(comment) <= 1000", name=op.f("ck_response_comment")),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_response_place_id_place")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_place_id"), ["place_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_place_id"))

    op.drop_table("response")
    with op.batch_alter_table("place", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_area_id"))

    op.drop_table("place")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_police_area_id"))

    op.drop_table("area")
    op.drop_table("police_area")
