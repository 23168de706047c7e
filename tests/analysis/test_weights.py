"""Raking weights: a hand-worked example, margins matched, weighted indicators with Kish n."""

from __future__ import annotations

import math

import pytest
from flask import Flask
from sqlalchemy import select

from analysis.stats import kish_effective_n, wilson
from analysis.survey import Filters, survey_indicators
from analysis.weights import WeightedShare, rake
from survey.extensions import db
from survey.models import Area, PopulationMargin
from tests.common.survey_data import add_responses

EVEN = {("16-24", "woman"): 25, ("16-24", "man"): 25, ("65+", "woman"): 25, ("65+", "man"): 25}
SAMPLE = {("16-24", "woman"): 10, ("16-24", "man"): 10, ("65+", "woman"): 10, ("65+", "man"): 30}

# Worked by hand: with weights r_age * c_gender and c_woman = 1, the four margin equations
# (each total 30 of the 60 answers) give 3 c_man^2 = 1, so c_man = 1/sqrt(3),
# r_young = 3 / (1 + 1/sqrt(3)) and r_old = 3 / (1 + sqrt(3)).
ROOT3 = math.sqrt(3)
HAND = {
    ("16-24", "woman"): 3 / (1 + 1 / ROOT3),
    ("16-24", "man"): 3 / (1 + ROOT3),
    ("65+", "woman"): 3 / (1 + ROOT3),
    ("65+", "man"): 3 / (ROOT3 + 3),
}


def weighted_margins(
    counts: dict[tuple[str | None, str | None], float],
    weights: dict[tuple[str | None, str | None], float],
) -> tuple[dict[str | None, float], dict[str | None, float]]:
    ages: dict[str | None, float] = {}
    genders: dict[str | None, float] = {}
    for (age, gender), n in counts.items():
        ages[age] = ages.get(age, 0.0) + weights[(age, gender)] * n
        genders[gender] = genders.get(gender, 0.0) + weights[(age, gender)] * n
    return ages, genders


def test_rake_matches_the_hand_worked_example() -> None:
    weights = rake(SAMPLE, EVEN)
    assert weights == pytest.approx(HAND, abs=1e-9)
    assert HAND[("16-24", "woman")] == pytest.approx(1.9019, abs=1e-4)
    assert HAND[("65+", "man")] == pytest.approx(0.6340, abs=1e-4)


def test_raked_margins_match_the_population() -> None:
    margins = {
        ("16-24", "woman"): 9_000,
        ("16-24", "man"): 9_500,
        ("25-44", "woman"): 21_000,
        ("25-44", "man"): 22_500,
        ("45-64", "woman"): 17_000,
        ("45-64", "man"): 16_000,
        ("65+", "woman"): 12_000,
        ("65+", "man"): 9_000,
    }
    counts: dict[tuple[str | None, str | None], float] = {
        ("16-24", "woman"): 12,
        ("16-24", "man"): 3,
        ("25-44", "woman"): 40,
        ("25-44", "man"): 17,
        ("45-64", "woman"): 55,
        ("45-64", "man"): 31,
        ("65+", "woman"): 48,
        ("65+", "man"): 39,
    }
    weights = rake(counts, margins)
    total = sum(counts.values())
    population = sum(margins.values())
    ages, genders = weighted_margins(counts, weights)
    for age in ("16-24", "25-44", "45-64", "65+"):
        share = sum(p for (a, _), p in margins.items() if a == age) / population
        assert ages[age] / total == pytest.approx(share, abs=1e-6)
    for gender in ("woman", "man"):
        share = sum(p for (_, g), p in margins.items() if g == gender) / population
        assert genders[gender] / total == pytest.approx(share, abs=1e-6)
    # The weights keep the sample's scale: they average 1.
    assert sum(weights[c] * n for c, n in counts.items()) == pytest.approx(total)


def test_respondents_outside_the_margins_weigh_one() -> None:
    counts: dict[tuple[str | None, str | None], float] = {
        **SAMPLE,
        (None, "woman"): 4,
        ("65+", "other"): 2,
        ("na", "na"): 1,
    }
    weights = rake(counts, EVEN)
    assert weights[(None, "woman")] == 1.0
    assert weights[("65+", "other")] == 1.0
    assert weights[("na", "na")] == 1.0
    assert weights[("65+", "man")] == pytest.approx(HAND[("65+", "man")])


def test_a_margin_nobody_answered_from_is_spread_over_the_rest() -> None:
    margins = {**EVEN, ("45-64", "woman"): 50, ("45-64", "man"): 50}
    weights = rake(SAMPLE, margins)  # nobody aged 45-64 answered
    assert weights == pytest.approx(HAND, abs=1e-9)


def test_a_category_with_no_population_counts_as_outside() -> None:
    margins = {**EVEN, ("45-64", "woman"): 0, ("45-64", "man"): 0}
    counts = {**SAMPLE, ("45-64", "man"): 5}
    weights = rake(counts, margins)
    assert weights[("45-64", "man")] == 1.0
    assert {cell: weights[cell] for cell in HAND} == pytest.approx(HAND, abs=1e-9)


def add_margins(area_slug: str, margins: dict[tuple[str, str], int]) -> None:
    area_id = db.session.scalar(select(Area.id).where(Area.slug == area_slug))
    db.session.add_all(
        PopulationMargin(area_id=area_id, year=2025, age_band=a, gender=g, population=p)
        for (a, g), p in margins.items()
    )
    db.session.commit()


def test_weighted_indicators_use_raked_weights_and_kish_n(app: Flask) -> None:
    with app.app_context():
        add_margins("bromma", EVEN)
        answers = []
        for (age, gender), n in SAMPLE.items():
            unsafe = age == "65+" and gender == "man"
            answers += [
                {"age_band": age, "gender": gender, "safety_evening": "4" if unsafe else "1"}
            ] * n
        add_responses("brommaplan", answers)
        with db.engine.connect() as conn:
            plain = survey_indicators(conn, "bromma", Filters(), suppress_below=10, weighted=False)
            weighted = survey_indicators(
                conn, "bromma", Filters(), suppress_below=10, weighted=True
            )
    assert plain["places"][2]["place"] == weighted["places"][2]["place"] == "brommaplan"
    assert plain["places"][2]["times"]["evening"]["unsafe_share"] == 0.5
    evening = weighted["places"][2]["times"]["evening"]
    share = 30 * HAND[("65+", "man")] / 60
    n_eff = kish_effective_n([w for cell, w in HAND.items() for _ in range(SAMPLE[cell])])
    lo, hi = wilson(share * n_eff, n_eff)
    assert evening == {
        "n": 60,
        "suppressed": False,
        "unsafe_share": round(share, 4),
        "ci": [round(lo, 4), round(hi, 4)],
        "n_eff": round(n_eff, 4),
    }
    assert n_eff < 60  # unequal weights widen the interval
    assert weighted["weighted"] is True
    # The men: 10 young at weight 1.0981 and 30 old (all unsafe) at 0.6340.
    men = weighted["by_group"]["gender"]["man"]["times"]["evening"]
    young, old = HAND[("16-24", "man")], HAND[("65+", "man")]
    assert men["unsafe_share"] == round(30 * old / (10 * young + 30 * old), 4)
    assert weighted["area_total"]["times"]["evening"]["unsafe_share"] == round(share, 4)


def test_weighted_within_one_gender_rakes_to_that_gender_s_ages(app: Flask) -> None:
    with app.app_context():
        add_margins("bromma", {**EVEN, ("65+", "man"): 75})
        answers = [{"age_band": "16-24", "gender": "man", "safety_day": "1"}] * 10
        answers += [{"age_band": "65+", "gender": "man", "safety_day": "3"}] * 30
        answers += [{"age_band": "65+", "gender": "woman", "safety_day": "3"}] * 10
        add_responses("alvik", answers)
        with db.engine.connect() as conn:
            result = survey_indicators(
                conn, "bromma", Filters(gender="man"), suppress_below=10, weighted=True
            )
    # Men: 25 young, 75 old in the population, so young weigh 1 and old weigh 1 (10:30).
    day = result["area_total"]["times"]["day"]
    assert day["n"] == 40
    assert day["unsafe_share"] == 0.75
    assert day["n_eff"] == 40.0


def test_weighted_without_margins_is_a_clear_error(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as conn:
        with pytest.raises(ValueError, match="no population margins"):
            survey_indicators(conn, "bromma", Filters(), suppress_below=10, weighted=True)


def test_a_weighted_share_over_cells_by_hand() -> None:
    """80 women (48 unsafe) at 0.625 and 20 men (4 unsafe) at 2.5: 40 % on n_eff 64."""
    by_cell = [(("16-24", "woman"), 80, 48), (("16-24", "man"), 20, 4)]
    weights = {("16-24", "woman"): 0.625, ("16-24", "man"): 2.5}
    share = WeightedShare(by_cell, weights)
    assert (share.n, share.share, share.n_eff) == (100, pytest.approx(0.4), pytest.approx(64))
    assert share.counts() == (pytest.approx(25.6), pytest.approx(64))
    assert share.cell(10) == {"n": 100, "share": 0.4, "n_eff": 64.0}
    assert share.cell(101) == {"n": 100, "suppressed": True}  # on the raw n, not the weights
    plain = WeightedShare(by_cell, {})
    assert plain.counts() == (52, 100)
    assert plain.cell(10) == {"n": 100, "share": 0.52}
