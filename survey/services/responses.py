"""Reads and writes on the public side: places, the live questionnaire, rounds, answers."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    ScalarSelect,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload, with_loader_criteria

from .. import clock
from ..db import PooledConnection, RawStatement
from ..models import Area, Place, PoliceArea, QuestionnaireVersion, Response, SurveyRound
from ..models.responses import response_table
from ..models.rounds import round_area
from ..questionnaire import Questionnaire, builtin, load_text
from . import item_answers


def area_choices(session: Session) -> list[tuple[str, str]]:
    """Every area as (slug, name), in name order: the options of a home-area item."""
    return [
        (slug, name)
        for slug, name in session.execute(
            select(Area.slug, Area.name).order_by(Area.name, Area.slug)
        )
    ]


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
    # Keyed by the text itself: a version's text never changes once it is live. Read as it
    # was accepted: a version recorded before unknown keys were refused still opens.
    return load_text(definition, catalogue=builtin(1), strict=False)


#: The text of the newest live questionnaire version.
_LIVE_DEFINITION = (
    select(QuestionnaireVersion.definition)
    .where(QuestionnaireVersion.status == "live")
    .order_by(QuestionnaireVersion.version.desc())
    .limit(1)
)


def questionnaire_of(definition: str | None) -> Questionnaire:
    """The parsed questionnaire of a live definition (the shipped version 1 if none)."""
    return _parse(definition) if definition else builtin(1)


def published_questionnaire(session: Session, version: int) -> Questionnaire | None:
    """A version that has been live (the shipped version 1 too), or None."""
    definition = session.scalar(
        select(QuestionnaireVersion.definition).where(
            QuestionnaireVersion.version == version, QuestionnaireVersion.status == "live"
        )
    )
    if definition is None:
        return builtin(1) if version == 1 else None
    return _parse(definition)


def live_questionnaire(session: Session) -> Questionnaire:
    """The newest live questionnaire version (the shipped version 1 if none is recorded)."""
    return questionnaire_of(session.scalar(_LIVE_DEFINITION))


def questionnaire_version(session: Session, version: int) -> Questionnaire | None:
    """Any recorded version, draft or live, or None."""
    definition = session.scalar(
        select(QuestionnaireVersion.definition).where(QuestionnaireVersion.version == version)
    )
    return _parse(definition) if definition else None


def _rounds_of(area_id: int | ColumnElement[int] | InstrumentedAttribute[int]):
    return (
        select(SurveyRound)
        .join(round_area, round_area.c.round_id == SurveyRound.id)
        .where(round_area.c.area_id == area_id)
    )


def _open_on(day: dt.date | BindParameter[dt.date]) -> tuple[ColumnElement[bool], ...]:
    return (
        SurveyRound.opens_on <= day,
        or_(SurveyRound.closes_on.is_(None), SurveyRound.closes_on >= day),
    )


#: When several rounds are open, the latest opened counts.
_LATEST_OPENED = (SurveyRound.opens_on.desc(), SurveyRound.id.desc())


def open_round(session: Session, area_id: int, day: dt.date) -> SurveyRound | None:
    """The round open for this area on this day (the latest opened, if several)."""
    return session.scalar(
        _rounds_of(area_id).where(*_open_on(day)).order_by(*_LATEST_OPENED).limit(1)
    )


class SurveyTarget(NamedTuple):
    """What a survey request needs to know about its place, read in one query."""

    place_id: int
    slug: str
    retired: bool
    area_id: int
    #: The round open for the place's area today (as open_round finds it), or None.
    round_id: int | None
    #: Whether that round takes answers only by invitation code (None: no open round).
    by_invitation: bool | None
    #: The text of the newest live questionnaire version (None: the shipped version 1).
    definition: str | None


def _open_round_column(column: InstrumentedAttribute[Any]) -> ScalarSelect[Any]:
    """A column of the round open for the place's area on the bound day (as open_round)."""
    return (
        _rounds_of(Place.area_id)
        .with_only_columns(column)
        .where(*_open_on(bindparam("day")))
        .order_by(*_LATEST_OPENED)
        .limit(1)
        .scalar_subquery()
    )


#: Built once: place, open round and live questionnaire in one round trip. Places and rounds
#: are written by admins, so they are read fresh on every request, never cached.
_SURVEY_TARGET = select(
    Place.id,
    Place.slug,
    Place.retired,
    Place.area_id,
    _open_round_column(SurveyRound.id),
    _open_round_column(SurveyRound.by_invitation),
    _LIVE_DEFINITION.scalar_subquery(),
).where(Place.slug == bindparam("slug"))


_SURVEY_TARGET_RAW = RawStatement(_SURVEY_TARGET)


def survey_target(
    session: Session | PooledConnection, slug: str, day: dt.date
) -> SurveyTarget | None:
    """The place with this slug, its area's open round on this day and the live questionnaire."""
    # A plain row on the DB-API cursor of the session's connection (same transaction): the
    # ORM's and Core's statement and result handling cost more than the query itself.
    cursor = _SURVEY_TARGET_RAW.execute(session, {"slug": slug, "day": day})
    row = cursor.fetchone()
    cursor.close()
    return SurveyTarget(*row) if row is not None else None


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
    questionnaire: Questionnaire | None = None,
) -> Response:
    """Add one answer to the session and flush; the caller commits.

    Answers to added items (codes not of version 1) need their ``questionnaire``.
    """
    columns, added = item_answers.split(answers)
    response = Response(
        place_id=place.id,
        submitted_on=submitted_on or clock.today(),
        questionnaire_version=version,
        source=source,
        round_id=round_id,
        **columns,
    )
    session.add(response)
    session.flush()
    if added:
        item_answers.store(session, item_answers.item_rows(_of(questionnaire), response.id, added))
    return response


def _of(questionnaire: Questionnaire | None) -> Questionnaire:
    if questionnaire is None:
        raise ValueError("answers to added items need their questionnaire")
    return questionnaire


#: A web answer's row: every answer column named (None when not given), so that one compiled
#: statement serves every answer.
_WEB_COLUMNS = (
    "place_id",
    "submitted_on",
    "questionnaire_version",
    "source",
    "round_id",
    "receipt_hash",
    "held",
    *item_answers.CATALOGUE_CODES,
)
_NO_ANSWERS: dict[str, None] = dict.fromkeys(item_answers.CATALOGUE_CODES)
_INSERT_WEB = RawStatement(
    insert(response_table).values({name: bindparam(name) for name in _WEB_COLUMNS})
)
_INSERT_WEB_RETURNING = RawStatement(
    insert(response_table)
    .values({name: bindparam(name) for name in _WEB_COLUMNS})
    .returning(response_table.c.id)
)


def insert_web_response(
    session: Session | PooledConnection,
    place_id: int,
    version: int,
    answers: Mapping[str, str | None],
    round_id: int,
    receipt_hash: str,
    held: bool = False,
    questionnaire: Questionnaire | None = None,
) -> None:
    """Insert one web answer in the session's transaction; the caller commits.

    ``held``: part of a burst of answers to the place (see hold_latest), kept out of every
    figure until an organizer releases it.

    One Core INSERT: a resident's answer needs no ORM object afterwards, and the unit of
    work costs more than the rest of the write. The table's CHECK constraints still guard
    every value, as for record_response. Answers to added items (which need their
    ``questionnaire``) take a second INSERT, of their rows, through a session.
    """
    columns, added = item_answers.split(answers)
    statement = _INSERT_WEB_RETURNING if added else _INSERT_WEB
    cursor = statement.execute(
        session,
        {
            **_NO_ANSWERS,
            "place_id": place_id,
            "submitted_on": clock.today(),
            "questionnaire_version": version,
            "source": "web",
            "round_id": round_id,
            "receipt_hash": receipt_hash,
            "held": held,
            **columns,
        },
    )
    if added:
        response_id: int = cursor.fetchone()[0]
        cursor.close()
        if isinstance(session, PooledConnection):
            raise TypeError("answers to added items are stored through a session")
        item_answers.store(session, item_answers.item_rows(_of(questionnaire), response_id, added))
    else:
        cursor.close()


_RECEIPT_STORED = RawStatement(
    select(response_table.c.id)
    .where(response_table.c.receipt_hash == bindparam("receipt_hash"))
    .limit(1)
)


def receipt_stored(session: Session | PooledConnection, receipt_hash: str) -> bool:
    """Whether an answer with this receipt hash is stored (one indexed lookup)."""
    cursor = _RECEIPT_STORED.execute(session, {"receipt_hash": receipt_hash})
    try:
        return cursor.fetchone() is not None
    finally:
        cursor.close()


#: A burst's latest web answers of a place since a day, held (see hold_latest).
_HOLD_LATEST = RawStatement(
    update(response_table)
    .where(
        response_table.c.id.in_(
            select(response_table.c.id)
            .where(
                response_table.c.place_id == bindparam("place_id"),
                response_table.c.source == "web",
                response_table.c.submitted_on >= bindparam("since"),
                response_table.c.held.is_(False),
            )
            .order_by(response_table.c.id.desc())
            .limit(bindparam("count"))
        )
    )
    .values(held=True)
)


def hold_latest(session: Session | PooledConnection, place_id: int, count: int) -> int:
    """Hold the place's latest ``count`` web answers of today and yesterday; the caller commits.

    Called once, when a burst passes its limit: the answers that opened the burst were
    stored before anyone could tell, and they are its newest ones (ids grow with inserts).
    """
    since = clock.today() - dt.timedelta(days=1)  # a burst may span midnight
    cursor = _HOLD_LATEST.execute(session, {"place_id": place_id, "since": since, "count": count})
    held: int = cursor.rowcount
    cursor.close()
    return held
