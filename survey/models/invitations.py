"""Invitation codes: one per letter of an invitation round, for one area.

Only a keyed hash of each code is stored (HMAC-SHA256 under the app's secret key), with its
running number in the round and area (what a mailing house matches letters by). Nothing joins
a code to an answer: the answer has no column for it, and the code keeps only whether it has
been used, not when or by which answer.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class InvitationCode(Base):
    """One invitation letter's code, stored as a keyed hash."""

    __tablename__ = "invitation_code"
    __table_args__ = (
        UniqueConstraint(
            "round_id", "area_id", "number", name="uq_invitation_code_round_area_number"
        ),
        CheckConstraint("number >= 1", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    #: The letter's running number in its round and area (1, 2, ...), printed on the letter
    #: for the mailing house: reminders name the letters by it.
    number: Mapped[int]
    #: HMAC-SHA256 of the normalized code under a key derived from SECRET_KEY, in hex.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Whether the code has answered; deliberately no time and no answer id.
    used: Mapped[bool] = mapped_column(default=False, server_default=false())
