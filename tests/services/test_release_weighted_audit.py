"""A weighted release through the publish service: its shares count, through their n_eff."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from analysis.disclosure_weighted import WEIGHTED_BOUNDS
from survey.extensions import db
from survey.models import Area, PopulationMargin, Release
from tests.analysis.test_weighted_followup import add_even_margins
from tests.common.releases import publish
from tests.common.survey_data import add_responses

PICTURE = "/api/v1/areas/bromma/lagesbild"
WOMAN = {"gender": "woman", "age_band": "25-44"}


def _night(body: dict, place: str) -> dict:
    return {p["place"]: p for p in body["places"]}[place]["times"]["night"]


def _answers() -> None:
    """Brommaplan 10 of 40 unsafe at night; Alvik's 3 and Nockeby's 8 all safe; one age and
    gender, so every weight is the same."""
    add_responses(
        "brommaplan", [{"safety_night": "4"}] * 10 + [{"safety_night": "1"}] * 30, **WOMAN
    )
    add_responses("alvik", [{"safety_night": "1"}] * 3, **WOMAN)
    add_responses("nockeby", [{"safety_night": "1"}] * 8, **WOMAN)
    add_even_margins()
    db.session.commit()


def test_even_weights_do_not_give_hidden_places_away(app, client):
    """The area's 19.6 % of 51 and Brommaplan's 25 % of 40 at even weights (n_eff 51 and 40)
    said that all 11 answers at the hidden places were safe: the weighted release showed both,
    as its audit read no count from a weighted share. Now Brommaplan's night is hidden, as in
    the unweighted release."""
    with app.app_context():
        _answers()
    release_id = publish(app)
    body = client.get(PICTURE).get_json()
    assert body["weighted"] is True
    assert body["area_total"]["times"]["night"]["unsafe_share"] == 0.2
    assert _night(body, "brommaplan") == {"suppressed": True}
    # The mark says how later audits read this release; it is not public.
    assert WEIGHTED_BOUNDS not in client.get(PICTURE).get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(Release, release_id)
        assert stored.audited_picture[WEIGHTED_BOUNDS] == "n_eff"
        assert WEIGHTED_BOUNDS not in json.loads(stored.payload)


def test_a_round_released_before_the_mark_can_be_released_again(app, client):
    """A release stored by an earlier version (no mark) showed Brommaplan's night beside the
    area's; its audit read nothing from the weighted shares, and the next audit does not
    either: the round is not refused, nor is the area's figure hidden, for what it published
    then (read now, its 10 of 40 at Brommaplan and the area's 10 of 63 would say that the
    hidden places' answers were all safe)."""
    with app.app_context():
        _answers()
    first = publish(app)
    with app.app_context():
        old = db.session.get(Release, first)
        picture = old.audited_picture
        picture.pop(WEIGHTED_BOUNDS)
        places = {p["place"]: p for p in picture["places"]}
        places["brommaplan"]["times"]["night"] = {
            "n": 40,
            "suppressed": False,
            "unsafe_share": 0.25,
            "ci": [0.14, 0.4],
            "n_eff": 40.0,
        }
        # As the earlier version stored it (a release is never changed by the app itself).
        table = Release.__table__
        db.session.execute(
            update(table).where(table.c.id == first).values(audited=json.dumps(picture))
        )
        db.session.commit()
        add_responses("brommaplan", [{"safety_night": "1"}] * 12, **WOMAN)
    second = publish(app)
    with app.app_context():
        latest = db.session.scalar(select(Release).order_by(Release.id.desc()))
        assert latest.id == second != first
        assert latest.audit["audit"]["unresolved"] == []
    body = client.get(PICTURE).get_json()
    assert _night(body, "brommaplan") == {"suppressed": True}
    assert body["area_total"]["times"]["night"]["unsafe_share"] == 0.16


def test_one_answer_of_a_tiny_weight_is_no_0_percent(app):
    """One person aged 65+ in the margins: the 41 answers aged 65+ weigh next to nothing, and
    Alvik's one unsafe answer among them made the area's night share 0.00002. Rounded to 0.0,
    it said no answer was unsafe, which the audit reads as a fact (a weight is never 0), and
    Alvik's 0.0001 beside it made its model contradict itself: publishing failed. A share
    above 0 is now at least 0.0001 (found in review)."""
    with app.app_context():
        area_id = db.session.scalar(select(Area.id).where(Area.slug == "bromma"))
        db.session.add_all(
            PopulationMargin(
                area_id=area_id,
                year=2025,
                age_band=band,
                gender=gender,
                population=1 if band == "65+" else 5000,
            )
            for band in ("16-24", "25-44", "45-64", "65+")
            for gender in ("woman", "man")
        )
        for gender in ("woman", "man"):
            for band in ("16-24", "25-44", "45-64"):
                add_responses(
                    "brommaplan", [{"safety_night": "1"}] * 150, gender=gender, age_band=band
                )
        add_responses("alvik", [{"safety_night": "4"}], gender="man", age_band="65+")
        add_responses("alvik", [{"safety_night": "1"}] * 40, gender="woman", age_band="65+")
        add_responses("alvik", [{"safety_night": "1"}] * 59, gender="woman", age_band="25-44")
        db.session.commit()
    release_id = publish(app)
    with app.app_context():
        night = db.session.get(Release, release_id).audited_picture["area_total"]["times"]
        assert 0 < night["night"]["unsafe_share"] < 0.001
