"""What the API reads: areas, places and rounds, and the public form of a situation picture."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Area, SurveyRound
from ..models.rounds import round_area


def all_areas(session: Session) -> list[Area]:
    """Every area in name order."""
    return list(session.scalars(select(Area).order_by(Area.name, Area.slug)))


def find_area(session: Session, slug: str) -> Area | None:
    """The area with this slug and all its places (retired ones too), or None."""
    return session.scalar(select(Area).where(Area.slug == slug).options(selectinload(Area.places)))


def rounds_of(session: Session, area: Area) -> list[SurveyRound]:
    """The survey rounds that cover this area, newest first."""
    return list(
        session.scalars(
            select(SurveyRound)
            .join(round_area, round_area.c.round_id == SurveyRound.id)
            .where(round_area.c.area_id == area.id)
            .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
        )
    )


def default_round(rounds: list[SurveyRound], today: dt.date) -> SurveyRound | None:
    """The newest round that has opened by today (rounds come newest first)."""
    return next((r for r in rounds if r.opens_on <= today), None)


def public_picture(picture: dict[str, Any]) -> dict[str, Any]:
    """The situation picture without what is not an aggregate: dialogue quotes.

    Quotes are organizers' notes of what someone said at a meeting and may name or describe
    people; the counts of dialogues and mentions stay.
    """
    public = copy.deepcopy(picture)
    for mention in public.get("dialogues", {}).get("mentions", []):
        mention.pop("quotes", None)
    return public
