"""The HTML report warns of old or silent crime data as the dashboard and the PDF do."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

from analysis.survey import Filters
from survey.extensions import db
from survey.reports.pictures import build_pictures
from survey.reports.writers import write_pictures
from tests.common import factories
from tests.common.picture_data import build, month_back
from tests.common.web import local_today
from tests.reports.test_pdf_coverage import _cover


def _deviations(app, slug: str = "bromma") -> str:
    with app.test_request_context("/?lang=en"):
        with db.engine.connect() as conn:
            pictures = build_pictures(conn, [slug], Filters(), 10, locale="en")
        out = io.StringIO()
        write_pictures(pictures, "html", out, "en")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", out.getvalue())).split())
    return text.split("Deviations in crime")[1].split("What dialogues raised")[0]


def test_html_report_says_the_crime_data_are_old(app):
    # The HTML report said "Crime data up to ..." with no word that it was months ago.
    with app.app_context():
        build()
        # Monthly tables up to the end of the month three back: over 45 days old on any day.
        _cover("csv", month_back(48), month_back(2) - dt.timedelta(days=1))
    part = _deviations(app)
    last_day = (month_back(2) - dt.timedelta(days=1)).isoformat()
    # Only monthly tables: it asks for the next one, not about the event list.
    assert f"The newest crime table ends {last_day}: import the next month's table" in part
    assert "event list" not in part


def test_html_report_says_the_feed_is_silent_for_the_area(app):
    with app.app_context():
        factories.crime_counts({month_back(back): 10 for back in range(0, 49)})
        yesterday = local_today() - dt.timedelta(days=1)
        _cover("csv", month_back(48), yesterday)
        _cover("events", yesterday - dt.timedelta(days=40), yesterday, area=None)
    part = _deviations(app)
    assert "No police event for this area for more than 14 days" in part


def test_html_report_without_crime_data_says_so_once(app):
    part = _deviations(app, "ekero")
    assert part.count("No crime data") == 1
    assert "more than 14 days old" not in part
