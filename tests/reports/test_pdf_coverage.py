"""The PDF report says how far the crime data go, where they are missing, and the mapping used."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from analysis.survey import Filters
from survey.extensions import db
from survey.models import CategoryOverride
from survey.models.crime import CrimeCoverage
from survey.reports.pictures import build_pictures
from survey.reports.writers import write_pictures
from tests.common import factories
from tests.common.picture_data import build, month_back
from tests.common.web import local_today

ZONE = ZoneInfo("Europe/Stockholm")


def _cover(source: str, first: dt.date, last: dt.date, area: str | None = "bromma") -> None:
    db.session.add(
        CrimeCoverage(
            source=source,
            area_id=factories.find_area(area).id if area else None,
            starts=dt.datetime.combine(first, dt.time(12, 0), ZONE),
            ends=dt.datetime.combine(last, dt.time(12, 0), ZONE),
            origin="test",
        )
    )
    db.session.commit()


def _pdf_text(app, slug: str = "bromma") -> str:
    """The English report's text, white space collapsed (lines wrap anywhere)."""
    with app.test_request_context("/?lang=en"):
        with db.engine.connect() as conn:
            pictures = build_pictures(conn, [slug], Filters(), 10, locale="en")
        out = io.BytesIO()
        write_pictures(pictures, "pdf", out, "en")
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _deviations(text: str) -> str:
    return text.split("Deviations in crime")[1].split("What dialogues raised")[0]


def test_pdf_says_data_up_to_and_the_months_without_data(app):
    with app.app_context():
        build()
        # Monthly tables up to the end of the month three back: over 45 days old on any day.
        _cover("csv", month_back(48), month_back(2) - dt.timedelta(days=1))
    part = _deviations(_pdf_text(app))
    last_day = (month_back(2) - dt.timedelta(days=1)).isoformat()
    assert f"Crime data up to {last_day}." in part
    assert f"The newest crime table ends {last_day}: import the next month's table" in part
    assert "event list" not in part
    missing = f"{month_back(2):%Y-%m}, {month_back(1):%Y-%m}, {month_back(0):%Y-%m}"
    assert f"Months without crime data (no deviation can be seen there): {missing}." in part


def test_pdf_without_crime_data_never_says_no_deviations(app):
    part = _deviations(_pdf_text(app, "ekero"))
    assert "No crime data: deviations cannot be looked for." in part
    assert "No month with full crime data above its expected range." not in part
    assert "Crime data up to" not in part


def test_pdf_covered_months_without_deviation_and_a_stale_feed(app):
    with app.app_context():
        factories.crime_counts({month_back(back): 10 for back in range(0, 49)})
        yesterday = local_today() - dt.timedelta(days=1)
        _cover("csv", month_back(48), yesterday)
        _cover("events", yesterday - dt.timedelta(days=40), yesterday, area=None)
    part = _deviations(_pdf_text(app))
    assert (
        "No month with full crime data had clearly more reported crimes than earlier years"
        " lead one to expect." in part
    )
    assert "No police event for this area for more than 14 days" in part
    assert "Months without crime data" not in part
    partial = f"{yesterday:%Y-%m}"
    assert (
        "Months with crime data for only some of their days (not compared, and not used as"
        f" earlier years): {partial}." in part
    )


def test_pdf_with_only_partial_months_never_says_no_deviations(app):
    with app.app_context():
        factories.crime_counts({month_back(back): 10 for back in range(0, 49)}, source="events")
        yesterday = local_today() - dt.timedelta(days=1)
        _cover("events", yesterday - dt.timedelta(days=4), yesterday, area=None)
    part = _deviations(_pdf_text(app))
    assert "only some of their days" in part
    assert (
        "No month of the last twelve has crime data for all its days: deviations cannot be"
        " looked for." in part
    )
    assert "No month with full crime data" not in part


def test_method_page_lists_the_mapping_with_the_admins_changes(app):
    with app.app_context():
        db.session.add(
            CategoryOverride(source="police", name="Brand", key="brand", category="Mordbrand")
        )
        db.session.commit()
    text = _pdf_text(app)
    method = text.split("How the figures are made")[1]
    # The category in the report's language, the police's event types as they publish them.
    assert "Robbery (Rån, Rån väpnat, Rån övrigt, Rån, försök)" in method
    assert "Arson (Brand, Mordbrand)" in method
    assert "kept with the events for context only" in method


def _html_text(app, slug: str) -> str:
    with app.test_request_context("/?lang=en"):
        with db.engine.connect() as conn:
            pictures = build_pictures(conn, [slug], Filters(), 10, locale="en")
        out = io.StringIO()
        write_pictures(pictures, "html", out, "en")
    text = re.sub(r"<[^>]+>", " ", out.getvalue())
    return " ".join(text.split()).split("Deviations in crime")[1].split("What dialogues raised")[0]


def test_html_report_tells_no_data_from_no_deviations(app):
    assert "No crime data: deviations cannot be looked for." in _html_text(app, "ekero")
    with app.app_context():
        factories.crime_counts({month_back(back): 10 for back in range(0, 49)})
        _cover("csv", month_back(48), local_today() - dt.timedelta(days=1))
    part = _html_text(app, "bromma")
    assert "No month with full crime data above its expected range." in part
    yesterday = local_today() - dt.timedelta(days=1)
    assert f"(not compared, and not used as earlier years): {yesterday:%Y-%m}." in part
