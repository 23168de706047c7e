"""Full, partial and missing months: only full months are counted, zero-filled and evaluated.

The police feed serves the latest ~500 events of the country, a few days: a download covers
part of a month. Such a month must never enter a baseline as a low count, nor be evaluated as
"no deviation". The real responses in ../shared/data/real/ are used as they are.
"""

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from analysis import coverage
from analysis.crime_categories import police_category
from analysis.crime_series import read_series
from analysis.deviations import evaluate
from analysis.picture import crime_coverage
from survey.extensions import db
from survey.models import Area, CrimeCount
from survey.models.crime import CrimeCoverage

ROOT = Path(__file__).resolve().parents[2]
#: The real responses live beside the repository; a machine without them must fail, not skip.
REAL = ROOT.parent / "shared" / "data" / "real"
MARCH_2023 = REAL / "police-events-2023-03-25.json"
ZONE = ZoneInfo("Europe/Stockholm")


def local(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE)


def month(text):
    return dt.date.fromisoformat(f"{text}-01")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_overlapping_downloads_together_cover_a_month_fully():
    downloads = [
        (local("2025-02-27 13:00"), local("2025-03-04 08:00")),
        (local("2025-03-03 22:00"), local("2025-03-20 10:00")),  # overlaps the first
        (local("2025-03-20 10:00"), local("2025-04-02 09:00")),  # touches the second
    ]
    found = coverage.months(downloads)
    assert {m.strftime("%Y-%m"): (c.days_covered, c.days, c.status) for m, c in found.items()} == {
        "2025-02": (1, 28, "partial"),  # the 28th only: the 27th from 13:00
        "2025-03": (31, 31, "full"),  # the clocks moved on 30 March: still 31 whole days
        "2025-04": (1, 30, "partial"),
    }
    # One download less leaves a hole of a few days: March is partial.
    assert coverage.statuses([downloads[0], downloads[2]])[month("2025-03")] == "partial"


def test_a_gap_of_hours_between_downloads_makes_the_month_partial():
    downloads = [
        (local("2025-04-30 20:00"), local("2025-05-15 09:00")),
        (local("2025-05-15 15:00"), local("2025-06-01 00:00")),  # six hours missing on the 15th
    ]
    may = coverage.months(downloads)[month("2025-05")]
    assert (may.days_covered, may.status) == (30, "partial")
    assert coverage.statuses([*downloads, (local("2025-05-15 08:00"), local("2025-05-15 16:00"))])[
        month("2025-05")
    ] == ("full")


def _area_id(slug):
    return db.session.scalar(select(Area.id).where(Area.slug == slug))


def _counts(slug, category, values):
    """Event counts of earlier months (as if derived from events stored before)."""
    area_id = _area_id(slug)
    db.session.execute(
        insert(CrimeCount),
        [
            {
                "area_id": area_id,
                "place_id": None,
                "month": m,
                "category": category,
                "count": n,
                "source": "events",
            }
            for m, n in values.items()
        ],
    )
    db.session.commit()


def _cover(starts, ends):
    """A download of the whole country's feed from ``starts`` to ``ends`` (local times)."""
    db.session.add(
        CrimeCoverage(
            source="events",
            area_id=None,
            starts=local(starts).astimezone(dt.UTC),
            ends=local(ends).astimezone(dt.UTC),
            origin="test",
        )
    )
    db.session.commit()


def _months(first, last):
    found, m = [], first
    while m <= last:
        found.append(m)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return found


def _run(app, function, *args, **kwargs):
    with app.app_context(), db.engine.connect() as conn:
        return function(conn, *args, **kwargs)


def _assaults(app, text):
    cells = _run(app, evaluate, "city", (month(text), month(text)))
    [cell] = [c for c in cells if c["category"] == "Misshandel"]
    return cell


def test_a_real_download_is_a_partial_month_never_evaluated_nor_a_baseline(app, cli):
    ok(cli("area", "add", "city", "Stockholm"))
    ok(cli("import", "crime", str(MARCH_2023)))
    real = json.loads(MARCH_2023.read_text(encoding="utf-8"))
    assert (
        sum(
            1
            for e in real
            if e["location"]["name"] == "Stockholm" and police_category(e["type"]) == "Misshandel"
        )
        == 4
    )
    # Before: 30 assaults a month, every month wholly covered by earlier downloads (2018-01
    # to 2023-02), and again from April 2023 to March 2024.
    history = _months(month("2018-01"), month("2023-02")) + _months(
        month("2023-04"), month("2024-03")
    )
    with app.app_context():
        _counts("city", "Misshandel", dict.fromkeys(history, 30))
        _cover("2018-01-01 00:00", "2023-03-01 00:00")
        _cover("2023-04-01 00:00", "2024-04-01 00:00")
    # March 2023 has only the real download (20-25 March): 4 assaults in 5 days, and no
    # zero for the other categories. Not a month's count: missing.
    series = _run(app, read_series, "city", month("2023-03"), month("2023-03"))
    assert series == {}
    assert _run(app, evaluate, "city", (month("2023-03"), month("2023-03"))) == []
    # Nor is it in March 2024's reference: the 51 months 11 to 61 back, less March 2023.
    cell = _assaults(app, "2024-03")
    assert (cell["count"], cell["k"], cell["expected"]) == (30, 50, 30.0)
    # The rest of March covered by downloads that overlap the real one: the month is full,
    # its 4 assaults a month's count (far below 30, not a deviation), and part of the baseline.
    with app.app_context():
        _cover("2023-03-01 00:00", "2023-03-20 11:00")
        _cover("2023-03-25 09:00", "2023-04-01 00:00")
    march = _assaults(app, "2023-03")
    assert (march["category"], march["count"], march["alarm"]) == ("Misshandel", 4, False)
    cell = _assaults(app, "2024-03")
    assert cell["k"] == 51
    assert cell["expected"] < 30
    series = _run(app, read_series, "city", month("2023-03"), month("2023-03"))
    # Now a full month: the categories the feed counts for the area without an event are 0.
    assert series[("city", "Misshandel")] == {month("2023-03"): 4}
    assert series[("city", "Narkotikabrott")] == {month("2023-03"): 1}


def test_the_coverage_note_tells_full_partial_and_missing_months(app, cli):
    ok(cli("area", "add", "city", "Stockholm"))
    ok(cli("import", "crime", str(MARCH_2023)))
    with app.app_context():
        _cover("2022-12-15 00:00", "2023-02-01 00:00")  # all of January
    note = _run(app, crime_coverage, "city", dt.date(2023, 3, 26))
    assert note["months_full"] == ["2023-01"]
    assert note["months_partial"] == ["2022-12", "2023-03"]
    assert note["months_without_data"] == [f"2022-{m:02d}" for m in range(4, 12)] + ["2023-02"]
    assert [(m["month"], m["status"]) for m in note["sources"]["events"]["months"]] == [
        ("2022-12", "partial"),
        ("2023-01", "full"),
        ("2023-03", "partial"),
    ]
    assert note["sources"]["events"]["gaps"] == ["2023-02"]
    assert note["data_up_to"] == "2023-03-25"
