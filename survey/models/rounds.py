"""Survey rounds (trygghetsmätningar) and uploaded questionnaire versions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import utcnow
from .base import Base
from .places import Area

round_area = Table(
    "round_area",
    Base.metadata,
    Column("round_id", ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id"), primary_key=True),
)


class SurveyRound(Base):
    """A period in which residents of some areas may answer; answers record their round."""

    __tablename__ = "survey_round"
    __table_args__ = (CheckConstraint("closes_on IS NULL OR closes_on >= opens_on", "dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[dt.date]
    #: The last day answers are accepted; empty means open until someone closes it.
    closes_on: Mapped[dt.date | None]
    #: Answers only by the personal codes of invitation letters (a random sample), not by
    #: the open link of a place.
    by_invitation: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Where residents hand in a paper questionnaire of this round, as the organizer wrote it
    #: ("Lägg enkäten i lådan vid bibliotekets entré"); printed on the form, in every language.
    paper_return: Mapped[str | None] = mapped_column(String(300))

    areas: Mapped[list[Area]] = relationship(secondary=round_area, order_by="Area.name")

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day and (self.closes_on is None or day <= self.closes_on)


class QuestionnaireVersion(Base):
    """A questionnaire definition; drafts can be previewed, live ones are what residents see."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (CheckConstraint("status IN ('draft', 'live')", "status"),)

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: The YAML text exactly as uploaded; a live version never changes.
    definition: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="draft")
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(254))
    live_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
