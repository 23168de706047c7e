"""Citizen promises (medborgarlöften), their activities, and population margins for weights."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import utcnow
from .base import Base
from .places import Area, Place
from .rounds import SurveyRound

promise_place = Table(
    "promise_place",
    Base.metadata,
    Column("promise_id", ForeignKey("promise.id", ondelete="CASCADE"), primary_key=True),
    Column("place_id", ForeignKey("place.id"), primary_key=True),
)

ACTIVITY_KINDS = (
    "presence_patrol",
    "alcohol_ban",
    "drug_intervention",
    "traffic_check",
    "dialogue",
    "environment",
    "other",
)


class Promise(Base):
    """What police and municipality promise for an area and a period, and how to follow it."""

    __tablename__ = "promise"
    __table_args__ = (CheckConstraint("period_end >= period_start", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    #: Problem keys and times of day the promise is about, each joined by ';'.
    problems: Mapped[str | None] = mapped_column(String(300))
    times: Mapped[str | None] = mapped_column(String(64))
    #: The rounds compared in the follow-up: before and after.
    baseline_round_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id"))
    followup_round_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id"))
    #: Indicators to follow, e.g. {"kind": "unsafe_share", "time": "evening"},
    #: {"kind": "problem_share", "problem": "alcohol"}, {"kind": "crime", "category": "..."}.
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    area: Mapped[Area] = relationship()
    places: Mapped[list[Place]] = relationship(secondary=promise_place, order_by="Place.name")
    baseline_round: Mapped[SurveyRound | None] = relationship(foreign_keys=[baseline_round_id])
    followup_round: Mapped[SurveyRound | None] = relationship(foreign_keys=[followup_round_id])
    activities: Mapped[list[PromiseActivity]] = relationship(
        back_populates="promise", cascade="all, delete-orphan", order_by="PromiseActivity.held_on"
    )


class PromiseActivity(Base):
    """Something done to keep a promise: a presence patrol, an alcohol-ban intervention..."""

    __tablename__ = "promise_activity"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in ACTIVITY_KINDS) + ")", "kind"),
        CheckConstraint("hours IS NULL OR hours >= 0", "hours_not_negative"),
        CheckConstraint("count IS NULL OR count >= 0", "count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(
        ForeignKey("promise.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[dt.date]
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"))
    kind: Mapped[str] = mapped_column(String(32))
    hours: Mapped[float | None]
    count: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)

    promise: Mapped[Promise] = relationship(back_populates="activities")
    place: Mapped[Place | None] = relationship()


class PopulationMargin(Base):
    """Residents of an area by age band and gender, the targets for raking weights."""

    __tablename__ = "population_margin"
    __table_args__ = (
        CheckConstraint("population >= 0", "population_not_negative"),
        CheckConstraint("year BETWEEN 1900 AND 2100", "year_range"),
    )

    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)
    #: The year the counts are for (Statistics Sweden: the population on 31 December).
    year: Mapped[int] = mapped_column(primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True)
    gender: Mapped[str] = mapped_column(String(8), primary_key=True)
    population: Mapped[int]
