"""Follow-up of citizen promises: indicator statuses on constructed data."""

import datetime as dt

import pytest
from scipy.stats import binomtest
from sqlalchemy import select
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis.followup import followup, overall_status
from survey.extensions import db
from survey.models import (
    Area,
    CrimeCount,
    Place,
    Promise,
)
from tests.common import factories

SUPPRESS = 10


def _answers(round_id, place_id, count, **values):
    return factories.answer_rows(place_id, round_id, count, relation="live", **values)


@pytest.fixture
def world(app):
    """Two rounds of answers at Brommaplan (and noise at Alvik) and monthly crime counts."""
    with app.app_context():
        places = {p.slug: p for p in db.session.scalars(select(Place))}
        bromma = factories.find_area("bromma")
        before, after = factories.rounds_before_and_after()
        bp, alvik = places["brommaplan"].id, places["alvik"].id
        rows = [
            # Evenings: 60 of 100 unsafe before, 20 of 100 after (plus answers not counted).
            *_answers(before.id, bp, 50, safety_evening="3", problem_alcohol="0"),
            *_answers(before.id, bp, 10, safety_evening="avoid", problem_alcohol="0"),
            *_answers(before.id, bp, 40, safety_evening="1", problem_alcohol="4"),
            *_answers(before.id, bp, 7, safety_evening="na", problem_alcohol="dk"),
            *_answers(before.id, bp, 3, safety_night="4"),
            *_answers(after.id, bp, 20, safety_evening="4", problem_alcohol="3"),
            *_answers(after.id, bp, 80, safety_evening="2", problem_alcohol="4"),
            *_answers(after.id, bp, 9, safety_evening="dk", safety_night="3"),
            # Not one of the promise's places.
            *_answers(after.id, alvik, 50, safety_evening="4", problem_alcohol="0"),
        ]
        factories.insert_answers(rows)
        months = {
            # The same months of earlier years: the reference (season).
            dt.date(2024, 1, 1): 28,
            dt.date(2024, 2, 1): 32,
            dt.date(2025, 1, 1): 30,
            dt.date(2025, 2, 1): 30,
            dt.date(2025, 3, 1): 30,  # March 2026 has no count: no pair, left out
            dt.date(2025, 9, 1): 500,  # outside both periods
            dt.date(2025, 10, 1): 30,  # just before the promise: not the reference
            dt.date(2025, 11, 1): 30,
            dt.date(2025, 12, 1): 30,
            dt.date(2026, 1, 1): 10,
            dt.date(2026, 2, 1): 10,
            dt.date(2026, 3, 1): None,  # suppressed by the source: missing, not zero
            dt.date(2026, 4, 1): 500,  # after the promise
        }
        factories.crime_counts(months)
        factories.crime_counts({dt.date(2026, 1, 1): 900}, "ekero")
        db.session.commit()
        return {
            "app": app,
            "area_id": bromma.id,
            "places": [places["brommaplan"]],
            "before": before.id,
            "after": after.id,
        }


def _promise(world, indicators, places=None, baseline=True, **extra):
    app = world["app"]
    with app.app_context():
        promise = factories.promise(
            places=[db.session.merge(p) for p in (world["places"] if places is None else places)],
            rounds=(world["before"] if baseline else None, world["after"]),
            text="Vi ökar närvaron på kvällarna.",
            period_end=dt.date(2026, 3, 31),
            problems="alcohol",
            times="evening",
            indicators=indicators,
            **extra,
        )
        db.session.commit()
        return promise.id


def _follow(world, promise_id, suppress_below=SUPPRESS):
    with world["app"].app_context(), db.engine.connect() as conn:
        return followup(conn, promise_id, suppress_below)


def test_an_improvement_with_a_newcombe_interval(world):
    result = _follow(world, _promise(world, [{"kind": "unsafe_share", "time": "evening"}]))
    (evening,) = result["indicators"]
    assert evening["before"] == {"n": 100, "share": 0.6}
    assert evening["after"] == {"n": 100, "share": 0.2}
    assert evening["diff"] == -0.4
    lo, hi = confint_proportions_2indep(20, 100, 60, 100, method="newcomb", compare="diff")
    assert evening["ci"] == [round(lo, 4), round(hi, 4)]
    assert evening["status"] == "improved"
    assert result["status"] == "improved"
    assert result["promise"]["places"] == ["brommaplan"]
    assert result["promise"]["baseline_round"] == {"id": world["before"], "name": "Hösten 2025"}


def test_a_worsening(world):
    result = _follow(world, _promise(world, [{"kind": "problem_share", "problem": "alcohol"}]))
    (alcohol,) = result["indicators"]
    assert alcohol["before"] == {"n": 100, "share": 0.4}  # 'dk' is not counted
    assert alcohol["after"] == {"n": 100, "share": 1.0}
    assert alcohol["ci"][0] > 0
    assert alcohol["status"] == "worse"
    assert result["status"] == "worse"


def test_mixed_indicators_are_unchanged(world):
    result = _follow(
        world,
        _promise(
            world,
            [
                {"kind": "unsafe_share", "time": "evening"},
                {"kind": "problem_share", "problem": "alcohol"},
            ],
        ),
    )
    assert [i["status"] for i in result["indicators"]] == ["improved", "worse"]
    assert result["status"] == "unchanged"


def test_too_few_answers_is_not_enough_data(world):
    result = _follow(world, _promise(world, [{"kind": "unsafe_share", "time": "night"}]))
    (night,) = result["indicators"]
    assert night["before"] == {"n": 3, "suppressed": True}
    assert night["after"] == {"n": 9, "suppressed": True}
    assert "diff" not in night
    assert "ci" not in night
    assert night["status"] == "not enough data"
    assert result["status"] == "not enough data"
    # A lower threshold shows them (and the interval is wide: unchanged).
    shown = _follow(world, result["promise"]["id"], suppress_below=3)["indicators"][0]
    assert shown["status"] == "unchanged"
    assert shown["before"] == {"n": 3, "share": 1.0}


def test_a_missing_round_is_not_enough_data(world):
    result = _follow(
        world, _promise(world, [{"kind": "unsafe_share", "time": "evening"}], baseline=False)
    )
    assert result["indicators"][0]["before"] is None
    assert result["indicators"][0]["status"] == "not enough data"
    assert result["promise"]["baseline_round"] is None


def test_a_promise_without_places_covers_the_area(world):
    result = _follow(
        world, _promise(world, [{"kind": "unsafe_share", "time": "evening"}], places=[])
    )
    # Alvik's 50 unsafe answers join the 100 at Brommaplan after.
    assert result["indicators"][0]["after"] == {"n": 150, "share": round(70 / 150, 4)}
    assert result["promise"]["places"] == []


def test_crime_rate_ratio_against_the_same_months_of_earlier_years(world):
    result = _follow(
        world,
        _promise(
            world,
            [{"kind": "crime", "category": "Misshandel"}, {"kind": "crime", "category": "Rån"}],
        ),
    )
    assault, robbery = result["indicators"]
    # January and February of 2024 and 2025; March 2026 is suppressed at the source, so
    # March 2025 has no pair and stays out: a rate per month with a count, same season.
    assert assault["before"] == {
        "from": "2024-01-01",
        "to": "2025-02-28",
        "months": 4,
        "count": 120,
        "years": [2024, 2025],
    }
    assert assault["after"] == {"from": "2026-01-01", "to": "2026-03-31", "months": 2, "count": 20}
    assert assault["comparison"] == "same months of earlier years"
    assert assault["rate_ratio"] == round((20 / 2) / (120 / 4), 4)
    # The reference years agree closely (chi-square 0.13 on 2 df): no extra dispersion.
    assert assault["dispersion"] == 1.0
    exact = binomtest(20, 140).proportion_ci(method="exact")
    scale = 4 / 2
    assert assault["ci"] == [
        round(scale * exact.low / (1 - exact.low), 4),
        round(scale * exact.high / (1 - exact.high), 4),
    ]
    assert assault["status"] == "improved"
    assert robbery["status"] == "not enough data"
    assert "rate_ratio" not in robbery
    assert result["status"] == "improved"


def test_activities_are_summed(world):
    activities = [
        factories.activity("presence_patrol", dt.date(2026, 1, 5), hours=2.5, count=1),
        factories.activity("presence_patrol", dt.date(2026, 1, 12), hours=3, count=2),
        factories.activity("alcohol_ban", dt.date(2026, 2, 1), hours=None, count=4),
    ]
    promise_id = _promise(world, [], activities=activities)
    result = _follow(world, promise_id)
    assert result["activities"] == {
        "total": 3,
        "count": 7,
        "hours": 5.5,
        "by_kind": {
            "alcohol_ban": {"activities": 1, "count": 4, "hours": 0.0},
            "presence_patrol": {"activities": 2, "count": 3, "hours": 5.5},
        },
    }
    assert result["indicators"] == []
    assert result["status"] == "not enough data"


def test_unknown_promise(world):
    with world["app"].app_context(), db.engine.connect() as conn, pytest.raises(LookupError):
        followup(conn, 999_999, SUPPRESS)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["improved", "unchanged", "not enough data"], "improved"),
        (["worse", "unchanged"], "worse"),
        (["improved", "worse"], "unchanged"),
        (["unchanged", "not enough data"], "unchanged"),
        (["not enough data", "not enough data"], "not enough data"),
        ([], "not enough data"),
    ],
)
def test_overall_status(statuses, expected):
    assert overall_status(statuses) == expected


def test_crime_follow_up_counts_each_month_once(app):
    """A month in both a CSV and an event list, and per place too, is counted once."""
    import datetime as dt

    from sqlalchemy import select

    from analysis.followup import followup
    from survey.extensions import db
    from survey.models import Area, Place

    with app.app_context():
        bromma = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        plan = db.session.scalar(select(Place).where(Place.slug == "brommaplan"))
        promise = Promise(
            area_id=bromma.id,
            title="T",
            text="T",
            period_start=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 3, 31),
            indicators=[{"kind": "crime", "category": "Misshandel"}],
        )
        db.session.add(promise)
        for month, source, place_id, count in [
            (dt.date(2025, 3, 1), "csv", None, 10),
            (dt.date(2025, 3, 1), "events", None, 4),
            (dt.date(2026, 2, 1), "csv", None, 99),  # just before: not the reference
            (dt.date(2026, 3, 1), "csv", None, 25),
            (dt.date(2026, 3, 1), "events", None, 5),
            (dt.date(2026, 3, 1), "csv", plan.id, 7),
        ]:
            db.session.add(
                CrimeCount(
                    area_id=bromma.id,
                    place_id=place_id,
                    month=month,
                    category="Misshandel",
                    count=count,
                    source=source,
                )
            )
        db.session.commit()
        with db.engine.connect() as conn:
            [indicator] = followup(conn, promise.id, 10)["indicators"]
    assert indicator["before"]["count"] == 10
    assert indicator["after"]["count"] == 25


def test_a_place_hidden_in_its_round_is_not_given_away_by_the_promise_sum(app):
    """Brommaplan (15 shown) + Alvik (3 hidden): their sum would reveal Alvik's 3 answers."""
    with app.app_context():
        places = {p.slug: p for p in db.session.scalars(select(Place))}
        bromma = db.session.scalar(select(Area).where(Area.slug == "bromma"))
        rounds = [
            factories.survey_round("Före", dt.date(2025, 9, 1)),
            factories.survey_round("Efter", dt.date(2026, 4, 1)),
        ]
        rows = []
        for survey_round in rounds:
            rows += _answers(survey_round.id, places["brommaplan"].id, 15, safety_evening="1")
            rows += _answers(survey_round.id, places["alvik"].id, 3, safety_evening="4")
            rows += _answers(survey_round.id, places["abrahamsberg"].id, 12, safety_evening="2")
        factories.insert_answers(rows)

        def promise(slugs):
            return factories.promise(
                bromma,
                places=[places[s] for s in slugs],
                rounds=rounds,
                title="Trygga kvällar",
                text="",
                period_start=dt.date(2025, 10, 1),
                period_end=dt.date(2026, 3, 31),
            ).id

        ids = [promise(["brommaplan", "alvik"]), promise(["brommaplan", "abrahamsberg"])]
        whole_area = promise([])
        db.session.commit()
        with db.engine.connect() as conn:
            hidden = [followup(conn, pid, SUPPRESS)["indicators"][0] for pid in ids]
            total = followup(conn, whole_area, SUPPRESS)["indicators"][0]
    assert hidden[0]["before"] == {"n": 18, "suppressed": True}
    assert hidden[0]["after"] == {"n": 18, "suppressed": True}
    # Abrahamsberg (12) is hidden in each round to protect Alvik: the area total minus
    # Brommaplan plus Abrahamsberg would be Alvik's 3 answers.
    assert hidden[1]["before"] == {"n": 27, "suppressed": True}
    assert all(h["status"] == "not enough data" and "diff" not in h for h in hidden)
    # The whole area's sum is the area total, shown in each round: 3 of 30 unsafe.
    assert total["before"] == {"n": 30, "share": 0.1}
    assert total["status"] == "unchanged"
