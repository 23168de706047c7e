"""A release records whether it is weighted: the public page and the API say so, with n_eff.

The sample of tests/analysis/test_weighted_followup.py: a baseline round of 80 women and 20
men (n_eff 64 once weighted to a population of as many men as women), a follow-up round of
50 and 50, and a promise at Brommaplan followed by the evening unsafe share.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from survey.extensions import db
from survey.models import Release
from tests.analysis.test_weighted_followup import (
    add_even_margins,
    evening_answers,
    insert_sample,
)
from tests.common import factories
from tests.common.releases import publish


@pytest.fixture
def sample(app: Flask) -> dict[str, int]:
    with app.app_context():
        add_even_margins()
        before, after = factories.rounds_before_and_after(areas="all")
        factories.insert_answers(
            [
                *evening_answers(before.id, "brommaplan", "woman", 80, 48),
                *evening_answers(before.id, "brommaplan", "man", 20, 4),
                *evening_answers(after.id, "brommaplan", "woman", 50, 15),
                *evening_answers(after.id, "brommaplan", "man", 50, 5),
            ]
        )
        factories.promise(rounds=(before, after), period_end=dt.date(2026, 3, 31))
        db.session.commit()
        return {"before": before.id, "after": after.id}


def test_a_weighted_release_says_so_on_the_page_and_in_the_api(app, client, sample):
    release_id = publish(app, "bromma", sample["before"])
    with app.app_context():
        release = db.session.get_one(Release, release_id)
        stored, audited = release.data, release.audited_picture
    assert audited["weighted"] is True
    assert audited["weighting"]["n_eff"] == pytest.approx(64, abs=1e-3)
    # The public form: n_eff rounded to the nearest 5 like every count.
    assert stored["weighted"] is True
    assert stored["weighting"]["n_eff"] == 65
    # The follow-up inside the release is weighted too, its n_eff rounded as well.
    before = stored["followup"][0]["indicators"][0]["before"]
    assert before["share"] == 0.4
    assert before["n_eff"] == 65

    page = client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True)
    assert "The answers are weighted by age and gender" in page
    assert "the population of 2025" in page
    assert "count as much as about 65 answers without weighting" in page
    assert "The answers are not weighted" not in page

    area = client.get("/api/v1/areas/bromma").get_json()
    info = next(r for r in area["releases"] if r["id"] == release_id)
    assert (info["weighted"], info["n_eff"]) == (True, 65)
    picture = client.get(f"/api/v1/areas/bromma/lagesbild?release={release_id}").get_json()
    assert picture["weighted"] is True
    assert picture["weighting"]["n_eff"] == 65
    assert picture["followup"][0]["indicators"][0]["before"]["n_eff"] == 65


def test_an_unweighted_release_says_so_too(app, client, sample):
    """Ekerö has no population margins: its release is unweighted, and says so."""
    with app.app_context():
        factories.insert_answers(evening_answers(sample["before"], "ekero-centrum", "man", 20, 5))
        db.session.commit()
    release_id = publish(app, "ekero", sample["before"])
    with app.app_context():
        stored = db.session.get_one(Release, release_id).data
    assert stored["weighted"] is False
    assert stored["weighting"] == {"applied": False, "reason": "no_margins"}
    page = client.get("/uppfoljning/ekero?lang=en").get_data(as_text=True)
    assert "The answers are not weighted: each answer counts the same." in page
    assert "The answers are weighted" not in page
    area = client.get("/api/v1/areas/ekero").get_json()
    info = next(r for r in area["releases"] if r["id"] == release_id)
    assert (info["weighted"], info["n_eff"]) == (False, None)


def test_a_weighted_release_beside_an_unweighted_one_is_not_compared(app, client):
    """The baseline round was published before the margins came: no silent mix with it."""
    with app.app_context():
        before, after = factories.rounds_before_and_after(areas="all")
        insert_sample(before.id, after.id)
        db.session.commit()
        before_id, after_id = before.id, after.id
    publish(app, "bromma", before_id)  # no margins yet: unweighted, 52 % in the evening
    with app.app_context():
        add_even_margins()
        db.session.commit()
    mixed = publish(app, "bromma", after_id)
    with app.app_context():
        changes = db.session.get_one(Release, mixed).data["round_changes"]
    assert changes["comparable"] is False
    assert changes["weighting"]["before"] == {"weighted": False, "margins_year": None}
    assert changes["weighting"]["after"] == {"weighted": True, "margins_year": 2025}
    evening = changes["area_total"]["times"]["evening"]
    assert evening["direction"] == "not comparable"
    assert "diff" not in evening
    page = client.get(f"/uppfoljning/bromma?lang=en&release={mixed}").get_data(as_text=True)
    assert "cannot be compared: in one survey the answers are weighted" in page
    assert "From 52%" not in page
    api = client.get(f"/api/v1/areas/bromma/lagesbild?release={mixed}").get_json()
    assert api["round_changes"]["comparable"] is False
    assert api["round_changes"]["not_comparable"] == "one side weighted"

    # Publishing the baseline round again weights it: the next release compares them.
    publish(app, "bromma", before_id)
    fixed = publish(app, "bromma", after_id)
    with app.app_context():
        changes = db.session.get_one(Release, fixed).data["round_changes"]
    assert changes["comparable"] is True
    assert changes["weighting"]["before"] == {"weighted": True, "margins_year": 2025}
    evening = changes["area_total"]["times"]["evening"]
    assert (evening["before"]["share"], evening["diff"]) == (0.4, -0.2)
    page = client.get(f"/uppfoljning/bromma?lang=en&release={fixed}").get_data(as_text=True)
    assert "Since the previous survey" in page
    assert "cannot be compared" not in page


def test_a_weighted_release_of_too_few_answers_says_no_count_of_them(app, client):
    # One answer in a new round: its n_eff, rounded to 5, read "about 0 answers".
    with app.app_context():
        add_even_margins()
        survey_round = factories.survey_round("Löpande", dt.date(2026, 1, 1), areas="all")
        factories.insert_answers(evening_answers(survey_round.id, "brommaplan", "woman", 1, 1))
        db.session.commit()
        round_id = survey_round.id
    publish(app, "bromma", round_id)
    page = client.get("/uppfoljning/bromma?lang=en").get_data(as_text=True)
    assert "The answers are weighted by age and gender" in page
    assert "count as much as about" not in page
    swedish = client.get("/uppfoljning/bromma?lang=sv").get_data(as_text=True)
    assert "Svaren är viktade efter ålder och kön" in swedish
    assert "ungefär 0 svar" not in swedish
