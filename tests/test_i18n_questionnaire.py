"""Questionnaire texts in any language: no language is mandatory, and the survey page offers
the languages its live questionnaire is written in (here Arabic, right to left)."""

import datetime as dt
import re
from pathlib import Path

import pytest

import survey
from survey.extensions import db
from survey.models import QuestionnaireVersion
from survey.questionnaire import QuestionnaireError, builtin, load_text, text
from tests.common.web import stored_responses, submit

#: A live version 2 in Swedish, English and Arabic (the Arabic is a draft, not reviewed).
ARABIC_V2 = """
version: 2
title: {sv: Trygghet på platsen, en: Safety at this place, ar: الأمان في هذا المكان}
intro:
  sv: Det tar en minut. Du är anonym.
  en: It takes a minute. You are anonymous.
  ar: يستغرق ذلك دقيقة واحدة. هويتك مجهولة.
sections:
  - key: you
    title: {sv: Du och platsen, en: You and this place, ar: أنت والمكان}
    items:
      - code: relation
        type: single
        required: true
        label:
          sv: Vilken är din koppling till platsen?
          en: What is your connection to this place?
          ar: ما علاقتك بهذا المكان؟
        options:
          - {value: live, label: {sv: Jag bor här, en: I live here, ar: أسكن هنا}}
          - value: visit
            label: {sv: Jag besöker platsen, en: I visit this place, ar: أزور هذا المكان}
  - key: safety
    title: {sv: Trygghet på kvällen, en: Safety in the evening, ar: الأمان في المساء}
    items:
      - code: safety_evening
        type: single
        required: true
        label:
          sv: Hur trygg känner du dig här på kvällen (kl. 18–22)?
          en: How safe do you feel here in the evening (18–22)?
          ar: ما مدى شعورك بالأمان هنا في المساء (18–22)؟
        options:
          - {value: "1", label: {sv: Mycket trygg, en: Very safe, ar: آمن جدًا}}
          - {value: "2", label: {sv: Ganska trygg, en: Fairly safe, ar: آمن إلى حد ما}}
          - {value: "3", label: {sv: Ganska otrygg, en: Fairly unsafe, ar: غير آمن إلى حد ما}}
          - {value: "4", label: {sv: Mycket otrygg, en: Very unsafe, ar: غير آمن جدًا}}
      - code: comment
        type: text
        max_length: 1000
        label:
          sv: Vill du berätta något mer?
          en: Anything else you want to tell us?
          ar: هل تريد أن تخبرنا بشيء آخر؟
"""


def make_arabic_live(app) -> None:
    """Record ARABIC_V2 as the live questionnaire version."""
    with app.app_context():
        db.session.add(
            QuestionnaireVersion(
                version=2,
                definition=ARABIC_V2,
                status="live",
                uploaded_by="test",
                live_since=dt.datetime.now(dt.UTC),
            )
        )
        db.session.commit()


def _languages_offered(page: str) -> list[str]:
    nav = re.search(r'<nav class="languages".*?</nav>', page, re.S)
    assert nav
    # Links, or buttons of the survey form on a survey page (what was filled in goes along).
    return re.findall(
        r'(?:href="[^"]*"|aria-current="true"|class="link-button") lang="(\w+)"', nav.group(0)
    )


def test_a_questionnaire_without_swedish_is_accepted_and_falls_back_to_its_first_language():
    # No Swedish anywhere: every "sv: ..." entry removed.
    source = re.sub(r"\n +sv: [^\n]*", "", ARABIC_V2)
    source = re.sub(r"sv: [^,]*, ", "", source)
    assert "sv:" not in source
    questionnaire = load_text(source, catalogue=builtin(1))
    assert set(questionnaire.title) == {"en", "ar"}
    assert text(questionnaire.title, "ar") == "الأمان في هذا المكان"
    assert text(questionnaire.title, "fi") == "Safety at this place"  # en came first
    assert text({"ar": "مرحبا", "en": "Hello"}, "so") == "مرحبا"
    assert text({"ar": "مرحبا", "sv": "Hej"}, "so") == "Hej"  # Swedish still wins if present


@pytest.mark.parametrize("title", [{}, {"en": ""}, {"en": "  "}])
def test_a_text_needs_at_least_one_language_with_words(title):
    source = ARABIC_V2.replace(
        "title: {sv: Trygghet på platsen, en: Safety at this place, ar: الأمان في هذا المكان}",
        f"title: {title!r}",
    )
    with pytest.raises(QuestionnaireError, match="title: must map language codes"):
        load_text(source, catalogue=builtin(1))


def test_the_survey_switch_offers_only_the_questionnaires_languages(app, client):
    make_arabic_live(app)
    page = client.get("/s/brommaplan?lang=sv").get_data(as_text=True)
    assert _languages_offered(page) == ["sv", "en", "ar"]  # v2 is in Swedish, English, Arabic
    # Other pages offer every interface language.
    assert _languages_offered(client.get("/integritet").get_data(as_text=True)) == [
        "sv",
        "en",
        "ar",
        "fa",
        "fi",
        "so",
    ]


def test_a_language_the_questionnaire_lacks_shows_swedish_questions_and_says_so(app, client):
    make_arabic_live(app)
    page = client.get("/s/brommaplan?lang=fi").get_data(as_text=True)
    assert '<html lang="fi">' in page  # left to right, the default
    assert "Vilken är din koppling till platsen?" in page  # the question, in Swedish
    assert 'class="notice notice-language"' in page
    assert _languages_offered(page) == ["sv", "en", "ar", "fi"]  # the current one stays visible


def test_residents_answer_a_live_arabic_questionnaire_right_to_left(app, client):
    make_arabic_live(app)
    page = client.get("/s/brommaplan?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert _languages_offered(page) == ["sv", "en", "ar"]
    assert "ما علاقتك بهذا المكان؟" in page
    assert "أسكن هنا" in page
    assert "notice-language" not in page  # interface and questions both in Arabic
    response = submit(client, "brommaplan", {"relation": "live", "safety_evening": "3"})
    assert response.status_code == 303
    [stored] = stored_responses(app)
    assert (stored.questionnaire_version, stored.relation, stored.safety_evening) == (
        2,
        "live",
        "3",
    )
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in thanks
    assert "شكرًا على إجاباتك" in thanks


#: A question of version 1 in each language its texts were drafted in without a translator.
DRAFTED = {
    "fa": ("ارتباط شما با این مکان چیست؟", "اینجا زندگی می‌کنم", "rtl"),
    "so": ("Maxay tahay xiriirka aad la leedahay goobtan?", "Halkan ayaan ku noolahay", "ltr"),
    "fi": ("Mikä on suhteesi tähän paikkaan?", "Asun täällä", "ltr"),
}


@pytest.mark.parametrize("lang", ["fa", "so", "fi"])
def test_residents_read_the_default_questionnaire_in_persian_somali_and_finnish(client, lang):
    question, answer, direction = DRAFTED[lang]
    page = client.get(f"/s/brommaplan?lang={lang}").get_data(as_text=True)
    assert (f'<html lang="{lang}" dir="rtl">' in page) is (direction == "rtl")
    assert question in page
    assert answer in page
    assert "Vilken är din koppling till platsen?" not in page
    assert _languages_offered(page) == ["sv", "en", "ar", "fa", "fi", "so"]


def test_every_default_text_is_in_six_languages_and_the_drafts_are_marked_unreviewed():
    questionnaire = builtin(1)
    texts = [questionnaire.title, questionnaire.intro, questionnaire.paper_intro]
    for section in questionnaire.sections:
        texts += [section.title, section.hint, section.paper_hint]
        for item in section.items:
            options = (option.label for option in item.options)
            texts += [item.label, item.hint, item.paper_hint, *options]
    texts = [t for t in texts if t]
    assert len(texts) > 80
    for found in texts:
        assert set(found) == {"sv", "en", "ar", "fa", "so", "fi"}, found
        assert all(found[lang].strip() for lang in found)
    # A draft is marked "# unreviewed" (its language's line) or "# unreviewed: fa, so" (a line
    # of several languages); a mark names only languages the line has.
    source = (Path(survey.__file__).parent / "questionnaire" / "v1.yaml").read_text("utf-8")
    left = dict.fromkeys(("ar", "fa", "so", "fi"), 0)
    for number, line in enumerate(source.splitlines(), start=1):
        mark = re.search(r"# unreviewed(?::\s*([a-z, ]+))?$", line)
        if not mark:
            continue
        own = re.match(r"\s*([a-z]{2}): ", line)
        marked = mark.group(1).replace(" ", "").split(",") if mark.group(1) else [own.group(1)]
        for lang in marked:
            assert re.search(rf"(^|[ {{]){lang}: ", line), f"v1.yaml line {number}: no {lang} text"
            left[lang] += 1
    print("unreviewed questionnaire lines:", left)
    assert sum(left.values()) <= 3 * len(texts)
