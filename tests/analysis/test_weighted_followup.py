"""Weighted promise follow-up and changes between rounds: the picture's weights, Kish n_eff.

A hand-checkable sample: in the baseline round 80 women and 20 men answer (all 16-24), in a
population with as many men as women. Women weigh 50/80 = 0.625, men 50/20 = 2.5, so the
design effect is 1.5625 and n_eff = 64. 60 % of the women and 20 % of the men feel unsafe in
the evening: unweighted 52 %, weighted (48 x 0.625 + 4 x 2.5) / 100 = 40 %. In the follow-up
round 50 women and 50 men answer (every weight 1): 30 % and 10 % unsafe, 20 % either way.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis.followup import followup
from analysis.picture import situation_picture
from analysis.round_changes import change
from analysis.stats import newcombe_p
from analysis.survey import Filters, survey_indicators
from survey.extensions import db
from survey.models import Area, PopulationMargin
from tests.common import factories

SUPPRESS = 10
WOMEN, MEN = 50 / 80, 50 / 20
N_EFF_BEFORE = 100**2 / (80 * WOMEN**2 + 20 * MEN**2)  # 64


def add_even_margins(area_slug: str = "bromma", year: int = 2025) -> None:
    """As many men as women in every age band."""
    area_id = db.session.scalar(select(Area.id).where(Area.slug == area_slug))
    db.session.add_all(
        PopulationMargin(area_id=area_id, year=year, age_band=band, gender=gender, population=5000)
        for band in ("16-24", "25-44", "45-64", "65+")
        for gender in ("woman", "man")
    )


def evening_answers(round_id: int, place: str, gender: str, count: int, unsafe: int) -> list[dict]:
    """``count`` answers of one gender aged 16-24, the first ``unsafe`` unsafe in the evening."""
    rows = factories.answer_rows(place, round_id, unsafe, gender=gender, age_band="16-24")
    for row in rows:
        row["safety_evening"] = "4"
    safe = factories.answer_rows(place, round_id, count - unsafe, gender=gender, age_band="16-24")
    for row in safe:
        row["safety_evening"] = "1"
    return rows + safe


def insert_sample(before: int, after: int) -> None:
    """This module's answers at Brommaplan: 80 women and 20 men before, 50 and 50 after."""
    factories.insert_answers(
        [
            *evening_answers(before, "brommaplan", "woman", 80, 48),
            *evening_answers(before, "brommaplan", "man", 20, 4),
            *evening_answers(after, "brommaplan", "woman", 50, 15),
            *evening_answers(after, "brommaplan", "man", 50, 5),
        ]
    )


@pytest.fixture
def rounds(app: Flask) -> tuple[int, int]:
    with app.app_context():
        add_even_margins()
        before, after = factories.rounds_before_and_after()
        insert_sample(before.id, after.id)
        db.session.commit()
        return before.id, after.id


def _promise(app: Flask, rounds: tuple[int, int], **fields) -> int:
    with app.app_context():
        promise = factories.promise(rounds=rounds, period_end=dt.date(2026, 3, 31), **fields)
        db.session.commit()
        return promise.id


def _follow(app: Flask, promise_id: int, weighted: bool | None = None) -> dict:
    with app.app_context(), db.engine.connect() as conn:
        return followup(conn, promise_id, SUPPRESS, weighted)


def test_follow_up_shares_are_weighted_with_n_eff_in_the_interval(app, rounds):
    result = _follow(app, _promise(app, rounds))
    (evening,) = result["indicators"]
    assert evening["before"] == {"n": 100, "share": 0.4, "n_eff": pytest.approx(64, abs=1e-4)}
    assert evening["after"] == {"n": 100, "share": 0.2, "n_eff": 100.0}
    assert evening["diff"] == -0.2
    # Newcombe (statsmodels) on the weighted shares with n_eff answers each side.
    lo, hi = confint_proportions_2indep(
        0.2 * 100, 100, 0.4 * N_EFF_BEFORE, N_EFF_BEFORE, method="newcomb", compare="diff"
    )
    assert evening["ci"] == [round(lo, 4), round(hi, 4)]
    assert evening["p_value"] == round(newcombe_p(0.4 * 64, 64, 20, 100), 6)
    assert evening["p_value"] < 0.05
    assert evening["status"] == "improved"


def test_unweighted_on_request_the_follow_up_is_the_raw_one(app, rounds):
    (evening,) = _follow(app, _promise(app, rounds), weighted=False)["indicators"]
    assert evening["before"] == {"n": 100, "share": 0.52}
    assert evening["after"] == {"n": 100, "share": 0.2}
    lo, hi = confint_proportions_2indep(20, 100, 52, 100, method="newcomb", compare="diff")
    assert evening["ci"] == [round(lo, 4), round(hi, 4)]


def test_a_whole_area_promise_shows_the_picture_s_own_weighted_share(app, rounds):
    """The same weights as the round's picture: the area's share is the picture's share."""
    before, _after = rounds
    (evening,) = _follow(app, _promise(app, rounds, places=()))["indicators"]
    with app.app_context(), db.engine.connect() as conn:
        picture = survey_indicators(conn, "bromma", Filters(round_id=before), SUPPRESS)
    cell = picture["area_total"]["times"]["evening"]
    assert picture["weighted"] is True
    assert evening["before"] == {
        "n": cell["n"],
        "share": cell["unsafe_share"],
        "n_eff": cell["n_eff"],
    }


def test_the_situation_picture_follows_up_weighted_or_not_as_it_is(app, rounds):
    _promise(app, rounds)
    with app.app_context(), db.engine.connect() as conn:
        weighted = situation_picture(conn, "bromma", Filters(), SUPPRESS)
        plain = situation_picture(conn, "bromma", Filters(), SUPPRESS, weighted=False)
    assert weighted["followup"][0]["indicators"][0]["before"]["share"] == 0.4
    assert plain["followup"][0]["indicators"][0]["before"] == {"n": 100, "share": 0.52}


def test_suppression_stays_on_the_raw_count_of_answers(app, rounds):
    """Nine heavy answers are hidden however much they weigh (raw n 9 < 10)."""
    before, after = rounds
    with app.app_context():
        factories.insert_answers(
            evening_answers(before, "alvik", "man", 9, 9)
            + evening_answers(after, "alvik", "man", 9, 0)
        )
        db.session.commit()
    alvik = _promise(app, rounds, places=("alvik",))
    (evening,) = _follow(app, alvik)["indicators"]
    assert evening["before"] == {"n": 9, "suppressed": True}
    assert evening["status"] == "not enough data"


def test_changes_between_rounds_are_weighted_with_n_eff(app, rounds):
    before, after = rounds
    with app.app_context(), db.engine.connect() as conn:
        picture = situation_picture(conn, "bromma", Filters(round_id=after), SUPPRESS)
        plain = situation_picture(conn, "bromma", Filters(round_id=after), SUPPRESS, False)
    evening = picture["round_changes"]["area_total"]["times"]["evening"]
    assert evening["before"]["share"] == 0.4
    assert evening["before"]["n"] == 100  # the raw count, for suppression
    assert evening["before"]["n_eff"] == pytest.approx(64, abs=1e-4)
    assert evening["after"]["share"] == 0.2
    assert evening["diff"] == -0.2
    lo, hi = confint_proportions_2indep(
        20, 100, 0.4 * N_EFF_BEFORE, N_EFF_BEFORE, method="newcomb", compare="diff"
    )
    assert evening["diff_ci"] == [round(lo, 4), round(hi, 4)]
    assert evening["direction"] == "drop"
    # Unweighted the baseline is 52 % on 100 answers: a larger drop, a narrower interval.
    raw = plain["round_changes"]["area_total"]["times"]["evening"]
    assert raw["diff"] == -0.32
    assert "n_eff" not in raw["before"]
    assert raw["diff_ci"][1] - raw["diff_ci"][0] < hi - lo


def test_a_weighted_change_never_rests_on_a_side_with_too_few_raw_answers():
    heavy = {"n": 9, "suppressed": True}
    after = {"n": 40, "suppressed": False, "unsafe_share": 0.25, "n_eff": 30.0, "ci": [0, 1]}
    found = change(heavy, after)
    assert found["direction"] == "not enough data"
    assert "diff" not in found


def test_an_older_round_is_weighted_with_the_margins_present(app: Flask):
    """Margins only for 2026: the 2025 round is raked to them too, and the change says so."""
    with app.app_context():
        add_even_margins(year=2026)
        before, after = factories.rounds_before_and_after()
        insert_sample(before.id, after.id)
        db.session.commit()
        after_id = after.id
    with app.app_context(), db.engine.connect() as conn:
        picture = situation_picture(conn, "bromma", Filters(round_id=after_id), SUPPRESS)
    changes = picture["round_changes"]
    assert changes["comparable"] is True
    assert changes["weighting"] == {
        "before": {"weighted": True, "margins_year": 2026},
        "after": {"weighted": True, "margins_year": 2026},
    }
    evening = changes["area_total"]["times"]["evening"]
    assert evening["before"]["share"] == 0.4  # weighted, not the raw 0.52
    assert evening["diff"] == -0.2
