"""The dashboard's deviations part says how far the crime data go, and where they are missing."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from survey.extensions import db
from survey.models import CrimeCount
from survey.models.crime import CrimeCoverage
from tests.common import factories
from tests.common.picture_data import build, month_back
from tests.common.web import local_today

ZONE = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def organizer(auth):
    auth.login("organizer")
    return auth.client


def _cover(source: str, first: dt.date, last: dt.date, area: str | None = "bromma") -> None:
    """A source covered ``first`` to ``last`` (midday to midday) for an area or the country."""
    area_id = factories.find_area(area).id if area else None
    db.session.add(
        CrimeCoverage(
            source=source,
            area_id=area_id,
            starts=dt.datetime.combine(first, dt.time(12, 0), ZONE),
            ends=dt.datetime.combine(last, dt.time(12, 0), ZONE),
            origin="test",
        )
    )
    db.session.commit()


def _deviations_part(client, slug: str = "bromma") -> str:
    html = client.get(f"/organizer/areas/{slug}?lang=en").get_data(as_text=True)
    part = html.split('id="deviations"')[1].split('id="dialogues"')[0]
    # A month or date kept on one line reads as the text around it.
    part = re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", part)
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def test_data_up_to_a_date_and_the_months_without_data(app, organizer):
    with app.app_context():
        build()
        # The CSV covers four years up to two months ago: last month and this one are missing.
        _cover("csv", month_back(48), month_back(1) - dt.timedelta(days=1))
    text = _deviations_part(organizer)
    last_day = (month_back(1) - dt.timedelta(days=1)).isoformat()
    # The date in one piece (a phone broke it after "2026-11-").
    page = organizer.get("/organizer/areas/bromma?lang=en").get_data(as_text=True)
    assert f'Crime data up to <span class="nowrap">{last_day}</span>.' in page
    missing = f"{month_back(1):%Y-%m}, {month_back(0):%Y-%m}"
    assert f"Months without crime data (no deviation can be seen there): {missing}." in text
    # Each month in one piece too ("2026-" at a line's end, "12" on the next).
    spans = ", ".join(
        f'<span class="nowrap">{m:%Y-%m}</span>' for m in (month_back(1), month_back(0))
    )
    assert f"(no deviation can be seen there): {spans}." in page
    assert "No police event for this area" not in text


def test_old_data_ask_for_the_next_table_or_about_the_feed(app, organizer):
    with app.app_context():
        build()
        # Monthly tables up to the end of the month three back: over 45 days old on any day.
        _cover("csv", month_back(48), month_back(2) - dt.timedelta(days=1))
    text = _deviations_part(organizer)
    last_day = (month_back(2) - dt.timedelta(days=1)).isoformat()
    assert f"The newest crime table ends {last_day}: import the next month's table" in text
    assert "event list" not in text


def test_an_old_feed_is_the_one_asked_about(app, organizer):
    with app.app_context():
        build()
        _cover("csv", month_back(48), month_back(2) - dt.timedelta(days=1))
        # A feed fetched until 20 days ago (14 are allowed) is the one to ask about.
        _cover(
            "events",
            local_today() - dt.timedelta(days=27),
            local_today() - dt.timedelta(days=20),
            None,
        )
    text = _deviations_part(organizer)
    assert (
        "The crime data are more than 14 days old: is the police event list still fetched?" in text
    )
    assert "The newest crime table ends" not in text


def test_no_crime_data_is_never_no_deviations(app, organizer):
    text = _deviations_part(organizer, "ekero")
    assert "No crime data yet." in text
    assert "No crime data: deviations cannot be looked for." in text
    assert "No month with full crime data above its expected range." not in text
    assert "Months without crime data" not in text


def test_covered_months_without_a_deviation_say_so(app, organizer):
    with app.app_context():
        factories.crime_counts({month_back(back): 10 for back in range(0, 49)})
        _cover("csv", month_back(48), local_today() - dt.timedelta(days=1))
    text = _deviations_part(organizer)
    assert "No month with full crime data above its expected range." in text
    assert "Months without crime data" not in text
    assert "days old" not in text
    # Covered up to yesterday noon: yesterday's month is partial, named, and not evaluated.
    partial = f"{local_today() - dt.timedelta(days=1):%Y-%m}"
    assert (
        "Months with crime data for only some of their days (not compared, and not used as"
        f" earlier years): {partial}." in text
    )


@pytest.mark.parametrize("up_to", [dt.date(2026, 11, 30), dt.date(2026, 11, 29)])
def test_the_month_begun_today_is_no_gap_when_the_data_reach_yesterday(app, up_to):
    # On 1 December with data up to 30 November nothing is missing; a day less is a gap.
    from analysis.picture import crime_coverage

    with app.app_context():
        _cover("csv", dt.date(2022, 1, 1), up_to)
        with db.engine.connect() as conn:
            found = crime_coverage(conn, "bromma", dt.date(2026, 12, 1))
    assert found["data_up_to"] == up_to.isoformat()
    assert found["months_without_data"] == ([] if up_to.day == 30 else ["2026-12"])


def test_only_partial_months_are_never_no_deviations(app, organizer):
    with app.app_context():
        factories.crime_counts({month_back(back): 10 for back in range(0, 49)}, source="events")
        # One download of the national feed: the last five days, nothing before.
        yesterday = local_today() - dt.timedelta(days=1)
        _cover("events", yesterday - dt.timedelta(days=4), yesterday, area=None)
    text = _deviations_part(organizer)
    days = [yesterday - dt.timedelta(days=back) for back in range(4, -1, -1)]
    partial = ", ".join(sorted({f"{day:%Y-%m}" for day in days}))
    assert (
        f"only some of their days (not compared, and not used as earlier years): {partial}." in text
    )
    assert (
        "No month of the last twelve has crime data for all its days: deviations cannot be"
        " looked for." in text
    )
    assert "No month with full crime data" not in text
    # The area had no event in five days of the feed: not yet stale (14 days).
    assert "No police event for this area" not in text


def test_stale_feed_and_counts_matched_by_text(app, organizer):
    with app.app_context():
        build()
        # Counts of the police events (only those can rest on text matches).
        db.session.execute(update(CrimeCount).values(by_text=True, source="events"))
        # The police feed covered the whole country for 40 days, up to yesterday, and had no
        # event in Bromma: stale (the feed may have changed how it names the place).
        yesterday = local_today() - dt.timedelta(days=1)
        _cover("events", yesterday - dt.timedelta(days=40), yesterday, area=None)
    text = _deviations_part(organizer)
    assert f"Crime data up to {yesterday.isoformat()}." in text  # the date kept whole
    assert "No police event for this area for more than 14 days" in text
    html = organizer.get("/organizer/areas/bromma?lang=en").get_data(as_text=True)
    rows = html.split('id="deviations"')[1].split("</tbody>")[0]
    # The category (stored as Misshandel) in the page's language.
    assert 'Assault <span class="tag">matched by text</span>' in rows


def test_full_months_without_enough_history_are_never_no_deviations(app, organizer):
    with app.app_context():
        # Two months of a new area's crime table, covered whole: no baseline for either.
        factories.crime_counts({month_back(2): 4, month_back(1): 9})
        _cover("csv", month_back(2) - dt.timedelta(days=1), month_back(0))
    text = _deviations_part(organizer)
    assert "Too little earlier crime data to look for deviations" in text
    assert "No month with full crime data above" not in text
    overview = organizer.get("/organizer/areas?lang=en").get_data(as_text=True)
    row = overview.split('href="/organizer/areas/bromma"')[1].split("</tr>")[0]
    assert "No month could be judged" in row
    pdf = organizer.get("/organizer/areas/bromma/report.pdf?lang=en")
    assert pdf.status_code == 200
    words = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages)
    assert "Too little earlier crime data" in " ".join(words.split())
