"""deviation alerts: deviations seen once, their delivery and handling; a per-user opt-in

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notify_deviations", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "deviation_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("upper_limit", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("matched_by_text", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("mail_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("webhook_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_deviation_alert_attempts_not_negative")),
        sa.CheckConstraint(
            "note IS NULL OR length(note) <= 2000", name=op.f("ck_deviation_alert_note_length")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["area.id"],
            name=op.f("fk_deviation_alert_area_id_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"],
            ["user_account.id"],
            name=op.f("fk_deviation_alert_handled_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deviation_alert")),
        sa.UniqueConstraint(
            "area_id", "category", "month", name=op.f("uq_deviation_alert_area_id")
        ),
    )
    op.create_table(
        "deviation_mail",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["deviation_alert.id"],
            name=op.f("fk_deviation_mail_alert_id_deviation_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_deviation_mail_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alert_id", "user_id", name=op.f("pk_deviation_mail")),
    )
    op.create_index(op.f("ix_deviation_mail_user_id"), "deviation_mail", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_deviation_mail_user_id"), table_name="deviation_mail")
    op.drop_table("deviation_mail")
    op.drop_table("deviation_alert")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("notify_deviations")
