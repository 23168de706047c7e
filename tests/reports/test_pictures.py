"""The one road to the situation picture: its data version, its key and its cache."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from analysis.survey import Filters
from survey.extensions import db
from survey.models import (
    Area,
    CrimeCount,
    DialogueIssue,
    Place,
    PopulationMargin,
    Promise,
    Response,
    SurveyRound,
)
from survey.models.responses import response_table
from survey.reports import pictures
from survey.reports.organizer_form import organizer_form
from survey.services import erasure, places, promises, rounds
from survey.services.dialogues import update_issue
from survey.services.responses import insert_web_response
from tests.common.picture_data import build
from tests.common.survey_data import DAY, default_round_id, place_id

SURVEY = Path(pictures.__file__).resolve().parents[1]


@pytest.fixture
def data(app):
    with app.app_context():
        build()


def _bromma(session: Session) -> Area:
    return session.scalar(select(Area).where(Area.slug == "bromma"))


def _web_answer(session: Session) -> None:
    # The survey POST's own write: one Core INSERT, no ORM object, no audit event.
    insert_web_response(
        session, place_id("alvik"), 1, {"safety_evening": "4"}, default_round_id(), "f" * 64
    )


def _bulk_answers(session: Session) -> None:
    # As the importer stores rows: an executemany of Core INSERTs.
    row = {"place_id": place_id("alvik"), "submitted_on": DAY, "questionnaire_version": 1}
    session.execute(insert(response_table), [row | {"source": "import"}] * 3)


def _erase(session: Session) -> None:
    erasure.erase_answer(session, session.scalars(select(Response)).first())


def _delete_by_hand(session: Session) -> None:
    # A delete that no service made, so no audit event: the count still moves.
    session.execute(delete(Response).where(Response.id == session.scalar(select(Response.id))))


def _rename_place(session: Session) -> None:
    places.rename_place(
        session, session.scalar(select(Place).where(Place.slug == "alvik")), "Alvik C"
    )


def _retire_place(session: Session) -> None:
    places.set_retired(session, session.scalar(select(Place).where(Place.slug == "alvik")), True)


def _edit_issue(session: Session) -> None:
    assert update_issue(session, session.scalars(select(DialogueIssue)).one(), {"raised_by": 2})


def _edit_promise(session: Session) -> None:
    promise = session.scalars(select(Promise)).one()
    values = {
        "area_id": promise.area_id,
        "title": "Ett annat löfte",
        "place_ids": [place.id for place in promise.places],
    }
    assert promises.update_promise(session, promise, values)


def _crime(session: Session) -> None:
    session.add(
        CrimeCount(
            area_id=_bromma(session).id,
            month=dt.date(2020, 1, 1),
            category="Rån",
            count=3,
            source="csv",
        )
    )


def _margin(session: Session) -> None:
    # Population margins have no id and no service: a count sees them.
    session.execute(
        insert(PopulationMargin),
        {
            "area_id": _bromma(session).id,
            "year": 2025,
            "age_band": "16-24",
            "gender": "woman",
            "population": 9,
        },
    )


def _rename_round(session: Session) -> None:
    survey_round = session.get_one(SurveyRound, default_round_id())
    rounds.save_round(
        session,
        survey_round,
        name="Hösten",
        areas=list(survey_round.areas),
        opens_on=survey_round.opens_on,
        closes_on=survey_round.closes_on,
    )


WRITES: dict[str, Callable[[Session], None]] = {
    "web answer": _web_answer,
    "bulk answers": _bulk_answers,
    "erasure": _erase,
    "delete by hand": _delete_by_hand,
    "place renamed": _rename_place,
    "place retired": _retire_place,
    "dialogue issue edited": _edit_issue,
    "promise edited": _edit_promise,
    "crime count": _crime,
    "population margin": _margin,
    "round renamed": _rename_round,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_kind_of_write_changes_the_data_version(app, data, write):
    with app.app_context():
        before = pictures.data_version(db.session.connection())
        write(db.session)
        db.session.commit()
        assert pictures.data_version(db.session.connection()) != before


def test_reading_leaves_the_data_version_as_it_is(app, data):
    with app.app_context():
        conn = db.session.connection()
        before = pictures.data_version(conn)
        pictures.situation(conn, "bromma", Filters(), 10)
        assert pictures.data_version(conn) == before


def test_the_cache_builds_each_key_once_and_forgets_the_oldest(app, data, monkeypatch):
    built = []
    real = pictures.situation_picture

    def counting(conn, area, *args, **kwargs):
        built.append(area)
        return real(conn, area, *args, **kwargs)

    monkeypatch.setattr(pictures, "situation_picture", counting)
    cache = pictures.PictureCache(size=2)
    with app.app_context():
        conn = db.session.connection()
        key = pictures.picture_key(conn, "bromma", Filters(), 10)
        first = cache.picture(conn, key)
        assert cache.picture(conn, key) is first
        built_now = pictures.situation(conn, "bromma", Filters(), 10)
        assert first == organizer_form(built_now) | {"generated_at": first["generated_at"]}
        for area in ("ekero", "hasselby-vallingby"):
            cache.picture(conn, dataclasses.replace(key, area=area))
        assert len(cache) == 2
        assert cache.get(key) is None  # the least recently used went first
        assert built == ["bromma", "bromma", "ekero", "hasselby-vallingby"]


def test_an_unknown_area_is_a_lookup_error_and_is_not_cached(app, data):
    cache = pictures.PictureCache()
    with app.app_context():
        conn = db.session.connection()
        with pytest.raises(LookupError):
            cache.picture(conn, pictures.picture_key(conn, "atlantis", Filters(), 10))
    assert len(cache) == 0


def test_the_key_holds_everything_a_picture_depends_on(app, data):
    with app.app_context():
        key = pictures.picture_key(db.session.connection(), "bromma", Filters(), 10)
    changed = [
        dataclasses.replace(key, **{field: value})
        for field, value in {
            "area": "ekero",
            "filters": Filters(gender="man"),
            "suppress_below": 5,
            "weighted": True,
            "locale": "en",
            "today": key.today + dt.timedelta(days=1),
            "version": key.version + "1",
        }.items()
    ]
    tokens = {key.token(), *(other.token() for other in changed)}
    assert len(tokens) == 1 + len(changed)
    assert dataclasses.replace(key).token() == key.token()


def test_each_app_keeps_its_own_cache(make_app):
    first, second = make_app(), make_app()
    assert pictures.cache_of(first) is pictures.cache_of(first)
    assert pictures.cache_of(first) is not pictures.cache_of(second)


def test_only_the_road_calls_analysis_for_a_picture():
    """Nothing in survey/ builds a situation picture but reports/pictures.py."""
    callers = []
    for path in SURVEY.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(
                alias.name == "situation_picture" for alias in node.names
            ):
                callers.append(path.relative_to(SURVEY).as_posix())
    assert callers == ["reports/pictures.py"]
