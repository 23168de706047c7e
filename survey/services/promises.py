"""Reads and writes of citizen promises and their activities. Writes are audited and flushed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from analysis.collation import swedish_key
from analysis.crime_categories import read as read_mapping
from analysis.followup import followup

from ..models import Area, CrimeCount, Place, Promise, PromiseActivity, SurveyRound
from . import audit


def list_promises(session: Session) -> list[tuple[Promise, int]]:
    """All promises, newest period first, each with its number of activities."""
    counts = (
        select(PromiseActivity.promise_id, func.count().label("n"))
        .group_by(PromiseActivity.promise_id)
        .subquery()
    )
    rows = session.execute(
        select(Promise, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.promise_id == Promise.id)
        .options(selectinload(Promise.area), selectinload(Promise.places))
        .order_by(Promise.period_start.desc(), Promise.id.desc())
    )
    return [(promise, n) for promise, n in rows]


def get_promise(session: Session, promise_id: int) -> Promise | None:
    """One promise with its area, places, rounds and activities (and their places) loaded."""
    return session.scalar(
        select(Promise)
        .where(Promise.id == promise_id)
        .options(
            selectinload(Promise.area),
            selectinload(Promise.places),
            selectinload(Promise.baseline_round),
            selectinload(Promise.followup_round),
            selectinload(Promise.activities).selectinload(PromiseActivity.place),
        )
    )


def form_choices(session: Session) -> tuple[list[Area], list[SurveyRound]]:
    """Areas with their places, and survey rounds newest first: the promise form's choices."""
    areas = list(
        session.scalars(select(Area).options(selectinload(Area.places)).order_by(Area.name))
    )
    rounds = list(
        session.scalars(
            select(SurveyRound).order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
        )
    )
    return areas, rounds


def crime_categories(session: Session) -> list[str]:
    """The crime categories a promise can follow: the mapping's (with the admins' own) and
    any the stored counts have (a CSV's own names), in Swedish order."""
    known = set(read_mapping(session.connection()).categories)
    known.update(session.scalars(select(CrimeCount.category).distinct()))
    return sorted(known, key=swedish_key)


def promise_followup(session: Session, promise: Promise, suppress_below: int) -> dict[str, Any]:
    """The follow-up figures of a promise, read in the session's transaction."""
    return followup(session.connection(), promise.id, suppress_below)


def _summary(promise: Promise) -> dict[str, Any]:
    return {
        "title": promise.title,
        "area": promise.area.slug if promise.area else None,
        "places": [p.slug for p in promise.places],
        "period_start": promise.period_start.isoformat(),
        "period_end": promise.period_end.isoformat(),
        "problems": promise.problems,
        "times": promise.times,
        "baseline_round_id": promise.baseline_round_id,
        "followup_round_id": promise.followup_round_id,
        "indicators": promise.indicators,
    }


def _apply(session: Session, promise: Promise, values: dict[str, Any]) -> None:
    values = dict(values)
    place_ids = values.pop("place_ids")
    for name, value in values.items():
        setattr(promise, name, value)
    promise.area = session.get_one(Area, values["area_id"])
    places: Iterable[Place] = (
        session.scalars(select(Place).where(Place.id.in_(place_ids))) if place_ids else []
    )
    promise.places = sorted(places, key=lambda p: swedish_key(p.name))


def create_promise(session: Session, values: dict[str, Any]) -> Promise:
    """Add a promise with the form's values."""
    promise = Promise()
    _apply(session, promise, values)
    session.add(promise)
    session.flush()
    audit.record(session, "promise.create", promise, _summary(promise))
    return promise


def update_promise(session: Session, promise: Promise, values: dict[str, Any]) -> bool:
    """Change a promise; audit what changed. Return whether anything did."""
    before = _summary(promise) | {"text": promise.text}
    _apply(session, promise, values)
    after = _summary(promise) | {"text": promise.text}
    changes: dict[str, Any] = {
        key: [before[key], after[key]] for key in after if before[key] != after[key]
    }
    if not changes:
        return False
    if "text" in changes:  # the audit log says that it changed; the page shows what it says
        changes["text"] = "changed"
    session.flush()
    audit.record(session, "promise.update", promise, {"changes": changes})
    return True


def delete_promise(session: Session, promise: Promise) -> None:
    """Delete a promise with its activities."""
    details = _summary(promise) | {"activities": len(promise.activities)}
    audit.record(session, "promise.delete", promise, details)
    session.delete(promise)
    session.flush()


def _activity_summary(session: Session, activity: PromiseActivity) -> dict[str, Any]:
    place = session.get(Place, activity.place_id) if activity.place_id else None
    held_on: dt.date = activity.held_on
    return {
        "promise_id": activity.promise_id,
        "held_on": held_on.isoformat(),
        "place": place.slug if place else None,
        "kind": activity.kind,
        "hours": activity.hours,
        "count": activity.count,
    }


def add_activity(session: Session, promise: Promise, values: dict[str, Any]) -> PromiseActivity:
    """Log an activity done for a promise."""
    activity = PromiseActivity(promise_id=promise.id, **values)
    session.add(activity)
    session.flush()
    audit.record(session, "promise_activity.create", activity, _activity_summary(session, activity))
    return activity


def delete_activity(session: Session, activity: PromiseActivity) -> None:
    """Delete one logged activity."""
    audit.record(session, "promise_activity.delete", activity, _activity_summary(session, activity))
    session.delete(activity)
    session.flush()
