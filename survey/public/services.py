"""Writes on the public side: store one anonymous answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Area, Place, PoliceArea, Response


def find_place(session: Session, slug: str) -> Place | None:
    return session.scalar(select(Place).where(Place.slug == slug))


def areas_with_places(session: Session) -> list[Area]:
    """Every area with its places, loaded in one query, in name order."""
    return list(
        session.scalars(
            select(Area)
            .join(Area.police_area)
            .options(selectinload(Area.places))
            .order_by(PoliceArea.name, Area.name)
        )
    )


def record_response(
    session: Session,
    place: Place,
    version: int,
    answers: Mapping[str, str | None],
    source: str = "web",
    submitted_on: dt.date | None = None,
) -> Response:
    """Add one answer to the session and flush; the caller commits."""
    response = Response(
        place_id=place.id,
        submitted_on=submitted_on or dt.date.today(),
        questionnaire_version=version,
        source=source,
        **answers,
    )
    session.add(response)
    session.flush()
    return response
