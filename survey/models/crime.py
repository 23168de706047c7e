"""Crime data: police events as events, monthly and yearly counts, what each source covered."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from .accounts import utcnow
from .base import Base

CRIME_SOURCES = ("csv", "events")


class CrimeCount(Base):
    """One month's count for an area (optionally a place) and category.

    Counts of the source 'events' are derived from the stored events (CrimeEvent), never
    from one download: they are rebuilt for the months an import touches.
    """

    __tablename__ = "crime_count"
    __table_args__ = (
        CheckConstraint("source IN ('csv', 'events')", "source"),
        CheckConstraint("count IS NULL OR count >= 0", "count_not_negative"),
        Index("ix_crime_count_area_category_month", "area_id", "category", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"))
    #: The first day of the month counted.
    month: Mapped[dt.date]
    category: Mapped[str] = mapped_column(String(120))
    #: Empty where the source suppressed the figure ('..'): missing, not zero.
    count: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(8))
    #: Some of the events counted were matched to a district by their text (see Area).
    by_text: Mapped[bool] = mapped_column(default=False, server_default=false())
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CrimeEvent(Base):
    """One police event, stored once by its id; a later download updates it."""

    __tablename__ = "crime_event"
    __table_args__ = (Index("ix_crime_event_month", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The police's own id of the event.
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    #: When it was reported, in UTC.
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The first day of the month it happened in, in the app's time zone.
    month: Mapped[dt.date]
    #: The police's event type as published (trailing spaces removed), e.g. 'Rån, försök'.
    type: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: location.name as published: a municipality, or since 2026 a county.
    location: Mapped[str] = mapped_column(String(200))
    #: The municipality: location.name, or the end of name when the location is a county.
    municipality: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CrimeEventArea(Base):
    """An area a stored event counts for, and whether only its text placed it there."""

    __tablename__ = "crime_event_area"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("crime_event.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True, index=True)
    by_text: Mapped[bool] = mapped_column(default=False, server_default=false())


class CrimeCoverage(Base):
    """A stretch of time a source covered: a download's oldest to newest event, a CSV month
    of one category."""

    __tablename__ = "crime_coverage"
    __table_args__ = (CheckConstraint("source IN ('csv', 'events')", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    #: Empty for a feed of the whole country (the police's event list covers every area).
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    #: The one category a CSV or Brå month covers (a file covers only the categories it
    #: carries); empty for every category of the source: an event list, or a CSV month
    #: imported before files were replaced per category.
    category: Mapped[str | None] = mapped_column(String(120))
    starts: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ends: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: The file name or URL it came from.
    origin: Mapped[str] = mapped_column(String(255), default="")
    #: When the feed was downloaded, for event lists (a stale feed is told from a quiet area).
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CrimeYearCount(Base):
    """One year's count for an area and category, as Brå publishes it (never split in months).

    Yearly counts give year-on-year change (analysis/yearly.py), never monthly deviations.
    """

    __tablename__ = "crime_year_count"
    __table_args__ = (
        CheckConstraint("count IS NULL OR count >= 0", "count_not_negative"),
        UniqueConstraint("area_id", "category", "year", name="uq_crime_year_count_cell"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    year: Mapped[int]
    #: Brå's category with its parent path, e.g. 'Stöldbrott › Inbrottsstöld › i bostad'.
    category: Mapped[str] = mapped_column(String(120))
    #: Empty where Brå suppressed the figure ('..'): missing, not zero.
    count: Mapped[int | None]
    #: The file it came from.
    origin: Mapped[str] = mapped_column(String(255), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
