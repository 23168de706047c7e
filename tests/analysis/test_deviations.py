"""Deviations in monthly crime counts: hand-worked historical limits, Poisson, rolling."""

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from scipy import stats
from sqlalchemy import event, insert, select

from analysis.crime_categories import is_reviewed, police_category, problems_for
from analysis.deviations import deviations, evaluate, read_series
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


def test_hand_worked_historical_limits(app, counts):
    # k = 9 values, m = 90 / 9 = 10.
    # Squared deviations 36+0+36 + 16+0+16 + 4+0+4 = 112; sample variance 112 / 8 = 14.
    # phi = max(1, 14 / 10) = 1.4; spread = sqrt(1.4 * 10 * (1 + 1/9)) = sqrt(15.5556) = 3.94405.
    # Upper limit = 10 + 2.326 * 3.94405 = 19.17386.
    # x = 20: alarm, score = (20 - 10) / 3.94405 = 2.53546; x = 19: no alarm, score 2.28191.
    counts("bromma", "Misshandel", {**HAND_WORKED, "2026-03": 20})
    counts("ekero", "Misshandel", {**HAND_WORKED, "2026-03": 19})
    cells = run(app, evaluate, None, MARCH_2026)
    assert cells == [
        {
            "area": "bromma",
            "category": "Misshandel",
            "month": "2026-03",
            "count": 20,
            "expected": 10.0,
            "upper_limit": pytest.approx(19.1739, abs=1e-4),
            "score": pytest.approx(2.5355, abs=1e-4),
            "alarm": True,
            "method": "historical",
            "k": 9,
        },
        {
            "area": "ekero",
            "category": "Misshandel",
            "month": "2026-03",
            "count": 19,
            "expected": 10.0,
            "upper_limit": pytest.approx(19.1739, abs=1e-4),
            "score": pytest.approx(2.2819, abs=1e-4),
            "alarm": False,
            "method": "historical",
            "k": 9,
        },
    ]
    # The same numbers from the formula, unrounded.
    spread = math.sqrt(1.4 * 10 * (1 + 1 / 9))
    assert cells[0]["upper_limit"] == round(10 + 2.326 * spread, 4)
    assert cells[0]["score"] == round(10 / spread, 4)


def test_deviations_are_the_alarms_in_the_contract_shape(app, counts):
    counts("bromma", "Misshandel", {**HAND_WORKED, "2026-03": 20})
    counts("ekero", "Misshandel", {**HAND_WORKED, "2026-03": 19})
    assert run(app, deviations, None, MARCH_2026) == [
        {
            "area": "bromma",
            "category": "Misshandel",
            "month": "2026-03",
            "count": 20,
            "expected": 10.0,
            "upper_limit": 19.1739,
            "score": 2.5355,
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
    assert cell["upper_limit"] == round(10 + 1.645 * math.sqrt(1.4 * 10 * 10 / 9), 4)
    assert cell["alarm"] is True


def test_a_small_mean_uses_the_exact_poisson_quantile(app, counts):
    # m = 2 from nine 2s: P(X <= 5) = 0.9834 < 0.99 <= P(X <= 6) = 0.9955, so the limit is 6.
    assert stats.poisson.cdf(5, 2) < 0.99 <= stats.poisson.cdf(6, 2)
    flat = history({2025: (2, 2, 2), 2024: (2, 2, 2), 2023: (2, 2, 2)})
    counts("bromma", "Rån", {**flat, "2026-03": 7})
    counts("bromma", "Stöld", {**flat, "2026-03": 6})
    rob, theft = run(app, evaluate, "bromma", MARCH_2026)
    assert (rob["method"], rob["expected"], rob["upper_limit"], rob["k"]) == ("poisson", 2.0, 6, 9)
    assert rob["alarm"] is True
    # Score (7 - 2) / sqrt(1 * 2 * (1 + 1/9)) = 5 / 1.49071 = 3.35410.
    assert rob["score"] == pytest.approx(3.3541, abs=1e-4)
    assert (theft["upper_limit"], theft["alarm"]) == (6, False)  # x = 6 is not above 6


def test_no_alarm_below_five_events(app, counts):
    # m = 4 / 8 = 0.5 (one month suppressed): the Poisson limit is 3, since
    # P(X <= 2) = 0.9856 < 0.99 <= P(X <= 3) = 0.9982. x = 4 is above it but fewer than 5.
    assert stats.poisson.cdf(2, 0.5) < 0.99 <= stats.poisson.cdf(3, 0.5)
    sparse = history({2025: (0, 1, 0), 2024: (1, 0, 1), 2023: (0, 1, None)})
    counts("bromma", "Rån", {**sparse, "2026-03": 4})
    counts("bromma", "Stöld", {**sparse, "2026-03": 5})
    rob, theft = run(app, evaluate, "bromma", MARCH_2026)
    assert (rob["expected"], rob["upper_limit"], rob["k"], rob["method"]) == (0.5, 3, 8, "poisson")
    assert rob["alarm"] is False
    assert theft["alarm"] is True
    # phi = max(1, (2/7) / 0.5) = 1; score = (5 - 0.5) / sqrt(0.5 * 9/8) = 6.0.
    assert theft["score"] == pytest.approx(6.0, abs=1e-4)


def test_a_rolling_baseline_with_under_three_years(app, counts):
    # Only March 2025 .. February 2026, two months suppressed: k = 10 values, m = 100 / 10 = 10.
    # Sample variance 16 / 9 = 1.78, so phi = 1; spread = sqrt(10 * 1.1) = 3.31662.
    # Upper = 10 + 2.326 * 3.31662 = 17.71447; x = 18: alarm, score 8 / 3.31662 = 2.41209.
    values = [10, 12, None, 8, 10, 10, 12, None, 8, 10, 10, 10]
    series = {f"{2025 + (2 + i) // 12}-{(2 + i) % 12 + 1:02d}": v for i, v in enumerate(values)}
    assert (min(series), max(series)) == ("2025-03", "2026-02")
    counts("bromma", "Skadegörelse", {**series, "2026-03": 18})
    # Five months with a count are not enough for a rolling baseline either.
    counts("bromma", "Klotter", {"2025-10": 3, "2025-11": 3, "2025-12": 3, "2026-01": 3,
                                 "2026-02": 3, "2026-03": 9})  # fmt: skip
    [cell] = run(app, evaluate, "bromma", MARCH_2026)
    assert cell["category"] == "Skadegörelse"
    assert (cell["method"], cell["k"], cell["expected"]) == ("rolling", 10, 10.0)
    assert cell["upper_limit"] == pytest.approx(17.7145, abs=1e-4)
    assert cell["score"] == pytest.approx(2.4121, abs=1e-4)
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
    assert all(c["method"] == "historical" and c["k"] == 15 for c in cells)
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
    assert len(statements) == 2  # the counts, and what the sources covered


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
    # Two downloads: January 20-31 and March 1-5 (UTC); nothing covered February or April.
    cover(app, "events", None, "2025-01-20T08:00:00+00:00", "2025-01-31T20:00:00+00:00")
    cover(app, "events", None, "2025-03-01T08:00:00+00:00", "2025-03-05T20:00:00+00:00")
    series = run(app, read_series, "bromma", month("2025-01"), month("2025-04"))
    assert series == {
        ("bromma", "Rån"): {month("2025-01"): 4, month("2025-03"): 2},
        ("bromma", "Misshandel"): {month("2025-01"): 0, month("2025-03"): 1},
    }


def test_zeros_fill_only_the_source_that_counts_the_category(app, counts):
    counts("ekero", "Rån", {"2025-05": 3}, source="csv")
    counts("ekero", "Stöld", {"2025-06": 6}, source="events")
    cover(app, "csv", "ekero", "2025-04-30T22:00:00+00:00", "2025-06-30T22:00:00+00:00")
    cover(app, "events", None, "2025-05-10T08:00:00+00:00", "2025-06-03T08:00:00+00:00")
    series = run(app, read_series, "ekero", month("2025-01"), month("2025-12"))
    assert series == {
        # The CSV covered May and June; its June had no Rån: 0.
        ("ekero", "Rån"): {month("2025-05"): 3, month("2025-06"): 0},
        # The CSV has no Stöld at all: the events count, with May (covered) as 0.
        ("ekero", "Stöld"): {month("2025-05"): 0, month("2025-06"): 6},
    }


def test_zero_months_give_sparse_categories_a_baseline(app, counts):
    # A robbery in two Marches, then five: only the covered zeros make a baseline.
    counts("bromma", "Rån", {"2024-03": 1, "2025-03": 1, "2026-03": 5}, source="events")
    assert run(app, evaluate, "bromma", MARCH_2026) == []  # two values: no baseline
    cover(app, "events", None, "2023-01-01T00:00:00+00:00", "2026-03-31T20:00:00+00:00")
    [cell] = run(app, evaluate, "bromma", MARCH_2026)
    assert cell["k"] == 9
    assert cell["expected"] == pytest.approx(2 / 9, abs=1e-4)
    assert cell["method"] == "poisson"
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
