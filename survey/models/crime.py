"""Imported crime statistics: monthly counts per area and offence category."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .accounts import utcnow
from .base import Base

CRIME_SOURCES = ("csv", "events")


class CrimeCount(Base):
    """One month's count for an area (optionally a place) and category."""

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
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
