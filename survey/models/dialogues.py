"""Dialogues (meetings, safety walks) and the issues raised in them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import utcnow
from .base import Base
from .count_tables import CHOICES
from .places import Area, Place

DIALOGUE_KINDS = (
    "medborgardialog",
    "samverkansmote",
    "medarbetardialog",
    "trygghetsvandring",
    "digital",
    "stand",
)
TIMES_OF_DAY = ("day", "afternoon", "evening", "night")
#: The questionnaire's problem keys, plus ``other``.
ISSUE_PROBLEMS = tuple(
    code.removeprefix("problem_") for code, _values in CHOICES if code.startswith("problem_")
) + ("other",)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Dialogue(Base):
    __tablename__ = "dialogue"
    __table_args__ = (
        CheckConstraint(_in("kind", DIALOGUE_KINDS), "kind"),
        CheckConstraint(
            "residents >= 0 AND partners >= 0 AND staff >= 0", "participants_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"))
    kind: Mapped[str] = mapped_column(String(32))
    #: Participants by group: residents, cooperation partners, police staff.
    residents: Mapped[int] = mapped_column(default=0)
    partners: Mapped[int] = mapped_column(default=0)
    staff: Mapped[int] = mapped_column(default=0)
    #: Who led the dialogue, as written by the organizer (a name or a unit).
    organizer: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    area: Mapped[Area] = relationship()
    place: Mapped[Place | None] = relationship()
    issues: Mapped[list[DialogueIssue]] = relationship(
        back_populates="dialogue", cascade="all, delete-orphan", order_by="DialogueIssue.position"
    )


class DialogueIssue(Base):
    """One issue raised in a dialogue; for a safety walk, one stop along the walk."""

    __tablename__ = "dialogue_issue"
    __table_args__ = (
        CheckConstraint(_in("problem", ISSUE_PROBLEMS), "problem"),
        CheckConstraint("weight IS NULL OR weight BETWEEN 1 AND 3", "weight"),
        CheckConstraint("raised_by IS NULL OR raised_by >= 1", "raised_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(
        ForeignKey("dialogue.id", ondelete="CASCADE"), index=True
    )
    #: Order within the dialogue (the stops of a walk in walking order).
    position: Mapped[int] = mapped_column(default=0)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    problem: Mapped[str] = mapped_column(String(32))
    #: Times of day it concerns, joined by ';' (day, afternoon, evening, night).
    times: Mapped[str | None] = mapped_column(String(64))
    #: How many raised it, or else a weight 1-3 set by the organizer.
    raised_by: Mapped[int | None]
    weight: Mapped[int | None]
    quote: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)

    dialogue: Mapped[Dialogue] = relationship(back_populates="issues")
    place: Mapped[Place | None] = relationship()
