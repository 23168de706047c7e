"""Survey indicators on small hand-built data sets: shares, n, scores, filters, changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from flask import Flask
from scipy import stats as scipy_stats
from sqlalchemy import update
from statsmodels.stats.proportion import proportion_confint

from analysis.survey import PROBLEMS, Filters, survey_indicators
from survey.extensions import db
from survey.models import Place
from tests.common.survey_data import add_responses, columns, default_round_id, new_round


def wilson_ci(k: int, n: int) -> list[float]:
    return [round(x, 4) for x in proportion_confint(k, n, method="wilson")]


def indicators(app: Flask, filters: Filters | None = None, **kwargs: Any) -> dict[str, Any]:
    with app.app_context(), db.engine.connect() as conn:
        return survey_indicators(conn, "bromma", filters or Filters(), **kwargs)


def by_slug(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {place["place"]: place for place in result["places"]}


@pytest.fixture
def hand_built(app: Flask) -> Flask:
    """Ten answers about Brommaplan (worked out in the tests below), one about Alvik."""
    with app.app_context():
        add_responses(
            "brommaplan",
            columns(
                safety_day=["1"] * 10,
                safety_afternoon=["2"] * 9 + ["3"],
                safety_evening=["1", "2", "3", "4", "avoid", "na", "dk", "3", "1", "avoid"],
                safety_night=["4"] * 5 + ["avoid"] * 5,
                problem_alcohol=["0", "1", "2", "3", "4", "dk", None, "4", "0", "2"],
                avoided=["yes", "no", "no", None, "yes", "no", "no", "no", "no", "no"],
                victim=["yes", "yes", "yes", "no", "dk", "no", "no", "no", "no", "no"],
                reported=["yes", "no", None, None, None, None, None, None, None, None],
                police_cares=["1", "2", "3", "4", "dk", "1", "1", "2", None, "3"],
                worry=["1", "2", "3", "4", "4", "dk", None, "1", "1", "3"],
                police_priority=[
                    "presence;alcohol",
                    "presence",
                    "drugs;youth;presence",
                    None,
                    "",
                    "alcohol",
                    "other",
                    None,
                    None,
                    None,
                ],
                gender=["woman"] * 5 + ["man"] * 4 + [None],
                age_band=["16-24"] * 3 + ["65+"] * 7,
            ),
        )
        add_responses("alvik", [{"safety_evening": "4", "gender": "other"}])
    return app


def test_unsafe_share_counts_avoid_and_leaves_out_na_and_dk(hand_built: Flask) -> None:
    place = by_slug(indicators(hand_built, suppress_below=1))["brommaplan"]
    assert place["n"] == 10
    assert place["suppressed"] is False
    evening = place["times"]["evening"]
    # 1, 2, 3, 4, avoid, 3, 1, avoid answered (na, dk out); unsafe: 3, 4, avoid, 3, avoid.
    assert evening == {
        "n": 8,
        "suppressed": False,
        "unsafe_share": 0.625,
        "ci": wilson_ci(5, 8),
    }
    assert place["times"]["day"]["unsafe_share"] == 0.0
    assert place["times"]["afternoon"]["unsafe_share"] == 0.1
    assert place["times"]["night"] == {
        "n": 10,
        "suppressed": False,
        "unsafe_share": 1.0,
        "ci": wilson_ci(10, 10),
    }
    assert place["safety_index"] == pytest.approx(100 * (1 - (0 + 0.1 + 0.625 + 1) / 4))


def test_problem_share_and_score(hand_built: Flask) -> None:
    problems = by_slug(indicators(hand_built, suppress_below=2))["brommaplan"]["problems"]
    assert set(problems) == set(PROBLEMS)
    scores = np.array([0, 1, 2, 3, 4, 4, 0, 2], dtype=float)  # dk and unanswered left out
    # The score interval adds half an answer at 0 and at 4 (README: score interval).
    augmented = np.append(scores, [0, 4])
    weights = np.append(np.ones(8), [0.5, 0.5])
    m = np.average(augmented, weights=weights)
    variance = np.sum(weights * (augmented - m) ** 2) / (weights.sum() - 1)
    half = scipy_stats.t.ppf(0.975, 7) * np.sqrt(variance / weights.sum())
    lo, hi = m - half, m + half
    assert problems["alcohol"] == {
        "n": 8,
        "suppressed": False,
        "share": 0.375,
        "ci": wilson_ci(3, 8),
        "score": 2.0,
        "score_ci": [round(lo, 4), round(hi, 4)],
    }
    assert problems["litter"] == {"n": 0, "suppressed": True}


def test_experience_and_police_figures(hand_built: Flask) -> None:
    place = by_slug(indicators(hand_built, suppress_below=2))["brommaplan"]
    assert place["avoided"] == {"n": 9, "suppressed": False, "share": 0.2222, "ci": wilson_ci(2, 9)}
    # dk is not an answer to "were you a victim"; reporting is among victims only.
    assert place["victim"]["n"] == 9
    assert place["victim"]["share"] == 0.3333
    assert place["reported"] == {"n": 2, "suppressed": False, "share": 0.5, "ci": wilson_ci(1, 2)}
    assert place["police_cares"]["n"] == 8
    assert place["police_cares"]["share"] == 0.625
    assert place["worry_sometimes_or_often"]["n"] == 8
    assert place["worry_sometimes_or_often"]["share"] == 0.5
    priorities = place["police_priorities"]
    assert priorities["n"] == 5  # the empty answer and the unanswered ones do not count
    assert [(row["option"], row["count"]) for row in priorities["options"]] == [
        ("presence", 3),
        ("alcohol", 2),
        ("drugs", 1),
        ("youth", 1),
        ("other", 1),
        ("violence", 0),
        ("traffic", 0),
    ]
    assert priorities["options"][0]["share"] == 0.6


def test_suppression_threshold_applies_to_each_figure(hand_built: Flask) -> None:
    result = indicators(hand_built, suppress_below=9)
    place = by_slug(result)["brommaplan"]
    assert place["suppressed"] is False
    assert place["times"]["evening"] == {"n": 8, "suppressed": True}
    assert place["times"]["day"]["unsafe_share"] == 0.0
    assert place["safety_index"] is None  # one time is suppressed
    assert place["reported"] == {"n": 2, "suppressed": True}
    assert place["police_priorities"] == {"n": 5, "suppressed": True}
    alvik = by_slug(result)["alvik"]
    assert alvik["n"] == 1
    assert alvik["suppressed"] is True
    assert alvik["times"]["evening"] == {"n": 1, "suppressed": True}


def test_area_total_and_groups(hand_built: Flask) -> None:
    result = indicators(hand_built, suppress_below=2)
    assert result["area"] == "bromma"
    assert result["n"] == 11
    total = result["area_total"]
    assert "place" not in total
    assert total["n"] == 11
    assert total["times"]["evening"]["n"] == 9
    assert total["times"]["evening"]["unsafe_share"] == round(6 / 9, 4)
    gender = result["by_group"]["gender"]
    assert list(gender) == ["woman", "man", "other"]  # questionnaire order; unanswered left out
    assert gender["woman"]["n"] == 5
    assert gender["woman"]["times"]["evening"]["unsafe_share"] == 0.6
    assert gender["man"]["times"]["evening"] == {
        "n": 2,
        "suppressed": False,
        "unsafe_share": 0.5,
        "ci": wilson_ci(1, 2),
    }
    assert gender["other"] == {
        "n": 1,
        "suppressed": True,
        "times": {
            t: {"n": n, "suppressed": True}
            for t, n in [("day", 0), ("afternoon", 0), ("evening", 1), ("night", 0)]
        },
    }
    ages = result["by_group"]["age_band"]
    assert list(ages) == ["16-24", "65+"]
    assert ages["65+"]["n"] == 7


def test_places_sorted_by_name_and_retired_ones_only_with_answers(app: Flask) -> None:
    with app.app_context():
        db.session.execute(
            update(Place).where(Place.slug.in_(["alvik", "stora-mossen"])).values(retired=True)
        )
        db.session.commit()
        add_responses("stora-mossen", [{"safety_day": "1"}])
    slugs = [place["place"] for place in indicators(app, suppress_below=10)["places"]]
    assert "alvik" not in slugs  # retired, no answers
    assert slugs == [
        "abrahamsberg",
        "brommaplan",
        "islandstorget",
        "nockeby",
        "stora-mossen",
        "akeshov",  # Å and Ä sort after Z, as in Swedish
        "angbyplan",
    ]


@pytest.fixture
def four_answers(app: Flask) -> dict[str, int]:
    with app.app_context():
        first = default_round_id()
        second = new_round("Hösten", dt.date(2025, 3, 1))
        db.session.commit()
        add_responses(
            "brommaplan",
            [
                {
                    "round_id": first,
                    "submitted_on": dt.date(2025, 1, 10),
                    "gender": "woman",
                    "age_band": "16-24",
                    "safety_evening": "4",
                },
                {
                    "round_id": first,
                    "submitted_on": dt.date(2025, 2, 10),
                    "gender": "man",
                    "age_band": "25-44",
                    "safety_evening": "1",
                },
                {
                    "round_id": second,
                    "submitted_on": dt.date(2025, 3, 10),
                    "gender": "woman",
                    "age_band": "65+",
                    "safety_evening": "4",
                },
                {
                    "round_id": second,
                    "submitted_on": dt.date(2025, 3, 20),
                    "gender": "na",
                    "age_band": "65+",
                    "safety_evening": "1",
                },
            ],
        )
    return {"first": first, "second": second}


@pytest.mark.parametrize(
    ("make_filters", "n", "evening"),
    [
        (lambda r: Filters(), 4, 0.5),
        (lambda r: Filters(round_id=r["second"]), 2, 0.5),
        (lambda r: Filters(round_id=r["first"]), 2, 0.5),
        (lambda r: Filters(date_from=dt.date(2025, 2, 10)), 3, 0.3333),
        (lambda r: Filters(date_to=dt.date(2025, 2, 10)), 2, 0.5),
        (lambda r: Filters(date_from=dt.date(2025, 2, 11), date_to=dt.date(2025, 3, 10)), 1, 1.0),
        (lambda r: Filters(gender="woman"), 2, 1.0),
        (lambda r: Filters(age_band="65+"), 2, 0.5),
        (lambda r: Filters(round_id=r["first"], age_band="25-44"), 1, 0.0),
        (lambda r: Filters(gender="other"), 0, None),
    ],
)
def test_filters_apply_to_every_figure(
    app: Flask, four_answers: dict[str, int], make_filters: Any, n: int, evening: float | None
) -> None:
    result = indicators(app, make_filters(four_answers), suppress_below=1)
    place = by_slug(result)["brommaplan"]
    assert (result["n"], place["n"], place["times"]["evening"]["n"]) == (n, n, n)
    assert place["times"]["evening"].get("unsafe_share") == evening
    assert sum(group["n"] for group in result["by_group"]["gender"].values()) == n


def test_unknown_area_is_an_error(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as conn:
        with pytest.raises(ValueError, match="unknown area"):
            survey_indicators(conn, "atlantis", Filters(), suppress_below=10)
