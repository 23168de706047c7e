"""Answers held back from a burst (see web/limits.py): list, release or discard them.

An organizer sees only how many answers were held per place and day, never their content;
releasing counts them in every figure again, discarding deletes them. Both are audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from analysis.collation import swedish_key

from ..models import Area, CommentTag, Place, Response
from . import audit
from .erasure import forget_tags


class HeldGroup(NamedTuple):
    place_id: int
    place_name: str
    day: dt.date
    answers: int


def held_groups(session: Session, area: Area) -> list[HeldGroup]:
    """The held answers of the area's places, counted per place and day (newest first)."""
    rows = session.execute(
        select(Place.id, Place.name, Response.submitted_on, func.count())
        .join(Response, Response.place_id == Place.id)
        .where(Place.area_id == area.id, Response.held.is_(True))
        .group_by(Place.id, Place.name, Response.submitted_on)
    )
    groups = sorted((HeldGroup(*row) for row in rows), key=lambda g: swedish_key(g.place_name))
    # Newest day first, places in Swedish order within a day (both sorts are stable).
    return sorted(groups, key=lambda g: g.day, reverse=True)


def _group(place: Place, day: dt.date):
    return (Response.place_id == place.id, Response.submitted_on == day, Response.held.is_(True))


def release_held(session: Session, place: Place, day: dt.date) -> int:
    """Count the place's held answers of that day again; audited. Returns how many."""
    result = session.execute(update(Response).where(*_group(place, day)).values(held=False))
    released = cast(CursorResult[Any], result).rowcount
    if released:
        details = {"place": place.slug, "day": day.isoformat(), "answers": released}
        audit.record(session, "response.release_held", place, details)
    return released


def discard_held(session: Session, place: Place, day: dt.date) -> int:
    """Delete the place's held answers of that day, with their topic tags; audited."""
    ids = select(Response.id).where(*_group(place, day))
    found = list(session.scalars(ids))
    if not found:
        return 0
    forget_tags(session, found)
    session.execute(delete(CommentTag).where(CommentTag.response_id.in_(found)))
    session.execute(delete(Response).where(Response.id.in_(found)))
    session.expire_all()
    details = {"place": place.slug, "day": day.isoformat(), "answers": len(found)}
    audit.record(session, "response.discard_held", place, details)
    return len(found)
