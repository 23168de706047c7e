"""Dates in the reader's language; English as residents in Sweden write it, day first."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from flask import Flask, render_template_string
from pypdf import PdfReader
from sqlalchemy import select

from survey import dates, i18n
from survey.extensions import db
from survey.models import SurveyRound
from survey.questionnaire import builtin
from survey.reports.paper import write_paper
from tests.reports.test_paper import COVER

NEW_YEARS_EVE = dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("sv", "31 december 2026"),
        ("en", "31 December 2026"),  # not Babel's American "December 31, 2026"
        ("fi", "31. joulukuuta 2026"),
        ("so", "31 Diseembar 2026"),  # not CLDR's "Diseembar 31, 2026"
    ],
)
def test_a_day_in_a_sentence(app: Flask, lang: str, expected: str) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        assert i18n.long_date(NEW_YEARS_EVE) == expected
        assert i18n.long_date("2026-12-31T23:00:00") == expected


def test_english_short_and_medium_dates_and_times_are_day_first_on_a_24_hour_clock(app):
    moment = dt.datetime(2026, 12, 31, 16, 49, tzinfo=dt.UTC)
    source = "{{ format_date(day, 'short') }} | {{ format_date(day) }} | {{ format_datetime(at) }}"
    with app.test_request_context("/?lang=en"):
        shown = render_template_string(source, day=NEW_YEARS_EVE, at=moment)
        assert dates.format_time(moment, "HH:mm") == "16:49"
        assert dates.month_year(NEW_YEARS_EVE, "en") == "December 2026"
    assert shown == "31/12/2026 | 31 Dec 2026 | 31 Dec 2026, 16:49:00"
    with app.test_request_context("/?lang=sv"):
        assert render_template_string(source, day=NEW_YEARS_EVE, at=moment) == (
            "2026-12-31 | 31 dec. 2026 | 31 dec. 2026 16:49:00"
        )


def test_english_numbers_stay_as_they_were(app):
    # The day-first locale is for dates only: numbers keep English's "12,345.5" and "54%".
    with app.test_request_context("/?lang=en"):
        assert i18n.format_decimal(12345.5, "#,##0.0") == "12,345.5"
        assert i18n.percent(0.54) == "54%"
    assert dates.date_locale("en").territory == "GB"
    assert str(dates.date_locale("ar")) == "ar"


def test_the_english_paper_form_gives_the_last_day_day_first(app):
    cover = dataclasses.replace(COVER, returns_by=NEW_YEARS_EVE)
    out = io.BytesIO()
    with app.test_request_context():
        write_paper(builtin(1), cover, out, "en")
    first = " ".join(PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text().split())
    assert "Hand in the form by 31 December 2026 at the latest." in first


def test_the_english_rounds_page_lists_days_day_first(app, client, auth):
    with app.app_context():
        for survey_round in db.session.scalars(select(SurveyRound)):
            survey_round.opens_on, survey_round.closes_on = dt.date(2026, 9, 1), NEW_YEARS_EVE
        db.session.commit()
    auth.login("organizer")
    page = client.get("/organizer/rounds?lang=en").get_data(as_text=True)
    assert "<td>01/09/2026</td>" in page
    assert "<td>31/12/2026</td>" in page
    assert "12/31/26" not in page
