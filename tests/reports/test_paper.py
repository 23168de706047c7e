"""The paper questionnaire PDF: every item and answer in the key-in order, on A4 pages.

Texts whose Swedish comes from the catalog are checked in English (the catalogs are merged
separately); the questionnaire's own texts are checked in Swedish and English.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
import segno
import zxingcpp
from flask import Flask
from flask_babel import force_locale
from pypdf import PdfReader

from survey.extensions import db
from survey.questionnaire import Item, Option, Questionnaire, Section, builtin, text
from survey.questionnaire.conditions import AnyOf, Is, Not
from survey.reports import paper_items
from survey.reports.paper import (
    Cover,
    PaperError,
    find_target,
    form_url,
    scanned_url,
    write_paper,
)
from survey.reports.paper_items import print_runs
from tests.common import factories

URL = "https://trygghet.test/s/brommaplan"
COVER = Cover(
    asked_by="Polisen i Vällingby",
    contact="registrator@polisen.se",
    url=URL,
    area="Bromma",
    place="Brommaplan",
    round_name="Våren 2026",
)
A4 = (595, 842)  # points, rounded


def _flat(words: str) -> str:
    return " ".join(words.split())


def _pages(app: Flask, questionnaire: Questionnaire, lang: str, cover: Cover = COVER) -> list:
    out = io.BytesIO()
    with app.test_request_context():
        write_paper(questionnaire, cover, out, lang)
    return PdfReader(io.BytesIO(out.getvalue())).pages


def _text(pages) -> str:
    return _flat(" ".join(page.extract_text() for page in pages))


def _expected(questionnaire: Questionnaire, lang: str) -> Iterator[str]:
    """Every question and answer text in print order: a grid's answers once, above its rows."""
    numbers = {code: i for i, code in enumerate(questionnaire.codes, start=1)}
    for section in questionnaire.sections:
        yield text(section.title, lang)
        for run in print_runs(section.items):
            if len(run) > 1:
                yield from (text(o.label, lang) for o in run[0].options)
            for item in run:
                yield f"{numbers[item.code]}."
                yield text(item.label, lang)
                if len(run) == 1:
                    yield from (text(o.label, lang) for o in item.options)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_item_and_answer_is_printed_in_the_key_in_order(app, lang):
    questionnaire = builtin(1)
    with app.app_context():
        found = _text(_pages(app, questionnaire, lang))
    at = 0
    for words in _expected(questionnaire, lang):
        place = found.find(_flat(words), at)
        assert place >= 0, f"{words!r} missing after position {at}"
        at = place + len(_flat(words))
    assert len(questionnaire.codes) == 25
    assert "25." in found


def test_scales_of_three_or_more_items_are_grids_and_others_stand_alone():
    runs = [[item.code for item in run] for run in print_runs(builtin(1).items)]
    assert ["safety_day", "safety_afternoon", "safety_evening", "safety_night"] in runs
    problems = [code for code in builtin(1).codes if code.startswith("problem_")]
    assert problems in runs
    assert ["worry"] in runs  # a scale of its own
    assert ["reported"] in runs  # a skip condition keeps an item on its own
    assert ["police_priority"] in runs  # several answers: never a grid


def test_a_grid_prints_its_answers_once_and_a_box_per_item_and_answer(app):
    with app.app_context():
        pages = _pages(app, builtin(1), "en")
    found = _text(pages)
    # "Fairly big problem" is an answer of the 11 problem items only: printed once, as a head.
    assert found.count("Fairly big problem") == 1


def test_every_page_is_a4_with_the_key_in_number_box(app):
    with app.app_context():
        pages = _pages(app, builtin(1), "en")
    assert len(pages) >= 3
    for page in pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4
        words = _flat(page.extract_text())
        assert "Number (we fill this in)" in words
        assert "Safety at this place – Brommaplan" in words


def test_the_first_page_says_where_which_round_and_who_asks(app):
    with app.app_context():
        first = _flat(_pages(app, builtin(1), "en")[0].extract_text())
    assert "Place: Brommaplan (Bromma)" in first
    assert "Survey round: Våren 2026" in first
    assert "The questions are asked by Polisen i Vällingby." in first
    assert URL in first
    assert "Today's date:" in first


def test_the_qr_code_holds_the_web_form_address(app):
    with app.app_context():
        image = _pages(app, builtin(1), "sv")[0].images[0].image.convert("L")
    matrix = segno.make(URL, error="m").matrix
    scale, border = 8, 2  # as drawn: one module is 8 pixels, 2 modules of margin
    assert image.size == ((len(matrix) + 2 * border) * scale,) * 2
    for row, line in enumerate(matrix):
        for column, dark in enumerate(line):
            centre = ((column + border) * scale + 4, (row + border) * scale + 4)
            assert (image.getpixel(centre) < 128) == bool(dark), (row, column)


@pytest.mark.parametrize("lang", ["ar", "so"])
def test_the_qr_code_of_a_form_in_another_language_opens_the_web_form_in_it(app, lang):
    # An Arabic form's code opened the web form in the phone's language.
    with app.app_context():
        pages = _pages(app, builtin(1), lang)
    [found] = zxingcpp.read_barcodes(pages[0].images[0].image.convert("L"))
    assert found.text == f"{URL}?lang={lang}"
    # An area's form leads to the start page, its area in view, in the form's language.
    area = "https://trygghet.test/#area-bromma"
    assert scanned_url(area, lang) == f"https://trygghet.test/?lang={lang}#area-bromma"
    assert scanned_url(area, "sv") == area


def test_a_skip_condition_names_the_answer_and_the_question(app):
    with app.app_context():
        found = _text(_pages(app, builtin(1), "en"))
    victim = builtin(1).codes.index("victim") + 1
    assert f"If you answered “Yes” to question {victim}: {victim + 1}." in found


def _item(code: str, kind: str, options: tuple[Option, ...] = (), **extra) -> Item:
    return Item(
        code, kind, {"sv": f"Fråga {code}", "en": f"Question {code}"}, options=options, **extra
    )  # type: ignore[arg-type]


def _options(*names: str) -> tuple[Option, ...]:
    return tuple(Option(name.lower(), {"sv": name, "en": name}) for name in names)


def _questionnaire(*items: Item) -> Questionnaire:
    section = Section("new", {"sv": "Nya frågor", "en": "New questions"}, None, tuple(items))
    return Questionnaire(version=7, title={"sv": "Prov"}, intro=None, sections=(section,))


def test_types_it_does_not_know_print_as_boxes_or_options_never_fail(app):
    questionnaire = _questionnaire(
        _item("neighbourhood", "home_district"),
        _item("trust", "scale", _options("Low", "Middle", "High")),
        _item("years", "number"),
    )
    with app.app_context():
        pages = _pages(app, questionnaire, "en")
    found = _text(pages)
    for words in ("1. Question neighbourhood", "2. Question trust Low Middle High", "3."):
        assert words in found


def test_a_new_type_slots_in_with_its_own_renderer(app, monkeypatch):
    def stars(writer, pdf, item):
        pdf.cell(0, 6, f"★ ★ ★ ({item.code})", new_x="LMARGIN", new_y="NEXT")

    monkeypatch.setitem(paper_items.RENDERERS, "stars", stars)
    with app.app_context():
        found = _text(_pages(app, _questionnaire(_item("rating", "stars")), "en"))
    assert "1. Question rating ★ ★ ★ (rating)" in found


def test_conditions_on_several_items_and_answers_read_as_one_instruction(app):
    questionnaire = _questionnaire(
        _item("seen", "single", _options("Yes", "No")),
        _item("where", "single", _options("Street", "Park", "Shop")),
        _item("more", "text", max_length=300, only_if={"seen": "yes", "where": ["street", "park"]}),
        _item("odd", "text", max_length=300, only_if={"missing": "yes"}),
    )
    with app.app_context():
        found = _text(_pages(app, questionnaire, "en"))
    assert (
        "If you answered “Yes” to question 1 and you answered “Street” or “Park” to question 2:"
        " 3. Question more"
    ) in found
    assert "Answer this question only if it applies to you. 4. Question odd" in found


def test_an_item_is_never_split_over_two_pages(app):
    many = _options(*(f"Answer {n}" for n in range(1, 9)))
    items = [_item(f"q{n}", "multi", many) for n in range(1, 13)]
    with app.app_context():
        pages = _pages(app, _questionnaire(*items), "en")
    assert len(pages) > 2
    texts = [_flat(page.extract_text()) for page in pages]
    for n in range(1, 13):
        (page,) = [t for t in texts if f"Question q{n} " in t]
        assert page.index(f"Question q{n} ") < page.index("Answer 8", page.index(f"Question q{n} "))


def test_an_area_form_lets_the_resident_tick_the_place(app):
    with app.app_context(), app.test_request_context():
        target = find_target(db.session, dt.date.today(), area="bromma")
        cover = Cover.of(target, "Polisen", "", form_url(target))
        first = _flat(_pages(app, builtin(1), "en", cover)[0].extract_text())
    assert "Area: Bromma" in first
    assert "Which place are your answers about?" in first
    for name in ("Abrahamsberg", "Alvik", "Brommaplan", "Ängbyplan"):
        assert name in first
    assert cover.url.endswith("/#area-bromma")


def test_a_place_form_leads_to_the_place_s_survey_and_its_open_round(app):
    with app.app_context(), app.test_request_context():
        target = find_target(db.session, dt.date.today(), place="brommaplan")
        assert form_url(target).endswith("/s/brommaplan")
        assert target.survey_round is not None
        assert target.survey_round.id == factories.default_round().id
        assert Cover.of(target, "", "", "x").places == ()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ({}, "Choose either a place or an area."),
        ({"place": "brommaplan", "area": "bromma"}, "Choose either a place or an area."),
        ({"place": "nowhere"}, "There is no place “nowhere”."),
        ({"area": "nowhere"}, "There is no area “nowhere”."),
        ({"place": "brommaplan", "round_id": 999}, "There is no survey round 999."),
    ],
)
def test_a_form_for_nothing_known_is_refused_with_a_reason(app, where, message):
    with app.app_context(), force_locale("en"), pytest.raises(PaperError, match=message):
        find_target(db.session, dt.date.today(), **where)


def test_a_retired_place_gets_no_form(app):
    with app.app_context(), force_locale("en"):
        factories.find_place("alvik").retired = True
        db.session.flush()
        with pytest.raises(PaperError, match="Alvik is retired"):
            find_target(db.session, dt.date.today(), place="alvik")
        target = find_target(db.session, dt.date.today(), area="bromma")
        assert "Alvik" not in Cover.of(target, "", "", "x").places
        db.session.rollback()


def test_a_show_if_rule_prints_in_words_and_keeps_its_item_out_of_a_grid(app):
    # show_if (later versions' skip syntax) reads as only_if does, where one sentence can say it.
    scale = _options("Yes", "No")
    either = AnyOf((Is("seen", frozenset({"yes"})), Is("where", frozenset({"park", "street"}))))
    questionnaire = _questionnaire(
        _item("seen", "single", scale),
        _item("where", "single", _options("Street", "Park", "Shop")),
        _item("told", "single", scale, condition=either),
        _item("asked", "single", scale),
        _item("other", "single", scale),
        _item("hidden", "text", max_length=300, condition=Not(Is("seen", frozenset({"no"})))),
    )
    assert [[item.code for item in run] for run in print_runs(questionnaire.items)] == [
        ["seen"],
        ["where"],
        ["told"],  # on the scale of the two after it, but asked only sometimes
        ["asked"],
        ["other"],
        ["hidden"],
    ]
    with app.app_context():
        found = _text(_pages(app, questionnaire, "en"))
    assert (
        "If you answered “Yes” to question 1 or you answered “Street” or “Park” to question 2:"
        " 3. Question told"
    ) in found
    assert "Answer this question only if it applies to you. 6. Question hidden" in found


def test_the_words_joining_a_rule_are_in_the_readers_language(app):
    # "and" and "or" were left in English on the Swedish form.
    questionnaire = _questionnaire(
        _item("seen", "single", _options("Ja", "Nej")),
        _item("where", "single", _options("Gata", "Park", "Butik")),
        _item("more", "text", max_length=300, only_if={"seen": "ja", "where": ["gata", "park"]}),
    )
    with app.app_context():
        found = _text(_pages(app, questionnaire, "sv"))
    assert "Om du svarade ”Ja” på fråga 1 och du svarade ”Gata” eller ”Park” på fråga 2:" in found
