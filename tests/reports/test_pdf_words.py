"""The PDF report's words and numbers: the reader's number style, quotes, layout, file name.

Texts whose Swedish comes from the catalog are checked in English (the catalogs are merged
separately); Swedish is checked where the number style alone decides (Babel's locale data).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from flask import Flask
from pypdf import PdfReader

from analysis.survey import Filters
from survey import labels
from survey.extensions import db
from survey.reports.html import render_html
from survey.reports.pictures import build_pictures
from survey.reports.writers import report_filename, write_pictures
from tests.common.picture_data import build

NBSP = "\u00a0"
QUOTE = "Berusade personer vid bussarna på kvällen."


@pytest.fixture
def pictures(app: Flask):
    """The picture test area (Brommaplan 12 answers, a quote, a promise), in each language."""
    with app.app_context():
        build()

    def make(lang: str) -> list[dict]:
        with db.engine.connect() as conn:
            return build_pictures(conn, ["bromma"], Filters(), 10, locale=lang)

    return make


def _pdf(app: Flask, pictures, lang: str) -> list[str]:
    with app.test_request_context(f"/?lang={lang}"):
        out = io.BytesIO()
        write_pictures(pictures(lang), "pdf", out, lang)
    # pypdf reads the no-break space between a number and its % sign as a plain space.
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    return [page.extract_text().replace(NBSP, " ") for page in pages]


def test_english_pdf_writes_numbers_and_quotes_the_english_way(app, pictures):
    text = "\n".join(_pdf(app, pictures, "en"))
    assert "73% (43–90)" in text  # 8 of 11 unsafe in the evening, no space before %
    assert " %" not in text.replace("95 %", "")  # never the Swedish style
    assert f"“{QUOTE}”" in text  # a resident's words keep their quotation marks
    assert "(n = " not in text


def test_swedish_pdf_writes_numbers_the_swedish_way(app, pictures):
    text = "\n".join(_pdf(app, pictures, "sv"))
    assert "73 % (43–90)" in text
    assert "73% " not in text
    weights = [line for line in text.splitlines() if "0,5 ×" in line]
    assert weights, "the priority weights with a decimal comma"
    assert "0.5 ×" not in text
    assert QUOTE in text


def test_no_page_is_a_lone_chart_or_a_stub(app, pictures):
    """Every page carries text beyond its footer: no page holds only a chart or a heading."""
    for lang in ("sv", "en"):
        pages = _pdf(app, pictures, lang)
        for number, page in enumerate(pages, start=1):
            lines = [line for line in page.splitlines() if line.strip()]
            assert len(lines) > 8, f"{lang} page {number}: {lines}"


def test_first_page_holds_the_key_figures_and_every_problem(app, pictures):
    first = _pdf(app, pictures, "en")[0]
    assert "Key figures for the whole area" in first
    assert "The biggest problems" in first
    assert "What residents want the police to prioritise" in first
    with app.test_request_context("/?lang=en"):
        names = labels.survey_problems("en").values()
    missing = [name for name in names if name not in first.replace("\n", " ")]
    assert missing == []  # every problem, not a top few


def test_report_file_name_in_its_language(app):
    day = dt.date(2026, 11, 29)
    with app.test_request_context("/?lang=sv"):
        assert report_filename("bromma", day, "en") == "trygghet-report-bromma-2026-11-29.pdf"


def test_html_report_uses_the_number_filters_and_quotes(app, pictures):
    with app.test_request_context("/?lang=en"):
        english = render_html(pictures("en"), "en")
    with app.test_request_context("/?lang=sv"):
        swedish = render_html(pictures("sv"), "sv")
    assert "73%" in english
    assert f"“{QUOTE}”" in english
    assert f"73{NBSP}%" in swedish
    assert "0,5" in swedish or "0,50" in swedish


def test_english_reports_say_when_they_were_made_day_first(app, pictures):
    with app.app_context():
        english = pictures("en")
    day = dt.date.fromisoformat(english[0]["generated_at"][:10])
    made = f"{day.day} {day:%B} {day.year}"  # "29 November 2026", not "November 29, 2026"
    assert f"Compiled {made} from" in " ".join("\n".join(_pdf(app, pictures, "en")).split())
    with app.test_request_context("/?lang=en"):
        assert f"Made {made} from" in render_html(english, "en")
