"""Year-on-year change in Brå's yearly counts: the exact conditional rate ratio interval."""

import datetime as dt
import json
from importlib import resources
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from statsmodels.stats import rates
from statsmodels.stats.proportion import proportion_confint

from analysis.deviations import deviations
from analysis.picture import situation_picture
from analysis.survey import Filters
from analysis.yearly import crime_yearly, rate_ratio
from survey.extensions import db
from survey.imports.crime import import_crime

BRA = Path(__file__).resolve().parents[1] / "imports" / "data" / "bra"
TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("current", "previous"), [(98, 120), (2590, 2483), (3, 11), (7, 0), (0, 5)]
)
def test_the_interval_is_the_exact_conditional_one_statsmodels_computes(current, previous):
    result = rate_ratio(current, previous)
    n = current + previous
    # Clopper–Pearson for p = RR / (1 + RR), as statsmodels computes it.
    p_low, p_high = proportion_confint(current, n, alpha=0.05, method="beta")
    assert result.low == pytest.approx(p_low / (1 - p_low), rel=1e-9, abs=1e-12)
    if previous:
        assert result.high == pytest.approx(p_high / (1 - p_high), rel=1e-9)
        assert result.ratio == current / previous
    else:
        assert result.high is None  # unbounded: nothing the year before
        assert result.ratio is None
    with np.errstate(divide="ignore"):  # statsmodels divides by the empty year's rate
        exact = rates.test_poisson_2indep(current, 1, previous, 1, method="exact-cond")
    assert result.p_value == pytest.approx(exact.pvalue, rel=1e-9)
    # At each bound the one-sided exact test has p = 2.5 % (the interval inverts the test).
    if current and previous:
        at_low = rates.test_poisson_2indep(
            current, 1, previous, 1, value=result.low, method="exact-cond", alternative="larger"
        )
        at_high = rates.test_poisson_2indep(
            current, 1, previous, 1, value=result.high, method="exact-cond", alternative="smaller"
        )
        assert at_low.pvalue == pytest.approx(0.025, abs=1e-6)
        assert at_high.pvalue == pytest.approx(0.025, abs=1e-6)


def test_with_large_counts_it_agrees_with_the_log_normal_interval():
    low, high = rates.confint_poisson_2indep(2590, 1, 2483, 1, method="wald-log", compare="ratio")
    result = rate_ratio(2590, 2483)
    assert result.low == pytest.approx(low, rel=2e-3)
    assert result.high == pytest.approx(high, rel=2e-3)


def test_nothing_in_either_year_gives_no_ratio_and_rules_out_nothing():
    nothing = rate_ratio(0, 0)
    assert (nothing.ratio, nothing.low, nothing.high, nothing.p_value) == (None, 0.0, None, 1.0)


def test_zero_in_both_years_is_a_change_with_no_ratio_not_a_missing_year():
    """Brå's '-' both years is 0 and 0: the year before has a figure, so the change is there."""
    from analysis.yearly import _change

    change = _change({2022: 0, 2023: 0})
    assert change == {
        "year": 2023,
        "previous_year": 2022,
        "count": 0,
        "previous_count": 0,
        "rate_ratio": None,
        "low": 0.0,
        "high": None,
        "change_percent": None,
        "p_value": 1.0,
        "changed": False,
    }
    schema = json.loads(resources.files("analysis").joinpath("lagesbild.schema.json").read_text())
    item = schema["properties"]["crime_yearly"]["items"]["properties"]["change"]
    jsonschema.validate(change, item)
    assert "0 and 0" in schema["properties"]["crime_yearly"]["description"]
    # A suppressed year still gives none.
    assert _change({2022: None, 2023: 0}) is None


def test_a_fall_to_zero_is_minus_one_hundred_percent():
    from analysis.yearly import _change

    change = _change({2022: 402, 2023: 0})
    assert change is not None
    assert (change["rate_ratio"], change["change_percent"]) == (0.0, -100.0)
    assert change["changed"] is True


@pytest.fixture
def bra_years(app):
    with app.app_context():
        import_crime(
            db.session, BRA / "statistikdatabas_brottskategori_region_2022_2023.csv", today=TODAY
        )
        db.session.commit()
    return app


def test_each_category_gets_its_years_and_the_latest_change(bra_years):
    with bra_years.app_context(), db.engine.connect() as conn:
        found = {row["category"]: row for row in crime_yearly(conn, "bromma")}
    theft = found["Stöldbrott"]
    assert theft["years"] == [{"year": 2022, "count": 2483}, {"year": 2023, "count": 2590}]
    assert theft["problems"] == ["theft"]
    change = theft["change"]
    assert (change["year"], change["previous_year"]) == (2023, 2022)
    assert change["rate_ratio"] == round(2590 / 2483, 4)
    assert change["change_percent"] == round(100 * (2590 / 2483 - 1), 1)
    assert change["changed"] is False  # 4 % up is within chance at these counts
    home = found["Stöldbrott › Inbrottsstöld › i bostad"]["change"]
    assert (home["count"], home["previous_count"]) == (98, 120)
    # Suppressed years stay missing and give no change.
    cellar = found["Stöldbrott › Inbrottsstöld › i källare och vind"]
    assert cellar["years"] == [{"year": 2022, "count": None}, {"year": 2023, "count": None}]
    assert cellar["change"] is None
    graffiti = found["Skadegörelsebrott › Klotter"]["change"]
    assert (graffiti["rate_ratio"], graffiti["low"], graffiti["changed"]) == (0.0, 0.0, True)


def test_the_picture_carries_crime_yearly_and_keeps_it_out_of_deviations(bra_years):
    with bra_years.app_context(), db.engine.connect() as conn:
        picture = situation_picture(conn, "bromma", Filters(), 10, today=TODAY)
        alarms = deviations(conn, "bromma", today=TODAY)
    schema = json.loads(resources.files("analysis").joinpath("lagesbild.schema.json").read_text())
    jsonschema.validate(picture, schema)
    assert len(picture["crime_yearly"]) == 10
    assert alarms == []  # yearly counts are never monthly counts
    assert picture["crime_coverage"]["sources"] == {}


def test_the_p_value_is_the_one_scipy_binomtest_gives():
    """Twice one tail, as an incomplete beta function: binomtest's value to a few last bits.

    Every split of up to 40 events (ties, both tails, the ends), every split of a few larger
    totals, and four large ones."""
    from scipy import stats

    cases = [(k, n) for n in [*range(1, 41), 57, 80, 119] for k in range(n + 1)]
    cases += [(2590, 5073), (98, 218), (4000, 12000), (10, 30000)]
    for current, n in cases:
        expected = min(1.0, stats.binomtest(current, n, 0.5).pvalue)
        found = rate_ratio(current, n - current)
        assert found is not None
        assert found.p_value == pytest.approx(expected, rel=1e-14, abs=1e-300), (current, n)
        assert round(found.p_value, 4) == round(expected, 4), (current, n)
