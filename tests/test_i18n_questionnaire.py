"""Questionnaire texts in any language: no language is mandatory, and the survey page offers
the languages its live questionnaire is written in (here Arabic, right to left)."""

import datetime as dt
import re

import pytest

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
    return re.findall(r'(?:href="[^"]*"|aria-current="true") lang="(\w+)"', nav.group(0))


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


def test_the_survey_switch_offers_only_the_questionnaires_languages(client):
    page = client.get("/s/brommaplan?lang=sv").get_data(as_text=True)
    assert _languages_offered(page) == ["sv", "en", "ar"]  # v1 is in Swedish, English, Arabic
    # Other pages offer every interface language.
    assert _languages_offered(client.get("/integritet").get_data(as_text=True)) == [
        "sv",
        "en",
        "ar",
        "fa",
        "fi",
        "so",
    ]


def test_a_language_the_questionnaire_lacks_shows_swedish_questions_and_says_so(client):
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
