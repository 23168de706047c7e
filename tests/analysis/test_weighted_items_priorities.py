"""Weighted added items and priority shrinkage on n_eff, with hand-checkable answers.

16 women and 4 men (all 16-24) answer added items, in a population with as many men as
women: women weigh 10/16 = 0.625, men 10/4 = 2.5, and n_eff = 20^2 / (16 x 0.625^2 +
4 x 2.5^2) = 12.8.
"""

from __future__ import annotations

import pytest
from statsmodels.stats.weightstats import DescrStatsW

from analysis.picture import situation_picture
from analysis.priorities import rank_priorities
from analysis.stats import wilson
from analysis.survey import Filters
from survey.extensions import db
from tests.analysis.test_priorities import cell, place, row, shrink, survey
from tests.analysis.test_weighted_followup import add_even_margins
from tests.common.item_data import answer_items, record_version_2
from tests.common.survey_data import add_responses

WOMEN, MEN = 10 / 16, 10 / 4
N_EFF = 20**2 / (16 * WOMEN**2 + 4 * MEN**2)


@pytest.fixture
def pictures(app):
    """(weighted, unweighted) pictures of the sample."""
    with app.app_context():
        record_version_2()
        add_even_margins()
        db.session.commit()
        # Women: half answer 5 (top box), half 1; 10 years in the area; saw noise.
        for i in range(16):
            answer_items(
                "brommaplan",
                "woman",
                "16-24",
                police_there="5" if i < 8 else "1",
                years_in_area=10,
                witnessed=["noise"],
            )
        # Men: all answer 1; 30 years; saw fights.
        for _ in range(4):
            answer_items(
                "brommaplan",
                "man",
                "16-24",
                police_there="1",
                years_in_area=30,
                witnessed=["fights"],
            )
        with db.engine.connect() as conn:
            return (
                situation_picture(conn, "bromma", Filters(), 10, locale="en"),
                situation_picture(conn, "bromma", Filters(), 10, weighted=False, locale="en"),
            )


def _total(picture, code):
    return next(i for i in picture["items"] if i["code"] == code)["area_total"]


def test_a_scale_s_top_box_share_is_weighted_with_n_eff(pictures):
    weighted, plain = pictures
    total = _total(weighted, "police_there")
    # 8 women x 0.625 = 5 of 20 weighted: 25 % (unweighted 8 of 20: 40 %).
    lo, hi = wilson(0.25 * N_EFF, N_EFF)
    assert total["n"] == 20  # raw, for suppression
    assert total["n_eff"] == pytest.approx(12.8)
    assert (total["share"], total["ci"]) == (0.25, [round(lo, 4), round(hi, 4)])
    options = {o["value"]: o["share"] for o in total["options"]}
    assert (options["5"], options["1"]) == (0.25, 0.75)
    unweighted = _total(plain, "police_there")
    assert unweighted["share"] == 0.4
    assert "n_eff" not in unweighted


def test_a_number_s_mean_and_interval_are_weighted(pictures):
    weighted, plain = pictures
    total = _total(weighted, "years_in_area")
    # (16 x 0.625 x 10 + 4 x 2.5 x 30) / 20 = 20 (unweighted 14). The interval is statsmodels'
    # weighted t interval with the weights scaled to sum to n_eff (df = n_eff - 1).
    weights = [WOMEN] * 16 + [MEN] * 4
    scaled = [w * N_EFF / sum(weights) for w in weights]
    stats = DescrStatsW([10] * 16 + [30] * 4, weights=scaled)
    lo, hi = stats.tconfint_mean()
    assert total["mean"] == 20.0
    assert total["mean_ci"] == [round(lo, 4), round(hi, 4)]
    assert total["n_eff"] == pytest.approx(12.8)
    assert _total(plain, "years_in_area")["mean"] == 14.0


def test_multiple_choice_shares_are_weighted(pictures):
    weighted, plain = pictures
    options = {o["value"]: o["share"] for o in _total(weighted, "witnessed")["options"]}
    assert (options["noise"], options["fights"]) == (0.5, 0.5)
    plain_options = {o["value"]: o["share"] for o in _total(plain, "witnessed")["options"]}
    assert (plain_options["noise"], plain_options["fights"]) == (0.8, 0.2)


def test_weighted_items_keep_suppression_on_the_raw_count(pictures):
    weighted, _plain = pictures
    men = next(i for i in weighted["items"] if i["code"] == "police_there")["by_group"]["gender"]
    # 4 men weigh 10 answers' worth, still hidden (and the women too, or 20 - 16 gives them).
    assert men["man"] == {"n": 4, "suppressed": True}
    assert men["woman"] == {"n": 16, "suppressed": True}


def test_priority_shrinkage_uses_n_eff_where_weighted():
    """A place whose 40 answers count as 8 is shrunk as 8 answers toward the area, not 40."""
    weighted = cell(40, 0.6, time=True) | {"n_eff": 8.0}
    alcohol = cell(40, 0.5) | {"n_eff": 8.0}
    rows = rank_priorities(survey(place("a", "A", weighted, alcohol)), {}, [])
    found = row(rows, "a")
    expected = (shrink(8, 0.5, 0.20) + shrink(8, 0.6, 0.30)) / 2
    assert found["components"]["survey"] == round(expected, 4)
    # Without n_eff (unweighted) the raw n is the shrinkage's weight, as before.
    raw = rank_priorities(survey(place("a", "A", cell(40, 0.6, True), cell(40, 0.5))), {}, [])
    assert row(raw, "a")["components"]["survey"] == round(
        (shrink(40, 0.5, 0.20) + shrink(40, 0.6, 0.30)) / 2, 4
    )
    # The sentence still quotes the raw number of answers.
    assert (
        "(40 answers)"
        in rank_priorities(survey(place("a", "A", weighted, alcohol)), {}, [], locale="en")[0][
            "explanation"
        ]
    )


def test_weighted_priorities_are_ordered_by_weighted_shares(app):
    """Brommaplan: 20 women see a big alcohol problem, 10 men none; Alvik: 10 women none,
    10 men a big one. Unweighted Brommaplan leads (2/3 against 1/2); weighted to a population
    of as many men as women (women 25/30, men 25/20) Alvik does (0.600 against 0.571)."""
    with app.app_context():
        add_even_margins()
        db.session.commit()
        for slug, women, men in (("brommaplan", "4", "0"), ("alvik", "0", "4")):
            count = 20 if slug == "brommaplan" else 10
            add_responses(
                slug, [{"gender": "woman", "age_band": "16-24", "problem_alcohol": women}] * count
            )
            add_responses(
                slug, [{"gender": "man", "age_band": "16-24", "problem_alcohol": men}] * 10
            )
        with db.engine.connect() as conn:
            weighted = situation_picture(conn, "bromma", Filters(), 10)
            plain = situation_picture(conn, "bromma", Filters(), 10, weighted=False)
    assert weighted["priorities"][0]["place"] == "alvik"
    assert plain["priorities"][0]["place"] == "brommaplan"
    # Recomputable from the JSON: the problem share shrunk on its n_eff toward the area's.
    area = weighted["area_total"]["problems"]["alcohol"]
    for found in weighted["priorities"]:
        places = {p["place"]: p for p in weighted["places"]}
        own = places[found["place"]]["problems"]["alcohol"]
        expected = shrink(own["n_eff"], own["share"], area["share"]) / 2
        assert found["components"]["survey"] == pytest.approx(expected, abs=1e-4)
    women, men = 25 / 30, 25 / 20
    alvik = next(p for p in weighted["places"] if p["place"] == "alvik")
    assert alvik["problems"]["alcohol"]["share"] == round(10 * men / (10 * women + 10 * men), 4)
