"""Deviations in monthly crime counts: hand-worked Farrington-style limits, rolling baselines."""

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from scipy import stats
from sqlalchemy import event, insert, select

from analysis.crime_categories import is_reviewed, police_category, problems_for
from analysis.crime_series import read_series
from analysis.deviations import deviations, evaluate
from survey.extensions import db
from survey.models import Area, CrimeCount, Place
from survey.models.crime import CrimeCoverage

ROOT = Path(__file__).resolve().parents[2]
#: The real responses live beside the repository; a machine without them must fail, not skip.
REAL = ROOT.parent / "shared" / "data" / "real"

MARCH_2026 = (dt.date(2026, 3, 1), dt.date(2026, 3, 1))


def month(text):
    return dt.date.fromisoformat(f"{text}-01")


@pytest.fixture
def counts(app):
    """Store counts: add(area, category, {"YYYY-MM": count}, source=..., place=...)."""

    def add(area, category, values, source="csv", place=None):
        with app.app_context():
            area_id = db.session.scalar(select(Area.id).where(Area.slug == area))
            place_id = db.session.scalar(select(Place.id).where(Place.slug == place))
            rows = [
                {
                    "area_id": area_id,
                    "place_id": place_id if place else None,
                    "month": month(key),
                    "category": category,
                    "count": value,
                    "source": source,
                }
                for key, value in values.items()
            ]
            db.session.execute(insert(CrimeCount), rows)
            db.session.commit()

    return add


def run(app, function, *args, **kwargs):
    with app.app_context(), db.engine.connect() as conn:
        return function(conn, *args, **kwargs)


def around(year, feb, mar, apr):
    """A year's February, March and April counts: the reference of a March."""
    return {f"{year}-02": feb, f"{year}-03": mar, f"{year}-04": apr}


def history(category_values):
    values = {}
    for year, triple in category_values.items():
        values |= around(year, *triple)
    return values


#: Three years of history around March, a suppressed year, and one too old to count.
HAND_WORKED = history(
    {
        2025: (4, 10, 16),
        2024: (6, 10, 14),
        2023: (8, 10, 12),
        2022: (None, None, None),  # '..': skipped, not zero
        2020: (1000, 1000, 1000),  # six years back: outside the 3-5 years
    }
)


def _level(z, dof):
    """The level of a limit whose dispersion was estimated: widened by a Student t."""
    return stats.norm.cdf(stats.t.ppf(stats.norm.cdf(z), dof))


def _mid_p(x, size, p):
    """P(X > x) + P(X = x) / 2 for a negative binomial."""
    return stats.nbinom.sf(x, size, p) + stats.nbinom.pmf(x, size, p) / 2


#: The hand-worked reference's dispersion 1.4 at a mean of 10, with 8 residual degrees of
#: freedom, has 8 * 2 * 1.4 * 10 / (6 * 1.96 - 6 * 1.4 + 1 + 2 * 1.4 * 10) = 224 / 32.36
#: effective degrees of freedom (the negative binomial's kurtosis; analysis.farrington).
HAND_WORKED_DOF = 224 / 32.36


def test_hand_worked_historical_limits(app, counts):
    # Nine reference values (Feb-Apr of three years), all at the same time of year, so the
    # model is one level: mean m = 90 / 9 = 10 (the yearly means are all 10: no trend).
    # Pearson dispersion: (36+0+36 + 16+0+16 + 4+0+4) / 10 / (9 - 1) = 11.2 / 8 = 1.4; no value
    # is far enough above the fit to be down-weighted (largest Anscombe residual 1.48).
    # Variance of a new month: phi*m + m^2 * phi / (sum of m) = 14 + 1.5556 = 15.5556: a
    # negative binomial of size 100 / 5.5556 = 18. Level, phi estimated with 6.92 effective
    # degrees of freedom: Phi(t_6.92(0.99)) = 0.99868. The mid-p value of 24 (0.0019) is above
    # 1 - 0.99868, that of 25 (0.0011) below: the limit is 24.
    level = _level(2.326, HAND_WORKED_DOF)
    assert level == pytest.approx(0.99868, abs=1e-5)
    assert _mid_p(25, 18, 18 / 28) < 1 - level < _mid_p(24, 18, 18 / 28)
    counts("bromma", "Misshandel", {**HAND_WORKED, "2026-03": 25})
    counts("ekero", "Misshandel", {**HAND_WORKED, "2026-03": 24})
    cells = run(app, evaluate, None, MARCH_2026)
    spread = math.sqrt(14 + 1.4 * 100 / 90)
    common = {"category": "Misshandel", "month": "2026-03", "source": "csv"}
    common |= {"expected": 10.0, "upper_limit": 24}
    common |= {"method": "historical", "k": 9, "dispersion": 1.4, "trend": None}
    assert cells == [
        {"area": "bromma", "count": 25, "score": round(15 / spread, 4), "alarm": True, **common},
        {"area": "ekero", "count": 24, "score": round(14 / spread, 4), "alarm": False, **common},
    ]


def test_deviations_are_the_alarms_in_the_contract_shape(app, counts):
    counts("bromma", "Misshandel", {**HAND_WORKED, "2026-03": 25})
    counts("ekero", "Misshandel", {**HAND_WORKED, "2026-03": 24})
    assert run(app, deviations, None, MARCH_2026) == [
        {
            "area": "bromma",
            "category": "Misshandel",
            "month": "2026-03",
            "count": 25,
            "expected": 10.0,
            "upper_limit": 24.0,
            "score": 3.8032,
            "method": "historical",
            "k": 9,
            "problems": ["violence"],
            "matched_by_text": False,
        }
    ]
    # One area only: Ekerö's March is no alarm.
    assert run(app, deviations, "ekero", MARCH_2026) == []


def test_a_smaller_z_gives_a_lower_limit(app, counts):
    counts("ekero", "Misshandel", {**HAND_WORKED, "2026-03": 19})
    [cell] = run(app, evaluate, "ekero", MARCH_2026, z=1.645)
    # At z = 1.645 the level is Phi(t_6.92(0.95)) = 0.97115; mid-p of 18: 0.0339, of 19: 0.0219.
    level = _level(1.645, HAND_WORKED_DOF)
    assert _mid_p(19, 18, 18 / 28) < 1 - level < _mid_p(18, 18, 18 / 28)
    assert cell["upper_limit"] == 18
    assert cell["alarm"] is True


def test_a_small_mean_keeps_a_count_distribution(app, counts):
    # Nine 2s: no dispersion (phi = 1), mean 2, variance 2 + 4 / 18 = 2.2222: the negative
    # binomial of size 18 and p = 0.9, which is the Poisson-gamma predictive distribution of a
    # count after nine counts adding up to 18. Mid-p value of 6: 0.0150, of 7: 0.0049: the
    # limit is 6.
    assert _mid_p(7, 18, 0.9) < 1 - stats.norm.cdf(2.326) < _mid_p(6, 18, 0.9)
    flat = history({2025: (2, 2, 2), 2024: (2, 2, 2), 2023: (2, 2, 2)})
    counts("bromma", "Rån", {**flat, "2026-03": 7})
    counts("bromma", "Stöld", {**flat, "2026-03": 6})
    rob, theft = run(app, evaluate, "bromma", MARCH_2026)
    assert (rob["expected"], rob["upper_limit"], rob["k"], rob["dispersion"]) == (2.0, 6, 9, 1.0)
    assert rob["alarm"] is True
    # Score (7 - 2) / sqrt(2 * (1 + 1/9)) = 5 / 1.49071 = 3.35410.
    assert rob["score"] == pytest.approx(3.3541, abs=1e-4)
    assert (theft["upper_limit"], theft["alarm"]) == (6, False)  # x = 6 is not above 6


def test_no_alarm_below_five_events(app, counts):
    # m = 4 / 8 = 0.5 (one month suppressed); Pearson 4 / 7 < 1, so phi = 1; the variance of a
    # new month 0.5 + 0.25 / 4 = 0.5625, a negative binomial of size 4: mid-p value of 3:
    # 0.0126, of 4: 0.0024; the limit is 3. x = 4 is above it but fewer than 5.
    assert _mid_p(4, 4, 4 / 4.5) < 1 - stats.norm.cdf(2.326) < _mid_p(3, 4, 4 / 4.5)
    sparse = history({2025: (0, 1, 0), 2024: (1, 0, 1), 2023: (0, 1, None)})
    counts("bromma", "Rån", {**sparse, "2026-03": 4})
    counts("bromma", "Stöld", {**sparse, "2026-03": 5})
    rob, theft = run(app, evaluate, "bromma", MARCH_2026)
    assert (rob["expected"], rob["upper_limit"], rob["k"]) == (0.5, 3, 8)
    assert rob["alarm"] is False
    assert theft["alarm"] is True
    # Score (5 - 0.5) / sqrt(0.5625) = 6.0.
    assert theft["score"] == pytest.approx(6.0, abs=1e-4)


def test_a_rolling_baseline_with_under_three_years(app, counts):
    # Only March 2025 .. February 2026, two months suppressed: k = 10 values, m = 100 / 10 = 10,
    # one level (no time of year, no trend). Pearson 1.6 / 9 < 1: phi = 1; variance of a new
    # month 10 + 100 / 100 = 11 (size 100). Its 99 % quantile is 19, but the mid-p value of
    # 19, P(X > 19) + P(X = 19) / 2 = 0.0078, is under 1 %, that of 18 (0.0146) is not: the
    # limit is 18; x = 20: alarm, score 10 / sqrt(11) = 3.01511.
    assert stats.nbinom.ppf(stats.norm.cdf(2.326), 100, 100 / 110) == 19
    mid = {x: stats.nbinom.sf(x, 100, 100 / 110) + stats.nbinom.pmf(x, 100, 100 / 110) / 2
           for x in (18, 19)}  # fmt: skip
    assert mid[19] < 1 - stats.norm.cdf(2.326) < mid[18]
    values = [10, 12, None, 8, 10, 10, 12, None, 8, 10, 10, 10]
    series = {f"{2025 + (2 + i) // 12}-{(2 + i) % 12 + 1:02d}": v for i, v in enumerate(values)}
    assert (min(series), max(series)) == ("2025-03", "2026-02")
    counts("bromma", "Skadegörelse", {**series, "2026-03": 20})
    # Five months with a count are not enough for a rolling baseline either.
    counts("bromma", "Klotter", {"2025-10": 3, "2025-11": 3, "2025-12": 3, "2026-01": 3,
                                 "2026-02": 3, "2026-03": 9})  # fmt: skip
    [cell] = run(app, evaluate, "bromma", MARCH_2026)
    assert cell["category"] == "Skadegörelse"
    assert (cell["method"], cell["k"], cell["expected"]) == ("rolling", 10, 10.0)
    assert cell["upper_limit"] == 18
    assert cell["score"] == pytest.approx(3.0151, abs=1e-4)
    assert cell["alarm"] is True
    [alarm] = run(app, deviations, "bromma", MARCH_2026)
    assert alarm["problems"] == ["vandalism"]


def test_a_suppressed_month_is_not_evaluated(app, counts):
    counts("bromma", "Misshandel", {**HAND_WORKED, "2026-03": None})
    assert run(app, evaluate, "bromma", MARCH_2026) == []


def test_the_default_range_is_the_last_twelve_months(app, counts):
    flat = {f"{y}-{m:02d}": 10 for y in range(2019, 2026) for m in range(1, 13)}
    counts("bromma", "Misshandel", {**flat, "2026-01": 10, "2026-02": 30})
    cells = run(app, evaluate, "bromma", today=dt.date(2026, 2, 14))
    assert [c["month"] for c in cells] == [
        *(f"2025-{m:02d}" for m in range(3, 13)),
        "2026-01",
        "2026-02",
    ]
    # Every month from 11 to 61 back is in the reference (the other times of year too).
    assert all(c["method"] == "historical" and c["k"] == 51 for c in cells)
    assert [c["month"] for c in cells if c["alarm"]] == ["2026-02"]


def test_counts_are_read_with_two_queries(app, counts):
    counts("bromma", "Misshandel", {**HAND_WORKED, "2026-03": 20})
    counts("bromma", "Rån", {**HAND_WORKED, "2026-03": 20})
    counts("ekero", "Stöld", {**HAND_WORKED, "2026-03": 20})
    statements = []
    with app.app_context(), db.engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", lambda *args: statements.append(args[2]))
        cells = evaluate(conn, None, MARCH_2026)
    assert len(cells) == 3
    assert len(statements) == 3  # the counts, what the sources covered, the admins' mapping edits


def test_places_sources_and_suppressed_parts_combine_into_one_count(app, counts):
    may = {"2025-05": 0}
    counts("bromma", "Rån", {"2025-05": 3}, place="alvik")
    counts("bromma", "Rån", {"2025-05": 4}, place="brommaplan")  # places add up: 7
    counts("bromma", "Stöld", {"2025-05": 2}, place="alvik")
    counts("bromma", "Stöld", {"2025-05": 9})  # the area's own total wins over its places
    counts("bromma", "Misshandel", {"2025-05": 2}, place="alvik")
    counts("bromma", "Misshandel", {"2025-05": None}, place="brommaplan")  # unknown in part
    counts("bromma", "Misshandel", {"2025-05": 5}, source="events")  # the CSV row wins
    counts("bromma", "Klotter", {"2025-05": 6}, source="events")  # the only source
    counts("ekero", "Klotter", may)
    series = run(app, read_series, "bromma", month("2025-01"), month("2025-12"))
    assert series == {
        ("bromma", "Rån"): {month("2025-05"): 7},
        ("bromma", "Stöld"): {month("2025-05"): 9},
        ("bromma", "Misshandel"): {month("2025-05"): None},
        ("bromma", "Klotter"): {month("2025-05"): 6},
    }


@pytest.mark.parametrize(
    ("category", "problems"),
    [
        ("Misshandel inkl. grov", ["violence"]),
        ("Personrån", ["theft"]),
        ("Stöld från bil", ["theft"]),
        ("Inbrott i bostad", ["theft"]),
        ("Skadegörelse, klotter", ["vandalism"]),
        ("Narkotikabrott", ["drug_dealing", "drug_use"]),
        ("Sexuellt ofredande", ["harassment"]),
        ("OFREDANDE", ["harassment"]),
        ("Trafikolycka", ["traffic"]),
        ("Rattfylleri", ["traffic"]),  # not public drinking
        ("Olaga intrång", []),  # not the 'rån' inside 'intrång': no theft
        ("Trafikkontroll", []),  # a police check, not a traffic problem
        ("Trafikolycka, vilt", []),  # a wildlife collision
        ("Butiksstöld", ["theft"]),
        ("Rån, försök", ["theft"]),
        ("Mord/dråp, försök", ["violence"]),
        ("Fylleri/LOB", ["alcohol"]),
        ("Brott mot lokala ordningsföreskrifter", ["alcohol"]),
        ("Brand", []),
    ],
)
def test_categories_map_to_problems(category, problems):
    assert problems_for(category) == problems


@pytest.mark.parametrize(
    ("police_type", "category"),
    [
        ("Olaga intrång", "Olaga intrång och hemfridsbrott"),
        ("Rån väpnat", "Rån"),
        ("Stöld/inbrott", "Inbrott"),
        ("Lagen om hundar och katter ", None),  # the real feed's trailing space
        ("Trafikkontroll", None),
        ("Trafikolycka, vilt", None),
        ("Brand", None),
        ("Sammanfattning natt", None),
        ("Försvunnen person", None),
        ("Information", None),
        ("En ny typ", "En ny typ"),  # not reviewed yet: counted under its own name
    ],
)
def test_police_types_map_to_categories_or_context(police_type, category):
    assert police_category(police_type) == category


def test_the_mapping_names_every_type_of_the_real_responses():
    types = set()
    for name in ("police-events-2023-03-25.json", "police-events-2026-08-22.json"):
        path = REAL / name
        assert path.is_file(), f"the real police response {path} is missing"
        types |= {event["type"] for event in json.loads(path.read_text(encoding="utf-8"))}
    assert len(types) > 50
    assert [t for t in sorted(types) if not is_reviewed(t)] == []


def test_no_deviations_for_what_is_not_a_crime(app, counts):
    counts("bromma", "Brand", {**HAND_WORKED, "2026-03": 40}, source="events")
    counts("bromma", "Rån", {**HAND_WORKED, "2026-03": 40}, source="events")
    cells = run(app, evaluate, "bromma", MARCH_2026)
    assert [c["category"] for c in cells] == ["Rån"]


def cover(app, source, area, start, end):
    """Record that a source covered [start, end] (ISO times; area None: every area)."""
    with app.app_context():
        area_id = db.session.scalar(select(Area.id).where(Area.slug == area)) if area else None
        db.session.add(
            CrimeCoverage(
                source=source,
                area_id=area_id,
                starts=dt.datetime.fromisoformat(start),
                ends=dt.datetime.fromisoformat(end),
                origin="test",
            )
        )
        db.session.commit()


def test_covered_months_without_a_row_are_zero_and_others_missing(app, counts):
    counts("bromma", "Rån", {"2025-01": 4, "2025-03": 2}, source="events")
    counts("bromma", "Misshandel", {"2025-03": 1}, source="events")
    # Two downloads: all of January (local time) and March 1-5; nothing covered February or
    # April. March is partial: its few days' counts are missing, never a month's count.
    cover(app, "events", None, "2024-12-31T20:00:00+00:00", "2025-02-01T00:00:00+01:00")
    cover(app, "events", None, "2025-03-01T08:00:00+00:00", "2025-03-05T20:00:00+00:00")
    series = run(app, read_series, "bromma", month("2025-01"), month("2025-04"))
    assert series == {
        ("bromma", "Rån"): {month("2025-01"): 4},
        ("bromma", "Misshandel"): {month("2025-01"): 0},
    }


def test_zeros_fill_only_the_source_that_counts_the_category(app, counts):
    counts("ekero", "Rån", {"2025-05": 3}, source="csv")
    counts("ekero", "Stöld", {"2025-06": 6}, source="events")
    cover(app, "csv", "ekero", "2025-04-30T22:00:00+00:00", "2025-06-30T22:00:00+00:00")
    cover(app, "events", None, "2025-04-30T20:00:00+00:00", "2025-06-03T08:00:00+00:00")
    series = run(app, read_series, "ekero", month("2025-01"), month("2025-12"))
    assert series == {
        # The CSV covered May and June; its June had no Rån: 0.
        ("ekero", "Rån"): {month("2025-05"): 3, month("2025-06"): 0},
        # The CSV has no Stöld at all: the events count, with May (covered fully) as 0 and
        # June (three days of it) missing.
        ("ekero", "Stöld"): {month("2025-05"): 0},
    }


def test_zero_months_give_sparse_categories_a_baseline(app, counts):
    # A robbery in two Marches, then five: only the covered zeros make a baseline.
    counts("bromma", "Rån", {"2024-03": 1, "2025-03": 1, "2026-03": 5}, source="events")
    assert run(app, evaluate, "bromma", MARCH_2026) == []  # two values: no baseline
    # Every month from January 2023 to March 2026 whole, in local time.
    cover(app, "events", None, "2022-12-31T23:00:00+00:00", "2026-03-31T22:00:00+00:00")
    [cell] = run(app, evaluate, "bromma", MARCH_2026)
    # January 2023 to April 2025 (28 months, 2 robberies): the levels per time of year are not
    # significant, so every month sets the expected count, the covered zeros included.
    assert cell["k"] == 28
    assert cell["expected"] == pytest.approx(2 / 28, abs=1e-4)
    assert cell["method"] == "historical"
    assert cell["alarm"] is True


def test_alarms_say_when_their_events_were_matched_by_text(app, counts):
    counts("bromma", "Rån", {**HAND_WORKED, "2026-03": 30}, source="events")
    counts("ekero", "Rån", {**HAND_WORKED, "2026-03": 30}, source="events")
    with app.app_context():
        bromma = db.session.scalar(select(Area.id).where(Area.slug == "bromma"))
        db.session.execute(
            CrimeCount.__table__.update()
            .where(CrimeCount.area_id == bromma, CrimeCount.month == month("2026-03"))
            .values(by_text=True)
        )
        db.session.commit()
    alarms = run(app, deviations, None, MARCH_2026)
    assert {(a["area"], a["matched_by_text"]) for a in alarms} == {
        ("bromma", True),
        ("ekero", False),
    }


def test_a_month_is_judged_against_its_own_source_only(app, counts):
    # Brå-style counts of every reported assault, about 10 a month, up to February 2026; the
    # police feed's selection, about 1 a month, and its March 2026.
    counts("bromma", "Misshandel", HAND_WORKED, source="csv")
    feed = dict.fromkeys(HAND_WORKED, 1) | {"2026-03": 2}
    counts("bromma", "Misshandel", feed, source="events")
    [cell] = run(app, evaluate, "bromma", MARCH_2026)
    # March from the feed against the feed's own months: 2 against about 1, no alarm (it was
    # judged against Brå's ~10 a month before, or Brå's 25 against the feed's 1 the other way).
    assert (cell["source"], cell["count"], cell["alarm"]) == ("events", 2, False)
    assert cell["expected"] == pytest.approx(1.0)
    # Brå's March, when it comes, is the month shown and judged, against Brå's months.
    counts("bromma", "Misshandel", {"2026-03": 25}, source="csv")
    [cell] = run(app, evaluate, "bromma", MARCH_2026)
    assert (cell["source"], cell["count"], cell["expected"]) == ("csv", 25, 10.0)
    assert run(app, read_series, "bromma", month("2026-03"), month("2026-03")) == {
        ("bromma", "Misshandel"): {month("2026-03"): 25}
    }


def test_a_count_of_brå_is_never_marked_as_matched_by_text(app, counts):
    counts("bromma", "Rån", {**HAND_WORKED, "2026-03": 30}, source="csv")
    # The same month's feed count rests on text matches; the CSV's count is the one judged.
    counts("bromma", "Rån", {**HAND_WORKED, "2026-03": 1}, source="events")
    with app.app_context():
        db.session.execute(
            CrimeCount.__table__.update()
            .where(CrimeCount.source == "events", CrimeCount.month == month("2026-03"))
            .values(by_text=True)
        )
        db.session.commit()
    [alarm] = run(app, deviations, "bromma", MARCH_2026)
    assert (alarm["count"], alarm["matched_by_text"]) == (30, False)
