"""The paper questionnaire speaks to someone holding paper and a pen, not a screen.

The web's texts tell a resident to choose, count characters, or that a browser and an IP
address are not stored; on paper the questionnaire's paper wordings (``paper_intro``,
``paper_hint``) print instead, and the web keeps its own.
"""

from __future__ import annotations

import io
import subprocess
import unicodedata
from importlib import resources
from typing import Any

import pytest
import yaml
from flask import Flask
from flask_babel import force_locale
from pypdf import PdfReader

from survey.questionnaire import Item, Option, Questionnaire, Section, builtin, load_text, text
from survey.reports.paper import write_paper
from survey.reports.paper_items import Writer
from tests.reports.test_paper import COVER
from tests.reports.test_paper_rtl import BIDI_MARKS, _no_lam_alef

#: Words that only make sense on a screen, as the web's texts of version 1 use them.
SCREEN_WORDS = {
    "sv": ["webbläsare", "IP-adress", "Välj", "välj det", "tecken", "måste besvaras"],
    "en": ["browser", "IP address", "Choose", "choose that", "characters", "must be answered"],
    "fi": ["selain", "IP-osoite", "Valitse", "valitse se", "merkkiä", "on vastattava"],
    "so": ["biraawsar", "IP", "Dooro", "dooro taas", "xaraf", "waa in laga jawaabaa"],
    "ar": ["المتصفح", "IP", "اختر", "حرف"],
    "fa": ["مرورگر", "IP", "انتخاب کنید", "نویسه"],
}


def _paper(app: Flask, questionnaire: Questionnaire, lang: str) -> bytes:
    out = io.BytesIO()
    with app.test_request_context():
        write_paper(questionnaire, COVER, out, lang)
    return out.getvalue()


def _words(pdf: bytes, lang: str) -> str:
    if lang in ("ar", "fa"):
        # Shaped script reads back in reading order from pdftotext (NFKC: plain letters).
        done = subprocess.run(  # noqa: S603 (a fixed tool, our own file through a pipe)
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        )
        found = unicodedata.normalize("NFKC", done.stdout.decode())
    else:
        found = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(found.split())


def _paper_texts(questionnaire: Questionnaire, lang: str) -> list[str]:
    texts = [questionnaire.paper_intro]
    texts += [section.paper_hint for section in questionnaire.sections]
    texts += [item.paper_hint for item in questionnaire.items]
    return [" ".join(text(t, lang).split()) for t in texts if t]


@pytest.mark.parametrize("lang", ["sv", "en", "fi", "so", "ar", "fa"])
def test_the_form_says_nothing_that_only_makes_sense_on_a_screen(app, lang):
    found = _words(_paper(app, builtin(1), lang), lang)
    assert [word for word in SCREEN_WORDS[lang] if word in found] == []
    if lang not in ("ar", "fa"):  # joined letters come back in another order: checked above
        for words in _paper_texts(builtin(1), lang):
            assert words in found


def test_the_paper_wording_tells_to_tick_and_drops_the_character_count(app):
    found = _words(_paper(app, builtin(1), "sv"), "sv")
    assert "Kryssa i högst tre." in found
    assert "kryssa i ”Jag undviker platsen då av oro”" in found
    assert "Frågor markerade med * är särskilt viktiga att svara på." in found
    assert "23. Vill du berätta något mer om platsen? Skriv inte namn eller annat" in found


def test_the_web_form_keeps_the_web_s_wording(client):
    page = client.get("/s/brommaplan?lang=sv").get_data(as_text=True)
    assert "Välj högst tre." in page
    assert "Högst 1000 tecken." in page
    assert "Kryssa i högst tre." not in page


def _without_paper_wordings(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_paper_wordings(v) for k, v in value.items() if not k.startswith("paper_")
        }
    if isinstance(value, list):
        return [_without_paper_wordings(v) for v in value]
    return value


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_version_1_recorded_before_the_paper_wordings_prints_them(app, lang):
    # A database keeps the version 1 it recorded when it was set up; its texts are the
    # shipped ones without the paper wordings.
    source = yaml.safe_load(
        resources.files("survey.questionnaire").joinpath("v1.yaml").read_text("utf-8")
    )
    recorded = load_text(yaml.safe_dump(_without_paper_wordings(source), allow_unicode=True))
    assert recorded.paper_intro is None
    assert recorded.item("comment").paper_hint is None
    found = _words(_paper(app, recorded, lang), lang)
    assert [word for word in SCREEN_WORDS[lang] if word in found] == []
    for words in _paper_texts(builtin(1), lang):
        assert words in found


def _item(code: str, kind: str = "multi", **extra: Any) -> Item:
    options = (Option("a", {"sv": "Svar A"}), Option("b", {"sv": "Svar B"}))
    return Item(code, kind, {"sv": f"Fråga {code}"}, options=options, **extra)  # type: ignore[arg-type]


def test_a_new_version_prints_its_own_paper_wording_and_else_its_hint(app):
    items = (
        _item("seen", hint={"sv": "Välj två."}, paper_hint={"sv": "Kryssa i två."}),
        _item("heard", hint={"sv": "Välj allt som passar."}),
        _item("tried", max_choices=2),
        # Version 1's comment reworded: version 1's paper wording no longer fits it.
        Item("comment", "text", {"sv": "Något mer?"}, hint={"sv": "Högst 500 tecken."}),
    )
    section = Section("new", {"sv": "Nya frågor"}, {"sv": "Klicka i listan."}, items)
    questionnaire = Questionnaire(
        version=7, title={"sv": "Prov"}, intro={"sv": "Tryck på Skicka."}, sections=(section,)
    )
    found = _words(_paper(app, questionnaire, "sv"), "sv")
    assert "1. Fråga seen Kryssa i två." in found
    assert "Välj två." not in found
    # Without a paper wording the questionnaire's own words print: nothing is made up.
    assert "2. Fråga heard Välj allt som passar." in found
    assert "3. Fråga tried Kryssa i högst 2." in found
    assert "Något mer? Högst 500 tecken." in found
    assert "Klicka i listan." in found
    assert "Tryck på Skicka." in found


def _plain(words: str, lang: str) -> str:
    """Words to compare: right to left without the letters and marks pdftotext may move."""
    words = " ".join(BIDI_MARKS.sub(" ", unicodedata.normalize("NFKC", words)).split())
    if lang in ("ar", "fa"):
        words = _no_lam_alef(words)
    return " ".join(words.replace(":", " ").split())


@pytest.mark.parametrize("lang", ["sv", "en", "fi", "so", "ar", "fa"])
def test_a_skip_rule_printed_above_a_question_is_not_repeated_by_its_hint(app, lang):
    # Question 20 printed "If you answered “Yes” to question 19:" and, under it, "Answer only
    # if you answered yes to the previous question.": on paper the rule, naming the question.
    found = _plain(_words(_paper(app, builtin(1), lang), lang), lang)
    reported = builtin(1).item("reported")
    with app.test_request_context(), force_locale(lang):
        rule = Writer(builtin(1), lang).condition(reported)
    assert "19" in rule
    assert _plain(rule, lang) in found
    assert _plain(text(reported.hint, lang), lang) not in found


def test_the_web_keeps_the_hint_of_a_question_asked_only_if(client):
    page = client.get("/s/brommaplan?lang=sv").get_data(as_text=True)
    assert "Svara bara om du svarade ja på förra frågan." in page


def test_a_paper_wording_or_an_unstated_rule_keeps_the_hint(app):
    items = (
        _item("seen", "single"),
        _item("told", "single", only_if={"seen": "a"}, hint={"sv": "Svara om du såg det."}),
        _item(
            "kept",
            "single",
            only_if={"seen": "a"},
            hint={"sv": "Webbens ord."},
            paper_hint={"sv": "Kryssa om du såg det."},
        ),
        _item("lost", "single", only_if={"gone": "a"}, hint={"sv": "Svara om du hörde det."}),
    )
    section = Section("new", {"sv": "Nya frågor"}, None, items)
    questionnaire = Questionnaire(version=7, title={"sv": "Prov"}, intro=None, sections=(section,))
    found = _words(_paper(app, questionnaire, "sv"), "sv")
    assert "Om du svarade ”Svar A” på fråga 1: 2. Fråga told Svar A" in found
    assert "Svara om du såg det." not in found
    assert "3. Fråga kept Kryssa om du såg det." in found
    # A rule on a question the form does not ask: its hint says more than the general words.
    assert "4. Fråga lost Svara om du hörde det." in found
