"""The PDF report is an organizer's working document: it says so, hides what it must, and
says a promise's result in the public page's plain words.

Texts are checked in English (the catalogs are merged separately).
"""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from pypdf import PdfReader

from analysis.survey import Filters
from survey import i18n
from survey.extensions import db
from survey.reports.pictures import build_pictures
from survey.reports.writers import write_pictures
from tests.common import factories
from tests.common.pdf import report_pages
from tests.common.picture_data import build

NBSP = "\u00a0"
MINUS = "\u2212"
INTERNAL = "Internal working document – not for distribution"
QUOTE = "Berusade personer vid bussarna på kvällen."
TYPED = "Mörkt i gångtunneln."


def _two_rounds() -> None:
    """A promise whose evening share fell from 50 % to 35 %: too little to be sure of."""
    before, after = factories.rounds_before_and_after()
    factories.answers("brommaplan", before, 10, safety_evening="3")
    factories.answers("brommaplan", before, 10, safety_evening="1")
    factories.answers("brommaplan", after, 7, safety_evening="4")
    factories.answers("brommaplan", after, 13, safety_evening="2")
    # Five night answers after: too few, so neither the share nor its count is printed.
    factories.answers("brommaplan", after, 5, safety_night="4")
    factories.answers("brommaplan", before, 12, safety_night="1")
    factories.promise(
        title="Kvällarna vid Brommaplan",
        rounds=(before, after),
        indicators=[
            {"kind": "unsafe_share", "time": "evening"},
            {"kind": "unsafe_share", "time": "night"},
        ],
    )


@pytest.fixture
def report(app: Flask):
    """The report's pages as text, in the language asked for (the request's may differ)."""
    with app.app_context():
        build()
        _two_rounds()
        db.session.commit()

    def make(lang: str, request_lang: str | None = None) -> list[str]:
        pages = report_pages(app, lang, request_lang=request_lang)
        return [text.replace(NBSP, " ") for text in pages]

    return make


def _flat(pages: list[str]) -> str:
    return " ".join(" ".join(pages).split())


def test_one_answer_in_a_new_round_gives_a_sentence_not_a_table_of_dashes(app: Flask):
    with app.app_context():
        before, after = factories.rounds_before_and_after(areas=["bromma"])
        factories.answers("brommaplan", before, 20, safety_evening="1")
        factories.answers("alvik", before, 20, safety_evening="4")
        factories.answers("brommaplan", after, 1, safety_evening="4")
        db.session.commit()
        with app.test_request_context("/?lang=en"), db.engine.connect() as conn:
            pictures = build_pictures(conn, ["bromma"], Filters(), 10, locale="en")
            out = io.BytesIO()
            write_pictures(pictures, "pdf", out, "en")
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    text = _flat([page.extract_text().replace(NBSP, " ") for page in pages])
    section = text.split("Change since the previous round", 1)[1].split("Priorities", 1)[0]
    assert "Too few answers so far in one of the rounds to compare any figure." in section
    assert "Brommaplan" not in section
    assert "– – – –" not in section


def test_every_page_says_it_is_internal_and_the_intro_names_the_public_page(report):
    pages = report("en")
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert INTERNAL in page, f"page {number}"
    first = " ".join(pages[0].split())
    assert "Do not hand it out or show it at a meeting." in first
    assert "http://trygghet.test/uppfoljning/bromma" in first


def test_a_hidden_place_shows_no_count_of_answers(report):
    text = "\n".join(report("en"))
    alvik = next(line for line in text.splitlines() if line.startswith("Alvik"))
    assert alvik.split()[1] == "–"  # 3 answers: hidden, and so is their number
    assert "too few answers" in alvik
    assert re.search(r"\b3\b", alvik) is None
    brommaplan = next(line for line in text.splitlines() if line.startswith("Brommaplan "))
    assert brommaplan.split()[1].isdigit()  # a place that is shown keeps its count


def test_follow_up_says_the_size_and_no_confirmed_change_in_plain_words(report):
    text = _flat(report("en"))
    promise = text.split("Kvällarna vid Brommaplan")[1]
    assert "From 50% to 35%: the change is within the uncertainty." in promise
    assert "Follow-up: No confirmed change." in promise
    for jargon in ("Unchanged", "95% interval", "Change (95", "(-", "to 0)"):
        assert jargon not in text.split("How the figures are made")[0], jargon
    # The night after rests on 5 answers: "too few answers", without saying how many.
    assert "(5 answers)" not in text
    assert "5 answers" not in promise


def test_intro_and_crime_section_use_plain_words(report):
    text = _flat(report("en"))
    before_method = text.split("How the figures are made")[0]
    assert "margin of error" in before_method
    assert "interval" not in before_method
    assert "expected range" not in text


def test_no_percentage_has_decimals_and_no_number_a_hyphen_for_minus(report):
    for lang in ("sv", "en"):
        text = _flat(report(lang))
        assert re.search(r"\d[.,]\d+ ?%", text) is None, lang
        assert re.search(r"(?<![\w–-])-\d", text) is None, lang


def test_english_report_sets_english_quotes_even_around_typed_swedish_ones(app, report):
    with app.app_context():
        plan = factories.find_place("brommaplan")
        issue = factories.issue("lighting", place=plan, times="night", quote=f"”{TYPED}”")
        factories.dialogue("bromma", plan, issues=[issue])
        db.session.commit()
    text = _flat(report("en", request_lang="sv"))
    assert f"“{QUOTE}”" in text
    assert f"“{TYPED}”" in text  # the organizer's own marks give way to the language's
    assert "”" + QUOTE not in text
    assert "”" + TYPED not in text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_numbers_use_the_minus_sign_in_every_language(app, lang):
    with app.test_request_context(f"/?lang={lang}"):
        assert i18n.format_decimal(-1.25, "0.00").startswith(MINUS)
        assert i18n.points(-0.156) == f"{MINUS}16"
        assert i18n.percent(-0.05).startswith(MINUS)
        assert i18n.points(-0.001) == "0"  # rounded to nothing: no sign at all


def test_exports_page_calls_the_report_internal(client, auth):
    auth.login("organizer")
    page = client.get("/organizer/export?lang=en").get_data(as_text=True)
    assert "internal working material" in page
    assert "not for handing out or showing at a meeting" in page
    assert "show at a dialogue meeting" not in page


def test_the_change_since_the_previous_round_is_in_the_report(report):
    text = _flat(report("en"))
    section = text.split("Change since the previous round", 1)[1].split("Priorities", 1)[0]
    # The picture of all answers compares the newest round with answers and the one before.
    assert "Share who feel unsafe in Våren 2026 and in Ongoing safety survey." in section
    assert "Brommaplan – – 35% → 73%, confirmed rise –" in section
    # The whole area's evening moved less: shown, not called confirmed.
    assert "Whole area – – 35% → 46% –" in section
    # Places without answers in one of the rounds: dashes, never a share.
    assert "Alvik – – – –" in section
    assert "interval" not in section
