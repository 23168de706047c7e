"""Reads and writes on the public side: places, the live questionnaire, rounds, answers."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload, with_loader_criteria

from .. import clock
from ..models import Area, Place, PoliceArea, QuestionnaireVersion, Response, SurveyRound
from ..models.rounds import round_area
from ..questionnaire import Questionnaire, builtin, load_text


def find_place(session: Session, slug: str) -> Place | None:
    return session.scalar(select(Place).where(Place.slug == slug).options(selectinload(Place.area)))


def areas_with_places(session: Session) -> list[Area]:
    """Every area with its current (not retired) places, in two queries, in name order."""
    return list(
        session.scalars(
            select(Area)
            .join(Area.police_area)
            .options(
                selectinload(Area.places),
                with_loader_criteria(Place, Place.retired.is_(False)),
            )
            .order_by(PoliceArea.name, Area.name)
        )
    )


@functools.lru_cache(maxsize=16)
def _parse(definition: str) -> Questionnaire:
    # Keyed by the text itself: a version's text never changes once it is live.
    return load_text(definition, catalogue=builtin(1))


def live_questionnaire(session: Session) -> Questionnaire:
    """The newest live questionnaire version (the shipped version 1 if none is recorded)."""
    definition = session.scalar(
        select(QuestionnaireVersion.definition)
        .where(QuestionnaireVersion.status == "live")
        .order_by(QuestionnaireVersion.version.desc())
        .limit(1)
    )
    return _parse(definition) if definition else builtin(1)


def questionnaire_version(session: Session, version: int) -> Questionnaire | None:
    """Any recorded version, draft or live, or None."""
    definition = session.scalar(
        select(QuestionnaireVersion.definition).where(QuestionnaireVersion.version == version)
    )
    return _parse(definition) if definition else None


def _rounds_of(area_id: int):
    return (
        select(SurveyRound)
        .join(round_area, round_area.c.round_id == SurveyRound.id)
        .where(round_area.c.area_id == area_id)
    )


def open_round(session: Session, area_id: int, day: dt.date) -> SurveyRound | None:
    """The round open for this area on this day (the latest opened, if several)."""
    return session.scalar(
        _rounds_of(area_id)
        .where(
            SurveyRound.opens_on <= day,
            or_(SurveyRound.closes_on.is_(None), SurveyRound.closes_on >= day),
        )
        .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
        .limit(1)
    )


def next_round(session: Session, area_id: int, day: dt.date) -> SurveyRound | None:
    """The first round for this area that opens after this day."""
    return session.scalar(
        _rounds_of(area_id)
        .where(SurveyRound.opens_on > day)
        .order_by(SurveyRound.opens_on)
        .limit(1)
    )


def record_response(
    session: Session,
    place: Place,
    version: int,
    answers: Mapping[str, str | None],
    source: str = "web",
    submitted_on: dt.date | None = None,
    round_id: int | None = None,
) -> Response:
    """Add one answer to the session and flush; the caller commits."""
    response = Response(
        place_id=place.id,
        submitted_on=submitted_on or clock.today(),
        questionnaire_version=version,
        source=source,
        round_id=round_id,
        **answers,
    )
    session.add(response)
    session.flush()
    return response
