"""``trygghet demo``: a synthetic data set on an empty database, refused on real data."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from analysis.picture import situation_picture
from analysis.survey import Filters
from survey import clock
from survey.demo import shift_month
from survey.demo.answers import invented_answer
from survey.demo.scenario import PROFILES
from survey.extensions import db
from survey.models import (
    Area,
    AuditEvent,
    CrimeCount,
    Dialogue,
    DialogueIssue,
    Place,
    Promise,
    PromiseActivity,
    Release,
    Response,
    SurveyRound,
)
from survey.seed import DEFAULT_ROUND_NAME
from tests.common.database import reset_database
from tests.common.web import VALID_ANSWER, submit

COUNTED = (Response, Dialogue, DialogueIssue, CrimeCount, Promise, SurveyRound, AuditEvent)


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in COUNTED
        }


def pictures(app: Flask) -> dict[str, dict[str, Any]]:
    with app.app_context(), db.engine.connect() as conn:
        slugs = ("bromma", "hasselby-vallingby", "ekero")
        return {slug: situation_picture(conn, slug, Filters(), 10) for slug in slugs}


def test_demo_fills_a_full_situation_picture(app, cli):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    assert "1500 answers" in result.output

    found = pictures(app)
    bromma, vallingby = found["bromma"], found["hasselby-vallingby"]
    assert sum(p["n"] for p in found.values()) == 1500
    shown = {p["place"] for p in bromma["places"] if not p["suppressed"]}
    hidden = {p["place"] for p in bromma["places"] if p["suppressed"]}
    assert {"brommaplan", "alvik"} <= shown
    assert hidden == {"nockeby", "angbyplan"}
    # A suppressed place shows no figure at all.
    nockeby = next(p for p in bromma["places"] if p["place"] == "nockeby")
    assert "unsafe_share" not in nockeby["times"]["evening"]
    # Brommaplan feels unsafer in the evening than in the day.
    brommaplan = next(p for p in bromma["places"] if p["place"] == "brommaplan")
    assert brommaplan["times"]["evening"]["unsafe_share"] > 0.3
    assert brommaplan["times"]["day"]["unsafe_share"] < 0.15

    top = vallingby["priorities"][0]
    assert (top["place"], top["problem"]) == ("vallingby-centrum", "drug_dealing")
    assert bromma["priorities"][0]["place"] == "brommaplan"
    [deviation] = vallingby["deviations"]
    two_months_ago = shift_month(clock_today(app).replace(day=1), -2).strftime("%Y-%m")
    assert deviation["category"] == "[DEMO] Narkotikabrott"
    assert deviation["month"] == two_months_ago
    assert bromma["deviations"] == []
    assert found["ekero"]["deviations"] == []

    assert bromma["dialogues"]["dialogues"] == 5
    mentions = {(m["place"], m["problem"], m["time"]): m for m in bromma["dialogues"]["mentions"]}
    assert mentions[("brommaplan", "alcohol", "evening")]["by_group"]["partners"] == 1

    [followup] = bromma["followup"]
    assert followup["promise"]["title"] == "[DEMO] Mer närvaro på Brommaplan kvällstid"
    assert followup["status"] == "improved"
    assert followup["activities"]["by_kind"]["presence_patrol"]["hours"] > 0
    assert vallingby["followup"][0]["status"] != "not enough data"


def clock_today(app: Flask) -> dt.date:
    with app.app_context():
        return clock.today()


def test_every_text_it_writes_is_labelled_demo(app, cli):
    assert cli("demo", "--answers", "300").exit_code == 0
    with app.app_context():
        session = db.session
        texts = [
            *session.scalars(select(Dialogue.organizer)),
            *session.scalars(select(Dialogue.notes)),
            *session.scalars(select(DialogueIssue.quote).where(DialogueIssue.quote.is_not(None))),
            *session.scalars(select(Promise.title)),
            *session.scalars(select(Promise.text)),
            *session.scalars(select(PromiseActivity.note)),
            *session.scalars(select(CrimeCount.category).distinct()),
            *session.scalars(select(Response.comment).where(Response.comment.is_not(None))),
            *session.scalars(
                select(SurveyRound.name).where(SurveyRound.name != DEFAULT_ROUND_NAME)
            ),
        ]
        assert len(texts) > 40
        assert all(text.startswith("[DEMO] ") for text in texts), texts
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"demo.load", "round.create", "dialogue.create", "crime.import"} <= actions
    assert {"promise.create", "promise_activity.create", "dialogue_issue.create"} <= actions


def test_same_seed_same_data(app, cli, database_url):
    def run(seed: str) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
        reset_database(database_url)
        assert cli("demo", "--seed", seed, "--answers", "300").exit_code == 0
        answers = json.loads(cli("export", "responses", "--format", "json").output)
        for answer in answers:  # ids differ between runs on PostgreSQL (sequences go on)
            answer.pop("round")
        # The export orders answers of one day at random (no submission order to recover).
        answers.sort(key=lambda answer: json.dumps(answer, sort_keys=True))
        with app.app_context():
            crime = db.session.execute(
                select(Area.slug, CrimeCount.category, CrimeCount.month, CrimeCount.count)
                .join(Area, Area.id == CrimeCount.area_id)
                .order_by(Area.slug, CrimeCount.category, CrimeCount.month)
            ).all()
        return answers, [tuple(row) for row in crime]

    first = run("7")
    assert len(first[0]) == 300
    assert run("7") == first
    other = run("8")
    assert other[0] != first[0]
    assert other[1] != first[1]


def _add_dialogue(session) -> None:
    area = session.scalars(select(Area)).first()
    session.add(Dialogue(held_on=dt.date(2024, 5, 1), area_id=area.id, kind="stand", organizer="x"))


def _add_crime(session) -> None:
    area = session.scalars(select(Area)).first()
    session.add(
        CrimeCount(
            area_id=area.id, month=dt.date(2024, 5, 1), category="Stöld", count=3, source="csv"
        )
    )


def _add_promise(session) -> None:
    area = session.scalars(select(Area)).first()
    session.add(
        Promise(
            area_id=area.id,
            title="Löfte",
            text="Text",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
        )
    )


def _add_round(session) -> None:
    session.add(SurveyRound(name="Våren 2024", opens_on=dt.date(2024, 3, 1)))


@pytest.mark.parametrize(
    ("add", "named"),
    [
        (_add_dialogue, "1 dialogues"),
        (_add_crime, "1 crime counts"),
        (_add_promise, "1 promises"),
        (_add_round, "1 survey rounds besides the default one"),
    ],
)
def test_refuses_a_database_with_data(app, runner, add: Callable[..., None], named: str):
    from survey.cli import main

    with app.app_context():
        add(db.session)
        db.session.commit()
    before = counts(app)
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 1
    assert named in result.stderr
    assert "nothing was changed" in result.stderr
    assert counts(app) == before


def test_refuses_a_database_with_an_answer(app, client, runner):
    from survey.cli import main

    assert submit(client, "brommaplan", VALID_ANSWER).status_code == 303
    before = counts(app)
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 1
    assert "already holds data (1 answers)" in result.stderr
    assert "Traceback" not in result.output
    assert counts(app) == before


def test_moves_an_untouched_default_round_that_opened_long_ago(app, cli):
    with app.app_context():
        default = db.session.scalar(select(SurveyRound))
        default.opens_on = dt.date(2020, 1, 1)
        db.session.commit()
        today = clock.today()
    result = cli("demo", "--answers", "200")
    assert result.exit_code == 0
    assert "now opens today" in result.output
    with app.app_context():
        rounds = db.session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on)).all()
        places = db.session.scalar(select(func.count()).select_from(Place))
    assert [r.name == DEFAULT_ROUND_NAME for r in rounds] == [False, False, True]
    assert rounds[-1].opens_on == today
    assert places == 17


def test_publishes_the_demo_so_the_public_follow_up_shows_it(app, client, cli):
    result = cli("demo", "--answers", "300")
    assert result.exit_code == 0, result.output
    assert "published 6 releases" in result.output
    assert "at /uppfoljning/bromma" in result.output
    with app.app_context():
        rounds = db.session.scalars(
            select(SurveyRound).where(SurveyRound.name != DEFAULT_ROUND_NAME)
        ).all()
        published = db.session.execute(select(Release.area_id, Release.round_id)).all()
        newest = db.session.scalar(
            select(Release).order_by(Release.created_at.desc(), Release.id.desc())
        )
        areas = db.session.scalar(select(func.count()).select_from(Area))
        actions = list(db.session.scalars(select(AuditEvent.action)))
        assert newest is not None
        assert newest.round_id == max(r.id for r in rounds)
    # One release per area of each demo round, each audited like an organizer's.
    assert sorted(r for _a, r in published) == sorted([r.id for r in rounds] * areas)
    assert actions.count("release.publish") == len(rounds) * areas
    page = client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True)
    assert "[DEMO]" in page  # the demo's promise, with its figures, not an empty page
    assert "These figures were published on" in page


def test_invented_residents_of_one_place_choose_different_police_priorities():
    # Everyone at a place used to tick its first priority: the area minus the shown places
    # then gave the hidden ones away at 100 %, and the audit hid the figure nearly everywhere.
    rng = random.Random(3)  # noqa: S311  # nosec B311
    chosen = [invented_answer(rng, PROFILES["islandstorget"]) for _ in range(400)]
    ticked = [answer["police_priority"] for answer in chosen if "police_priority" in answer]
    counts = Counter(priority for answer in ticked for priority in answer)
    assert [p for p, _n in counts.most_common(2)] == ["youth", "presence"]  # the place's own
    assert counts["youth"] < len(ticked)
    assert len(counts) == 7
    assert all(1 <= len(set(answer)) == len(answer) <= 3 for answer in ticked)
