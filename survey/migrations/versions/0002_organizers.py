"""organizers: accounts, audit, rounds, questionnaire versions, dialogues, tags, imports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 20:13:47.272003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
        sa.UniqueConstraint("checksum", name=op.f("uq_import_batch_checksum")),
    )
    op.create_table(
        "questionnaire_version",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=254), nullable=False),
        sa.Column("live_since", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'live')", name=op.f("ck_questionnaire_version_status")
        ),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_questionnaire_version")),
    )
    op.create_table(
        "survey_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "closes_on IS NULL OR closes_on >= opens_on", name=op.f("ck_survey_round_dates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_round")),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("invite_token_hash", sa.String(length=64), nullable=True),
        sa.Column("invite_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'organizer')", name=op.f("ck_user_account_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
        sa.UniqueConstraint("invite_token_hash", name=op.f("uq_user_account_invite_token_hash")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=64), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_audit_event_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)

    op.create_table(
        "round_area",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_round_area_area_id_area")),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["survey_round.id"],
            name=op.f("fk_round_area_round_id_survey_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "area_id", name=op.f("pk_round_area")),
    )
    op.create_table(
        "dialogue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("partners", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("organizer", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('medborgardialog', 'samverkansmote', 'medarbetardialog', 'trygghetsvandring', 'digital', 'stand')",
            name=op.f("ck_dialogue_kind"),
        ),
        sa.CheckConstraint(
            "residents >= 0 AND partners >= 0 AND staff >= 0",
            name=op.f("ck_dialogue_participants_not_negative"),
        ),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_dialogue_area_id_area")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_dialogue_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_dialogue_place_id_place")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue")),
    )
    with op.batch_alter_table("dialogue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dialogue_held_on"), ["held_on"], unique=False)

    op.create_table(
        "comment_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_comment_tag_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_tag")),
        sa.UniqueConstraint("response_id", "tag", name="uq_comment_tag_response_tag"),
    )
    with op.batch_alter_table("comment_tag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comment_tag_response_id"), ["response_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_comment_tag_tag"), ["tag"], unique=False)

    op.create_table(
        "dialogue_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("problem", sa.String(length=32), nullable=False),
        sa.Column("times", sa.String(length=64), nullable=True),
        sa.Column("raised_by", sa.Integer(), nullable=True),
        sa.Column("weight", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "problem IN ('alcohol', 'drug_dealing', 'drug_use', 'groups', 'harassment', 'violence', 'theft', 'vandalism', 'litter', 'lighting', 'traffic', 'other')",
            name=op.f("ck_dialogue_issue_problem"),
        ),
        sa.CheckConstraint(
            "raised_by IS NULL OR raised_by >= 1", name=op.f("ck_dialogue_issue_raised_by")
        ),
        sa.CheckConstraint(
            "weight IS NULL OR weight BETWEEN 1 AND 3", name=op.f("ck_dialogue_issue_weight")
        ),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_dialogue_issue_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_dialogue_issue_place_id_place")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_issue")),
    )
    with op.batch_alter_table("dialogue_issue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dialogue_issue_dialogue_id"), ["dialogue_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dialogue_issue_place_id"), ["place_id"], unique=False)

    with op.batch_alter_table("place", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_response_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_response_round_id"), ["round_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_response_round_id_survey_round"), "survey_round", ["round_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_response_import_batch_id_import_batch"),
            "import_batch",
            ["import_batch_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_response_import_batch_id_import_batch"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_response_round_id_survey_round"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_response_round_id"))
        batch_op.drop_index(batch_op.f("ix_response_import_batch_id"))
        batch_op.drop_column("import_batch_id")
        batch_op.drop_column("round_id")

    with op.batch_alter_table("place", schema=None) as batch_op:
        batch_op.drop_column("retired")

    with op.batch_alter_table("dialogue_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_issue_place_id"))
        batch_op.drop_index(batch_op.f("ix_dialogue_issue_dialogue_id"))

    op.drop_table("dialogue_issue")
    with op.batch_alter_table("comment_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_tag_tag"))
        batch_op.drop_index(batch_op.f("ix_comment_tag_response_id"))

    op.drop_table("comment_tag")
    with op.batch_alter_table("dialogue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_held_on"))
        batch_op.drop_index(batch_op.f("ix_dialogue_area_id"))

    op.drop_table("dialogue")
    op.drop_table("round_area")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("user_account")
    op.drop_table("survey_round")
    op.drop_table("questionnaire_version")
    op.drop_table("import_batch")
